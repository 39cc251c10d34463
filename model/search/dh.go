package search

import (
	"fmt"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// Diffie-Hellman in the lazy intruder (term/dh.go has the theory). Three
// rules are added to the syntactic ones, only for protocols that use exp:
//
//   - unification modulo the equation: an exponentiation unifies with
//     another argument by argument or swapped (term.UnifyAll), so every
//     match of a pattern, a check or a claim branches on both;
//   - composition the other way round: the attacker builds exp(A, y) as
//     exp(exp(g, y), x) when A is exp(g, x), or when A is still a variable
//     it may choose as exp(g, u) for a u of its own (solveExpSwapped); this
//     is how a man in the middle hands out a half key of its own;
//   - opening under an exponentiated key: an encryption observed under a
//     key such as exp(GY, x), with GY still open, becomes readable once the
//     attacker chooses GY so that it can build the key (dhOpenings).
//
// Every attack is still replayed by the trace checker on ground terms, with
// ground deduction modulo the same equation.

// usesDH reports whether any role of p exponentiates.
func usesDH(p *proto.Protocol) bool {
	for _, r := range p.Roles {
		for _, a := range r.Actions {
			for _, t := range []term.Term{a.Term, a.Term2} {
				if t != nil && term.UsesDH(t) {
					return true
				}
			}
			for _, t := range a.Args {
				if term.UsesDH(t) {
					return true
				}
			}
			if a.Claim != nil && a.Claim.Term != nil && term.UsesDH(a.Claim.Term) {
				return true
			}
		}
	}
	return false
}

// unifyStates returns the states extending st in which x and y are equal:
// at most one without Diffie-Hellman, each unifier modulo the equation
// with it. The states are not normalised.
func (e *engine) unifyStates(st *state, x, y term.Term) []*state {
	m := e.matcher()
	if !e.dh {
		sub := st.sub.Clone()
		if !m.Unify(&sub, x, y) {
			return nil
		}
		s := st.cloneWith(sub)
		s.invalidate()
		return []*state{s}
	}
	var out []*state
	for _, sub := range m.UnifyAll(st.sub, x, y) {
		s := st.cloneWith(sub)
		s.invalidate()
		out = append(out, s)
	}
	return out
}

// solveExpSwapped composes the goal exp(A, y) as exp(exp(g, y), x): when A
// is exp(g, x), or when A is a free variable, which the attacker then fixes
// to exp(g, u) for a new u of its own.
func (e *engine) solveExpSwapped(st *state, n int, t term.Term) []*state {
	a, ok := t.(*term.App)
	if !ok || a.Fn != term.FnExp || len(a.Args) != 2 {
		return nil
	}
	s, x := st, term.Term(nil)
	switch b := a.Args[0].(type) {
	case *term.Var:
		s = st.clone()
		u := s.newVar(fmt.Sprintf("u%d", len(s.vars)), "msg")
		if !e.matcher().Bind(&s.sub, b, term.Fn(term.FnExp, term.Generator(), u)) {
			return nil
		}
		s.invalidate()
		x = u
	default:
		var isPair bool
		if x, _, isPair = term.DHPair(t); !isPair {
			return nil
		}
	}
	var out []*state
	for _, s1 := range e.solveRaw(s, n, term.Fn(term.FnExp, term.Generator(), a.Args[1])) {
		out = append(out, e.solveRaw(s1, n, x)...)
	}
	return out
}

// dhOpenings lets the attacker fix variables so that it can build the key
// of an observed encryption whose key is an exponentiation it cannot build
// yet.
func (e *engine) dhOpenings(st *state) []*state {
	if !e.dh {
		return nil
	}
	n := len(st.know)
	var out []*state
	for _, t := range e.closureOf(st, n).pending {
		a := t.(*term.App)
		p := e.th.Prim(a.Fn)
		k, ok := p.Open.Key(a.Args)
		if !ok || term.Ground(k) || !term.UsesDH(k) {
			continue
		}
		out = append(out, e.solve(st, n, k)...)
	}
	return out
}

// knownDH reports whether the attacker builds the DH pair t the other way
// round, with known as its test for parts.
func knownDH(t *term.App, known func(term.Term) bool) bool {
	x, y, ok := term.DHPair(t)
	return ok && known(term.Fn(term.FnExp, term.Generator(), y)) && known(x)
}
