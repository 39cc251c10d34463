package adversary

import (
	"bytes"
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// OpPresent hands bytes to the judge of SIMP's non-repudiation claims
// (paper §6.1, §6.3): an offline verifier, not a network party, so
// nothing is delivered; the judge oracle reads what was presented.
const OpPresent Op = "present"

// judgeName is the verifier's name in traces.
const judgeName = "judge"

// Present records evidence that `from` hands to the judge.
func (n *Network) Present(from string, b []byte, note string) Outcome {
	n.begin()
	label := "?"
	if l, _, err := n.Protocol.Describe(b); err == nil {
		label = l
	}
	return n.finish(Entry{Op: OpPresent, From: from, To: judgeName, Label: label, Size: len(b), Bytes: bytes.Clone(b), Note: note}, Outcome{})
}

// simpJudgeE2 is the paper's judge for an E2 that A presents (§6.1: "A
// cannot generate this message by himself/herself because A cannot
// generate h(SK_BSj)"): holding A's and B's key sets (every SK_ASj and
// SK_BSj the server used: its KeyUsed events), it opens the E2 under one
// of A's keys and accepts it when the evidence is h(SK_BSj) for one of B's.
// It returns what the accepted evidence says S vouched for: B's identity
// and public key.
func simpJudgeE2(n *Network, a string, e2 []byte) (*simp.PeerKeyBody, bool) {
	m, err := simp.UnmarshalE2(e2)
	if err != nil {
		return nil, false
	}
	keys := map[string][][]byte{}
	for _, s := range n.Events {
		if e := s.Event; e.Kind == role.KeyUsed && e.Role == n.Setup.Server && len(e.Key) == suite.KeySize {
			keys[e.Peer] = append(keys[e.Peer], e.Key)
		}
	}
	ctx := n.Ctx // opening and hashing draw no randomness
	var aad [][]byte
	if n.Setup.Variant == string(simp.Hardened) {
		aad = [][]byte{[]byte(n.Setup.Server), []byte(a), u16(int(m.Index))}
	}
	for _, ka := range keys[a] {
		pt, err := ctx.Open(ka, simpLabelE2, m.Sealed, aad...)
		if err != nil {
			continue
		}
		body, err := simp.UnmarshalPeerKeyBody(pt)
		if err != nil {
			return nil, false
		}
		for _, kb := range keys[body.Peer] {
			if bytes.Equal(ctx.Hash("simp E2 evidence", kb), body.Evidence) {
				return body, true
			}
		}
		return nil, false
	}
	return nil, false
}

// judgedE2 is the model's NR_E2_origin and NR_E2_key (simp-nonrep): every
// E2 the judge accepts from A is one S sent A (origin), and the key it
// carries is one S vouched for B, by E2 or E3 (key).
func judgedE2(n *Network) []Violation {
	g := n.ground()
	if g == nil {
		return nil
	}
	var out []Violation
	for _, e := range n.Trace.Entries {
		if e.Op != OpPresent {
			continue
		}
		body, ok := simpJudgeE2(n, e.From, e.Bytes)
		if !ok {
			continue
		}
		origin, vouched := false, false
		for _, gr := range g.grants {
			if gr.step > e.Step || gr.peer != body.Peer || !bytes.Equal(gr.key, body.PublicKey) {
				continue
			}
			vouched = true
			if gr.to == e.From && gr.label == "E2" {
				origin = true
			}
		}
		if !origin {
			out = append(out, Violation{Property: Agreement, Party: judgeName, Peer: n.Setup.Server, What: "E2-origin", Step: e.Step, Data: body.PublicKey,
				Detail: "the judge accepted an E2 from " + e.From + " about " + body.Peer + " that the server never sent"})
		}
		if !vouched {
			out = append(out, Violation{Property: Agreement, Party: judgeName, Peer: n.Setup.Server, What: "E2-key", Step: e.Step, Data: body.PublicKey,
				Detail: "the judge accepted evidence that the server vouched for a key of " + body.Peer + "'s it never granted"})
		}
	}
	return out
}

func init() {
	RegisterAttack(&Attack{
		ID: "simp-nonrep-forged-e2", Protocol: "simp", Source: "model",
		Title: "dishonest alice asks for bob, opens S's E2 with her own SK_ASj and re-seals it with a public key of her choice " +
			"and the same h(SK_BSj): the judge accepts it as S's word that bob's key is hers",
		Weakness:  "SIMP §6.1/§6.3 non-repudiation: A holds SK_ASj and can copy h(SK_BSj) without knowing SK_BSj; model simp-nonrep NR_E2_origin, NR_E2_key",
		Dishonest: []string{"alice"},
		Expect: []Expect{{Property: Agreement, Party: judgeName, Peer: "S", What: "E2-origin"},
			{Property: Agreement, Party: judgeName, Peer: "S", What: "E2-key"}},
		Check:    judgedE2,
		NotFixed: true, // the profile does not claim non-repudiation (simp.md A19); the model finds it on hardened too
		Script: func(n *Network) error {
			if err := simpReady(n); err != nil {
				return err
			}
			if err := n.Do(connect("alice", "bob")); err != nil {
				return err
			}
			e2p := n.Last("E2", n.Setup.Server, "alice")
			if e2p == nil {
				return fmt.Errorf("adversary: S sent alice no E2")
			}
			m, err := simp.UnmarshalE2(e2p.Msg.Bytes)
			if err != nil {
				return err
			}
			if err := simpInsiderKeySet(n, "alice"); err != nil {
				return err
			}
			n.Saturate()
			d := n.Dissector.(*simpDissector)
			aads := noAAD
			if n.Setup.Variant == string(simp.Hardened) {
				aads = [][][]byte{{[]byte(n.Setup.Server), []byte("alice"), u16(int(m.Index))}}
			}
			pt, ka, ok := d.open(n.Knowledge, simpLabelE2, m.Sealed, aads)
			if !ok {
				return fmt.Errorf("adversary: alice cannot open her own E2: SK_ASj unknown")
			}
			body, err := simp.UnmarshalPeerKeyBody(pt)
			if err != nil {
				return err
			}
			sk, err := n.Ctx.NewPrivateKey()
			if err != nil {
				return err
			}
			body.PublicKey = sk.Public().Bytes()
			n.Knowledge.AddPrivateKey(sk, "alice's key for the forged E2")
			npt, err := body.Marshal()
			if err != nil {
				return err
			}
			sealed, err := n.Ctx.Seal(ka, simpLabelE2, npt, aads[0]...)
			if err != nil {
				return err
			}
			forged, err := (&simp.PeerKeyGrant{Type: simp.TypeE2, Suite: m.Suite, Index: m.Index, Sealed: sealed}).Marshal()
			if err != nil {
				return err
			}
			n.Present("alice", forged, "E2 re-sealed by alice under her SK_ASj with a key of her own and S's h(SK_BSj)")
			return nil
		},
	})
}

// simpInsiderKeySet gives the adversary a dishonest user's own key set
// with S: the user knows the RK it drew for R1, so it opens its R2 and
// learns (K_AS, DK_AS, m), from which Saturate derives every SK_ASj. RK is
// found in the user's own randomness (the deterministic stream
// Rand(seed, "party "+name), as for dynamic keys in compromise.go): every
// 32-byte window of what it drew is tried on its R2.
func simpInsiderKeySet(n *Network, user string) error {
	if n.Honest(user) {
		return fmt.Errorf("adversary: %s is honest: its key set is its own", user)
	}
	r2 := n.Last("R2", n.Setup.Server, user)
	if r2 == nil || n.Setup.RandLog == nil {
		return fmt.Errorf("adversary: no R2 to %s", user)
	}
	m, err := simp.UnmarshalR2(r2.Msg.Bytes)
	if err != nil {
		return err
	}
	stream := make([]byte, n.Setup.RandLog.Drawn(user))
	suite.NewRand(n.Setup.Seed, "party "+user).Read(stream)
	for i := 0; i+suite.KeySize <= len(stream); i++ {
		pt, err := n.Ctx.Open(stream[i:i+suite.KeySize], simpLabelR2, m.Sealed, []byte(user))
		if err != nil {
			continue
		}
		p, err := simp.UnmarshalRegistrationParams(pt)
		if err != nil {
			return err
		}
		n.Knowledge.Learn([]Fact{fact(keyParams(p.K, p.DK, int(p.M)), "keyparams", user+"'s own (K_AS, DK_AS, m)")}, "")
		return nil
	}
	return fmt.Errorf("adversary: %s's RK not found in its randomness", user)
}
