package adversary

import (
	"bytes"
	"strings"
	"testing"
)

// TestAttacks runs every attack of the catalogue on both variants: the
// as-published variant must show the weakness (the expected violation,
// with its property, parties and data), the hardened one must block it.
func TestAttacks(t *testing.T) {
	for _, a := range Attacks() {
		for _, sv := range attackRuns(a) {
			suiteName, variant := sv[0], sv[1]
			t.Run(a.ID+"/"+suiteName+"/"+variant, func(t *testing.T) {
				v, err := a.Run(suiteName, variant, 1)
				if err != nil {
					t.Fatal(err)
				}
				if spec := a.blockSpec(variant); spec != nil {
					// Blocked where the profile's rule says, with its alert:
					// a block anywhere else is not this attack being stopped.
					if err := spec.Check(v); err != nil {
						t.Fatalf("%v (rejections %v)", err, v.Rejections)
					}
				} else if variant == "hardened" && !a.NotFixed {
					t.Fatalf("attack declares no HardenedBlock: where must hardened stop it?")
				}
				if a.Unrealisable != "" {
					// The model's attack does not concretise: blocked on
					// both variants, and nothing it aimed at violated.
					if v.Succeeded() || v.Blocked == nil {
						t.Fatalf("expected the implementation to block it (%s); got %v, blocked %v", a.Unrealisable, v.Expected, v.Blocked)
					}
					t.Logf("%s: %s", variant, v.Summary())
					return
				}
				if variant == "as-published" || a.NotFixed {
					if !v.Succeeded() {
						t.Fatalf("expected %v; got violations %v, blocked %v", a.Expect, v.Violations, v.Blocked)
					}
					return
				}
				// Hardened: nothing is violated. Where the attack needs a
				// step the implementation rejects, the verdict says where;
				// a weakness of honest behaviour (W2, W7) simply does not
				// occur.
				if v.Succeeded() || len(v.Violations) > 0 {
					t.Fatalf("hardened: violations %v", v.Violations)
				}
				t.Logf("hardened: %s", v.Summary())
			})
		}
	}
}

// attackRuns lists the (suite, variant) pairs an attack is tested on:
// both variants on modern and pq, and on classic too unless the script
// needs a dishonest party's dynamic key (not recovered on classic, see
// docs/adversary.md §1) or -short is set.
func attackRuns(a *Attack) [][2]string {
	suites := []string{"modern", "pq"}
	if !testing.Short() && len(a.Dishonest) == 0 {
		suites = append(suites, "classic")
	}
	var out [][2]string
	for _, s := range suites {
		out = append(out, [2]string{s, "as-published"}, [2]string{s, "hardened"})
	}
	return out
}

// TestTraceReplay writes each attack's as-published trace as JSON, reads
// it back and replays it: on as-published it violates the same property
// again; on hardened it violates nothing (or, for a weakness the hardened
// variant keeps, violates it too). The hardened run's own trace, replayed
// on hardened, is blocked exactly where the attack declares.
func TestTraceReplay(t *testing.T) {
	for _, a := range Attacks() {
		t.Run(a.ID, func(t *testing.T) {
			v, err := a.Run("modern", "as-published", 1)
			if err != nil {
				t.Skip(err)
			}
			if a.Unrealisable != "" {
				t.Skip("the model's attack does not concretise")
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
			if h.Succeeded() || len(h.Violations) > 0 {
				t.Fatalf("hardened replay: violations %v, blocked %v", h.Violations, h.Blocked)
			}
			hv, err := a.Run("modern", "hardened", 1)
			if err != nil {
				t.Fatal(err)
			}
			b.Reset()
			if err := hv.Trace.WriteJSON(&b); err != nil {
				t.Fatal(err)
			}
			htr, err := ReadTrace(b.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			hh, err := ReplayTrace(htr, "", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(hh.Violations) > 0 || !hh.BlockedAsDeclared() {
				t.Fatalf("hardened trace replayed: violations %v, %s", hh.Violations, hh.WrongBlock)
			}
		})
	}
}

// TestRandomVerdict: a claim checked by the random adversary reports the
// violating seed when its runs violate it (SIMP W2 shows in every
// as-published login) and "no violation" when they do not.
func TestRandomVerdict(t *testing.T) {
	claimChecks["simp-test/W2"] = claimCheck{"simp", []Expect{{Property: KeyReuse, Party: "S", What: "key-index"}}, nil}
	defer delete(claimChecks, "simp-test/W2")
	if got := RandomVerdict(ClaimID{"simp-test", "default", "W2"}); !strings.HasPrefix(got, "VIOLATED by the random adversary (run 1 of 20, seed 1") || !strings.Contains(got, "key-reuse: key-index of S") {
		t.Errorf("as published: %q", got)
	}
	if got := RandomVerdict(ClaimID{"simp-test-hardened", "default", "W2"}); got != "no violation in 20 random adversarial runs (party and adversary seeds 1–20)" {
		t.Errorf("hardened: %q", got)
	}
	if got := ConcreteVerdict("imke", "default", "T6_key_secret"); !strings.HasPrefix(got, "no violation in") {
		t.Errorf("T6: %q", got)
	}
	if got := ConcreteVerdict("nspk", "default", "R.secret"); got != "" {
		t.Errorf("a claim no oracle states: %q", got)
	}
}
