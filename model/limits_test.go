package model

import (
	"context"
	"errors"
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
		{"memory", context.Background(), Options{Sessions: 3, MaxMemory: 1}, "memory limit"},
		{"timeout", past, Options{Sessions: 3}, "timeout"},
		{"signal", signalled, Options{Sessions: 3}, "interrupt signal received"},
		{"states", context.Background(), Options{Sessions: 3, MaxStates: 10}, "state limit 10"},
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
