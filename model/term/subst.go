package term

// Subst maps variable IDs to terms; nil means unbound. Bindings may refer
// to other bound variables; Resolve follows them.
type Subst []Term

// Clone returns a copy of s with room to grow.
func (s Subst) Clone() Subst {
	c := make(Subst, len(s), len(s)+8)
	copy(c, s)
	return c
}

// Walk follows bindings at the top of t.
func (s Subst) Walk(t Term) Term {
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
	t = s.Walk(t)
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

// Occurs reports whether v occurs in t under s.
func (s Subst) Occurs(v *Var, t Term) bool {
	t = s.Walk(t)
	switch a := t.(type) {
	case *Var:
		return a.ID == v.ID
	case *App:
		for _, x := range a.Args {
			if s.Occurs(v, x) {
				return true
			}
		}
	}
	return false
}

// Matcher unifies terms under a substitution, typed or untyped.
type Matcher struct {
	Th    *Theory
	Typed bool
}

// Fits reports whether v may be bound to t under typed matching.
func (m Matcher) Fits(v *Var, t Term) bool {
	if !m.Typed || v.Type == "msg" {
		return true
	}
	return m.Th.TypeOf(t) == v.Type
}

// Unify extends s (in place) so that x and y become equal.
func (m Matcher) Unify(s *Subst, x, y Term) bool {
	x, y = s.Walk(x), s.Walk(y)
	if vx, ok := x.(*Var); ok {
		if vy, ok := y.(*Var); ok {
			if vx.ID == vy.ID {
				return true
			}
			// bind the less constrained variable to the other
			if m.Typed && vx.Type != "msg" && vy.Type == "msg" {
				return m.Bind(s, vy, vx)
			}
		}
		return m.Bind(s, vx, y)
	}
	if vy, ok := y.(*Var); ok {
		return m.Bind(s, vy, x)
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
			if !m.Unify(s, a.Args[i], b.Args[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// Bind binds v to t in s when the type and the occurs check allow it.
func (m Matcher) Bind(s *Subst, v *Var, t Term) bool {
	if !m.Fits(v, t) || s.Occurs(v, t) {
		return false
	}
	for v.ID >= len(*s) {
		*s = append(*s, nil)
	}
	(*s)[v.ID] = t
	return true
}

// MayUnify is a cheap necessary condition for Unify(x, y): the head
// symbols agree wherever neither side is a variable. It saves copying the
// substitution for the many observations that cannot match.
func MayUnify(s Subst, x, y Term) bool {
	x, y = s.Walk(x), s.Walk(y)
	switch a := x.(type) {
	case *Var:
		return true
	case *Name:
		switch b := y.(type) {
		case *Var:
			return true
		case *Name:
			return a.Text == b.Text
		}
		return false
	case *App:
		switch b := y.(type) {
		case *Var:
			return true
		case *App:
			if a.Fn != b.Fn || len(a.Args) != len(b.Args) {
				return false
			}
			if a.Fn == FnExp || a.Fn == FnPair {
				return true // may unify swapped (dh.go)
			}
			for i := range a.Args {
				if !MayUnify(s, a.Args[i], b.Args[i]) {
					return false
				}
			}
			return true
		}
	}
	return false
}
