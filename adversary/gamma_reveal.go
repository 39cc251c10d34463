package adversary

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/suite"
)

// reveal performs a reveal the trace makes at its point (a scenario's
// `reveal X of R after l`, or at the end of the sessions): the value the
// model reveals (the step's argument) is given to the adversary from the
// running code's state:
//   - the server's private key (krs(s), prs(s)): a long-term reveal;
//   - a user's dynamic or one-time private key (IMKE KR_A, SIMP's Pub-B
//     key K_B): a state reveal, the keys rebuilt from the party's
//     randomness (compromise.go);
//   - IMKE's K_AS^s = f4(K_AS, R_S): the session secret of the party with
//     S, as its SessionKeyEstablished event carries it;
//   - IMKE's K_AS: the 32-byte window of the party's randomness that
//     opens the party's own a1.
//
// A value of another shape has no counterpart, which is reported as not
// realisable.
func (g *gammaRun) reveal(s ModelStep) error {
	if len(s.Args) == 0 {
		g.log(s, "a reveal without a value: nothing given")
		return nil
	}
	v, err := parseTerm(s.Args[0])
	if err != nil {
		return err
	}
	n := g.n
	if party, kind, ok := gammaReveal(v.String()); ok {
		g.log(s, "the adversary is given %s's %s", party, kind)
		if err := n.Reveal(party, "", kind); err != nil {
			return err
		}
		g.relearn()
		return nil
	}
	party := g.party(s.Session)
	name, _, _ := strings.Cut(v.Name, ".")
	switch {
	case v.Fn == "" && (g.proto == "imke" && (name == "KRA" || name == "KRB") || g.proto == "simp" && (name == "KA" || name == "KB")):
		if n.Setup.Suite.ID == suite.Classic {
			return &Unrealisable{Step: stepName(s), Subterm: v.String(), Rule: "adversary.md §1: on the classic suite dynamic keys are not rebuilt from the randomness"}
		}
		g.log(s, "the adversary is given %s's state (its dynamic private keys): %s", party, v)
		if err := n.Reveal(party, "", RevealState); err != nil {
			return err
		}
		g.relearn()
		return nil
	case g.proto == "imke" && v.is("f4", 2) && party != n.Setup.Server:
		g.log(s, "the adversary is given %s's session secret with S (K^s): %s", party, v)
		return n.Reveal(party, n.Setup.Server, RevealSession)
	case g.proto == "imke" && v.Fn == "" && name == "Kas" && party != n.Setup.Server:
		kas := g.loginKey(party)
		if kas == nil {
			return &Unrealisable{Step: stepName(s), Subterm: v.String(), Rule: "imke.md §5: no a1 of " + party + " that a window of its randomness opens"}
		}
		g.log(s, "the adversary is given %s's K_AS (%s), read from its randomness", party, v)
		return n.RevealValue(party, n.Setup.Server, kas, "K_AS")
	}
	return &Unrealisable{Step: stepName(s), Subterm: v.String(), Rule: fmt.Sprintf("%s: γ finds no value of %s's state for the revealed %s", g.profile(), party, s.Label)}
}

// loginKey is the K_AS of party's latest a1: the window of its
// randomness that opens the a1's sealed proof.
func (g *gammaRun) loginKey(party string) []byte {
	n := g.n
	if n.Setup.RandLog == nil {
		return nil
	}
	var a1 *imke.LoginRequest
	for i := len(n.History) - 1; i >= 0 && a1 == nil; i-- {
		p := n.History[i]
		if p.Msg.From == party && p.Msg.Label == "a1" && !p.Injected {
			if m, err := imke.UnmarshalLoginRequest(p.Msg.Bytes); err == nil {
				a1 = m
			}
		}
	}
	if a1 == nil {
		return nil
	}
	var aad [][]byte
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(a1.ID)}
	}
	stream := make([]byte, n.Setup.RandLog.Drawn(party))
	suite.NewRand(n.Setup.Seed, "party "+party).Read(stream)
	for i := 0; i+suite.KeySize <= len(stream); i++ {
		if _, err := n.Ctx.Open(stream[i:i+suite.KeySize], imkeLabelSealA1, a1.SealedProof, aad...); err == nil {
			return stream[i : i+suite.KeySize]
		}
	}
	return nil
}

// relearn opens again the packets bound to the trace's sends with what a
// reveal gave the adversary (a SIMP one-time key opens the E4 recorded
// before it), so that later builders find the values the model's
// attacker derives from them.
func (g *gammaRun) relearn() {
	g.n.Saturate()
	terms := make([]string, 0, len(g.bound))
	for t := range g.bound {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	for _, term := range terms {
		t, err := parseTerm(term)
		if err != nil {
			continue
		}
		for _, id := range g.bound[term] {
			if p := g.n.History[id-1]; !p.Injected {
				g.learn(t, p.Msg.Label, p.Msg.Bytes)
			}
		}
	}
}
