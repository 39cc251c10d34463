package search

import "github.com/imcheck/imcheck/model/term"

// solve returns the normalised states in which the attacker, from its first
// n observations, produces a term matching t: the lazy intruder. Variables
// in t are not enumerated; they stay symbolic, constrained to be derivable.
func (e *engine) solve(st *state, n int, t term.Term) []*state {
	var out []*state
	for _, s := range e.solveRaw(st, n, t) {
		out = append(out, e.normalize(s)...)
	}
	return dedupe(out)
}

// solveRaw applies the lazy-intruder rules once: a variable goal becomes a
// constraint; a goal the attacker can build without fixing anything is
// done; otherwise unify it with an analysed observation, or compose it with
// a public primitive and solve the arguments.
func (e *engine) solveRaw(st *state, n int, t term.Term) []*state {
	return e.solveGoal(st, n, t, false)
}

// solveGoal is solveRaw; owned says that st is the caller's own, to be
// dropped after the call, so that a goal solved without branching may
// reuse it rather than a copy. Every state it returns is new or st.
func (e *engine) solveGoal(st *state, n int, t term.Term, owned bool) []*state {
	e.stats.solves++
	if e.stats.solves%solveTick == 0 && e.sh.ctx.Err() != nil {
		// one step can be long: stop inside it (--timeout, a signal)
		e.sh.halt(contextReason(e.sh.ctx))
		e.stop = true
	}
	if e.stop {
		return nil
	}
	t = st.sub.Resolve(t)
	if v, ok := t.(*term.Var); ok {
		s := st
		if !owned {
			s = st.clone()
		}
		s.addCons(n, v)
		return []*state{s}
	}
	clo := e.closure(st, n)
	ground := term.Ground(t)
	if ground && derivable(e.th, clo, t) {
		// the most general solution: nothing to fix
		if owned {
			return []*state{st}
		}
		return []*state{st.clone()}
	}
	var out []*state
	if e.dh {
		// first, so that a man in the middle shows with a half key of
		// its own rather than g itself, at the same length
		out = append(out, e.solveExpSwapped(st, n, t)...)
	}
	for _, c := range clo {
		if _, ok := c.(*term.Var); ok || ground && term.Ground(c) || !term.MayUnify(st.sub, c, t) {
			continue
		}
		out = append(out, e.unifyStates(st, c, t)...)
	}
	if a, ok := t.(*term.App); ok {
		if p := e.th.Prim(a.Fn); p != nil && p.Public {
			sts := []*state{st}
			for _, x := range a.Args {
				var next []*state
				for _, s := range sts {
					// the states after the first argument are this
					// call's own
					next = append(next, e.solveGoal(s, n, x, s != st)...)
				}
				sts = next
				if len(sts) == 0 {
					break
				}
			}
			for _, s := range sts {
				if s != st {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// normalize re-solves every constraint whose variable got bound, until all
// constraints are on free variables again. It may branch or fail.
func (e *engine) normalize(st *state) []*state {
	for i, c := range st.cons {
		r := st.sub.Walk(c.t)
		if v, ok := r.(*term.Var); ok {
			if v.ID != c.t.(*term.Var).ID {
				s := st.clone()
				s.cons = append(s.cons[:i:i], s.cons[i+1:]...)
				s.addCons(c.know, v)
				return e.normalize(s)
			}
			continue
		}
		s := st.clone()
		s.cons = append(s.cons[:i:i], s.cons[i+1:]...)
		var out []*state
		for _, r := range e.solveGoal(s, c.know, r, true) {
			out = append(out, e.normalize(r)...)
		}
		return out
	}
	return []*state{st}
}

// solveTick is how often (in solves) a long step looks at the clock.
const solveTick = 1024
