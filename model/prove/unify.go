package prove

import (
	"github.com/imcheck/imcheck/model/term"
)

// typer gives the type of a term for typed unification: the theory's row
// for a primitive or a declared function, the name's type for a fresh
// value of a session (an application of a name function, names.go).
type typer struct {
	th    *term.Theory
	names map[string]string // name function -> type of the name
	typed bool
}

func (ty *typer) typeOf(t term.Term) string {
	switch a := t.(type) {
	case *term.Name:
		return a.Type
	case *term.Var:
		return a.Type
	case *term.App:
		if typ, ok := ty.names[a.Fn]; ok {
			return typ
		}
		if p := ty.th.Prim(a.Fn); p != nil && p.Type != "" {
			return p.Type
		}
	}
	return "msg"
}

// fits reports whether v may stand for t.
func (ty *typer) fits(v *term.Var, t term.Term) bool {
	if !ty.typed || v.Type == "msg" || v.Type == "" {
		return true
	}
	return ty.typeOf(t) == v.Type
}

// unify returns a complete set of unifiers of the pairs in todo extending s
// (which it owns), modulo the Diffie-Hellman equation and the unordered
// pair: every exponentiation and every pair branches into its direct and
// its swapped solution. Unlike term.Matcher.UnifyAll it looks at terms
// through the substitution before it decides how to branch, so a variable
// bound to a DH pair is unified as one: the prover's soundness needs every
// unifier (resolution that misses one misses a derivation).
func (ty *typer) unify(s term.Subst, todo [][2]term.Term, out *[]term.Subst) {
	for len(todo) > 0 {
		x, y := s.Walk(todo[0][0]), s.Walk(todo[0][1])
		todo = todo[1:]
		vx, xv := x.(*term.Var)
		vy, yv := y.(*term.Var)
		switch {
		case xv && yv:
			if vx.ID == vy.ID {
				continue
			}
			if ty.typed && vx.Type != "msg" && vy.Type == "msg" {
				vx, vy = vy, vx
			}
			if !ty.bind(&s, vx, vy) {
				return
			}
			continue
		case xv:
			if !ty.bind(&s, vx, y) {
				return
			}
			continue
		case yv:
			if !ty.bind(&s, vy, x) {
				return
			}
			continue
		}
		switch a := x.(type) {
		case *term.Name:
			b, ok := y.(*term.Name)
			if !ok || a.Text != b.Text {
				return
			}
			continue
		case *term.App:
			b, ok := y.(*term.App)
			if !ok || a.Fn != b.Fn || len(a.Args) != len(b.Args) {
				return
			}
			if len(a.Args) == 2 && (a.Fn == term.FnExp || a.Fn == term.FnPair) {
				var swap [][2]term.Term
				if a.Fn == term.FnPair {
					swap = [][2]term.Term{{a.Args[0], b.Args[1]}, {a.Args[1], b.Args[0]}}
				} else {
					// exp(A, b) = exp(C, d) with A = exp(g, d), C = exp(g, b)
					g := term.Generator()
					swap = [][2]term.Term{{a.Args[0], term.Fn(term.FnExp, g, b.Args[1])},
						{b.Args[0], term.Fn(term.FnExp, g, a.Args[1])}}
				}
				ty.unify(s.Clone(), append(swap, todo...), out)
			}
			pairs := make([][2]term.Term, 0, len(a.Args)+len(todo))
			for i := range a.Args {
				pairs = append(pairs, [2]term.Term{a.Args[i], b.Args[i]})
			}
			todo = append(pairs, todo...)
		}
	}
	*out = append(*out, s)
}

func (ty *typer) bind(s *term.Subst, v *term.Var, t term.Term) bool {
	if !ty.fits(v, t) || s.Occurs(v, t) {
		return false
	}
	for v.ID >= len(*s) {
		*s = append(*s, nil)
	}
	(*s)[v.ID] = t
	return true
}

// unifiers is unify on one equation, from an empty substitution of n
// variables.
func (ty *typer) unifiers(n int, x, y term.Term) []term.Subst {
	var out []term.Subst
	ty.unify(make(term.Subst, n), [][2]term.Term{{x, y}}, &out)
	return out
}

// matcher matches a pattern (whose variables it binds) against a target
// (whose variables are constants), modulo the same equations, with
// backtracking: subsumption needs one match among several.
type matcher struct {
	ty    *typer
	sub   []term.Term // pattern variable -> target term
	trail []int
	// work counts the match calls of one subsumption test, which gives
	// up (answers no: always safe) past maxMatchWork.
	work  int
	total int // match calls of all tests, counted in the budget
	used  []bool
}

const maxMatchWork = 4000

func (m *matcher) reset(n int) {
	if cap(m.sub) < n {
		m.sub = make([]term.Term, n)
	}
	m.sub = m.sub[:n]
	clear(m.sub)
	m.trail = m.trail[:0]
}

func (m *matcher) undo(mark int) {
	for len(m.trail) > mark {
		m.sub[m.trail[len(m.trail)-1]] = nil
		m.trail = m.trail[:len(m.trail)-1]
	}
}

// match calls k for each way p matches t; it stops and returns true as
// soon as k does.
func (m *matcher) match(p, t term.Term, k func() bool) bool {
	m.work++
	m.total++
	if m.work > maxMatchWork {
		return false
	}
	switch a := p.(type) {
	case *term.Var:
		if b := m.sub[a.ID]; b != nil {
			return term.Equal(b, t) && k()
		}
		if m.ty.typed && a.Type != "msg" && a.Type != "" && m.ty.typeOf(t) != a.Type {
			return false
		}
		m.sub[a.ID] = t
		m.trail = append(m.trail, a.ID)
		mark := len(m.trail) - 1
		if k() {
			return true
		}
		m.undo(mark)
		return false
	case *term.Name:
		b, ok := t.(*term.Name)
		return ok && a.Text == b.Text && k()
	case *term.App:
		b, ok := t.(*term.App)
		if !ok || a.Fn != b.Fn || len(a.Args) != len(b.Args) {
			return false
		}
		if m.matchArgs(a.Args, b.Args, 0, k) {
			return true
		}
		if len(a.Args) == 2 && a.Fn == term.FnPair {
			return m.matchArgs(a.Args, []term.Term{b.Args[1], b.Args[0]}, 0, k)
		}
		if a.Fn == term.FnExp {
			if x, y, ok := term.DHPair(b); ok {
				// the target read the other way round
				alt := []term.Term{term.Fn(term.FnExp, term.Generator(), y), x}
				return m.matchArgs(a.Args, alt, 0, k)
			}
		}
	}
	return false
}

func (m *matcher) matchArgs(ps, ts []term.Term, i int, k func() bool) bool {
	if i == len(ps) {
		return k()
	}
	return m.match(ps[i], ts[i], func() bool { return m.matchArgs(ps, ts, i+1, k) })
}
