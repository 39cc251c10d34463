package adversary

import (
	"testing"
)

// TestAttacks runs every attack of the catalogue on both variants: the
// as-published variant must show the weakness (the expected violation,
// with its property, parties and data), the hardened one must block it.
func TestAttacks(t *testing.T) {
	for _, a := range Attacks() {
		for _, variant := range []string{"as-published", "hardened"} {
			t.Run(a.ID+"/"+variant, func(t *testing.T) {
				v, err := a.Run("modern", variant, 1)
				if err != nil {
					t.Skip(err)
				}
				if variant == "as-published" || a.NotFixed {
					if !v.Succeeded() {
						t.Fatalf("expected %v; got violations %v, blocked %v", a.Expect, v.Violations, v.Blocked)
					}
					return
				}
				if v.Succeeded() || len(v.Violations) > 0 {
					t.Fatalf("hardened: violations %v", v.Violations)
				}
				if v.Blocked == nil {
					t.Fatalf("hardened: not blocked and no violation")
				}
				t.Logf("blocked: %v", v.Blocked)
			})
		}
	}
}
