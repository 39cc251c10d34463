package search

import (
	"slices"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// Reduction names one of the search's reductions. Each one keeps every
// verdict and the length of every shortest attack (TestReductionsKeepVerdicts
// compares each of them, and all of them, with the full search on every
// shipped model); only which of several equally short attacks is reported
// may change.
type Reduction uint

const (
	// Early: a session whose role starts by sending starts only before
	// any other step (search.go, successors).
	Early Reduction = 1 << iota
	// Dedup: a state seen before at the same or a shorter length is not
	// expanded again (visited.go).
	Dedup
	// Instances: a solution of a reception that is an instance of another
	// solution of the same reception is dropped (dropInstances).
	Instances
	// Relevance: a successor that cannot lead to a new or shorter attack
	// on a claim not decided yet is dropped (useful).
	Relevance
	// Order: partial-order reduction of independent blocks, in the manner
	// of OFMC's constraint differentiation (keepOrder).
	Order
	// Symmetry: sessions that start by sending and start before any other
	// step start in the order of their roles and agents (outOfOrder).
	Symmetry

	// All is every reduction.
	All = Early | Dedup | Instances | Relevance | Order | Symmetry
)

var reductionNames = []struct {
	r    Reduction
	name string
}{{Early, "early"}, {Dedup, "dedup"}, {Instances, "instances"}, {Relevance, "relevance"}, {Order, "order"}, {Symmetry, "symmetry"}}

// Reductions lists every reduction with its name, in a fixed order.
func Reductions() []Reduction {
	out := make([]Reduction, len(reductionNames))
	for i, r := range reductionNames {
		out[i] = r.r
	}
	return out
}

func (r Reduction) String() string {
	s := ""
	for _, x := range reductionNames {
		if r&x.r != 0 {
			if s != "" {
				s += "+"
			}
			s += x.name
		}
	}
	if s == "" {
		return "none"
	}
	return s
}

// Instances.
//
// The lazy intruder solves a reception in several ways: unify the pattern
// with something the attacker has analysed, or compose it, leaving
// variables free under a constraint "derivable from the first n
// observations". A solution a is an instance of a solution b when b's
// bindings hold in a and every variable b leaves free is bound in a to a
// value derivable from the observations b's constraint allows (or to a
// variable constrained at least as tightly). Every execution a stands for is
// then one b stands for, so a's future is part of b's: every step a can take
// b can take with the same length, and b violates every claim a violates
// (claims are decided on the most general instance: a free variable is a
// fresh attacker value, so fewer bindings mean fewer equalities). Typical
// case: the attacker replays a ciphertext it could have built itself.
//
// Offline guessing is decided on the grounded state rather than
// symbolically, so searches with a weaksecret claim keep every solution.

// dropInstances removes from sols, the solutions of one reception from
// st, those that are instances of another one. Of two solutions that are
// instances of each other the first is kept.
func (e *engine) dropInstances(st *state, sols []*state) []*state {
	if len(sols) < 2 || e.on&Instances == 0 {
		return sols
	}
	dropped := make([]bool, len(sols))
	out := sols[:0:0]
	for i, a := range sols {
		for j, b := range sols {
			if i == j || dropped[j] || !e.instanceOf(st, a, b) {
				continue
			}
			if j < i || !e.instanceOf(st, b, a) {
				dropped[i] = true
				break
			}
		}
		if !dropped[i] {
			out = append(out, a)
		}
	}
	e.stats.subsumed += len(sols) - len(out)
	return out
}

// instanceOf reports whether every execution a stands for is one b stands
// for; a and b are solutions of one reception from st (same observations,
// same sessions, substitutions extending st's).
func (e *engine) instanceOf(st, a, b *state) bool {
	aknow := make(map[int]int, len(a.cons))
	for _, c := range a.cons {
		aknow[c.t.(*term.Var).ID] = c.know
	}
	m := e.matcher()
	for _, c := range b.cons {
		v := c.t.(*term.Var)
		av := a.sub.Resolve(v)
		if w, ok := av.(*term.Var); ok {
			if k, ok := aknow[w.ID]; !ok || k > c.know || m.Typed && v.Type != "msg" && w.Type != v.Type {
				return false
			}
			continue
		}
		if !m.Fits(v, av) || !e.derivableBefore(a, c.know, av) {
			return false
		}
	}
	for id := range b.vars {
		if b.sub[id] == nil || id < len(st.sub) && st.sub[id] != nil {
			continue
		}
		if !term.Equal(a.sub.Resolve(b.vars[id]), a.sub.Resolve(b.sub[id])) {
			return false
		}
	}
	return true
}

// derivableBefore reports whether t is derivable from the first n
// observations in every execution st stands for: under st's substitution,
// with a variable counted as known only if its constraint allows no more
// than those n observations, and openings only under keys derivable that
// way.
func (e *engine) derivableBefore(st *state, n int, t term.Term) bool {
	know := make(map[int]int, len(st.cons))
	for _, x := range st.cons {
		know[x.t.(*term.Var).ID] = x.know
	}
	varKnown := func(v *term.Var) bool {
		k, ok := know[v.ID]
		return ok && k <= n
	}
	if c := e.closureOf(st, n); !c.varKeys {
		// no opening needed a key with a variable: the strict closure is
		// the closure
		return c.knownWith(e.th, st.sub.Resolve(t), varKnown)
	}
	c, ok := st.strict[n]
	if !ok {
		c = &closureSet{n: n, head: map[uint64]int32{}, varKnown: varKnown}
		c.extend(e, st, 0)
		if st.strict == nil {
			st.strict = map[int]*closureSet{}
		}
		st.strict[n] = c
	}
	return c.known(e.th, st.sub.Resolve(t))
}

// Relevance.
//
// A state is worth checking when it can show a new attack, or a shorter
// one, on a claim: it reached a claim not decided at its length, or it
// holds a hit of a claim about knowledge (secret, fsecret, weaksecret) and
// its step taught the attacker something. It is worth expanding when its
// future can: a hit still to come (a session that has the claim ahead, with
// the honest agents the claim needs, or a session still to start whose role
// has it), or a hit of a claim about knowledge already there while the
// attacker can still learn something. A hit of any other kind is decided
// where it happens: later steps add events and sessions only after it, and
// bindings only make more terms equal, so a violation seen later would have
// been seen, shorter, at the hit. A claim decided at a length at most the
// state's cannot improve below it.

// useful reports whether next, a successor of st, is worth checking or
// expanding.
func (e *engine) useful(st, next *state) bool {
	if e.on&Relevance == 0 {
		return true
	}
	for _, h := range next.hits[len(st.hits):] {
		if e.open(h.claim, next.length) {
			return true
		}
	}
	if e.knowledgeHit(next) && learnedNow(st, next) || e.future(next) {
		return true
	}
	e.stats.idle++
	return false
}

// future reports whether st's future can show a new or shorter attack.
func (e *engine) future(st *state) bool {
	if e.on&Relevance == 0 {
		return true
	}
	if e.knowledgeHit(st) && e.canLearn(st) {
		return true
	}
	for k := range e.claims {
		if e.open(k, st.length) && e.hitAhead(st, k) {
			return true
		}
	}
	return false
}

// knowledgeHit reports whether st holds a hit of an open claim about
// knowledge.
func (e *engine) knowledgeHit(st *state) bool {
	for _, h := range st.hits {
		switch e.claims[h.claim].Kind {
		case proto.ClaimSecret, proto.ClaimFSecret, proto.ClaimWeakSecret:
			if e.open(h.claim, st.length) {
				return true
			}
		}
	}
	return false
}

// learnedNow reports whether the step from st to next may have taught the
// attacker something: an observation, the reveal, or a binding (which may
// open an observation).
func learnedNow(st, next *state) bool {
	return len(next.know) != len(st.know) || next.reveal != st.reveal || bound(next.sub) != bound(st.sub)
}

func bound(s term.Subst) int {
	n := 0
	for _, t := range s {
		if t != nil {
			n++
		}
	}
	return n
}

// open reports whether claim k could still get an attack of length n or
// more that is shorter than the one found.
func (e *engine) open(k, n int) bool {
	b := e.best[k]
	return b == nil || b.Length > n
}

// hitAhead reports whether a session of st, or one still to start, can
// reach claim k with the honest agents the claim needs.
func (e *engine) hitAhead(st *state, k int) bool {
	c := e.claims[k]
	for i := range st.sess {
		s := &st.sess[i]
		for _, a := range s.role.Actions[s.pc:] {
			if a.Kind == proto.ActClaim && a.Claim.First() == c && e.honestFor(a.Claim, s) {
				return true
			}
		}
	}
	if len(st.sess) < e.sessions {
		for _, r := range e.inRoles[k] {
			sendFirst := len(r.Actions) > 0 && r.Actions[0].Kind != proto.ActRecv
			if !(sendFirst && e.early && st.moved) {
				return true
			}
		}
	}
	return false
}

// canLearn reports whether the attacker can still learn something in st's
// future: a session still has a send ahead, a session may start, a reveal
// may happen (of a forward-secrecy claim, or of a session's values), or an
// opening may be tried.
func (e *engine) canLearn(st *state) bool {
	if len(st.sess) < e.sessions || e.reveal >= 0 && st.reveal < 0 || e.dh {
		return true
	}
	for k, rv := range e.sc.SessionReveals {
		for i := range st.sess {
			if st.sess[i].role == rv.Role && !st.didReveal(k, i) {
				return true
			}
		}
	}
	for i := range st.sess {
		s := &st.sess[i]
		for _, a := range s.role.Actions[s.pc:] {
			if a.Kind == proto.ActSend {
				return true
			}
		}
	}
	return len(e.pendingKeys(st)) > 0
}

// Order: partial-order reduction.
//
// A block is what one session does from a reception (or its start) to its
// next reception: receive, then send, check, record events and claims. Two
// adjacent blocks of different sessions, b1 then b2, can be swapped when
// b2's message was derivable before b1: b1 still gets its message (the
// attacker knows more), the knowledge, events, claim hits and cache
// records at the end are the same, and so is the length. Of the two orders
// the search needs only one, the one that runs the lower-numbered session
// first (numbers never change by a swap: a block that starts a session
// gets the next number, so it is never the lower one of an inverted
// pair). So a block of session j that follows a block of session i > j is
// kept only if its message is not derivable, in every execution the state
// stands for, from the observations before the block of i. This is
// OFMC's constraint differentiation, with the differentiation constraint
// decided when the block is made (a state it cannot decide is kept).
//
// Why no attack gets longer: take a shortest attack with the least
// sequence of session numbers (lexicographic, a prefix before its
// extensions). Cut it after the block of the violated claim (a prefix
// violates the claim too, except for claims about knowledge, which do not
// depend on the order). If it had an inverted adjacent pair as above,
// swapping the pair would give an attack of the same length and a smaller
// sequence: the knowledge claims and "unique" do not depend on the order;
// a claim about events or sessions that precede it (niagree, alive,
// weakagree) lies in the last block, which the swap can only move earlier,
// before fewer events and starts. The exception is injective agreement,
// whose matching of claims to events a swap could change when b1 reaches
// such a claim and b2 emits an event such a claim waits for: those pairs
// are never pruned. So the least attack has no inverted pair the reduction
// prunes and the reduced search finds it. A reveal step ends a block
// sequence (the next block is never pruned), and so does a reveal of a
// session's values, which a claim "unless revealed" orders against session
// starts. An opening (under a public key, or under an exponentiated key)
// is not a step of the trace and leaves the block sequence as it was.
// Duplicate states (visited.go) also compare the last block, which the
// reduction reads.

// lastBlock is what the partial-order reduction remembers of the block that
// made a state.
type lastBlock struct {
	sess int  // session index, -1 after a reveal and at the start
	know int  // observations before the block
	inj  bool // the block reached an injective-agreement claim
}

// keepOrder decides whether b, the state after a block of session i that
// started from parent, is kept by the partial-order reduction. nev is the
// number of events before the block, pat the message it received.
func (e *engine) keepOrder(parent, b *state, i, nev int, pat term.Term) bool {
	if e.on&Order == 0 || parent.last.sess <= i {
		return true
	}
	if parent.last.inj && e.emitsInjEvent(b, nev) {
		return true
	}
	if e.derivableBefore(b, parent.last.know, pat) {
		e.stats.pruned++
		return false
	}
	return true
}

// markBlock records, in b, the block of session i that made it: know
// observations and nhit claim hits before it.
func (e *engine) markBlock(b *state, i, know, nhit int) {
	b.last = lastBlock{sess: i, know: know}
	for _, h := range b.hits[nhit:] {
		if e.claims[h.claim].Kind == proto.ClaimInjAgree {
			b.last.inj = true
		}
	}
}

// emitsInjEvent reports whether b's events from index nev on include one
// that an injective-agreement claim waits for.
func (e *engine) emitsInjEvent(b *state, nev int) bool {
	for _, ev := range b.events[nev:] {
		for _, c := range e.claims {
			if c.Kind == proto.ClaimInjAgree && c.Event == ev.name {
				return true
			}
		}
	}
	return false
}

// Symmetry.
//
// Sessions that start by sending and start before any other step (all of
// them, with early initiators) differ in the order they start in only by
// their numbers: start A(a, e) then A(a, b), or A(a, b) then A(a, e), and
// the two states are the same up to renaming the sessions (and their fresh
// values), as are their futures, lengths and verdicts. Of the orders of one
// set of such starts the search keeps the one that follows engine.configs,
// if the agents' canonical order (canonical) allows it; if not, it keeps
// every order. The renaming needs the starts to be alike but for their
// numbers: a role that reaches a claim before its first reception is left
// alone, since its claim would then come before or after another start's
// events. The partial-order reduction never reorders starts (a start always
// gets the highest number), so the two compose.

// outOfOrder reports whether starting the send-first session of
// configuration ci now is an order the symmetry reduction leaves out.
func (e *engine) outOfOrder(st *state, ci int) bool {
	if e.on&Symmetry == 0 || st.moved || len(st.sess) == 0 || e.claimBeforeRecv(ci) {
		return false
	}
	seq := make([]int, 0, len(st.sess)+1)
	for i := range st.sess {
		if e.claimBeforeRecv(st.sess[i].cfg) {
			return false
		}
		seq = append(seq, st.sess[i].cfg)
	}
	if ci >= seq[len(seq)-1] {
		return false
	}
	seq = append(seq, ci)
	slices.Sort(seq)
	return e.canonicalSeq(seq)
}

// claimBeforeRecv reports whether the role of configuration ci reaches a
// claim before its first reception.
func (e *engine) claimBeforeRecv(ci int) bool {
	r := e.roleByName(e.configs[ci][0].Text)
	for _, a := range r.Actions {
		if a.Kind == proto.ActRecv {
			return false
		}
		if a.Kind == proto.ActClaim {
			return true
		}
	}
	return false
}

// canonicalSeq reports whether sessions of these configurations, started
// in this order from the start, respect the agents' canonical order.
func (e *engine) canonicalSeq(seq []int) bool {
	used := map[string]bool{}
	for _, ci := range seq {
		for _, a := range e.configs[ci][1:] {
			x := a.Text
			if !used[x] {
				for y, g := range e.groups {
					if g == e.groups[x] && e.gorder[y] < e.gorder[x] && !used[y] {
						return false
					}
				}
			}
			used[x] = true
		}
	}
	return true
}
