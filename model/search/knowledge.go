package search

import (
	"maps"
	"slices"

	"github.com/imcheck/imcheck/model/term"
)

// closure returns the analysed knowledge of the attacker's first n
// observations under the state's substitution: every observation and every
// part the attacker can open with keys it can derive without fixing any
// variable. Opening under keys that need a variable fixed is a search step
// of its own (see openings).
func (e *engine) closure(st *state, n int) []term.Term { return e.closureOf(st, n).out }

// closureOf is closure's set.
func (e *engine) closureOf(st *state, n int) *closureSet {
	st.dropStale()
	if c := st.clo.get(n); c != nil {
		return c
	}
	// continue from the longest cached shorter prefix (same substitution)
	var base *closureSet
	for x := st.clo; x != nil; x = x.next {
		if x.c.n < n && (base == nil || x.c.n > base.n) {
			base = x.c
		}
	}
	c := &closureSet{n: n}
	from := 0
	if base != nil {
		c.out = make([]term.Term, len(base.out), len(base.out)+2*(n-base.n)+8)
		copy(c.out, base.out)
		c.next = make([]int32, len(base.next), cap(c.out))
		copy(c.next, base.next)
		c.head = maps.Clone(base.head)
		c.pending = append([]term.Term(nil), base.pending...)
		c.varKeys = base.varKeys
		c.vars = append([]int32(nil), base.vars...)
		from = base.n
	} else {
		c.out = make([]term.Term, 0, 2*n+8)
		c.next = make([]int32, 0, 2*n+8)
		c.head = make(map[uint64]int32, 2*n+8)
	}
	c.extend(e, st, from)
	st.clo = &cloCache{c: c, next: st.clo}
	return c
}

// cloCache is a state's cached closures, a list shared with its clones:
// adding one makes a new head, so a clone copies a pointer. A closure
// stays valid while the substitution leaves the variables of its
// observations free (substitutions only grow along a path of the search,
// so the observations then resolve to the same terms); dropStale removes
// the others.
type cloCache struct {
	c    *closureSet
	next *cloCache
}

// get returns the cached closure of the first n observations, or nil.
func (l *cloCache) get(n int) *closureSet {
	for ; l != nil; l = l.next {
		if l.c.n == n {
			return l.c
		}
	}
	return nil
}

// dropStale removes from st's cached closures those that a binding made
// since they were built has made stale.
func (st *state) dropStale() {
	stale := false
	for l := st.clo; l != nil && !stale; l = l.next {
		stale = !l.c.validFor(st.sub)
	}
	if !stale {
		return
	}
	var keep []*closureSet
	for l := st.clo; l != nil; l = l.next {
		if l.c.validFor(st.sub) {
			keep = append(keep, l.c)
		}
	}
	st.clo = nil
	for i := len(keep) - 1; i >= 0; i-- {
		st.clo = &cloCache{c: keep[i], next: st.clo}
	}
}

// validFor reports whether every variable of c's observations is free in
// sub.
func (c *closureSet) validFor(sub term.Subst) bool {
	for _, id := range c.vars {
		if int(id) < len(sub) && sub[id] != nil {
			return false
		}
	}
	return true
}

// closureSet is the analysed knowledge of a prefix of observations: the
// terms, an index by hash, and the encryptions whose key is not derivable
// yet.
type closureSet struct {
	n       int
	out     []term.Term
	head    map[uint64]int32 // hash -> last index in out with that hash
	next    []int32          // index -> previous index with the same hash, or -1
	pending []term.Term
	// varKnown, when set, says which variables count as known (the strict
	// closures of derivableBefore); nil: all of them.
	varKnown func(*term.Var) bool
	// varKeys: some opening used a key with a variable in it, so a strict
	// closure may hold less
	varKeys bool
	// vars are the variables of the observations (resolved), each once;
	// the closure holds while they stay free (validFor). Strict closures
	// leave it empty: they live in one state only.
	vars []int32
}

func (c *closureSet) has(t term.Term, h uint64) bool {
	i, ok := c.head[h]
	for ok && i >= 0 {
		if term.Equal(c.out[i], t) {
			return true
		}
		i = c.next[i]
	}
	return false
}

// known is derivable (below) with the index: t is in the set or composed
// from it; attacker-made names count as known, and so do variables (only
// those varKnown says, if set).
func (c *closureSet) known(th *term.Theory, t term.Term) bool {
	return c.knownWith(th, t, c.varKnown)
}

// knownWith is known with varKnown in place of c's.
func (c *closureSet) knownWith(th *term.Theory, t term.Term, varKnown func(*term.Var) bool) bool {
	switch a := t.(type) {
	case *term.Var:
		return varKnown == nil || varKnown(a)
	case *term.Name:
		return a.Kind == term.KindAttacker || c.has(t, term.HashTerm(t))
	case *term.App:
		if c.has(t, term.HashTerm(t)) {
			return true
		}
		p := th.Prim(a.Fn)
		if p == nil || !p.Public {
			return false
		}
		for _, x := range a.Args {
			if !c.knownWith(th, x, varKnown) {
				return a.Fn == term.FnExp && knownDH(a, func(x term.Term) bool { return c.knownWith(th, x, varKnown) })
			}
		}
		return true
	}
	return false
}

// extend adds the observations from..n-1 of st and opens what can be
// opened.
func (c *closureSet) extend(e *engine, st *state, from int) {
	var add func(t term.Term)
	add = func(t term.Term) {
		h := term.HashTerm(t)
		if c.has(t, h) {
			return
		}
		prev, ok := c.head[h]
		if !ok {
			prev = -1
		}
		c.head[h] = int32(len(c.out))
		c.next = append(c.next, prev)
		c.out = append(c.out, t)
		a, ok := t.(*term.App)
		if !ok {
			return
		}
		p := e.th.Prim(a.Fn)
		if p == nil || p.Open == nil {
			return
		}
		if p.Open.Key != nil {
			k, ok := p.Open.Key(a.Args)
			if !ok || !c.known(e.th, k) {
				c.pending = append(c.pending, t)
				return
			}
			c.varKeys = c.varKeys || !term.Ground(k)
		}
		openParts(p, a, add)
	}
	for _, t := range st.know[from:c.n] {
		r := st.sub.Resolve(t)
		if c.varKnown == nil {
			c.addVars(r)
		}
		add(r)
	}
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(c.pending); i++ {
			a := c.pending[i].(*term.App)
			p := e.th.Prim(a.Fn)
			if k, ok := p.Open.Key(a.Args); ok && c.known(e.th, k) {
				c.varKeys = c.varKeys || !term.Ground(k)
				c.pending = append(c.pending[:i], c.pending[i+1:]...)
				i--
				progress = true
				openParts(p, a, add)
			}
		}
	}
}

// addVars adds the variables of t to c.vars.
func (c *closureSet) addVars(t term.Term) {
	switch a := t.(type) {
	case *term.Var:
		if !slices.Contains(c.vars, int32(a.ID)) {
			c.vars = append(c.vars, int32(a.ID))
		}
	case *term.App:
		for _, x := range a.Args {
			c.addVars(x)
		}
	}
}

func openParts(p *term.Prim, a *term.App, add func(term.Term)) {
	if p.Open.Parts == nil {
		for _, x := range a.Args {
			add(x)
		}
		return
	}
	for _, i := range p.Open.Parts {
		add(a.Args[i])
	}
}

// derivable reports whether t can be built from know by composition alone,
// counting every variable as known: a variable of a run always stands for a
// value the attacker chose (its constraint is kept separately).
func derivable(th *term.Theory, know []term.Term, t term.Term) bool {
	if _, ok := t.(*term.Var); ok {
		return true
	}
	for _, x := range know {
		if term.Equal(x, t) {
			return true
		}
	}
	if a, ok := t.(*term.App); ok {
		if p := th.Prim(a.Fn); p != nil && p.Public {
			for _, x := range a.Args {
				if !derivable(th, know, x) {
					return a.Fn == term.FnExp && knownDH(a, func(x term.Term) bool { return derivable(th, know, x) })
				}
			}
			return true
		}
	}
	if n, ok := t.(*term.Name); ok && n.Kind == term.KindAttacker {
		return true
	}
	return false
}

// pendingKeys lists the variables v such that some observation aenc(m, v)
// could be opened if v were pk(z) for a z the attacker knows.
func (e *engine) pendingKeys(st *state) []*term.Var {
	var out []*term.Var
	for _, t := range e.closure(st, len(st.know)) {
		a, ok := t.(*term.App)
		if !ok || a.Fn != term.FnAenc {
			continue
		}
		if v, ok := a.Args[1].(*term.Var); ok {
			dup := false
			for _, w := range out {
				dup = dup || w.ID == v.ID
			}
			if !dup {
				out = append(out, v)
			}
		}
	}
	return out
}
