package adversary

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/role"
)

// The IMKE attacks of the profile's as-published weaknesses
// (docs/spec/imke.md §11), as adversary scripts.

func login(p string) harness.Action { return harness.Action{Party: p, Verb: harness.Login} }
func connect(p, q string) harness.Action {
	return harness.Action{Party: p, Verb: harness.Connect, Peer: q}
}
func send(p, q, body string) harness.Action {
	return harness.Action{Party: p, Verb: harness.Send, Peer: q, Body: []byte(body)}
}

func init() {
	RegisterAttack(&Attack{
		ID: "imke-reflection", Protocol: "imke", Source: "profile",
		Title:         "alice's own 4.7 reflected back to her is accepted as bob's (one key for both directions)",
		Weakness:      "IMKE: the same K_AB^s/K_AB^m protect both directions",
		Expect:        []Expect{{Property: Agreement, Party: "alice", Peer: "bob", What: "message"}},
		HardenedBlock: blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
		Script: func(n *Network) error {
			if err := n.Do(login("alice"), login("bob"), connect("alice", "bob")); err != nil {
				return err
			}
			if err := n.Need(n.Act(send("alice", "bob", "reflect me"))); err != nil {
				return err
			}
			m := n.Find("4.7", "alice", "bob")
			if m == nil {
				return fmt.Errorf("adversary: no 4.7 from alice")
			}
			return n.Need(n.DeliverTo(m.ID, "alice", "bob"))
		},
	})
	RegisterAttack(&Attack{
		ID: "imke-stale-peer-key", Protocol: "imke", Source: "profile",
		Title:         "an old b1 replayed after bob logged in again makes alice take bob's stale public key",
		Weakness:      "IMKE: b1/b2 carry no freshness",
		Expect:        []Expect{{Property: Replay, Party: "alice", Peer: "bob", What: "peer-key"}},
		HardenedBlock: blockedBy("IMKE H3", "alice", "b1", "replay"),
		Script: func(n *Network) error {
			if err := n.Do(login("alice"), login("bob"), connect("alice", "bob")); err != nil {
				return err
			}
			old := n.Last("b1", "S", "alice")
			if old == nil {
				return fmt.Errorf("adversary: no b1 to alice")
			}
			if err := n.Need(n.Restart("bob")); err != nil {
				return err
			}
			if err := n.Do(login("bob"), connect("alice", "bob")); err != nil {
				return err
			}
			return n.Need(n.Replay(old.ID, "", ""))
		},
	})
	RegisterAttack(&Attack{
		ID: "imke-unknown-key-share", Protocol: "imke", Source: "profile",
		Title: "insider eve passes alice's c1 to bob as her own and re-encrypts bob's R_B for alice: " +
			"alice shares K_AB with bob, who believes he shares it with eve",
		Weakness:      "IMKE: c1–c3 bind no identities",
		Users:         []string{"alice", "bob", "eve"},
		Dishonest:     []string{"eve"},
		Expect:        []Expect{{Property: Agreement, Party: "alice", Peer: "bob", What: "session-key"}},
		HardenedBlock: blockedBy("IMKE H1", "bob", "c1", "wrong_identity"),
		Script:        imkeUnknownKeyShare,
	})
	RegisterAttack(&Attack{
		ID: "imke-image-login", Protocol: "imke", Source: "profile",
		Title:    "a stolen password image W_A logs in as alice (the image is password-equivalent)",
		Weakness: "IMKE: the stored image W_A is password-equivalent (paper footnote 5)",
		Options:  map[string]string{imke.OptionPasswordStorage: string(imke.StoreImage)},
		Expect:   []Expect{{Property: Agreement, Party: "S", Peer: "alice", What: "login"}},
		// The profile keeps the image option in both variants: hardening
		// does not make W_A less than password-equivalent.
		NotFixed: true,
		Script: func(n *Network) error {
			if err := n.Reveal("S", "", RevealState); err != nil {
				return err
			}
			n.Saturate()
			rec := n.Knowledge.Tagged("record alice")
			if len(rec) == 0 {
				return fmt.Errorf("adversary: the server's state gave no record of alice")
			}
			return imkeForgeLogin(n, "alice", rec[0])
		},
	})
}

func init() {
	RegisterAttack(&Attack{
		ID: "imke-guess-after-server-key", Protocol: "imke", Source: "profile",
		Title:    "with the server's private key, a recorded a1 gives f1(P_A) and the password falls to offline guessing",
		Weakness: "IMKE §5.3: exposure of KR_S allows offline dictionary attacks on f1(P_A)",
		NotFixed: true,
		Expect:   []Expect{{Property: Confidentiality, Party: "alice", Peer: "S", What: "password"}},
		Script: func(n *Network) error {
			if err := n.Do(login("alice")); err != nil {
				return err
			}
			return n.Reveal("S", "", RevealServerKey)
		},
	})
}

func imkeUnknownKeyShare(n *Network) error {
	if err := n.Do(login("alice"), login("bob"), login("eve"), connect("eve", "bob"), connect("eve", "alice")); err != nil {
		return err
	}
	// alice connects to bob; everything flows but her c1, which eve takes.
	if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
		return err
	}
	c1, err := n.SettleExcept("c1", "alice", "bob")
	if err != nil {
		return err
	}
	// eve hands it to bob as her own.
	o := n.DeliverTo(c1.ID, "bob", "eve")
	if err := n.Need(o); err != nil {
		return err
	}
	c2p := n.Find("c2", "bob", "eve")
	if c2p == nil {
		return fmt.Errorf("adversary: bob sent no c2 to eve")
	}
	n.Drop(c2p.ID)
	var c2 *imke.KeyTransportReply
	// eve opens R_B with her own key and re-encrypts it for alice.
	n.Saturate()
	c2, err = imke.UnmarshalKeyTransportReply(c2p.Msg.Bytes)
	if err != nil {
		return err
	}
	rb, ok := n.Dissector.(*imkeDissector).decrypt(n.Knowledge, imkeLabelEncRB, c2.EncryptedChallenge)
	if !ok {
		return fmt.Errorf("adversary: eve cannot open bob's c2: her dynamic key is unknown")
	}
	kuAlice := n.eventKey("eve", "alice")
	pub, err := n.Setup.Suite.ParsePublicKey(kuAlice)
	if err != nil {
		return fmt.Errorf("adversary: alice's public key: %w", err)
	}
	enc, err := n.Ctx.Encrypt(pub, imkeLabelEncRB, rb)
	if err != nil {
		return err
	}
	forged, err := (&imke.KeyTransportReply{Suite: c2.Suite, EncryptedChallenge: enc, SealedProof: c2.SealedProof}).Marshal()
	if err != nil {
		return err
	}
	if err := n.Need(n.Inject("bob", "alice", forged, "bob's c2 with R_B re-encrypted for alice")); err != nil {
		return err
	}
	c3 := n.Find("c3", "alice", "bob")
	if c3 == nil {
		return fmt.Errorf("adversary: alice sent no c3")
	}
	return n.Need(n.DeliverTo(c3.ID, "bob", "eve"))
}

// eventKey is the public key party accepted for peer (from its events:
// the adversary controls party).
func (n *Network) eventKey(party, peer string) []byte {
	var k []byte
	for _, s := range n.Events {
		if e := s.Event; e.Role == party && e.Peer == peer && e.Kind == role.PeerKeyAccepted {
			k = e.Key
		}
	}
	return k
}

// imkeForgeLogin runs a1–a3 as user `as` with the password credential w
// (P_A or W_A), with the adversary's own K_AS and key pair.
func imkeForgeLogin(n *Network, as string, w []byte) error {
	ctx := n.Ctx
	sk, err := ctx.NewPrivateKey()
	if err != nil {
		return err
	}
	n.Knowledge.AddPrivateKey(sk, "the adversary's key pair")
	kas, err := ctx.Random(32)
	if err != nil {
		return err
	}
	n.Knowledge.Learn([]Fact{fact(kas, "K_AS", "the adversary's K_AS")}, "")
	pub, err := n.Setup.Suite.ParsePublicKey(n.ServerPublic)
	if err != nil {
		return err
	}
	enc, err := ctx.Encrypt(pub, imkeLabelEncKAS, kas)
	if err != nil {
		return err
	}
	f1 := [][]byte{w}
	var aad [][]byte
	if n.Setup.Variant == string(imke.Hardened) {
		aad = [][]byte{[]byte(as)}
		f1 = append(f1, kas, sk.Public().Bytes()) // H8: f1 binds K_AS and KU_A
	}
	proof, err := (&imke.LoginProof{PublicKey: sk.Public().Bytes(), F1: ctx.Hash(imkeLabelF1, f1...)}).Marshal()
	if err != nil {
		return err
	}
	sealed, err := ctx.Seal(kas, imkeLabelSealA1, proof, aad...)
	if err != nil {
		return err
	}
	a1, err := (&imke.LoginRequest{Suite: n.Setup.Suite.ID, ID: as, EncryptedKey: enc, SealedProof: sealed}).Marshal()
	if err != nil {
		return err
	}
	o := n.Inject(as, n.Setup.Server, a1, "a1 as "+as+" built from a stolen credential")
	if err := n.Need(o); err != nil {
		return err
	}
	a2p := n.Find("a2", n.Setup.Server, as)
	if a2p == nil {
		return fmt.Errorf("adversary: the server sent no a2")
	}
	n.Drop(a2p.ID)
	a2, err := imke.UnmarshalLoginChallenge(a2p.Msg.Bytes)
	if err != nil {
		return err
	}
	rs, err := ctx.Decrypt(sk, imkeLabelEncRS, a2.EncryptedChallenge)
	if err != nil {
		return err
	}
	a3, err := (&imke.LoginResponse{Suite: n.Setup.Suite.ID, F3: ctx.Hash("imke f3", rs)}).Marshal()
	if err != nil {
		return err
	}
	return n.Need(n.Inject(as, n.Setup.Server, a3, "a3 from the R_S the adversary decrypted"))
}
