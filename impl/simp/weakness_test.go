package simp

import (
	"bytes"
	"testing"

	"github.com/imcheck/imcheck/impl/role"
)

func established(t *testing.T, suiteName string, v Variant, m int) *Parties {
	t.Helper()
	p, err := NewParties(RunConfig{Suite: suiteName, Variant: v, Seed: 5, M: m})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{p.Register, p.Login, p.Exchange} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// W7: both directions draw from one key set, so A and B sending at the same
// time protect two messages with one key. Hardened, the directions are
// split.
func TestConcurrentSendsKeyReuse(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			p := established(t, "modern", v, 0)
			oa, err := p.A.Send("bob", []byte("from a"))
			if err != nil {
				t.Fatal(err)
			}
			ob, err := p.B.Send("alice", []byte("from b"))
			if err != nil {
				t.Fatal(err)
			}
			ka, kb := oa.Events[1], ob.Events[1]
			if ka.Kind != role.KeyUsed || kb.Kind != role.KeyUsed {
				t.Fatal("no KeyUsed events")
			}
			reused := bytes.Equal(ka.Key, kb.Key)
			if reused != (v == AsPublished) {
				t.Fatalf("key reuse across directions = %v (indices %d, %d)", reused, ka.Index, kb.Index)
			}
			// Both messages are still accepted.
			if err := p.Net.Deliver(append(oa.Messages, ob.Messages...)...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Reordering: as published both are accepted; hardened, a later index
// burns the skipped key, so the earlier message is a replay.
func TestOutOfOrderAndGap(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			p := established(t, "modern", v, 0)
			o1, _ := p.A.Send("bob", []byte("first"))
			o2, _ := p.A.Send("bob", []byte("second"))
			if _, err := p.B.Handle("alice", o2.Messages[0].Bytes); err != nil {
				t.Fatalf("later message rejected: %v", err)
			}
			_, err := p.B.Handle("alice", o1.Messages[0].Bytes)
			if v == AsPublished {
				if err != nil {
					t.Fatalf("as published, the earlier message is accepted; got %v", err)
				}
				return
			}
			if role.ClassOf(err) != role.Replay {
				t.Fatalf("hardened: earlier message gave %v, want replay", err)
			}
			j := int(o1.Events[0].Index)
			if !bytes.Equal(p.B.peers["alice"].ab.key(j), make([]byte, 32)) {
				t.Fatal("the skipped key was not burned")
			}
		})
	}
}

// Exhaustion: a sender with no key left refuses with keys_exhausted and
// its state is unchanged; a login on an exhausted SK_AS set does the same.
func TestExhaustion(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			p := established(t, "modern", v, MinM)
			sent := 0
			for {
				out, err := p.A.Send("bob", []byte("x"))
				if err != nil {
					if role.ClassOf(err) != role.KeysExhausted {
						t.Fatalf("got %v, want keys_exhausted", err)
					}
					break
				}
				if err := p.Net.Deliver(out.Messages...); err != nil {
					t.Fatal(err)
				}
				sent++
				if sent > MinM {
					t.Fatal("more messages than keys")
				}
			}
			// As published E5 used SK_1, so A has m-1 keys; hardened A owns
			// the odd half.
			want := map[Variant]int{AsPublished: MinM - 1, Hardened: MinM / 2}[v]
			if sent != want {
				t.Fatalf("sent %d messages before exhaustion, want %d", sent, want)
			}
			before := dumpState(p.A)
			if _, err := p.A.Send("bob", []byte("x")); role.ClassOf(err) != role.KeysExhausted || dumpState(p.A) != before {
				t.Fatal("a refused send changed the state")
			}
			logins := 0
			for ; logins <= MinM; logins++ {
				out, err := p.A.Login()
				if err != nil {
					if role.ClassOf(err) != role.KeysExhausted {
						t.Fatalf("login: %v, want keys_exhausted", err)
					}
					break
				}
				if err := p.Net.Deliver(out.Messages...); err != nil {
					t.Fatal(err)
				}
			}
			if logins == 0 || logins > MinM {
				t.Fatalf("%d logins before exhaustion", logins)
			}
		})
	}
}

// W3 + W4: an insider bob, holding alice's E4, forges E1 "from alice" for
// carol (E1 is unauthenticated) and re-encrypts alice's key transport to
// carol with alice's signature (E4 binds no identity). Carol then accepts
// bob's messages as alice's. Hardened, both steps are rejected.
func TestKeyTransportReencryption(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			p := established(t, "modern", v, 0)
			carol, err := NewClient(ClientConfig{Suite: p.S.cfg.Suite, Variant: v, ID: "carol", Server: "S",
				ServerKey: p.S.PublicKey(), Password: []byte("pw"), Rand: RoleRand(5, "carol")})
			if err != nil {
				t.Fatal(err)
			}
			p.Net.Roles["carol"] = carol
			if err := p.Net.Do(carol.Register, carol.Login); err != nil {
				t.Fatal(err)
			}
			// Bob forges E1 from alice asking for carol.
			forged, _ := (&PeerRequest{Suite: p.S.cfg.Suite.ID, Peer: "carol"}).Marshal()
			out, err := p.S.Handle("alice", forged)
			if v == Hardened {
				if role.ClassOf(err) != role.DecodeError {
					t.Fatalf("hardened S accepted an E1 without a keyed hash: %v", err)
				}
				// Let alice request carol for real, so that carol has
				// Pub-A and awaits an E4 from alice; hold alice's own E4.
				o, err := p.A.RequestPeer("carol")
				if err != nil {
					t.Fatal(err)
				}
				o, err = p.S.Handle("alice", o.Messages[0].Bytes)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := p.A.Handle("S", o.Messages[0].Bytes); err != nil {
					t.Fatal(err)
				}
				out = o
			} else if err != nil {
				t.Fatalf("as published, S accepts a forged E1: %v", err)
			}
			e3 := out.Messages[1]
			if _, err := carol.Handle("S", e3.Bytes); err != nil {
				t.Fatal(err)
			}
			// Bob recovers alice's E4 (he is its recipient) and re-encrypts it to carol.
			var e4 []byte
			for _, st := range p.Net.Transcript.Steps {
				if st.Message.Label == "E4" {
					e4 = st.Message.Bytes
				}
			}
			kt4, _ := UnmarshalE4(e4)
			pt, err := p.B.ctx.Decrypt(p.B.priv, labelE4, kt4.Ciphertext)
			if err != nil {
				t.Fatal(err)
			}
			ct, err := p.B.ctx.Encrypt(carol.priv.Public(), labelE4, pt)
			if err != nil {
				t.Fatal(err)
			}
			reenc, _ := (&KeyTransport{Suite: kt4.Suite, Ciphertext: ct, Signature: kt4.Signature}).Marshal()
			if v == Hardened {
				expectAlertOn(t, carol, "alice", reenc, role.WrongIdentity)
				return
			}
			o, err := carol.Handle("alice", reenc)
			if err != nil {
				t.Fatalf("as published, carol accepts the re-encrypted E4: %v", err)
			}
			if o.Events[0].Kind != role.SessionKeyEstablished || o.Events[0].Peer != "alice" {
				t.Fatalf("events %v", o.Events)
			}
			if !bytes.Equal(o.Events[0].Key, p.B.peerSecretForTest(t, p.Net.Events)) {
				t.Fatal("carol's key with 'alice' is not the key bob knows")
			}
			// Bob, who holds SK_AB, now talks to carol as alice.
			msg, err := p.B.Send("alice", []byte("it is me, alice"))
			if err != nil {
				t.Fatal(err)
			}
			b := append([]byte(nil), msg.Messages[0].Bytes...)
			b[0] = TypeE6 // bob is the responder with alice; carol expects E6 from her initiator
			if o, err := carol.Handle("alice", b); err != nil || o.Events[0].Body == nil {
				t.Fatalf("carol rejected bob's message as alice: %v", err)
			}
		})
	}
}

// peerSecretForTest returns the K_AB bob established with alice, from the
// run's events.
func (c *Client) peerSecretForTest(t *testing.T, events []role.Event) []byte {
	t.Helper()
	for _, e := range events {
		if e.Kind == role.SessionKeyEstablished && e.Role == c.Name() {
			return e.Key
		}
	}
	t.Fatal("no SessionKeyEstablished for " + c.Name())
	return nil
}

func expectAlertOn(t *testing.T, r role.Role, from string, msg []byte, want role.AlertClass) {
	t.Helper()
	before := dumpState(r)
	if _, err := r.Handle(from, msg); role.ClassOf(err) != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if dumpState(r) != before {
		t.Fatal("rejection changed the state")
	}
}

// W11/H11: after a fresh E3 resets B's state with A, the E4 of the first
// key exchange is replayed to B. As published B installs the old key set
// again and reuses its first index; hardened B rejects the repeated n3.
func TestE4ReplayAfterFreshE3(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			p := established(t, "modern", v, 0)
			var e4 *role.Message
			for i := range p.Net.Transcript.Steps {
				if m := p.Net.Transcript.Steps[i].Message; m.Label == "E4" {
					e4 = &m
				}
			}
			if e4 == nil {
				t.Fatal("no E4 in the transcript")
			}
			// A asks S again; only E3 reaches B.
			out, err := p.A.RequestPeer(p.B.Name())
			if err != nil {
				t.Fatal(err)
			}
			grants, err := p.S.Handle(p.A.Name(), out.Messages[0].Bytes)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range grants.Messages {
				if g.Label == "E3" {
					if _, err := p.B.Handle(g.From, g.Bytes); err != nil {
						t.Fatalf("fresh E3: %v", err)
					}
				}
			}
			o, err := p.B.Handle(e4.From, e4.Bytes)
			if v == AsPublished {
				if err != nil {
					t.Fatalf("as-published rejected the replayed E4: %v", err)
				}
				if !hasEvent(o.Events, role.SessionKeyEstablished) {
					t.Fatal("replayed E4 established no key")
				}
				return
			}
			if role.ClassOf(err) != role.Replay {
				t.Fatalf("hardened: replayed E4 gave %v, want a replay alert", err)
			}
		})
	}
}

func hasEvent(evs []role.Event, k role.EventKind) bool {
	for _, e := range evs {
		if e.Kind == k {
			return true
		}
	}
	return false
}
