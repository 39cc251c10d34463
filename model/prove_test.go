package model

import (
	"context"
	"strings"
	"testing"
)

// TestProverSoundOnShipped: on every shipped model the unbounded prover
// never says "proved" for a claim that the bounded search attacks (the
// trace checker replayed the attack), in any scenario. With -short the
// composed models (-full) are left out.
func TestProverSoundOnShipped(t *testing.T) {
	proved := 0
	var bounded []*Report
	if !testing.Short() {
		bounded = boundedReports(t)
	}
	for i, f := range Shipped() {
		if testing.Short() && strings.Contains(f, "-full") {
			continue
		}
		p, err := LoadShipped(f)
		if err != nil {
			t.Fatal(err)
		}
		var rb *Report
		if bounded != nil {
			rb = bounded[i]
		} else if rb, err = Check(context.Background(), p, Options{Mode: ModeBounded}); err != nil {
			t.Fatal(err)
		}
		rp, err := Check(context.Background(), p, Options{Mode: ModeProve})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range rp.Scenarios {
			for j, c := range s.Claims {
				b := rb.Scenarios[i].Claims[j]
				if c.Verdict != VerdictProved {
					continue
				}
				proved++
				if b.Verdict == VerdictAttack {
					var tr strings.Builder
					b.Trace.WriteText(&tr, "  ")
					t.Errorf("%s/%s#%s: the prover says proved, the search found an attack:\n%s", rp.Name(), s.Name, c.Claim.ID, tr.String())
				}
			}
		}
	}
	t.Logf("%d claims proved, none of them attacked", proved)
}

// TestProverTextbook: Lowe's fix is proved for any number of sessions; on
// NSPK the initiator's claims are proved and the responder's are attacked
// (Lowe's man in the middle), the prover saying why it did not prove them.
func TestProverTextbook(t *testing.T) {
	nsl, err := Check(context.Background(), mustShipped(t, "nsl"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range nsl.Scenarios[0].Claims {
		if c.Verdict != VerdictProved {
			t.Errorf("nsl %s: %s (%s), want proved", c.Claim.ID, c.Verdict, c.Prover)
		}
	}
	nspk, err := Check(context.Background(), mustShipped(t, "nspk"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range nspk.Scenarios[0].Claims {
		switch {
		case c.Claim.Role.Name == "I" && c.Verdict != VerdictProved:
			t.Errorf("nspk %s: %s (%s), want proved", c.Claim.ID, c.Verdict, c.Prover)
		case c.Claim.Role.Name == "R" && c.Verdict == VerdictAttack && !strings.HasPrefix(c.Prover, "not proved: "):
			t.Errorf("nspk %s: attacked, prover says %q", c.Claim.ID, c.Prover)
		}
	}
	if c := claimResult(t, nspk, "default", "R.niagree"); c.Verdict != VerdictAttack {
		t.Errorf("nspk R.niagree: %s, want Lowe's attack", c.Verdict)
	}
}
