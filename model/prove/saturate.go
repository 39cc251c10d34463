package prove

import (
	"context"

	"github.com/imcheck/imcheck/model/term"
)

// Budget bounds the work of one saturation. It counts work, never time, so
// a verdict is the same on every machine.
type Budget struct {
	// Steps is the number of resolution steps (unifications of a selected
	// hypothesis with a conclusion that succeed) before the prover gives up.
	Steps int
	// Symbols bounds the total size of the clauses kept (the memory cap).
	Symbols int
	// Matches bounds the term matchings of the subsumption tests.
	Matches int
	// ClauseSymbols bounds the size of one clause: names that are
	// functions of a session's inputs can nest without end, and a clause
	// past this size stops the saturation (the budget is reached).
	ClauseSymbols int
}

// DefaultBudget is the budget of imcheck check: it keeps the default check
// of every shipped model fast.
var DefaultBudget = Budget{Steps: 5000, Symbols: 2_000_000, Matches: 8_000_000, ClauseSymbols: 3000}

// saturator holds the clause base during saturation (Blanchet 2001, §4:
// resolution with free selection; solved clauses are those with no
// selected hypothesis).
type saturator struct {
	ty      *typer
	m       matcher
	budget  Budget
	steps   int
	symbols int
	// solved clauses by the key of their conclusion; solvedAll in order
	solved    map[string][]*Clause
	solvedVar []*Clause // conclusion att(x)
	// unsolved clauses by the key of their selected hypothesis
	unsolved    map[string][]*Clause
	unsolvedAll []*Clause
	// kept clauses by conclusion key, for subsumption
	byConcl map[string][]*Clause
	queue   []*Clause
	// goal is called with every solved clause whose conclusion is bad or
	// end; it returns true when no further clause can change the answer.
	goal      func(*Clause) bool
	exhausted bool
	done      bool
	generated int
	ctx       context.Context // nil: never stopped
	stopped   bool            // ctx was done
}

func newSaturator(ty *typer, b Budget, goal func(*Clause) bool) *saturator {
	return &saturator{ty: ty, m: matcher{ty: ty}, budget: b, goal: goal,
		solved: map[string][]*Clause{}, unsolved: map[string][]*Clause{}, byConcl: map[string][]*Clause{}}
}

// add queues a clause of the initial base (already simplified or not).
func (st *saturator) add(c *Clause) {
	if c = simplify(c.Hyps, c.Concl, c.NVars); c != nil {
		st.queue = append(st.queue, c)
	}
}

// run saturates the base: it returns false when the budget ran out first.
func (st *saturator) run() bool {
	for n := 0; len(st.queue) > 0 && !st.done; n++ {
		if n%64 == 0 && st.ctx != nil && st.ctx.Err() != nil {
			st.stopped, st.exhausted = true, true
			return false
		}
		c := st.queue[0]
		st.queue[0] = nil
		st.queue = st.queue[1:]
		if st.redundant(c) {
			continue
		}
		st.insert(c)
		if st.m.total > st.budget.Matches {
			st.exhausted = true
		}
		if st.exhausted {
			return false
		}
	}
	return true
}

// redundant reports whether a kept clause subsumes c (forward subsumption).
func (st *saturator) redundant(c *Clause) bool {
	k := c.Concl.key()
	for _, d := range st.byConcl[k] {
		if !d.dead && st.m.subsumes(d, c) {
			return true
		}
	}
	if c.Concl.Pred == predAtt && k != "" {
		for _, d := range st.byConcl[""] {
			if !d.dead && st.m.subsumes(d, c) {
				return true
			}
		}
	}
	return false
}

// insert keeps c, removes the clauses it subsumes (backward subsumption)
// and resolves it with the clauses of the other kind.
func (st *saturator) insert(c *Clause) {
	k := c.Concl.key()
	kill := func(list []*Clause) {
		for _, d := range list {
			if !d.dead && st.m.subsumes(c, d) {
				d.dead = true
			}
		}
	}
	if k == "" {
		for _, list := range st.byConcl {
			kill(list)
		}
	} else {
		kill(st.byConcl[k])
	}
	sz := c.size()
	if sz > st.budget.ClauseSymbols {
		st.exhausted = true
		return
	}
	st.byConcl[k] = append(st.byConcl[k], c)
	st.symbols += sz
	if st.symbols > st.budget.Symbols {
		st.exhausted = true
		return
	}
	if c.sel < 0 {
		if c.Concl.Pred == predBad || c.Concl.Pred == predEnd {
			if st.goal(c) {
				st.done = true
			}
			return
		}
		if k == "" {
			st.solvedVar = append(st.solvedVar, c)
			for _, u := range st.unsolvedAll {
				st.resolve(c, u)
			}
		} else {
			st.solved[k] = append(st.solved[k], c)
			for _, u := range st.unsolved[k] {
				st.resolve(c, u)
			}
		}
		return
	}
	sk := topKey(c.Hyps[c.sel].Args[0])
	st.unsolved[sk] = append(st.unsolved[sk], c)
	st.unsolvedAll = append(st.unsolvedAll, c)
	for _, s := range st.solved[sk] {
		st.resolve(s, c)
	}
	for _, s := range st.solvedVar {
		st.resolve(s, c)
	}
}

// resolve resolves the conclusion of the solved clause s with the selected
// hypothesis of u and queues every resolvent.
func (st *saturator) resolve(s, u *Clause) {
	if s.dead || u.dead || st.exhausted || st.done {
		return
	}
	h := u.Hyps[u.sel]
	if !term.MayUnify(nil, h.Args[0], s.Concl.Args[0]) {
		return
	}
	off := u.NVars
	concl := shift(s.Concl.Args[0], off)
	n := off + s.NVars
	for _, sub := range st.ty.unifiers(n, h.Args[0], concl) {
		st.steps++
		if st.steps > st.budget.Steps {
			st.exhausted = true
			return
		}
		hyps := make([]Fact, 0, len(u.Hyps)-1+len(s.Hyps))
		for i, x := range u.Hyps {
			if i != u.sel {
				hyps = append(hyps, resolveFact(sub, x))
			}
		}
		for _, x := range s.Hyps {
			hyps = append(hyps, resolveFact(sub, shiftFact(x, off)))
		}
		if c := simplify(hyps, resolveFact(sub, u.Concl), len(sub)); c != nil {
			st.generated++
			st.queue = append(st.queue, c)
		}
	}
}
