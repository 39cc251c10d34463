package model

// Subst maps variable IDs to terms; nil means unbound. Bindings may refer
// to other bound variables; Resolve follows them.
type Subst []Term

func (s Subst) clone() Subst {
	c := make(Subst, len(s), len(s)+8)
	copy(c, s)
	return c
}

// walk follows bindings at the top of t.
func (s Subst) walk(t Term) Term {
	for {
		v, ok := t.(*Var)
		if !ok || v.ID >= len(s) || s[v.ID] == nil {
			return t
		}
		t = s[v.ID]
	}
}

// Resolve applies s to t completely.
func (s Subst) Resolve(t Term) Term {
	t = s.walk(t)
	a, ok := t.(*App)
	if !ok {
		return t
	}
	var args []Term
	for i, x := range a.Args {
		y := s.Resolve(x)
		if args == nil && y != x {
			args = make([]Term, len(a.Args))
			copy(args, a.Args[:i])
		}
		if args != nil {
			args[i] = y
		}
	}
	if args == nil {
		return a
	}
	return &App{Fn: a.Fn, Args: args}
}

func (s Subst) occurs(v *Var, t Term) bool {
	t = s.walk(t)
	switch a := t.(type) {
	case *Var:
		return a.ID == v.ID
	case *App:
		for _, x := range a.Args {
			if s.occurs(v, x) {
				return true
			}
		}
	}
	return false
}

// matcher unifies terms under a substitution, typed or untyped.
type matcher struct {
	th    *Theory
	typed bool
}

// fits reports whether v may be bound to t under typed matching.
func (m matcher) fits(v *Var, t Term) bool {
	if !m.typed || v.Type == "msg" {
		return true
	}
	return m.th.TypeOf(t) == v.Type
}

// unify extends s (in place) so that x and y become equal.
func (m matcher) unify(s *Subst, x, y Term) bool {
	x, y = s.walk(x), s.walk(y)
	if vx, ok := x.(*Var); ok {
		if vy, ok := y.(*Var); ok {
			if vx.ID == vy.ID {
				return true
			}
			// bind the less constrained variable to the other
			if m.typed && vx.Type != "msg" && vy.Type == "msg" {
				return m.bind(s, vy, vx)
			}
		}
		return m.bind(s, vx, y)
	}
	if vy, ok := y.(*Var); ok {
		return m.bind(s, vy, x)
	}
	switch a := x.(type) {
	case *Name:
		b, ok := y.(*Name)
		return ok && a.Text == b.Text
	case *App:
		b, ok := y.(*App)
		if !ok || a.Fn != b.Fn || len(a.Args) != len(b.Args) {
			return false
		}
		for i := range a.Args {
			if !m.unify(s, a.Args[i], b.Args[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func (m matcher) bind(s *Subst, v *Var, t Term) bool {
	if !m.fits(v, t) || s.occurs(v, t) {
		return false
	}
	for v.ID >= len(*s) {
		*s = append(*s, nil)
	}
	(*s)[v.ID] = t
	return true
}
