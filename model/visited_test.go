package model

import (
	"fmt"
	"strings"
	"testing"
)

// TestDedupKeepsVerdicts: the reductions (duplicate-state elimination,
// early initiators) change neither a verdict nor the length of a shortest
// attack, and they explore fewer states. Every shipped model but the three
// slowest (all of them without -short). The composed models (every phase
// in one model, names ending in _full or _full_hardened) are compared at
// 2 sessions: the full search at their own bound takes minutes.
func TestDedupKeepsVerdicts(t *testing.T) {
	slow := map[string]bool{"simp": true, "simp_hardened": true, "replay": true}
	fewer := false
	for _, red := range shippedReports(t) {
		p := red.p()
		if testing.Short() && slow[p.Name] {
			continue
		}
		opt := Options{NoReduction: true}
		if composed(p.Name) {
			opt.Sessions = 2
			red = checkModel(t, p, Options{Sessions: 2})
		}
		full := checkModel(t, p, opt)
		for i, s := range full.Scenarios {
			r := red.Scenarios[i]
			if r.States < s.States {
				fewer = true
			}
			for j, c := range s.Claims {
				d := r.Claims[j]
				if got, want := summary(d), summary(c); got != want {
					t.Errorf("%s/%s#%s: reduced %s, full %s", p.Name, s.Name, c.Claim.ID, got, want)
				}
				if d.Trace != nil {
					if err := CheckTrace(p, p.Scenarios[i], d.Trace); err != nil {
						t.Errorf("%s/%s#%s: %v", p.Name, s.Name, c.Claim.ID, err)
					}
				}
			}
		}
	}
	if !fewer {
		t.Error("the reduction never saved a state")
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
