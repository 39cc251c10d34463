package model

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSearchLimits: a search stops at each of its limits (docs/limits.md,
// "Search"), says why, and reports the claims it did not decide as
// timeout: memory, time (a deadline already past), a cancellation (a
// signal), and the state limit the tests use.
func TestSearchLimits(t *testing.T) {
	p := mustShipped(t, "nsl")
	past, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	signalled, stop := context.WithCancelCause(context.Background())
	stop(errors.New("interrupt signal received"))
	cases := []struct {
		name   string
		ctx    context.Context
		opt    Options
		reason string
	}{
		{"memory", context.Background(), Options{Sessions: 3, MaxMemory: 1, Mode: ModeBounded}, "memory limit"},
		{"timeout", past, Options{Sessions: 3, Mode: ModeBounded}, "timeout"},
		{"signal", signalled, Options{Sessions: 3, Mode: ModeBounded}, "interrupt signal received"},
		{"states", context.Background(), Options{Sessions: 3, MaxStates: 10, Mode: ModeBounded}, "state limit 10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Check(tc.ctx, p, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			sc := rep.Scenarios[0]
			if !strings.Contains(sc.Stopped, tc.reason) {
				t.Errorf("stopped %q, want %q", sc.Stopped, tc.reason)
			}
			for _, c := range sc.Claims {
				if c.Verdict != VerdictTimeout {
					t.Errorf("%s: %s, want %s", c.Claim.ID, c.Verdict, VerdictTimeout)
				}
			}
		})
	}
	// within the limits nothing stops
	if sc := checkModel(t, p, Options{Sessions: 3}).Scenarios[0]; sc.Stopped != "" {
		t.Errorf("a search within its limits stopped: %s", sc.Stopped)
	}
}

// TestProgressLines: a search with a progress writer reports, as it goes,
// the states explored, the trace depth reached, the claims attacked so far
// and the solver calls, in lines whose counts only grow and end at most at
// the final figures; at the default interval (2 s) a search that ends
// sooner prints nothing.
func TestProgressLines(t *testing.T) {
	p := mustShipped(t, "imke-c")
	var b strings.Builder
	rep := checkModel(t, p, Options{Sessions: 3, Jobs: 2, Progress: &b, ProgressEvery: time.Nanosecond})
	sc := rep.Scenarios[0]
	attacked := 0
	for _, c := range sc.Claims {
		if c.Verdict == VerdictAttack {
			attacked++
		}
	}
	line := regexp.MustCompile(`^model: imke_c/default: (\d+) states, depth (\d+), (\d+) of (\d+) claims attacked, (\d+) solves, \S+$`)
	var last [5]int
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) < 3 {
		t.Fatalf("%d progress lines for %d states:\n%s", len(lines), sc.States, b.String())
	}
	for _, l := range lines {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("progress line %q", l)
		}
		var got [5]int
		for i := range got {
			got[i], _ = strconv.Atoi(m[i+1])
		}
		for i, name := range []string{"states", "depth", "claims attacked", "claims", "solves"} {
			if got[i] < last[i] {
				t.Errorf("%s went down: %q after %v", name, l, last)
			}
		}
		if got[0] > sc.States || got[2] > attacked || got[3] != len(sc.Claims) || got[1] == 0 {
			t.Errorf("%q: the search explored %d states and attacked %d of %d claims", l, sc.States, attacked, len(sc.Claims))
		}
		last = got
	}
	if last[2] == 0 {
		t.Errorf("no progress line counts an attack (%d found):\n%s", attacked, b.String())
	}
	b.Reset()
	checkModel(t, mustShipped(t, "nspk"), Options{Progress: &b})
	if b.Len() > 0 {
		t.Errorf("a search of a few ms printed progress lines:\n%s", b.String())
	}
}
