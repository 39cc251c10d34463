package term

// Diffie-Hellman. The theory is ProVerif's usual one: exp(b, x) is b^x for
// the public generator g, and its one equation is
//
//	exp(exp(g, x), y) = exp(exp(g, y), x)
//
// (exponents commute on g's powers; there is no logarithm, no inverse and
// no product of exponents). A term exp(exp(g, x), y) is a DH pair: equal to
// the one with x and y swapped. Equal, the hashes, printing, unification
// (UnifyAll), composition (Compose) and the search all work modulo this
// equation; a term is never rewritten, so no normal form has to be kept up
// to date while variables are bound.

// Gen is the name of the Diffie-Hellman generator g, a public constant.
const Gen = "g"

// Generator returns the generator g.
func Generator() *Name { return &Name{Text: Gen, Kind: KindConst, Type: "dh"} }

// IsGen reports whether t is the generator.
func IsGen(t Term) bool {
	n, ok := t.(*Name)
	return ok && n.Text == Gen
}

// DHPair returns x and y when t is exp(exp(g, x), y); ok is false
// otherwise. It does not follow a substitution.
func DHPair(t Term) (x, y Term, ok bool) {
	a, isApp := t.(*App)
	if !isApp || a.Fn != FnExp || len(a.Args) != 2 {
		return nil, nil, false
	}
	b, isApp := a.Args[0].(*App)
	if !isApp || b.Fn != FnExp || len(b.Args) != 2 || !IsGen(b.Args[0]) {
		return nil, nil, false
	}
	return b.Args[1], a.Args[1], true
}

// equalDH reports whether two DH pairs are equal modulo the equation.
func equalDH(x, y Term) (equal, both bool) {
	x1, y1, ok1 := DHPair(x)
	x2, y2, ok2 := DHPair(y)
	if !ok1 || !ok2 {
		return false, false
	}
	return Equal(x1, x2) && Equal(y1, y2) || Equal(x1, y2) && Equal(y1, x2), true
}

// UsesDH reports whether t contains an exponentiation or an unordered
// pair: a symbol with an equation, whose unification branches.
func UsesDH(t Term) bool {
	a, ok := t.(*App)
	if !ok {
		return false
	}
	if a.Fn == FnExp || a.Fn == FnPair {
		return true
	}
	for _, x := range a.Args {
		if UsesDH(x) {
			return true
		}
	}
	return false
}

// UnifyAll returns a complete set of unifiers of x and y extending s
// (copies; s itself is unchanged), modulo the Diffie-Hellman equation:
// exp(A, b) and exp(C, d) unify either argument by argument or, swapped,
// with A = exp(g, d) and C = exp(g, b). Without exponentiations it is
// Unify: at most one unifier.
func (m Matcher) UnifyAll(s Subst, x, y Term) []Subst {
	var out []Subst
	m.unifyAll(s.Clone(), [][2]Term{{x, y}}, &out)
	return out
}

// unifyAll solves the equations todo in s (which it owns) and appends each
// solution to out. Pairs without an exponentiation at the top are solved
// as in Unify; a pair of exponentiations branches.
func (m Matcher) unifyAll(s Subst, todo [][2]Term, out *[]Subst) {
	for len(todo) > 0 {
		x, y := s.Walk(todo[0][0]), s.Walk(todo[0][1])
		todo = todo[1:]
		a, aok := x.(*App)
		b, bok := y.(*App)
		switch {
		case !aok || !bok || !UsesDH(a) && !UsesDH(b):
			if !m.Unify(&s, x, y) {
				return
			}
			continue
		case a.Fn != b.Fn || len(a.Args) != len(b.Args):
			return
		case a.Fn == FnPair && len(a.Args) == 2:
			// {x, y} = {u, v}: directly or swapped
			swap := make([][2]Term, 0, 2+len(todo))
			swap = append(swap, [2]Term{a.Args[0], b.Args[1]}, [2]Term{a.Args[1], b.Args[0]})
			m.unifyAll(s.Clone(), append(swap, todo...), out)
			todo = append([][2]Term{{a.Args[0], b.Args[0]}, {a.Args[1], b.Args[1]}}, todo...)
			continue
		case a.Fn != FnExp || len(a.Args) != 2:
			// exponentiations below: argument by argument
			pairs := make([][2]Term, 0, len(a.Args)+len(todo))
			for i := range a.Args {
				pairs = append(pairs, [2]Term{a.Args[i], b.Args[i]})
			}
			todo = append(pairs, todo...)
			continue
		}
		// the swapped solution: A = exp(g, d), C = exp(g, b)
		swap := make([][2]Term, 0, 2+len(todo))
		swap = append(swap, [2]Term{a.Args[0], Fn(FnExp, Generator(), b.Args[1])},
			[2]Term{b.Args[0], Fn(FnExp, Generator(), a.Args[1])})
		swap = append(swap, todo...)
		m.unifyAll(s.Clone(), swap, out)
		// the direct one
		direct := make([][2]Term, 0, 2+len(todo))
		direct = append(direct, [2]Term{a.Args[0], b.Args[0]}, [2]Term{a.Args[1], b.Args[1]})
		todo = append(direct, todo...)
	}
	*out = append(*out, s)
}

// composeDH reports whether the attacker builds exp(exp(g, x), y) the other
// way round, as exp(exp(g, y), x), from know.
func composeDH(th *Theory, know []Term, t Term) bool {
	x, y, ok := DHPair(t)
	if !ok {
		return false
	}
	return Compose(th, know, Fn(FnExp, Generator(), y)) && Compose(th, know, x)
}

// equalPair reports whether two unordered pairs are equal.
func equalPair(a, b *App) bool {
	return Equal(a.Args[0], b.Args[0]) && Equal(a.Args[1], b.Args[1]) ||
		Equal(a.Args[0], b.Args[1]) && Equal(a.Args[1], b.Args[0])
}
