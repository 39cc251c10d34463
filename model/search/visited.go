package search

import (
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// Duplicate-state elimination. Different interleavings of the same steps
// often reach states whose futures are identical: the same sessions at the
// same points with the same values, the same attacker knowledge as a set,
// the same constraints (each variable with the set of observations it may
// be built from), the same events, claim hits and cache records, and, for
// injective agreement, the same events already matched. The search
// explores such a state once per length: a state seen before at the same
// or a shorter length is not expanded again (its claims are still checked
// first). Everything a successor or a claim check reads is in the
// fingerprint, so the verdicts and the shortest attack lengths are those
// of the full search; only which of several equally short traces is
// reported may change.
//
// The fingerprint is a 128-bit hash (two independent 64-bit hashes) of the
// canonical form, computed from term hashes without printing terms, so that
// memory stays small on long searches (hash compaction); a collision, which
// would wrongly skip a state, has a probability of about n²/2^128 for n
// states.

type fingerprint [2]uint64

// hasher mixes data into two independent 64-bit hashes (FNV-1a and a
// multiply-xorshift variant).
type hasher struct{ a, b uint64 }

func newHasher() hasher { return hasher{14695981039346656037, 0x9e3779b97f4a7c15} }

func (h *hasher) u64(x uint64) {
	h.a = (h.a ^ x) * 1099511628211
	h.a ^= h.a >> 32
	h.b = (h.b + x) * 0xff51afd7ed558ccd
	h.b ^= h.b >> 29
}

func (h *hasher) str(s string) {
	for i := 0; i < len(s); i += 8 {
		var w uint64
		for j := i; j < i+8 && j < len(s); j++ {
			w = w<<8 | uint64(s[j])
		}
		h.u64(w)
	}
	h.u64(uint64(len(s)) | 1<<63)
}

func (h *hasher) fp(f fingerprint) { h.u64(f[0]); h.u64(f[1]) }

func (h *hasher) sum() fingerprint { return fingerprint{h.a, h.b} }

// termHash hashes t under the substitution, without building the
// resolved term.
func termHash(sub term.Subst, t term.Term) fingerprint {
	h := newHasher()
	termHashInto(&h, sub, t)
	return h.sum()
}

func termHashInto(h *hasher, sub term.Subst, t term.Term) {
	t = sub.Walk(t)
	switch a := t.(type) {
	case *term.Name:
		h.u64(1)
		h.str(a.Text)
	case *term.Var:
		h.u64(2)
		h.u64(uint64(a.ID))
	case *term.App:
		if x, y, ok := dhPair(sub, a); ok {
			// symmetric in the two exponents (term/dh.go)
			fx, fy := termHash(sub, x), termHash(sub, y)
			if fy[0] < fx[0] || fy[0] == fx[0] && fy[1] < fx[1] {
				fx, fy = fy, fx
			}
			h.u64(4)
			h.fp(fx)
			h.fp(fy)
			return
		}
		if a.Fn == term.FnPair && len(a.Args) == 2 {
			fx, fy := termHash(sub, a.Args[0]), termHash(sub, a.Args[1])
			if fy[0] < fx[0] || fy[0] == fx[0] && fy[1] < fx[1] {
				fx, fy = fy, fx
			}
			h.u64(5)
			h.fp(fx)
			h.fp(fy)
			return
		}
		h.u64(3)
		h.str(a.Fn)
		h.u64(uint64(len(a.Args)))
		for _, x := range a.Args {
			termHashInto(h, sub, x)
		}
	}
}

// setHash hashes a multiset of fingerprints (order-free): the sums of two
// strong mixes of the elements.
func setHash(xs []fingerprint) fingerprint {
	var f fingerprint
	for _, x := range xs {
		a, b := mixA(x), mixB(x)
		f[0] += a
		f[1] += b
	}
	f[0] += uint64(len(xs))
	return f
}

// mixA and mixB are splitmix64 finalisers over both halves.
func mixA(x fingerprint) uint64 {
	z := x[0] ^ x[1]*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func mixB(x fingerprint) uint64 {
	z := x[1] ^ x[0]*0xc2b2ae3d27d4eb4f
	z = (z ^ z>>33) * 0xff51afd7ed558ccd
	z = (z ^ z>>33) * 0xc4ceb9fe1a85ec53
	return z ^ z>>33
}

// fingerprint returns the canonical fingerprint of st.
func (e *engine) fingerprint(st *state) fingerprint {
	h := newHasher()
	for _, s := range st.sess {
		h.str(s.role.Name)
		h.u64(uint64(s.pc))
		for _, t := range s.env {
			h.fp(termHash(st.sub, t))
		}
	}
	know := make([]fingerprint, len(st.know))
	for i, t := range st.know {
		know[i] = termHash(st.sub, t)
	}
	// prefix[n] is the set hash of the first n observations
	prefix := make([]fingerprint, len(know)+1)
	for i, k := range know {
		prefix[i+1] = fingerprint{prefix[i][0] + mixA(k) + 1, prefix[i][1] + mixB(k)}
	}
	h.str("K")
	h.fp(prefix[len(know)])
	h.str("C")
	cons := make([]fingerprint, 0, len(st.cons))
	for _, c := range st.cons {
		g := newHasher()
		g.fp(termHash(st.sub, c.t))
		g.fp(prefix[c.know])
		cons = append(cons, g.sum())
	}
	h.fp(setHash(cons))
	h.str("E")
	evs := make([]fingerprint, 0, len(st.events))
	for _, ev := range st.events {
		evs = append(evs, e.eventHash(st, ev))
	}
	h.fp(setHash(evs))
	h.str("H")
	hits := make([]fingerprint, 0, len(st.hits))
	for _, x := range st.hits {
		g := newHasher()
		g.u64(uint64(x.claim))
		g.u64(uint64(x.occ.Action))
		g.str(x.occ.Role.Name)
		g.u64(uint64(x.sess))
		hits = append(hits, g.sum())
	}
	h.fp(setHash(hits))
	h.str("U")
	for k, c := range e.claims {
		if c.Kind == proto.ClaimInjAgree {
			h.u64(uint64(k))
			h.fp(setHash(e.usedEvents(st, k)))
		}
	}
	h.str("X")
	cs := make([]fingerprint, 0, len(st.caches))
	for _, c := range st.caches {
		g := newHasher()
		g.str(c.owner)
		g.str(c.name)
		g.fp(termHash(st.sub, c.t))
		cs = append(cs, g.sum())
	}
	h.fp(setHash(cs))
	h.str("R")
	h.u64(uint64(int64(st.reveal)))
	if len(st.revealed) > 0 {
		h.str("V")
		h.fp(revealsHash(st))
	}
	if e.on&Order != 0 {
		// the partial-order reduction reads the last block
		h.str("O")
		h.u64(uint64(int64(st.last.sess)))
		h.fp(prefix[st.last.know])
		if st.last.inj {
			h.u64(1)
		}
	}
	return h.sum()
}

func (e *engine) eventHash(st *state, ev eventRec) fingerprint {
	g := newHasher()
	g.str(ev.name)
	g.u64(uint64(ev.sess))
	for _, a := range ev.args {
		g.fp(termHash(st.sub, a))
	}
	return g.sum()
}

// usedEvents lists the events the hits of injective-agreement claim k
// have matched, as in violation.
func (e *engine) usedEvents(st *state, k int) []fingerprint {
	c := e.claims[k]
	used := map[int]bool{}
	var out []fingerprint
	for _, h := range st.hits {
		if h.claim != k {
			continue
		}
		args := e.claimArgs(st, h.occ, h)
		for j, ev := range st.events {
			if ev.step > h.step || ev.name != c.Event || used[j] {
				continue
			}
			if e.sameArgs(st, ev.args, args) {
				used[j] = true
				out = append(out, e.eventHash(st, ev))
				break
			}
		}
	}
	return out
}

// seenBefore reports whether a state with st's fingerprint was expanded at
// the same or a shorter length, and records st otherwise.
func (e *engine) seenBefore(st *state) bool {
	if e.on&Dedup == 0 {
		return false
	}
	if e.visited == nil {
		e.visited = map[fingerprint]int{}
	}
	f := e.fingerprint(st)
	if l, ok := e.top[f]; ok && l <= st.length {
		return true
	}
	if l, ok := e.visited[f]; ok && l <= st.length {
		return true
	}
	e.visited[f] = st.length
	return false
}

// dhPair is term.DHPair under a substitution.
func dhPair(sub term.Subst, a *term.App) (x, y term.Term, ok bool) {
	if a.Fn != term.FnExp || len(a.Args) != 2 {
		return nil, nil, false
	}
	b, isApp := sub.Walk(a.Args[0]).(*term.App)
	if !isApp || b.Fn != term.FnExp || len(b.Args) != 2 || !term.IsGen(sub.Walk(b.Args[0])) {
		return nil, nil, false
	}
	return b.Args[1], a.Args[1], true
}
