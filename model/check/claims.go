package check

import (
	"fmt"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// checkViolation decides, on the replayed ground trace, whether the trace's
// claim is violated.
func checkViolation(p *proto.Protocol, sc *proto.Scenario, tr *proto.Trace, c *proto.Claim, know []term.Term, events []eventRec, hits []checkedHit, revealed int, sreveals []sessionReveal) error {
	var mine []checkedHit
	var hit *checkedHit
	for i := range hits {
		if hits[i].claim == c.ID {
			mine = append(mine, hits[i])
			if hits[i].step == tr.Hit {
				hit = &hits[i]
			}
		}
	}
	if hit == nil {
		return fmt.Errorf("%w: step %d is not a claim %s", ErrBadTrace, tr.Hit+1, c.ID)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: claim %s holds: %s", ErrBadTrace, c.ID, fmt.Sprintf(format, args...))
	}
	env := hit.run.env
	c = hit.occ
	switch c.Kind {
	case proto.ClaimSecret, proto.ClaimFSecret:
		if c.Kind == proto.ClaimFSecret && revealed < hit.step {
			return fail("no reveal after the claim")
		}
		t := proto.Instantiate(c.Term, env)
		if !term.Deduce(p.Theory, know, t) {
			return fail("the attacker cannot derive %v", t)
		}
		if excused(hit, t, sreveals) {
			return fail("%v was revealed in session %d or after it began", t, hit.run.id)
		}
	case proto.ClaimAlive, proto.ClaimWeakAgree:
		partner, me := env[c.Agent], env[0]
		for i := 0; i < hit.step; i++ {
			s := tr.Steps[i]
			if s.Kind != proto.StepStart || len(s.Agents) == 0 || s.Agents[0] != partner.String() {
				continue
			}
			if c.Kind == proto.ClaimAlive || member(me.String(), s.Agents[1:]) {
				return fail("session %d of %s ran before step %d", s.Session, partner, hit.step+1)
			}
		}
	case proto.ClaimNIAgree, proto.ClaimInjAgree:
		used := map[int]bool{}
		violated := false
		for _, h := range mine {
			if h.step > hit.step {
				break
			}
			args := make([]term.Term, len(h.occ.Args))
			for i, x := range h.occ.Args {
				args[i] = proto.Instantiate(x, h.run.env)
			}
			found := false
			for j, ev := range events {
				if ev.step > h.step || ev.name != c.Event || (c.Kind == proto.ClaimInjAgree && used[j]) {
					continue
				}
				if equalArgs(ev.args, args) {
					found, used[j] = true, true
					break
				}
			}
			if !found && h.step == hit.step {
				violated = true
			}
		}
		if !violated {
			return fail("every claim has a matching %s event", c.Event)
		}
	case proto.ClaimUnique:
		var other *checkedHit
		for i := range mine {
			if mine[i].step == tr.Hit2 {
				other = &mine[i]
			}
		}
		if other == nil || other.step == hit.step || other.run == hit.run && other.occ == hit.occ {
			return fail("no second use at step %d", tr.Hit2+1)
		}
		if !term.Equal(proto.Instantiate(c.Term, env), proto.Instantiate(other.occ.Term, other.run.env)) {
			return fail("the two sessions accepted different values")
		}
	case proto.ClaimWeakSecret:
		if !term.OfflineGuess(p.Theory, know, proto.Instantiate(c.Term, env)) {
			return fail("no offline test for the guess")
		}
	}
	return nil
}

func equalArgs(a, b []term.Term) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !term.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
