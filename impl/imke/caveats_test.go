package imke

import (
	"bytes"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// TestWrongF2Disconnects: a client that gets a wrong f2(P_A) disconnects
// (paper §4.1 step 3); bob's session goes on.
func TestWrongF2Disconnects(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			w := newWorld(t, "modern", v)
			w.do(harness.Action{Party: "bob", Verb: harness.Login})
			a := w.client("alice")
			w.act(loginAlice) // a1 not delivered: a fake server answers
			ctx := suite.NewCtx(a.cfg.Suite, suite.NewRand([]byte("attacker"), "x"))
			enc, err := ctx.Encrypt(a.kr.Public(), labelEncRS, bytes.Repeat([]byte{7}, 32))
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := ctx.Seal(a.kas, labelSealA2, functions{ctx}.f2([]byte("not the password")), a.a1Binding()...)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := (&LoginChallenge{Suite: a.suiteID(), EncryptedChallenge: enc, SealedProof: sealed}).Marshal()
			out, err := w.deliverAs("alice", "S", b)
			if role.ClassOf(err) != role.AuthFailed {
				t.Fatalf("got %v, want auth_failed", err)
			}
			if len(out.Events) != 1 || out.Events[0].Kind != role.Disconnected || len(out.Messages) != 0 {
				t.Fatalf("want one Disconnected event and no a3, got %+v", out)
			}
			if a.kas != nil || a.kr != nil {
				t.Error("K_AS or KR_A kept after disconnect")
			}
			// The disconnected session refuses everything, even the real a2.
			if _, err := w.deliverAs("alice", "S", b); role.ClassOf(err) != role.UnexpectedMessage {
				t.Errorf("after disconnect: %v", err)
			}
			// Other sessions go on; alice may log in again.
			w.do(harness.Action{Party: "bob", Verb: harness.Send, Peer: "S", Body: []byte("still here")})
			w.do(loginAlice)
			if !a.LoggedIn() {
				t.Error("alice cannot log in again")
			}
		})
	}
}

// TestWrongF3Disconnects: a server that gets a wrong f3(R_S) disconnects
// (paper §4.1 step 4); bob's session goes on.
func TestWrongF3Disconnects(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			w := newWorld(t, "modern", v)
			w.do(harness.Action{Party: "bob", Verb: harness.Login})
			out := w.act(loginAlice)
			a2, err := w.deliver(out.Messages[0])
			if err != nil {
				t.Fatal(err)
			}
			a3, err := w.deliver(a2.Messages[0])
			if err != nil {
				t.Fatal(err)
			}
			res, err := w.deliverAs("S", "alice", flip(a3.Messages[0].Bytes, 0))
			if role.ClassOf(err) != role.AuthFailed || len(res.Events) != 1 || res.Events[0].Kind != role.Disconnected {
				t.Fatalf("got %v %+v, want auth_failed and Disconnected", err, res)
			}
			if _, err := w.deliver(a3.Messages[0]); role.ClassOf(err) != role.UnexpectedMessage {
				t.Errorf("genuine a3 after disconnect: %v", err)
			}
			if w.server().pending["alice"] != nil || w.server().sessions["alice"] != nil {
				t.Error("login attempt kept after disconnect")
			}
			w.do(harness.Action{Party: "S", Verb: harness.Send, Peer: "bob", Body: []byte("still here")})
		})
	}
}

// TestWrongF1Disconnects: the server disconnects a client whose f1(P_A)
// is wrong; nothing goes back.
func TestWrongF1Disconnects(t *testing.T) {
	w := newWorld(t, "modern", AsPublished)
	w.client("alice").cfg.Password = []byte("guess")
	out := w.act(loginAlice)
	res, err := w.deliver(out.Messages[0])
	if role.ClassOf(err) != role.AuthFailed || len(res.Messages) != 0 || res.Events[0].Kind != role.Disconnected {
		t.Fatalf("got %v %+v", err, res)
	}
}

// TestSecretsWiped: K_AS, R_S, R_A, R_B and K_AB are gone once used.
func TestSecretsWiped(t *testing.T) {
	w := newWorld(t, "modern", Hardened)
	connected(w)
	a, b := w.client("alice"), w.client("bob")
	if a.kas != nil || b.kas != nil {
		t.Error("K_AS kept after login")
	}
	if len(w.server().pending) != 0 {
		t.Error("server kept a login attempt")
	}
	for _, ss := range w.server().sessions {
		if ss.kas != nil || ss.rs != nil {
			t.Error("server kept K_AS or R_S")
		}
	}
	if a.peers["bob"].hs != nil || b.peers["alice"].hs != nil {
		t.Error("K_AB, R_A or R_B kept after c3")
	}
}

// TestUnknownKeyShare: a dishonest user eve relays alice's c1 and c3 to
// bob as her own and re-encrypts bob's R_B for alice. As published, alice
// believes she shares K_AB with bob while bob believes he shares it with
// eve; hardened, bob rejects c1 (wrong identity).
func TestUnknownKeyShare(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			w := newWorld(t, "modern", v, "alice", "bob", "eve")
			w.do(loginAlice)
			w.do(harness.Action{Party: "bob", Verb: harness.Login})
			w.do(harness.Action{Party: "eve", Verb: harness.Login})
			w.do(harness.Action{Party: "eve", Verb: harness.Connect, Peer: "bob"})   // bob learns KU_eve
			w.do(harness.Action{Party: "eve", Verb: harness.Connect, Peer: "alice"}) // eve learns KU_alice
			// alice asks for bob; S delivers b1/b2, alice emits c1 to bob.
			out := w.act(connectAB)
			var c1 role.Message
			queue := out.Messages
			for len(queue) > 0 {
				m := queue[0]
				queue = queue[1:]
				if m.Label == "c1" {
					c1 = m
					continue // eve intercepts it
				}
				o, err := w.deliver(m)
				if err != nil {
					t.Fatal(err)
				}
				queue = append(queue, o.Messages...)
			}
			o, err := w.deliverAs("bob", "eve", c1.Bytes)
			if v == Hardened {
				if role.ClassOf(err) != role.WrongIdentity {
					t.Fatalf("hardened: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// bob's c2 goes to eve: {R_B}_{E_eve}; eve re-encrypts R_B for alice.
			c2, _ := UnmarshalKeyTransportReply(o.Messages[0].Bytes)
			eve := w.client("eve")
			rb, err := eve.ctx.Decrypt(eve.kr, labelEncRB, c2.EncryptedChallenge)
			if err != nil {
				t.Fatal(err)
			}
			enc, _ := eve.ctx.Encrypt(eve.peers["alice"].key, labelEncRB, rb)
			forged, _ := (&KeyTransportReply{Suite: c2.Suite, EncryptedChallenge: enc, SealedProof: c2.SealedProof}).Marshal()
			o, err = w.deliverAs("alice", "bob", forged)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.deliverAs("bob", "eve", o.Messages[0].Bytes); err != nil {
				t.Fatal(err)
			}
			ka := w.client("alice").peers["bob"].keys
			kb := w.client("bob").peers["eve"].keys
			if ka == nil || kb == nil || !bytes.Equal(ka.enc, kb.enc) {
				t.Fatal("unknown-key share did not happen")
			}
		})
	}
}

// TestSimultaneousRenewal: alice and S start a renewal at once. As
// published each start serves as the other's answer; hardened, the
// server wins.
func TestSimultaneousRenewal(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			w := newWorld(t, "modern", v)
			connected(w)
			fromA := w.act(harness.Action{Party: "alice", Verb: harness.Renew, Peer: "S"}).Messages[0]
			fromS := w.act(harness.Action{Party: "S", Verb: harness.Renew, Peer: "alice"}).Messages[0]
			outS, errS := w.deliver(fromA)
			outA, errA := w.deliver(fromS)
			if errA != nil {
				t.Fatal(errA)
			}
			if v == Hardened {
				if role.ClassOf(errS) != role.UnexpectedMessage {
					t.Fatalf("hardened: server should refuse alice's start, got %v", errS)
				}
				w.flush(outA.Messages) // alice's answer completes S's renewal
			} else if errS != nil || len(outS.Messages)+len(outA.Messages) != 0 {
				t.Fatalf("as published the starts cross: %v %+v %+v", errS, outS, outA)
			}
			ka := w.client("alice").keys
			ks := w.server().sessions["alice"].keys
			if !bytes.Equal(ka.enc, ks.enc) || !bytes.Equal(ka.mac, ks.mac) {
				t.Fatal("keys differ after a simultaneous start")
			}
			carryOn(w)
		})
	}
}

// TestRenewalStopsSending: the initiator sends nothing under the old keys
// while a renewal is open; S holds relayed data for alice until its
// renewal completes, then sends it under the new keys.
func TestRenewalStopsSending(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			w := newWorld(t, "modern", v)
			connected(w)
			start := w.act(harness.Action{Party: "alice", Verb: harness.Renew, Peer: "S"})
			if _, err := w.client("alice").SendToServer([]byte("x")); role.ClassOf(err) != role.UnexpectedMessage {
				t.Errorf("alice sent during her renewal: %v", err)
			}
			if _, err := w.client("alice").SendVia("bob", []byte("x"), true); err == nil {
				t.Error("alice relayed during her renewal")
			}
			w.flush(start.Messages)

			s := w.act(harness.Action{Party: "S", Verb: harness.Renew, Peer: "alice"})
			relay := w.act(harness.Action{Party: "bob", Verb: harness.Send, Peer: "alice", Body: []byte("held"), Relay: true})
			held, err := w.deliver(relay.Messages[0])
			if err != nil || len(held.Messages) != 0 {
				t.Fatalf("S should hold the relay: %v %+v", err, held)
			}
			w.flush(s.Messages)
			acc := w.eventsOf(role.MessageAccepted, "alice")
			if len(acc) == 0 || string(acc[len(acc)-1].Body) != "held" {
				t.Fatalf("held message not delivered after renewal: %+v", acc)
			}
			carryOn(w)
		})
	}
}

// TestImageIsPasswordEquivalent: under StoreImage, whoever holds W_A (a
// stolen image file) logs in as alice without P_A (profile §10).
func TestImageIsPasswordEquivalent(t *testing.T) {
	w := newWorld(t, "modern", AsPublished)
	w.setup.Options[OptionPasswordStorage] = string(StoreImage)
	parties, err := Protocol{}.NewParties(w.setup)
	if err != nil {
		t.Fatal(err)
	}
	w.parties = parties
	image := PasswordRecord(StoreImage, "alice", []byte(w.setup.Password("alice")))
	thief := w.client("alice")
	thief.cfg.Storage, thief.cfg.Password = StorePassword, image
	w.do(loginAlice)
	if !thief.LoggedIn() {
		t.Fatal("the image did not log in")
	}
}

// TestReplayedC1 is harmless (paper §5.2): bob answers a fresh c2, the
// established session stays.
func TestReplayedC1(t *testing.T) {
	w := newWorld(t, "modern", AsPublished)
	connected(w)
	before := clone(w.client("bob").peers["alice"].keys.enc)
	out, err := w.deliver(w.last("c1", "bob"))
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("%v %+v", err, out)
	}
	if !bytes.Equal(before, w.client("bob").peers["alice"].keys.enc) {
		t.Fatal("established keys changed by a replayed c1")
	}
	carryOn(w)
}

// TestReplayedA1 (paper §5.2): S answers a replayed a1 with an a2 the
// attacker cannot use; alice's accepted session carries on, and the
// attempt never completes.
func TestReplayedA1(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			w := newWorld(t, "modern", v)
			connected(w)
			out, err := w.deliver(w.last("a1", "S"))
			if err != nil || len(out.Messages) != 1 || out.Messages[0].Label != "a2" {
				t.Fatalf("%v %+v", err, out)
			}
			// The a2 reaches the logged-in alice, who discards it.
			if _, err := w.deliver(out.Messages[0]); role.ClassOf(err) != role.UnexpectedMessage {
				t.Fatalf("alice took the a2: %v", err)
			}
			// Without KR_A nobody can answer f3(R_S): an old a3 fails and
			// ends the attempt, not alice's session.
			if _, err := w.deliver(w.last("a3", "S")); role.ClassOf(err) != role.AuthFailed {
				t.Fatalf("old a3: %v", err)
			}
			carryOn(w)
		})
	}
}

// H7: an insider who knows KU_A (any user can ask S for it) swaps R_B in
// c2 for one of its own, encrypted to KU_A. As published A accepts c2 and
// derives keys B does not have (agreement fails, found by the model:
// imke-c-hardened/default#T4_A_agree before H7); hardened, c2's seal binds
// h(R_B), so A rejects the swapped c2.
func TestC2ChallengeSwap(t *testing.T) {
	for _, v := range []Variant{AsPublished, Hardened} {
		t.Run(string(v), func(t *testing.T) {
			w := newWorld(t, "modern", v)
			w.loginBoth(false)
			w.runUntil(harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"}, "c2")
			c2 := w.held[0]
			m, err := UnmarshalKeyTransportReply(c2.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			alice := w.client("alice")
			eve := suite.NewCtx(w.setup.Suite, suite.NewRand([]byte("eve"), "c2 swap"))
			rb := make([]byte, secretSize)
			eve.Rand.Read(rb)
			pt := rb
			if v == Hardened {
				if pt, err = (&BoundSecret{Secret: rb, Sender: "bob", Receiver: "alice"}).Marshal(); err != nil {
					t.Fatal(err)
				}
			}
			if m.EncryptedChallenge, err = eve.Encrypt(alice.kr.Public(), labelEncRB, pt); err != nil {
				t.Fatal(err)
			}
			forged, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			out, err := w.deliverAs(c2.To, c2.From, forged)
			if v == AsPublished {
				if err != nil {
					t.Fatalf("as-published rejected the swapped c2: %v", err)
				}
				established := false
				for _, e := range out.Events {
					established = established || e.Kind == role.SessionKeyEstablished
				}
				if !established {
					t.Fatal("as-published: A established no key from the swapped c2")
				}
				return
			}
			if role.ClassOf(err) != role.DecryptError {
				t.Fatalf("hardened: swapped c2 gave %v, want decrypt_error", err)
			}
		})
	}
}
