package model

import "fmt"

// checkViolation decides, on the replayed ground trace, whether the trace's
// claim is violated.
func checkViolation(p *Protocol, sc *Scenario, tr *Trace, c *Claim, know []Term, events []eventRec, hits []checkedHit, revealed int) error {
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
	case ClaimSecret, ClaimFSecret:
		if c.Kind == ClaimFSecret && revealed < hit.step {
			return fail("no reveal after the claim")
		}
		if t := instantiate(c.Term, env); !deduce(p.Theory, know, t) {
			return fail("the attacker cannot derive %v", t)
		}
	case ClaimAlive, ClaimWeakAgree:
		partner, me := env[c.Agent], env[0]
		for i := 0; i < hit.step; i++ {
			s := tr.Steps[i]
			if s.Kind != StepStart || len(s.Agents) == 0 || s.Agents[0] != partner.String() {
				continue
			}
			if c.Kind == ClaimAlive || member(me.String(), s.Agents[1:]) {
				return fail("session %d of %s ran before step %d", s.Session, partner, hit.step+1)
			}
		}
	case ClaimNIAgree, ClaimInjAgree:
		used := map[int]bool{}
		violated := false
		for _, h := range mine {
			if h.step > hit.step {
				break
			}
			args := make([]Term, len(h.occ.Args))
			for i, x := range h.occ.Args {
				args[i] = instantiate(x, h.run.env)
			}
			found := false
			for j, ev := range events {
				if ev.step > h.step || ev.name != c.Event || (c.Kind == ClaimInjAgree && used[j]) {
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
	case ClaimUnique:
		var other *checkedHit
		for i := range mine {
			if mine[i].step == tr.Hit2 {
				other = &mine[i]
			}
		}
		if other == nil || other.step == hit.step || other.run == hit.run && other.occ == hit.occ {
			return fail("no second use at step %d", tr.Hit2+1)
		}
		if !Equal(instantiate(c.Term, env), instantiate(other.occ.Term, other.run.env)) {
			return fail("the two sessions accepted different values")
		}
	case ClaimWeakSecret:
		if !offlineGuess(p.Theory, know, instantiate(c.Term, env)) {
			return fail("no offline test for the guess")
		}
	}
	return nil
}

func equalArgs(a, b []Term) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// analyse returns the ground closure of know under the theory's openings.
func analyse(th *Theory, know []Term) []Term {
	out := append([]Term(nil), know...)
	opened := make([]bool, len(out))
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(out); i++ {
			if opened[i] {
				continue
			}
			a, ok := out[i].(*App)
			if !ok {
				opened[i] = true
				continue
			}
			p := th.Prim(a.Fn)
			if p == nil || p.Open == nil {
				opened[i] = true
				continue
			}
			if p.Open.Key != nil {
				k, ok := p.Open.Key(a.Args)
				if !ok || !compose(th, out, k) {
					continue
				}
			}
			opened[i] = true
			progress = true
			parts := p.Open.Parts
			if parts == nil {
				for j := range a.Args {
					parts = append(parts, j)
				}
			}
			for _, j := range parts {
				if !inList(out, a.Args[j]) {
					out = append(out, a.Args[j])
					opened = append(opened, false)
				}
			}
		}
	}
	return out
}

func inList(xs []Term, t Term) bool {
	for _, x := range xs {
		if Equal(x, t) {
			return true
		}
	}
	return false
}

// compose reports whether t is in know or built from it with public
// primitives; attacker-made names are always known.
func compose(th *Theory, know []Term, t Term) bool {
	if inList(know, t) {
		return true
	}
	switch a := t.(type) {
	case *Name:
		return a.Kind == KindAttacker
	case *App:
		p := th.Prim(a.Fn)
		if p == nil || !p.Public {
			return false
		}
		for _, x := range a.Args {
			if !compose(th, know, x) {
				return false
			}
		}
		return true
	}
	return false
}

// deduce decides ground Dolev-Yao deducibility: analyse, then compose.
func deduce(th *Theory, know []Term, t Term) bool {
	return compose(th, analyse(th, know), t)
}

// offlineGuess reports whether an attacker who saw know can test a guess of
// the weak secret pw offline: pw is derivable outright; or, adding the guess,
// some observed one-way term containing pw can be recomputed from the rest
// (compare); or some observed term can be opened with a key that contains
// pw (the opening succeeds only for the right guess).
func offlineGuess(th *Theory, know []Term, pw Term) bool {
	if deduce(th, know, pw) {
		return true
	}
	clo := analyse(th, append(append([]Term(nil), know...), pw))
	for i, t := range clo {
		a, ok := t.(*App)
		if !ok || !Contains(t, pw) || Equal(t, pw) {
			continue
		}
		p := th.Prim(a.Fn)
		if p == nil {
			continue
		}
		if p.Open == nil {
			rest := append(append([]Term(nil), clo[:i]...), clo[i+1:]...)
			all := true
			for _, x := range a.Args {
				all = all && compose(th, rest, x)
			}
			if all && p.Public {
				return true
			}
			continue
		}
		if p.Open.Key != nil {
			if k, ok := p.Open.Key(a.Args); ok && Contains(k, pw) && compose(th, clo, k) {
				return true
			}
		}
	}
	return false
}
