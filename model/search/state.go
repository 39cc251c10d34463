package search

import (
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// session is one run of a role by an honest agent.
type session struct {
	id    int // 1-based, in order of creation
	role  *proto.Role
	env   []term.Term // role symbol -> term (agents, fresh names, run variables)
	pc    int         // next action
	start int         // index in the trace of its start step
	cfg   int         // index in engine.configs of its role and agents
}

func (s *session) owner() string { return s.env[0].(*term.Name).Text }

// constraint says that the attacker must derive t from its first know
// observations. After normalisation t is always a variable.
type constraint struct {
	know int
	t    term.Term
}

// eventRec is an event an honest session emitted.
type eventRec struct {
	name string
	args []term.Term
	sess int // session index
	step int // index in trace
}

// hitRec is an honest session reaching a claim.
type hitRec struct {
	claim int          // index in engine.claims
	occ   *proto.Claim // the occurrence reached (differs from the claim for a shared label)
	sess  int
	step  int
}

// cacheRec is a value an honest session put in its agent's replay cache.
// Two records of one agent and cache with equal values make a state
// impossible: the agent refuses the second (see consistent).
type cacheRec struct {
	owner string
	name  string
	t     term.Term
}

// state is a node of the search: a symbolic partial run.
type state struct {
	sess   []session
	sub    term.Subst
	vars   []*term.Var // every run variable, by ID
	know   []term.Term // the attacker's observations, initial knowledge first
	cons   []constraint
	events []eventRec
	hits   []hitRec
	caches []cacheRec
	// revealed are the session-value reveals done (reveal.go)
	revealed []revealRec
	tr       *traceNode // the trace so far, newest step first (shared with ancestors)
	length   int        // number of counted steps (send, receive, reveal)
	reveal   int        // claim index whose reveal happened, or -1
	moved    bool       // a step other than starting a send-first session happened
	last     lastBlock  // the block that made this state (partial-order reduction)

	clo    *cloCache           // cached closures, by prefix length (shared with clones)
	strict map[int]*closureSet // cached strict closures (derivableBefore); not cloned
}

func (st *state) clone() *state { return st.cloneWith(st.sub.Clone()) }

// cloneWith is clone with the substitution sub, the state's own.
func (st *state) cloneWith(sub term.Subst) *state {
	c := &state{
		sess:     append([]session(nil), st.sess...),
		sub:      sub,
		vars:     st.vars[:len(st.vars):len(st.vars)],
		know:     st.know[:len(st.know):len(st.know)],
		cons:     append([]constraint(nil), st.cons...),
		events:   st.events[:len(st.events):len(st.events)],
		hits:     st.hits[:len(st.hits):len(st.hits)],
		caches:   st.caches[:len(st.caches):len(st.caches)],
		revealed: st.revealed[:len(st.revealed):len(st.revealed)],
		tr:       st.tr,
		length:   st.length,
		reveal:   st.reveal,
		moved:    st.moved,
		last:     st.last,
		// the closures hold until a binding touches their observations
		// (cloCache)
		clo: st.clo,
	}
	return c
}

// invalidate drops the cached strict closures after a change of the
// substitution; the other closures are checked as they are used
// (dropStale).
func (st *state) invalidate() { st.strict = nil }

// newVar allocates a run variable.
func (st *state) newVar(name, typ string) *term.Var {
	v := &term.Var{ID: len(st.vars), Text: name, Type: typ}
	st.vars = append(st.vars, v)
	st.sub = append(st.sub, nil)
	return v
}

// addCons records that the attacker must know variable v from its first n
// observations, keeping only the strongest constraint per variable.
func (st *state) addCons(n int, v *term.Var) {
	for i, c := range st.cons {
		if w, ok := c.t.(*term.Var); ok && w.ID == v.ID {
			if c.know > n {
				st.cons[i].know = n
			}
			return
		}
	}
	st.cons = append(st.cons, constraint{know: n, t: v})
}

// key is a canonical fingerprint of the state's symbolic part (bindings
// and constraints), used to drop duplicate solutions of one constraint.
func (st *state) key() fingerprint {
	h := newHasher()
	for i := range st.vars {
		if st.sub[i] != nil {
			h.u64(uint64(i))
			h.fp(termHash(st.sub, st.sub[i]))
		}
	}
	h.str("|")
	for _, c := range st.cons {
		h.u64(uint64(c.know))
		h.fp(termHash(st.sub, c.t))
	}
	return h.sum()
}

func dedupe(sts []*state) []*state {
	if len(sts) < 2 {
		return sts
	}
	seen := map[fingerprint]bool{}
	out := sts[:0:0]
	for _, s := range sts {
		k := s.key()
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// consistent reports whether no agent has accepted one cached value twice
// under the state's substitution. Free variables stay distinct when the
// trace is grounded, so an inconsistency can only appear by binding.
func (st *state) consistent() bool {
	for i := 0; i < len(st.caches); i++ {
		a := st.caches[i]
		for j := i + 1; j < len(st.caches); j++ {
			b := st.caches[j]
			if a.owner == b.owner && a.name == b.name && term.Equal(st.sub.Resolve(a.t), st.sub.Resolve(b.t)) {
				return false
			}
		}
	}
	return true
}

// consistentOnly keeps the consistent states.
func consistentOnly(sts []*state) []*state {
	out := sts[:0:0]
	for _, s := range sts {
		if s.consistent() {
			out = append(out, s)
		}
	}
	return out
}

// traceNode is one step of a state's trace; states share their common
// prefix, so a new step costs one node, not a copy of the trace.
type traceNode struct {
	step proto.Step
	prev *traceNode
	n    int // number of steps up to and including this one
}

// push appends a step to the state's trace.
func (st *state) push(s proto.Step) { st.tr = &traceNode{step: s, prev: st.tr, n: st.tlen() + 1} }

// tlen is the number of steps in the state's trace.
func (st *state) tlen() int {
	if st.tr == nil {
		return 0
	}
	return st.tr.n
}

// steps returns the state's trace, oldest step first.
func (st *state) steps() []proto.Step {
	out := make([]proto.Step, st.tlen())
	for n := st.tr; n != nil; n = n.prev {
		out[n.n-1] = n.step
	}
	return out
}
