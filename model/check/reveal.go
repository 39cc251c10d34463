package check

import (
	"fmt"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// sessionReveal is a session-value reveal of the replayed trace.
type sessionReveal struct {
	rv    *proto.SessionReveal
	run   *run
	step  int
	terms []term.Term
}

// revealSession checks a reveal step of a scenario's session reveal: the
// session plays the reveal's role, has done the reveal's point, was not
// revealed so before, and the values are the session's.
func revealSession(sc *proto.Scenario, s proto.Step, r *run, done []sessionReveal, step int) (*sessionReveal, error) {
	var rv *proto.SessionReveal
	for _, x := range sc.SessionReveals {
		if x.Text == s.Label && x.Role.Name == s.Role {
			rv = x
		}
	}
	switch {
	case rv == nil:
		return nil, fmt.Errorf("check: scenario %s has no reveal %q", sc.Name, s.Label)
	case r == nil:
		return nil, fmt.Errorf("check: session %d has not started", s.Session)
	case r.role != rv.Role:
		return nil, fmt.Errorf("check: session %d plays %s, not %s", r.id, r.role.Name, rv.Role.Name)
	case r.pc <= rv.After: // the trace has not gone past the point (a message or an event)
		return nil, fmt.Errorf("check: session %d has not reached the point of reveal %s", r.id, rv.Text)
	}
	for _, d := range done {
		if d.rv == rv && d.run == r {
			return nil, fmt.Errorf("check: reveal %s of session %d twice", rv.Text, r.id)
		}
	}
	out := &sessionReveal{rv: rv, run: r, step: step}
	for k, t := range rv.Terms {
		x := proto.Instantiate(t, r.env)
		if !term.Ground(x) || k >= len(s.Args) || !term.Equal(x, s.Args[k]) {
			return nil, fmt.Errorf("check: revealed values differ from session %d's", r.id)
		}
		out.terms = append(out.terms, x)
	}
	if len(s.Args) != len(rv.Terms) {
		return nil, fmt.Errorf("check: revealed values differ from session %d's", r.id)
	}
	return out, nil
}

// excused reports whether a hit of a "secret T unless revealed" claim is
// excused: a reveal of its own session, or of T after its session began.
func excused(h *checkedHit, t term.Term, reveals []sessionReveal) bool {
	if !h.occ.UnlessRevealed {
		return false
	}
	for _, r := range reveals {
		if r.run == h.run {
			return true
		}
		if r.step < h.run.start {
			continue
		}
		for _, x := range r.terms {
			if term.Equal(x, t) {
				return true
			}
		}
	}
	return false
}
