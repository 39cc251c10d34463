package adversary

import (
	"bytes"
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

// TestTraceReplay writes each attack's as-published trace as JSON, reads
// it back and replays it: on as-published it violates the same property
// again; on hardened it is blocked (or, for a weakness the hardened
// variant keeps, violates it too).
func TestTraceReplay(t *testing.T) {
	for _, a := range Attacks() {
		t.Run(a.ID, func(t *testing.T) {
			v, err := a.Run("modern", "as-published", 1)
			if err != nil {
				t.Skip(err)
			}
			var b bytes.Buffer
			if err := v.Trace.WriteJSON(&b); err != nil {
				t.Fatal(err)
			}
			tr, err := ReadTrace(b.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			again, err := ReplayTrace(tr, "", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if !again.Succeeded() {
				t.Fatalf("replayed trace did not violate %v again: %v", tr.Violations, again.Violations)
			}
			h, err := ReplayTrace(tr, "", "hardened", 0)
			if err != nil {
				t.Fatal(err)
			}
			if a.NotFixed {
				return
			}
			if h.Succeeded() || h.Blocked == nil {
				t.Fatalf("hardened replay: violations %v, blocked %v", h.Violations, h.Blocked)
			}
		})
	}
}
