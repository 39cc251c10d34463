package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/model/search"
)

// TestReductionsKeepVerdicts: the search's reductions (model/search:
// early initiators, duplicate states, instances, relevance, partial-order
// reduction, symmetry) change neither a verdict nor the length of a shortest attack,
// each one alone and all of them together, and together they explore fewer
// states than the full search. Every shipped model at its own bound but the
// three slowest (all of them without -short); the composed models (every
// phase in one model, names ending in _full or _full_hardened) in
// their default scenario at 2 sessions: the full search at their own
// bounds, and in their compromise scenarios, takes many minutes. At their own
// bound, TestComposedAtOwnBound compares them with the search of early
// initiators and duplicate states alone.
func TestReductionsKeepVerdicts(t *testing.T) {
	slow := map[string]bool{"simp": true, "simp_hardened": true, "replay": true}
	fewer := false
	for _, red := range boundedReports(t) {
		p := red.p()
		if testing.Short() && slow[p.Name] {
			continue
		}
		opt := Options{NoReduction: true}
		if composed(p.Name) {
			q := *p
			q.Scenarios = p.Scenarios[:1]
			p = &q
			opt.Sessions = 2
			red = checkModel(t, p, Options{Sessions: 2})
		}
		full := checkModel(t, p, opt)
		variants := []*Report{red}
		names := []string{"all reductions"}
		for _, r := range search.Reductions() {
			variants = append(variants, checkModel(t, p, Options{Sessions: opt.Sessions, Off: ReduceAll &^ r}))
			names = append(names, r.String()+" alone")
		}
		for i, s := range full.Scenarios {
			if red.Scenarios[i].States < s.States {
				fewer = true
			}
			for v, rep := range variants {
				for j, c := range s.Claims {
					d := rep.Scenarios[i].Claims[j]
					if got, want := summary(d), summary(c); got != want {
						t.Errorf("%s/%s#%s: %s %s, full %s", p.Name, s.Name, c.Claim.ID, names[v], got, want)
					}
					if d.Trace != nil {
						if err := CheckTrace(p, p.Scenarios[i], d.Trace); err != nil {
							t.Errorf("%s/%s#%s: %s: %v", p.Name, s.Name, c.Claim.ID, names[v], err)
						}
					}
				}
			}
		}
	}
	if !fewer {
		t.Error("the reductions never saved a state")
	}
}

// TestComposedAtOwnBound: on the composed models at their own bound, every
// reduction together gives the verdicts and shortest attack lengths of the
// search with early initiators and duplicate states only (each of which
// TestReductionsKeepVerdicts compares with the full search). Not in -short.
func TestComposedAtOwnBound(t *testing.T) {
	if testing.Short() {
		t.Skip("the composed models at their own bound take seconds each")
	}
	for _, red := range boundedReports(t) {
		p := red.p()
		if !composed(p.Name) {
			continue
		}
		base := checkModel(t, p, Options{Off: ReduceAll &^ (ReduceEarly | ReduceDedup)})
		for i, s := range base.Scenarios {
			for j, c := range s.Claims {
				if got, want := summary(red.Scenarios[i].Claims[j]), summary(c); got != want {
					t.Errorf("%s/%s#%s: all reductions %s, early+dedup %s", p.Name, s.Name, c.Claim.ID, got, want)
				}
			}
		}
	}
}

// composed reports whether a shipped model is one of the composed
// whole-protocol models.
func composed(name string) bool {
	return strings.HasSuffix(name, "_full") || strings.HasSuffix(name, "_full_hardened")
}

func summary(c *ClaimResult) string {
	if c.Trace == nil {
		return string(c.Verdict)
	}
	return fmt.Sprintf("%s/%d", c.Verdict, c.Trace.Length)
}
