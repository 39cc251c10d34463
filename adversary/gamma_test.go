package adversary

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/model"
)

// modelTraces checks a shipped model and returns its attack traces, read
// from the JSON report `imcheck check --format json` writes.
func modelTraces(t *testing.T, name string) map[string]ModelTrace {
	t.Helper()
	p, err := model.LoadShipped(name)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := model.Check(context.Background(), p, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := model.WriteJSON(&b, []*model.Report{rep}); err != nil {
		t.Fatal(err)
	}
	trs, err := ReadModelTraces(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]ModelTrace{}
	for _, tr := range trs {
		out[tr.Claim.Scenario+"#"+tr.Claim.Claim] = tr
	}
	return out
}

// TestGamma concretises model traces that need only the honest parties'
// own messages (delivered, redirected, replayed or retyped) and checks
// that the concrete run violates the property the model's claim states,
// for the claim's party; a trace with a fresh construction γ cannot build
// is reported as such.
func TestGamma(t *testing.T) {
	for _, tc := range []struct {
		model, claim string
		want         string // "violated", or the start of the NotConcretisable text
		hardenedToo  bool   // the hardened model has the attack too
	}{
		{"imke-c", "default#G3_A_data_auth", "violated", false},
		{"imke-c", "default#G3_B_data_auth", "violated", false},
		{"imke-b", "honest_server#G6_b1_fresh", "violated", false},
		{"imke-b", "honest_server#b1_is_answer", "violated", true},
		{"simp-login", "default#L1_fresh", "violated", false},
		{"simp-msg", "default#B_E6_fresh", "violated", false},
		{"simp-msg", "default#A_E7_auth", "violated", false},
		{"simp-keydist", "default#E3_requested_by_A", "violated", false},
		{"imke-b-hardened", "honest_server#b1_is_answer", "violated", false},
		{"imke-c", "default#T5_B_agree", "not concretisable: c1", false},
	} {
		t.Run(tc.model+"/"+tc.claim, func(t *testing.T) {
			tr, ok := modelTraces(t, tc.model)[tc.claim]
			if !ok {
				t.Fatalf("the model found no attack on %s", tc.claim)
			}
			g, err := tr.Gamma("modern", 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range g.Steps {
				t.Logf("%-16s %s", s.Model, s.Action)
			}
			if tc.want == "violated" {
				if !g.Reproduced() {
					t.Fatalf("want %v; got %v (blocked %v, %s)", g.Want, g.Verdict.Violations, g.Verdict.Blocked, g.NotConcretisable)
				}
				if strings.HasSuffix(tc.model, "-hardened") || tc.hardenedToo {
					return
				}
				// The same trace on the hardened variant does not violate
				// the claim (blocked, or not concretisable there).
				h, err := ConcretiseTrace(tr.Claim, tr.Kind, tr.Role, tr.Steps, "modern", "hardened", 1)
				if err != nil {
					t.Fatal(err)
				}
				if h.Reproduced() {
					t.Fatalf("hardened: %v", h.Verdict.Expected)
				}
				t.Logf("hardened: blocked %v; %s", h.Verdict.Blocked, h.NotConcretisable)
				return
			}
			if !strings.HasPrefix(g.NotConcretisable, tc.want) {
				t.Fatalf("want %q…, got %q", tc.want, g.NotConcretisable)
			}
		})
	}
}
