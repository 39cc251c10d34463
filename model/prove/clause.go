package prove

import (
	"strings"

	"github.com/imcheck/imcheck/model/term"
)

// Predicates of the clauses.
const (
	predAtt   = "att"   // att(M): the attacker may know M
	predBegin = "begin" // begin(E(args)): an honest session executed event E
	predStart = "start" // start(R, A1, ..., An): a session of R with these agents began
	predBad   = "bad"   // bad(c): secrecy claim c is violated
	predEnd   = "end"   // end(c, args): claim c was reached with these args
)

// Fact is an atom of a clause: a predicate and its arguments. For bad and
// end, Claim names the claim.
type Fact struct {
	Pred  string
	Claim string
	Args  []term.Term
}

// Clause is a Horn clause H1 ∧ ... ∧ Hn → C. Its variables are numbered
// 0..NVars-1.
type Clause struct {
	Hyps  []Fact
	Concl Fact
	NVars int
	// sel is the index of the selected hypothesis (an att fact whose
	// argument is not a variable), -1 when there is none: a solved clause.
	sel  int
	dead bool // subsumed by a later clause
	// mask has a bit for each (predicate, top symbol) of a hypothesis: c
	// can subsume d only if c.mask&^d.mask == 0.
	mask uint64
	// syms has a bit for each function symbol and name of the clause:
	// matching binds variables only, so c can subsume d only if
	// c.syms&^d.syms == 0.
	syms uint64
}

func symBits(t term.Term) uint64 {
	switch a := t.(type) {
	case *term.Name:
		return strBit(a.Text)
	case *term.App:
		b := strBit(a.Fn)
		for _, x := range a.Args {
			b |= symBits(x)
		}
		return b
	}
	return 0
}

func strBit(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return 1 << (h % 64)
}

func factBit(f Fact) uint64 {
	h := uint64(14695981039346656037)
	for _, s := range []string{f.Pred, f.Claim, topKey(f.Args0())} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
		h = (h ^ 0xff) * 1099511628211
	}
	return 1 << (h % 64)
}

// Args0 is the first argument, or nil.
func (f Fact) Args0() term.Term {
	if len(f.Args) == 0 {
		return nil
	}
	return f.Args[0]
}

func (f Fact) String() string {
	var b strings.Builder
	b.WriteString(f.Pred)
	if f.Claim != "" {
		b.WriteString("[" + f.Claim + "]")
	}
	b.WriteByte('(')
	for i, a := range f.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	b.WriteByte(')')
	return b.String()
}

func (c *Clause) String() string {
	var parts []string
	for _, h := range c.Hyps {
		parts = append(parts, h.String())
	}
	if len(parts) == 0 {
		return "-> " + c.Concl.String()
	}
	return strings.Join(parts, " & ") + " -> " + c.Concl.String()
}

func (f Fact) same(g Fact) bool {
	if f.Pred != g.Pred || f.Claim != g.Claim || len(f.Args) != len(g.Args) {
		return false
	}
	for i := range f.Args {
		if !term.Equal(f.Args[i], g.Args[i]) {
			return false
		}
	}
	return true
}

// key is the index key of a fact: its predicate and, for att, the top
// symbol of its argument ("" for a variable: matches every key).
func (f Fact) key() string {
	if f.Pred != predAtt {
		return f.Pred + "/" + f.Claim
	}
	return topKey(f.Args[0])
}

func topKey(t term.Term) string {
	switch a := t.(type) {
	case *term.Name:
		return "n:" + a.Text
	case *term.App:
		return a.Fn + "/" + string(rune('0'+len(a.Args)))
	}
	return ""
}

func isVar(t term.Term) bool {
	_, ok := t.(*term.Var)
	return ok
}

// resolveFact applies s to f.
func resolveFact(s term.Subst, f Fact) Fact {
	args := make([]term.Term, len(f.Args))
	for i, a := range f.Args {
		args[i] = s.Resolve(a)
	}
	return Fact{Pred: f.Pred, Claim: f.Claim, Args: args}
}

// shift renames the variables of t by adding off to their numbers.
func shift(t term.Term, off int) term.Term {
	if off == 0 {
		return t
	}
	switch a := t.(type) {
	case *term.Var:
		return &term.Var{ID: a.ID + off, Text: a.Text, Type: a.Type}
	case *term.App:
		args := make([]term.Term, len(a.Args))
		changed := false
		for i, x := range a.Args {
			args[i] = shift(x, off)
			changed = changed || args[i] != x
		}
		if !changed {
			return a
		}
		return &term.App{Fn: a.Fn, Args: args}
	}
	return t
}

func shiftFact(f Fact, off int) Fact {
	args := make([]term.Term, len(f.Args))
	for i, a := range f.Args {
		args[i] = shift(a, off)
	}
	return Fact{Pred: f.Pred, Claim: f.Claim, Args: args}
}

// occurs reports whether variable id occurs in t.
func occurs(id int, t term.Term) bool {
	switch a := t.(type) {
	case *term.Var:
		return a.ID == id
	case *term.App:
		for _, x := range a.Args {
			if occurs(id, x) {
				return true
			}
		}
	}
	return false
}

func occursFact(id int, f Fact) bool {
	for _, a := range f.Args {
		if occurs(id, a) {
			return true
		}
	}
	return false
}

// simplify puts a clause built from resolved facts into normal form, or
// returns nil for a clause that says nothing: duplicate hypotheses go, an
// att(x) hypothesis whose variable occurs nowhere else goes (the attacker
// always has a value of every type: a name of its own), a tautology (the
// conclusion among the hypotheses) is dropped, and the variables are
// renumbered in order of first occurrence (Blanchet 2001, §4.2, the
// simplifications of the rule base).
func simplify(hyps []Fact, concl Fact, nvars int) *Clause {
	var hs []Fact
	for _, h := range hyps {
		dup := false
		for _, g := range hs {
			if g.same(h) {
				dup = true
				break
			}
		}
		if !dup {
			hs = append(hs, h)
		}
	}
	for _, h := range hs {
		if h.same(concl) {
			return nil
		}
	}
	out := hs[:0]
	for i, h := range hs {
		if h.Pred == predAtt {
			if v, ok := h.Args[0].(*term.Var); ok {
				used := occursFact(v.ID, concl)
				for j, g := range hs {
					if j != i && !used && occursFact(v.ID, g) {
						used = true
					}
				}
				if !used {
					continue
				}
			}
		}
		out = append(out, h)
	}
	hs = out
	// renumber
	ren := make([]int, nvars)
	for i := range ren {
		ren[i] = -1
	}
	n := 0
	var rn func(t term.Term) term.Term
	rn = func(t term.Term) term.Term {
		switch a := t.(type) {
		case *term.Var:
			for a.ID >= len(ren) {
				ren = append(ren, -1)
			}
			if ren[a.ID] < 0 {
				ren[a.ID] = n
				n++
			}
			if ren[a.ID] == a.ID {
				return a
			}
			return &term.Var{ID: ren[a.ID], Text: a.Text, Type: a.Type}
		case *term.App:
			args := make([]term.Term, len(a.Args))
			changed := false
			for i, x := range a.Args {
				args[i] = rn(x)
				changed = changed || args[i] != x
			}
			if !changed {
				return a
			}
			return &term.App{Fn: a.Fn, Args: args}
		}
		return t
	}
	rf := func(f Fact) Fact {
		args := make([]term.Term, len(f.Args))
		for i, a := range f.Args {
			args[i] = rn(a)
		}
		return Fact{Pred: f.Pred, Claim: f.Claim, Args: args}
	}
	c := &Clause{Concl: rf(concl), sel: -1}
	c.Hyps = make([]Fact, len(hs))
	for i, h := range hs {
		c.Hyps[i] = rf(h)
	}
	c.NVars = n
	c.sel = selectHyp(c.Hyps)
	for _, h := range c.Hyps {
		if h.Pred == predAtt && isVar(h.Args[0]) {
			continue // matches any att fact
		}
		c.mask |= factBit(h)
	}
	for _, f := range append(c.Hyps, c.Concl) {
		for _, a := range f.Args {
			c.syms |= symBits(a)
		}
	}
	return c
}

// selectHyp is the selection function: the first hypothesis att(M) with M
// not a variable (Blanchet 2001, §4.3: hypotheses att(x) are never
// selected, so the attacker's own rules are not unfolded against them;
// begin and start facts are never selected either, they stay as the
// events a derivation needs).
func selectHyp(hs []Fact) int {
	best, size := -1, 0
	for i, h := range hs {
		if h.Pred == predAtt && !isVar(h.Args[0]) {
			// prefer the largest message: its unifiers are the fewest
			if s := term.Size(h.Args[0]); best < 0 || s > size {
				best, size = i, s
			}
		}
	}
	return best
}

// size is the number of symbols of a clause, for the memory budget.
func (c *Clause) size() int {
	n := 1
	for _, f := range append(c.Hyps, c.Concl) {
		for _, a := range f.Args {
			n += term.Size(a)
		}
	}
	return n
}

// subsumes reports whether c subsumes d: some substitution σ makes σ(c's
// conclusion) d's conclusion and σ(c's hypotheses) a sub-multiset of d's
// (Blanchet 2001, §4.2). d is then redundant: c derives everything d
// derives. The inclusion must be of multisets, each hypothesis of d used
// once: with sets, a clause could be subsumed by its own parent when two
// hypotheses of the parent become equal, and saturation would lose the
// derivation (completeness, and so soundness of "proved", needs it).
func (m *matcher) subsumes(c, d *Clause) bool {
	if c.mask&^d.mask != 0 || c.syms&^d.syms != 0 || len(c.Hyps) > 0 && len(d.Hyps) == 0 {
		return false
	}
	if c.Concl.Pred != d.Concl.Pred || c.Concl.Claim != d.Concl.Claim || len(c.Concl.Args) != len(d.Concl.Args) {
		return false
	}
	if len(c.Hyps) > len(d.Hyps) {
		return false
	}
	m.reset(c.NVars)
	m.work = 0
	if cap(m.used) < len(d.Hyps) {
		m.used = make([]bool, len(d.Hyps))
	}
	m.used = m.used[:len(d.Hyps)]
	clear(m.used)
	return m.matchArgs(c.Concl.Args, d.Concl.Args, 0, func() bool { return m.hypsIn(c.Hyps, d.Hyps, 0) })
}

func (m *matcher) hypsIn(cs, ds []Fact, i int) bool {
	if i == len(cs) {
		return true
	}
	h := cs[i]
	for j, g := range ds {
		if m.used[j] || g.Pred != h.Pred || g.Claim != h.Claim || len(g.Args) != len(h.Args) {
			continue
		}
		m.used[j] = true
		ok := m.matchArgs(h.Args, g.Args, 0, func() bool { return m.hypsIn(cs, ds, i+1) })
		m.used[j] = false
		if ok {
			return true
		}
	}
	return false
}
