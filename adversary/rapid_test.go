package adversary

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"pgregory.net/rapid"
)

// rapidChooser draws the adversary's choices from rapid, so that a
// failing run shrinks to a minimal attack.
type rapidChooser struct{ t *rapid.T }

func (c rapidChooser) Choose(label string, n int) int { return rapid.IntRange(0, n-1).Draw(c.t, label) }

// traceDir is where failing runs write their trace: $IMCHECK_TRACE_DIR or
// the system temporary directory.
func traceDir() string {
	if d := os.Getenv("IMCHECK_TRACE_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "imcheck-adversary")
}

// writeTrace saves a run's trace as JSON and Mermaid and returns the JSON
// path (replay it with `imcheck attack replay PATH`).
func writeTrace(name string, n *Network, vs []Violation) string {
	dir := traceDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "(not written: " + err.Error() + ")"
	}
	n.Trace.Protocol, n.Trace.Suite, n.Trace.Variant = n.Setup.Protocol, n.Setup.Suite.Name, n.Setup.Variant
	n.Trace.Users, n.Trace.Options, n.Trace.Violations = n.Setup.Users, n.Setup.Options, vs
	base := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(name))
	f, err := os.Create(base + ".json")
	if err != nil {
		return "(not written: " + err.Error() + ")"
	}
	n.Trace.WriteJSON(f)
	f.Close()
	os.WriteFile(base+".mmd", []byte(n.Trace.Mermaid()), 0o644)
	return base + ".json"
}

// minSteps and maxSteps bound the adversary's actions in one run (a
// shrunk run keeps at least minSteps, enough to log in and connect).
const (
	minSteps = 12
	maxSteps = 80
)

// adversarialRun is one run of the random adversary: a state machine
// whose transitions are the adversary's actions, each chosen by rapid
// (so a failure shrinks to fewer and simpler actions), then the honest
// rest of the run, then every oracle.
func adversarialRun(rt *rapid.T, protocol, suiteName, variant string) (*Network, []Violation) {
	n := protoNet(rt, protocol, suiteName, variant, 1)
	r := &Random{N: n, C: rapidChooser{rt}, Plan: DefaultPlan(n.Protocol, n.Setup)}
	steps := rapid.IntRange(minSteps, maxSteps).Draw(rt, "steps")
	for range steps {
		r.Step()
	}
	n.Settle()
	return n, n.Check(Scope{})
}

// TestHardenedHoldsUnderRandomAdversary: on the hardened variants no run
// of the random adversary violates any property. On failure rapid
// shrinks the run; the minimal trace is written out and its path printed.
func TestHardenedHoldsUnderRandomAdversary(t *testing.T) {
	for _, protocol := range []string{"simp", "imke"} {
		t.Run(protocol, func(t *testing.T) {
			if _, err := harness.Lookup(protocol); err != nil {
				t.Skip(err)
			}
			setFlag(t, "rapid.checks", "300")
			if flag.Lookup("rapid.seed").Value.String() == "0" {
				setFlag(t, "rapid.seed", "1") // deterministic unless -rapid.seed is given
			}
			deep, runs := 0, 0
			rapid.Check(t, func(rt *rapid.T) {
				n, vs := adversarialRun(rt, protocol, "modern", "hardened")
				runs++
				if reachedMessages(n) {
					deep++
				}
				if len(vs) > 0 {
					path := writeTrace(t.Name(), n, vs)
					rt.Fatalf("hardened %s violated %d properties, first: %v\ntrace: %s (replay: imcheck attack replay %s)", protocol, len(vs), vs[0], path, path)
				}
			})
			t.Logf("%d of %d runs reached an accepted message between users", deep, runs)
			if deep == 0 {
				t.Error("no run got as far as an accepted message: the adversary explored nothing")
			}
		})
	}
}

// setFlag sets a rapid flag for the test and restores it after.
func setFlag(t *testing.T, name, value string) {
	old := flag.Lookup(name).Value.String()
	if err := flag.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { flag.Set(name, old) })
}

// captureTB is a rapid.TB that records a failure instead of failing, so
// a test can expect rapid to find a counterexample.
type captureTB struct {
	*testing.T
	failed bool
	msg    string
}

func (c *captureTB) Fatalf(format string, args ...any) {
	c.Errorf(format, args...)
	panic(capturedFailure{})
}
func (c *captureTB) Fatal(args ...any) { c.Fatalf("%s", fmt.Sprint(args...)) }
func (c *captureTB) Errorf(format string, args ...any) {
	if !c.failed {
		c.msg = fmt.Sprintf(format, args...)
	}
	c.failed = true
}
func (c *captureTB) Error(args ...any) { c.Errorf("%s", fmt.Sprint(args...)) }
func (c *captureTB) FailNow()          { c.Fatalf("FailNow") }
func (c *captureTB) Fail()             { c.failed = true }
func (c *captureTB) Failed() bool      { return c.failed }

type capturedFailure struct{}

// expectCounterexample runs prop under rapid and reports the minimal
// counterexample's message, or "" if rapid found none.
func expectCounterexample(t *testing.T, prop func(*rapid.T)) string {
	c := &captureTB{T: t}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(capturedFailure); !ok {
					panic(r)
				}
			}
		}()
		rapid.Check(c, prop)
	}()
	return c.msg
}

// TestAsPublishedFallsToRandomAdversary: on the as-published variants the
// random adversary, without being told any attack, finds a run that
// violates a property, and rapid shrinks it to a minimal one. The
// violation is one the profile lists: its property and kind are those of
// a catalogue attack on the protocol.
func TestAsPublishedFallsToRandomAdversary(t *testing.T) {
	for _, protocol := range []string{"simp", "imke"} {
		t.Run(protocol, func(t *testing.T) {
			if _, err := harness.Lookup(protocol); err != nil {
				t.Skip(err)
			}
			listed := map[string]bool{}
			for _, a := range Attacks() {
				if a.Protocol == protocol {
					for _, e := range a.Expect {
						listed[string(e.Property)+"/"+e.What] = true
					}
				}
			}
			// The counterexample is expected: no fail file, and a bounded
			// shrink so the test stays quick.
			setFlag(t, "rapid.nofailfile", "true")
			setFlag(t, "rapid.shrinktime", "2s")
			setFlag(t, "rapid.checks", "1000")
			if flag.Lookup("rapid.seed").Value.String() == "0" {
				setFlag(t, "rapid.seed", "1") // deterministic unless -rapid.seed is given
			}
			var found *Violation
			msg := expectCounterexample(t, func(rt *rapid.T) {
				n, vs := adversarialRun(rt, protocol, "modern", "as-published")
				if len(vs) > 0 {
					found = &vs[0]
					path := writeTrace(t.Name(), n, vs)
					rt.Fatalf("as-published %s: %v (trace %s)", protocol, vs[0], path)
				}
			})
			if msg == "" || found == nil {
				t.Fatal("the random adversary found no violation on the as-published variant")
			}
			t.Logf("minimal counterexample: %s", msg)
			if !listed[string(found.Property)+"/"+found.What] {
				t.Errorf("the violation %v is none the profile lists (%v)", found, listed)
			}
		})
	}
}

// reachedMessages reports whether a user accepted a message from another
// user in the run: the run got through every phase at least once.
func reachedMessages(n *Network) bool {
	for _, s := range n.Events {
		if s.Event.Kind == role.MessageAccepted && s.Event.Role != n.Setup.Server && s.Event.Peer != n.Setup.Server {
			return true
		}
	}
	return false
}

// seededRun is one run of the random adversary driven by a seeded
// chooser: the same seed gives the same run.
func seededRun(t *testing.T, protocol, suiteName, variant string, options map[string]string, seed uint64) (*Network, []Violation) {
	n, err := NewRun(Spec{Protocol: protocol, Suite: suiteName, Variant: variant, Seed: 1, Options: options})
	if err != nil {
		t.Fatal(err)
	}
	r := &Random{N: n, C: NewSeededChooser(seed), Plan: DefaultPlan(n.Protocol, n.Setup)}
	r.Run(maxSteps, true)
	return n, n.Check(Scope{})
}

// TestHardenedHoldsEverySuite runs the seeded random adversary on every
// suite and protocol option of the hardened variants (modern gets the
// bulk in TestHardenedHoldsUnderRandomAdversary; classic keys are slow
// to build, so fewer runs). A failure prints its seed; reproduce it with
// IMCHECK_ADVERSARY_SEED=N go test ./adversary -run TestHardenedHoldsEverySuite.
func TestHardenedHoldsEverySuite(t *testing.T) {
	runs := map[string]uint64{"classic": 2, "modern": 20, "pq": 6}
	if testing.Short() {
		runs = map[string]uint64{"classic": 2, "modern": 5, "pq": 2}
	}
	first := uint64(1)
	if s := os.Getenv("IMCHECK_ADVERSARY_SEED"); s != "" {
		fmt.Sscan(s, &first)
		runs = map[string]uint64{"classic": 1, "modern": 1, "pq": 1}
	}
	type opt struct {
		name string
		o    map[string]string
	}
	for _, protocol := range []string{"simp", "imke"} {
		if _, err := harness.Lookup(protocol); err != nil {
			t.Logf("%s: %v", protocol, err)
			continue
		}
		opts := []opt{{"default", nil}}
		if protocol == "imke" {
			opts = append(opts, opt{"relay", map[string]string{"relay": "true"}}, opt{"image", map[string]string{"password-storage": "image"}})
		}
		for _, suiteName := range []string{"classic", "modern", "pq"} {
			for _, o := range opts {
				t.Run(protocol+"/"+suiteName+"/"+o.name, func(t *testing.T) {
					deep := 0 // runs in which some message was accepted end to end
					defer func() {
						if !t.Failed() && deep == 0 {
							t.Errorf("no run got as far as an accepted message: the adversary explored nothing")
						}
						t.Logf("%d of %d runs reached an accepted message", deep, runs[suiteName])
					}()
					for seed := first; seed < first+runs[suiteName]; seed++ {
						n, vs := seededRun(t, protocol, suiteName, "hardened", o.o, seed)
						if reachedMessages(n) {
							deep++
						}
						if len(vs) > 0 {
							path := writeTrace(t.Name()+fmt.Sprint(seed), n, vs)
							t.Fatalf("seed %d: %v\ntrace %s\nreproduce: IMCHECK_ADVERSARY_SEED=%d go test ./adversary -run 'TestHardenedHoldsEverySuite/%s'", seed, vs[0], path, seed, t.Name()[len("TestHardenedHoldsEverySuite/"):])
						}
					}
				})
			}
		}
	}
}
