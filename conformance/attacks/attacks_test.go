package attacks

import (
	"strings"
	"testing"
	"time"

	"github.com/imcheck/imcheck/conformance"
)

func options() conformance.Options {
	return conformance.Options{Run: []string{"*/attack/*"}, Suites: []string{"modern"}, Timeout: time.Minute}
}

// TestReferenceBlocksEveryAttack: the hardened reference stops every
// attack at its declared check, with the IUT's party played through the
// gate.
func TestReferenceBlocksEveryAttack(t *testing.T) {
	rep, err := conformance.Run(conformance.NewBuiltin, options())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) < 10 {
		t.Fatalf("only %d attack cases", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Verdict != conformance.Pass {
			t.Errorf("%s: %s: %s\n%s", r.Name, r.Verdict, r.Detail, strings.Join(r.Trace, "\n"))
		}
	}
}

// TestBrokenImplementationsLetAttacksThrough: an IUT that accepts what it
// should reject, or replays, fails attack cases.
func TestBrokenImplementationsLetAttacksThrough(t *testing.T) {
	for _, name := range []string{"alert-swallowed", "replay-accepted"} {
		m, _ := conformance.MutantByName(name)
		rep, err := conformance.Run(m.Factory(), options())
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Failed() {
			t.Errorf("mutant %s passed every attack case", name)
		}
	}
}
