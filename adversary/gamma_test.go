package adversary

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// shippedSIMPIMKE lists the shipped SIMP and IMKE models.
func shippedSIMPIMKE(t *testing.T) []string {
	t.Helper()
	out := ShippedModels()
	if len(out) == 0 {
		t.Fatal("no shipped SIMP or IMKE model")
	}
	return out
}

// TestGammaEveryModelAttack concretises every attack of every shipped
// SIMP and IMKE model from its trace alone, on the variant the model
// describes: each is reproduced, the claim's own property violated for
// its own claimant and peer, or reported as not realisable with the
// subterm and the profile rule; never left unexplained.
func TestGammaEveryModelAttack(t *testing.T) {
	reproduced, unrealisable := 0, 0
	for _, name := range shippedSIMPIMKE(t) {
		trs, err := ShippedModelTraces(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range trs {
			id := name + "/" + tr.Claim.Scenario + "#" + tr.Claim.Claim
			t.Run(id, func(t *testing.T) {
				g, err := tr.Concretise("modern", tr.Variant(), 1)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range g.Steps {
					t.Logf("%-18s %s", s.Model, s.Action)
				}
				t.Log(g.Summary())
				switch {
				case g.Reproduced():
					reproduced++
					for _, x := range g.Verdict.Expected {
						if !slices.ContainsFunc(tr.ClaimParties(), func(c ClaimParties) bool { return c.Claimant == x.Party && c.Peer == x.Peer }) {
							t.Errorf("cites %s, not the claim's parties %v", x, tr.ClaimParties())
						}
						if !slices.Contains(kindProperties[tr.Kind], x.Property) {
							t.Errorf("cites %s for a %s claim", x.Property, tr.Kind)
						}
					}
				case g.Unrealisable != nil:
					unrealisable++
					u := g.Unrealisable
					if u.Subterm == "" || !strings.Contains(u.Rule, "simp.md") && !strings.Contains(u.Rule, "imke.md") {
						t.Errorf("not realisable without a subterm and a profile rule (a limit of γ's?): %+v", u)
					}
				default:
					t.Errorf("neither reproduced nor explained: %s", g.Summary())
				}
			})
		}
	}
	t.Logf("%d reproduced, %d not realisable", reproduced, unrealisable)
}

// TestGammaHardenedBlocks replays every attack of an as-published model
// on the hardened variant: it is blocked where the profile declares (or,
// for a weakness hardening keeps, reproduced again).
func TestGammaHardenedBlocks(t *testing.T) {
	for _, name := range shippedSIMPIMKE(t) {
		if strings.HasSuffix(name, "-hardened") {
			continue
		}
		trs, err := ShippedModelTraces(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range trs {
			id := name + "/" + tr.Claim.Scenario + "#" + tr.Claim.Claim
			t.Run(id, func(t *testing.T) {
				g, err := tr.Concretise("modern", "hardened", 1)
				if err != nil {
					t.Fatal(err)
				}
				t.Log(g.Summary())
				spec, fixed := HardenedBlock(tr.Claim)
				if g.Unrealisable != nil && g.Verdict.Declared == nil {
					// Only an attack the as-published code cannot realise
					// either has nothing for hardened to block.
					p, err := tr.Concretise("modern", "as-published", 1)
					if err != nil || p.Unrealisable == nil {
						t.Errorf("not realisable on hardened only: %s", g.Summary())
					}
					return
				}
				switch {
				case !fixed && spec == nil:
					if _, listed := hardenedBlockOf(tr.Claim); !listed {
						t.Fatalf("no declared block for %s", tr.Claim)
					}
					if !g.Reproduced() && g.Unrealisable == nil {
						t.Errorf("a weakness hardening keeps, yet: %s", g.Summary())
					}
				case g.Reproduced():
					t.Errorf("hardened reproduces it: %s", g.Summary())
				case !g.Verdict.BlockedAsDeclared() || g.Verdict.Declared != spec:
					t.Errorf("not blocked as declared (%s): %s", spec, g.Summary())
				}
			})
		}
	}
}

// TestParseTerm: terms as the model prints them parse and print back.
func TestParseTerm(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"a", "a"},
		{"<aenc(Kab.1, pk(kr(b))), senc(RA.1, Kab.1)>", "<aenc(Kab.1, pk(kr(b))), senc(RA.1, Kab.1)>"},
		{"⟨x0, Ja.1, h(sk(kas(b, s), Ja.1))⟩", "<x0, Ja.1, h(sk(kas(b, s), Ja.1))>"},
		{"RunB(a, b, Kab.1, RA.1, x0)", "RunB(a, b, Kab.1, RA.1, x0)"},
	} {
		m, err := parseTerm(tc.in)
		if err != nil || m.String() != tc.out {
			t.Errorf("parseTerm(%q) = %v, %v; want %q", tc.in, m, err, tc.out)
		}
	}
	for _, bad := range []string{"", "<a, b", "f(a,", "a b", "<>", "f()", strings.Repeat("<", 100) + "a" + strings.Repeat(">", 100)} {
		if m, err := parseTerm(bad); err == nil {
			t.Errorf("parseTerm(%q) = %v, want an error", bad, m)
		}
	}
	x, _ := parseTerm("<x12, skE2, xa, Kab.1>")
	for i, want := range []bool{true, true, false, false} {
		if got := x.Args[i].attackerValue(); got != want {
			t.Errorf("attackerValue(%s) = %v", x.Args[i], got)
		}
	}
}

// TestShippedModelTraceOneScenario: the trace of one claim, its scenario
// checked alone, is the one the whole model's check gives (what
// `imcheck attack replay MODEL/SCENARIO#CLAIM` replays is what
// docs/claims.md cites).
func TestShippedModelTraceOneScenario(t *testing.T) {
	for _, c := range []ClaimID{
		{"imke-c", "default", "T4_A_agree"},
		{"simp-full", "dishonest_server", "B_key_secret"},
		{"imke-full", "dynamic_key_revealed_peers", "T4_A_agree"},
	} {
		one, err := ShippedModelTrace(c)
		if err != nil {
			t.Fatal(err)
		}
		all, ok := shippedTrace(c)
		if !ok {
			t.Fatalf("%s: no trace in the whole model's check", c)
		}
		if !reflect.DeepEqual(one, all) {
			t.Errorf("%s: the one-scenario trace (%d steps) differs from the whole model's (%d steps)", c, len(one.Steps), len(all.Steps))
		}
	}
}
