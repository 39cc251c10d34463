package adversary

import (
	"bytes"
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/simp"
)

// The SIMP attacks of the profile's as-published weaknesses
// (docs/spec/simp.md, W1–W8) and of the model's attack traces, as
// adversary scripts.

func register(p string) harness.Action { return harness.Action{Party: p, Verb: harness.Register} }

// simpReady registers and logs in every user.
func simpReady(n *Network) error {
	for _, u := range n.Setup.Users {
		if err := n.Do(register(u), login(u)); err != nil {
			return err
		}
	}
	return nil
}

func init() {
	RegisterAttack(&Attack{
		ID: "simp-l1-replay", Protocol: "simp", Source: "profile",
		Title:         "a recorded L1 replayed to S is accepted again: S logs alice in twice from one login",
		Weakness:      "SIMP W1: S re-accepts a replayed login",
		Expect:        []Expect{{Property: Replay, Party: "S", Peer: "alice", What: "login"}},
		HardenedBlock: blockedBy("SIMP H2, H9", "S", "L1", "replay"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			l1 := n.Last("L1", "alice", "S")
			if l1 == nil {
				return fmt.Errorf("adversary: no L1")
			}
			return n.Need(n.Replay(l1.ID, "", ""))
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-l2-same-key", Protocol: "simp", Source: "profile",
		Title:         "an honest login: S protects L2 under the SK_ASj that protected alice's L1",
		Weakness:      "SIMP W2: L1 and L2 under the same SK_ASj",
		Expect:        []Expect{{Property: KeyReuse, Party: "S", Peer: "alice", What: "key-index"}},
		HardenedBlock: removedBy("SIMP H3"),
		Script: func(n *Network) error {
			return n.Do(register("alice"), login("alice"))
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-e6-replay", Protocol: "simp", Source: "profile",
		Title:         "alice's E6 replayed to bob is accepted twice",
		Weakness:      "SIMP W5: nothing tracks used indices or nonces, so E6/E7 replays are accepted",
		Expect:        []Expect{{Property: Replay, Party: "bob", Peer: "alice", What: "message"}},
		HardenedBlock: blockedBy("SIMP H2", "bob", "E6", "replay"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Do(connect("alice", "bob"), send("alice", "bob", "pay bob 10")); err != nil {
				return err
			}
			e6 := n.Last("E6", "alice", "bob")
			if e6 == nil {
				return fmt.Errorf("adversary: no E6")
			}
			return n.Need(n.Replay(e6.ID, "", ""))
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-e6-reflection", Protocol: "simp", Source: "profile",
		Title:         "alice's E6, retyped E7, is reflected to her and accepted as bob's",
		Weakness:      "SIMP W6: E6 and E7 share key set, label and keys, and name no direction",
		Expect:        []Expect{{Property: Agreement, Party: "alice", Peer: "bob", What: "message"}},
		HardenedBlock: blockedBy("SIMP H1, H4", "alice", "E7", "bad_index", "bad_mac"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Do(connect("alice", "bob")); err != nil {
				return err
			}
			if err := n.Need(n.Act(send("alice", "bob", "reflect me"))); err != nil {
				return err
			}
			e6 := n.Find("E6", "alice", "bob")
			if e6 == nil {
				return fmt.Errorf("adversary: no E6")
			}
			n.Drop(e6.ID)
			b := bytes.Clone(e6.Msg.Bytes)
			b[0] = simp.TypeE7 // the type is a clear header field
			return n.Need(n.Inject("bob", "alice", b, "alice's E6 with its type set to E7"))
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-concurrent-key-reuse", Protocol: "simp", Source: "profile",
		Title:         "alice and bob send at once (the adversary delays both): both messages use one SK_ABj",
		Weakness:      "SIMP W7: both directions draw from one key set",
		Expect:        []Expect{{Property: KeyReuse, Party: "bob", Peer: "alice", What: "key-index"}},
		HardenedBlock: removedBy("SIMP H1"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Do(connect("alice", "bob")); err != nil {
				return err
			}
			if err := n.Need(n.Act(send("alice", "bob", "from alice"))); err != nil {
				return err
			}
			if err := n.Need(n.Act(send("bob", "alice", "from bob"))); err != nil {
				return err
			}
			n.Settle()
			return nil
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-e3-replay", Protocol: "simp", Source: "profile",
		Title:         "a recorded E3 replayed to bob makes him accept alice's key again and drop the session",
		Weakness:      "SIMP W8: a replayed E3 resets B's peer state",
		Expect:        []Expect{{Property: Replay, Party: "bob", Peer: "alice", What: "peer-key"}},
		HardenedBlock: blockedBy("SIMP H2", "bob", "E3", "replay"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Do(connect("alice", "bob")); err != nil {
				return err
			}
			e3 := n.Last("E3", "S", "bob")
			if e3 == nil {
				return fmt.Errorf("adversary: no E3")
			}
			return n.Need(n.Replay(e3.ID, "", ""))
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-e4-reencryption", Protocol: "simp", Source: "model",
		Title: "insider eve, alice's peer, re-encrypts alice's E4 to bob with alice's signature after a forged E1 " +
			"'from alice': bob takes K_AB as alice's, and eve knows it",
		Weakness:  "SIMP W3 (E1 unauthenticated) + W4 (E4 binds no identity); model simp B_key_secret, B_agree_A",
		Users:     []string{"alice", "bob", "eve"},
		Dishonest: []string{"eve"},
		Expect: []Expect{{Property: Confidentiality, Party: "bob", Peer: "alice", What: "session-key"},
			{Property: Agreement, Party: "bob", Peer: "alice", What: "session-key"}},
		HardenedBlock: blockedBy("SIMP H6", "bob", "E4", "wrong_identity", "bad_signature"),
		Script:        simpE4Reencryption,
	})
	RegisterAttack(&Attack{
		ID: "simp-e4-resign", Protocol: "simp", Source: "model",
		Title: "the model's A_agree_B trace: eve passes alice's E4 to bob as her own, re-signing h(K_AB, DK_AB, m2); " +
			"concretely the signature covers the fields, which eve cannot read, so she can only pass alice's signature",
		Weakness:  "model simp A_agree_B (sign(h(…)) exposes h(…) in the model)",
		Users:     []string{"alice", "bob", "eve"},
		Dishonest: []string{"eve"},
		Expect:    []Expect{{Property: Agreement, Party: "alice", Peer: "bob", What: "session-key"}},
		Unrealisable: "in the model sign(h(K_AB, DK_AB, m2), pri(a)) gives away h(K_AB, DK_AB, m2), which eve re-signs; " +
			"the profile signs Encode(label, K_AB, DK_AB, m2) itself (Ed25519 / RSA-PSS), which reveals nothing, so eve can only pass " +
			"alice's signature and bob rejects it (bad_signature)",
		HardenedBlock:  blockedBy("SIMP H6", "bob", "E4", "wrong_identity", "bad_signature"),
		PublishedBlock: blockedBy("simp.md E4: the signature covers the fields", "bob", "E4", "bad_signature"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Do(connect("eve", "bob")); err != nil {
				return err
			}
			if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
				return err
			}
			e4, err := n.SettleExcept("E4", "alice", "bob")
			if err != nil {
				return err
			}
			n.Drop(e4.ID) // intercepted
			// eve asks for bob again, so that bob awaits an E4 from her,
			// but keeps her own E4; then she hands bob alice's E4 as hers.
			if err := n.Need(n.Act(connect("eve", "bob"))); err != nil {
				return err
			}
			own, err := n.SettleExcept("E4", "eve", "bob")
			if err != nil {
				return err
			}
			n.Drop(own.ID)
			if err := n.Need(n.Replay(e4.ID, "bob", "eve")); err != nil {
				return err
			}
			e5 := n.Find("E5", "bob", "eve")
			if e5 == nil {
				return fmt.Errorf("adversary: bob sent no E5")
			}
			return n.Need(n.DeliverTo(e5.ID, "alice", "bob"))
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-e4-replay", Protocol: "simp", Source: "model",
		Title: "after a forged E1 'from alice', alice's old E4 replayed to bob is accepted again: the same SK_AB1 confirms twice " +
			"(hardened: E1 cannot be forged (H5), so insider eve makes bob await her own E4 and passes alice's old one)",
		Weakness:      "SIMP W3 + no freshness in E4; model simp B_key_once",
		Expect:        []Expect{{Property: KeyReuse, Party: "bob", What: "key-index"}},
		HardenedBlock: blockedBy("SIMP H6", "bob", "E4", "wrong_identity", "bad_signature"),
		Users:         []string{"alice", "bob", "eve"},
		Dishonest:     []string{"eve"},
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Do(connect("alice", "bob")); err != nil {
				return err
			}
			e4 := n.Last("E4", "alice", "bob")
			from, err := simpAwaitE4(n, "eve", "alice", "bob")
			if err != nil {
				return err
			}
			return n.Need(n.Replay(e4.ID, "bob", from))
		},
	})
}

func init() {
	RegisterAttack(&Attack{
		ID: "simp-e4-replay-reconnect", Protocol: "simp", Source: "profile",
		Title: "bob connects to alice again; the adversary holds bob's new E4 and replays his old one: " +
			"alice re-installs the old key set and confirms under the same SK_AB2 again",
		Weakness:      "SIMP W11: E4 carries no freshness (found by the random adversary on hardened before H11)",
		Expect:        []Expect{{Property: KeyReuse, Party: "alice", Peer: "bob", What: "key-index"}},
		HardenedBlock: blockedBy("SIMP H11", "alice", "E4", "replay"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Do(connect("bob", "alice")); err != nil {
				return err
			}
			old := n.Last("E4", "bob", "alice")
			if err := n.Need(n.Act(connect("bob", "alice"))); err != nil {
				return err
			}
			e4, err := n.SettleExcept("E4", "bob", "alice")
			if err != nil {
				return err
			}
			n.Drop(e4.ID)
			return n.Need(n.Replay(old.ID, "", ""))
		},
	})
}

// simpAwaitE4 makes peer await an E4 from claimed and returns the
// identity peer awaits it from. As published, E1 is unauthenticated
// (W3): the adversary forges it in claimed's name. Hardened, E1 carries
// j and KH(SK_ASj, ID_A, ID_B, j) (H5), which only claimed and S can
// make; what an insider can legitimately send is a valid E1 of its own
// (it holds its own SK_AS keys), so peer awaits the insider's E4, and
// the insider holds back the E4 its own client builds.
func simpAwaitE4(n *Network, insider, claimed, peer string) (string, error) {
	if n.Setup.Variant != string(simp.Hardened) {
		return claimed, simpForgeE1(n, claimed, peer)
	}
	if err := n.Need(n.Act(connect(insider, peer))); err != nil {
		return "", err
	}
	own, err := n.SettleExcept("E4", insider, peer)
	if err != nil {
		return "", err
	}
	n.Drop(own.ID)
	return insider, nil
}

// simpForgeE1 sends E1 "from" requester asking for peer. As published it
// has no index and no keyed hash, so nothing but the clear identity; on
// hardened the adversary can only guess the keyed hash
// (simpHardenedE1). S's E3 reaches peer; its E2 to requester is dropped.
func simpForgeE1(n *Network, requester, peer string) error {
	e1, err := (&simp.PeerRequest{Suite: n.Setup.Suite.ID, Peer: peer}).Marshal()
	if n.Setup.Variant == string(simp.Hardened) {
		e1, err = simpHardenedE1(n, requester, peer)
	}
	if err != nil {
		return err
	}
	if err := n.Need(n.Inject(requester, n.Setup.Server, e1, "E1 forged in "+requester+"'s name")); err != nil {
		return err
	}
	if e2 := n.Find("E2", n.Setup.Server, requester); e2 != nil {
		n.Drop(e2.ID)
	}
	e3 := n.Find("E3", n.Setup.Server, peer)
	if e3 == nil {
		return fmt.Errorf("adversary: S sent no E3")
	}
	return n.Need(n.Deliver(e3.ID))
}

func simpE4Reencryption(n *Network) error {
	if err := simpReady(n); err != nil {
		return err
	}
	// eve learns Pub-B in a session of her own with bob.
	if err := n.Do(connect("eve", "bob")); err != nil {
		return err
	}
	// alice opens a session with eve; eve keeps alice's E4.
	if err := n.Need(n.Act(connect("alice", "eve"))); err != nil {
		return err
	}
	e4p, err := n.SettleExcept("E4", "alice", "eve")
	if err != nil {
		return err
	}
	n.Drop(e4p.ID)
	// bob is made to await an E4 from alice (as published), or from eve.
	from, err := simpAwaitE4(n, "eve", "alice", "bob")
	if err != nil {
		return err
	}
	n.Saturate()
	e4, err := simp.UnmarshalE4(e4p.Msg.Bytes)
	if err != nil {
		return err
	}
	pt, ok := n.Dissector.(*simpDissector).decrypt(n.Knowledge, simpLabelE4, e4.Ciphertext)
	if !ok {
		return fmt.Errorf("adversary: eve cannot open alice's E4: her one-time key is unknown")
	}
	pub, err := n.Setup.Suite.ParsePublicKey(n.eventKey("eve", "bob"))
	if err != nil {
		return fmt.Errorf("adversary: bob's public key: %w", err)
	}
	ct, err := n.Ctx.Encrypt(pub, simpLabelE4, pt)
	if err != nil {
		return err
	}
	forged, err := (&simp.KeyTransport{Suite: e4.Suite, Ciphertext: ct, Signature: e4.Signature}).Marshal()
	if err != nil {
		return err
	}
	return n.Need(n.Inject(from, "bob", forged, "alice's E4 re-encrypted to bob, alice's signature kept"))
}
