package adversary

import (
	"bytes"
	"fmt"

	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// Scripts for the model attacks whose claims the general oracles do not
// state (docs/claims.md: imke-b b1_is_answer, imke-c G3_B_data_auth,
// simp-keydist E3_requested_by_A, simp-keydist-paper E2_from_S/E3_from_S,
// simp-nonrep NR_E2_origin/NR_E2_key); each attaches the claim oracle it
// needs (oracle_claims.go, simp_judge.go).

const simpDistinctGrants = "simp.md §3: E2 and E3 are distinct message types sealed under distinct AEAD labels"

func init() {
	RegisterAttack(&Attack{
		ID: "simp-e3-unrequested", Protocol: "simp", Source: "model",
		Title:    "an E1 forged in alice's name makes S send bob an E3: bob accepts alice's key though alice asked for nothing",
		Weakness: "SIMP W3 (E1 unauthenticated); model simp-keydist E3_requested_by_A",
		Expect:   []Expect{{Property: Agreement, Party: "bob", Peer: "alice", What: "peer-key-request"}},
		Check:    requestedGrants,
		// The adversary cannot compute KH(SK_ASj, …) without alice's key.
		HardenedBlock: blockedBy("SIMP H5", "S", "E1", "bad_mac"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			return simpForgeE1(n, "alice", "bob")
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-e3-as-e2", Protocol: "simp", Source: "model",
		Title: "alice asks for bob (her E1 is dropped); bob asks for alice, and the E3 S sends alice is retyped E2 and given to her " +
			"as the answer to her own request",
		Weakness:       "model simp-keydist-paper E2_from_S (E2 and E3 of one shape)",
		Unrealisable:   "in the paper's shape E2 and E3 are one term; the profile seals them under distinct labels, so a retyped E3 does not open as an E2",
		Expect:         []Expect{{Property: Agreement, Party: "alice", Peer: "bob", What: "peer-key-answer"}},
		Check:          func(n *Network) []Violation { return append(answeredGrants(n), typedGrants(n)...) },
		PublishedBlock: blockedBy(simpDistinctGrants, "alice", "E2", "decrypt_error"),
		HardenedBlock:  blockedBy(simpDistinctGrants, "alice", "E2", "decrypt_error"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
				return err
			}
			if e1 := n.Find("E1", "alice", ""); e1 != nil {
				n.Drop(e1.ID)
			}
			if err := n.Need(n.Act(connect("bob", "alice"))); err != nil {
				return err
			}
			e1 := n.Find("E1", "bob", "")
			if e1 == nil {
				return fmt.Errorf("adversary: bob sent no E1")
			}
			if err := n.Need(n.Deliver(e1.ID)); err != nil {
				return err
			}
			return simpRetypeGrant(n, "E3", "alice", simp.TypeE2)
		},
	})
	RegisterAttack(&Attack{
		ID: "simp-e2-as-e3", Protocol: "simp", Source: "model",
		Title:          "alice asks for bob; the E2 S sends her is retyped E3 and given back to her as a grant for a responder",
		Weakness:       "model simp-keydist-paper E3_from_S (E2 and E3 of one shape)",
		Unrealisable:   "in the paper's shape E2 and E3 are one term; the profile seals them under distinct labels, so a retyped E2 does not open as an E3",
		Expect:         []Expect{{Property: Agreement, Party: "alice", Peer: "bob", What: "peer-key-type"}},
		Check:          typedGrants,
		PublishedBlock: blockedBy(simpDistinctGrants, "alice", "E3", "decrypt_error"),
		HardenedBlock:  blockedBy(simpDistinctGrants, "alice", "E3", "decrypt_error"),
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
				return err
			}
			e1 := n.Find("E1", "alice", "")
			if e1 == nil {
				return fmt.Errorf("adversary: alice sent no E1")
			}
			if err := n.Need(n.Deliver(e1.ID)); err != nil {
				return err
			}
			if e3 := n.Find("E3", "", "bob"); e3 != nil {
				n.Drop(e3.ID)
			}
			return simpRetypeGrant(n, "E2", "alice", simp.TypeE3)
		},
	})
	RegisterAttack(&Attack{
		ID: "imke-reflection-b", Protocol: "imke", Source: "model",
		Title:         "bob's own 4.7 reflected back to him is accepted as alice's (one key for both directions)",
		Weakness:      "IMKE: the same K_AB^s/K_AB^m protect both directions; model imke-c G3_B_data_auth",
		Expect:        []Expect{{Property: Agreement, Party: "bob", Peer: "alice", What: "message"}},
		HardenedBlock: blockedBy("IMKE H4", "bob", "4.7", "decrypt_error", "bad_mac"),
		Script: func(n *Network) error {
			if err := n.Do(login("alice"), login("bob"), connect("alice", "bob")); err != nil {
				return err
			}
			if err := n.Need(n.Act(send("bob", "alice", "reflect me"))); err != nil {
				return err
			}
			m := n.Find("4.7", "bob", "alice")
			if m == nil {
				return fmt.Errorf("adversary: no 4.7 from bob")
			}
			return n.Need(n.DeliverTo(m.ID, "bob", "alice"))
		},
	})
	RegisterAttack(&Attack{
		ID: "imke-b1-not-answer", Protocol: "imke", Source: "model",
		Title: "alice and bob ask S for each other; bob's request is dropped, and the b2 S sends bob about alice's request " +
			"is taken by bob as the answer to his own: he starts a key exchange on it",
		Weakness: "IMKE: b1 and b2 are one message (as published) or one kind of 4.3 item (hardened); model imke-b b1_is_answer",
		Expect:   []Expect{{Property: Agreement, Party: "bob", Peer: "alice", What: "peer-key-answer"}},
		Check:    answeredGrants,
		NotFixed: true, // the model finds it on imke-b-hardened too: H3 sequences the items but does not tell answer from notice
		Script: func(n *Network) error {
			if err := n.Do(login("alice"), login("bob")); err != nil {
				return err
			}
			if err := n.Need(n.Act(connect("bob", "alice"))); err != nil {
				return err
			}
			req := n.Find("", "bob", n.Setup.Server)
			if req == nil {
				return fmt.Errorf("adversary: bob sent no request")
			}
			n.Drop(req.ID)
			if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
				return err
			}
			n.Settle()
			return nil
		},
	})
}

// simpRetypeGrant takes the grant (label) S sent to `to`, sets its clear
// type byte to t and delivers it to `to` as from S.
func simpRetypeGrant(n *Network, label, to string, t uint8) error {
	g := n.Find(label, n.Setup.Server, to)
	if g == nil {
		return fmt.Errorf("adversary: S sent %s no %s", to, label)
	}
	n.Drop(g.ID)
	b := bytes.Clone(g.Msg.Bytes)
	b[0] = t // the type is a clear header field
	return n.Need(n.Inject(n.Setup.Server, to, b, fmt.Sprintf("S's %s to %s with its type set to %s", label, to, simp.Label(t))))
}

// simpHardenedE1 is the E1 an outsider can build in requester's name on
// the hardened variant: the next index of requester's direction (the
// clear index of its last L1/E1, plus 2) and a keyed hash under a key it
// does not have (random), since SK_ASj is requester's and S's alone.
func simpHardenedE1(n *Network, requester, peer string) ([]byte, error) {
	j := 0
	for _, p := range n.History {
		if p.Msg.From != requester || p.Msg.To != n.Setup.Server {
			continue
		}
		switch p.Msg.Label {
		case "L1":
			if m, err := simp.UnmarshalL1(p.Msg.Bytes); err == nil {
				j = max(j, int(m.Index))
			}
		case "E1":
			if m, err := simp.UnmarshalE1(p.Msg.Bytes); err == nil {
				j = max(j, int(m.Index))
			}
		}
	}
	tag, err := n.Ctx.Random(suite.KeySize)
	if err != nil {
		return nil, err
	}
	return (&simp.PeerRequest{Suite: n.Setup.Suite.ID, Peer: peer, Index: uint16(j + 2), Tag: tag}).Marshal()
}
