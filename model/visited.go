package model

import (
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
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
// The fingerprint is a 128-bit hash of a canonical text (two FNV-1a
// variants), so that memory stays small on long searches (hash
// compaction); a collision, which would wrongly skip a state, has a
// probability of about n²/2^128 for n states.

type fingerprint [2]uint64

// fingerprint returns the canonical fingerprint of st.
func (e *engine) fingerprint(st *state) fingerprint {
	var b strings.Builder
	res := func(t Term) string { return st.sub.Resolve(t).String() }
	for _, s := range st.sess {
		b.WriteString(s.role.Name)
		b.WriteByte('@')
		b.WriteString(strconv.Itoa(s.pc))
		for _, t := range s.env {
			b.WriteByte(',')
			b.WriteString(res(t))
		}
		b.WriteByte(';')
	}
	know := make([]string, len(st.know))
	for i, t := range st.know {
		know[i] = res(t)
	}
	b.WriteString("|K")
	writeSet(&b, know)
	b.WriteString("|C")
	cons := make([]string, 0, len(st.cons))
	for _, c := range st.cons {
		cons = append(cons, res(c.t)+"<"+setText(know[:c.know]))
	}
	writeSet(&b, cons)
	b.WriteString("|E")
	evs := make([]string, 0, len(st.events))
	for _, ev := range st.events {
		evs = append(evs, e.eventText(st, ev))
	}
	writeSet(&b, evs)
	b.WriteString("|H")
	hits := make([]string, 0, len(st.hits))
	for _, h := range st.hits {
		hits = append(hits, strconv.Itoa(h.claim)+"/"+strconv.Itoa(h.occ.Action)+"/"+h.occ.Role.Name+"/"+strconv.Itoa(h.sess))
	}
	writeSet(&b, hits)
	b.WriteString("|U")
	for k, c := range e.claims {
		if c.Kind == ClaimInjAgree {
			b.WriteString(strconv.Itoa(k))
			writeSet(&b, e.usedEvents(st, k))
		}
	}
	b.WriteString("|X")
	cs := make([]string, 0, len(st.caches))
	for _, c := range st.caches {
		cs = append(cs, c.owner+"/"+c.name+"/"+res(c.t))
	}
	writeSet(&b, cs)
	b.WriteString("|R")
	b.WriteString(strconv.Itoa(st.reveal))
	text := b.String()
	h1 := fnv.New64a()
	h1.Write([]byte(text))
	h2 := fnv.New64()
	h2.Write([]byte(text))
	return fingerprint{h1.Sum64(), h2.Sum64()}
}

func (e *engine) eventText(st *state, ev eventRec) string {
	var b strings.Builder
	b.WriteString(ev.name)
	b.WriteString(strconv.Itoa(ev.sess))
	for _, a := range ev.args {
		b.WriteByte(',')
		b.WriteString(st.sub.Resolve(a).String())
	}
	return b.String()
}

// usedEvents lists the events the hits of injective-agreement claim k
// have matched, as in violation.
func (e *engine) usedEvents(st *state, k int) []string {
	c := e.claims[k]
	used := map[int]bool{}
	var out []string
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
				out = append(out, e.eventText(st, ev))
				break
			}
		}
	}
	return out
}

func setText(xs []string) string {
	var b strings.Builder
	writeSet(&b, xs)
	return b.String()
}

// writeSet writes the sorted elements of xs (a multiset).
func writeSet(b *strings.Builder, xs []string) {
	s := append([]string(nil), xs...)
	sort.Strings(s)
	b.WriteByte('{')
	for _, x := range s {
		b.WriteString(x)
		b.WriteByte(';')
	}
	b.WriteByte('}')
}

// seenBefore reports whether a state with st's fingerprint was expanded at
// the same or a shorter length, and records st otherwise.
func (e *engine) seenBefore(st *state) bool {
	if e.opt.NoReduction {
		return false
	}
	if e.visited == nil {
		e.visited = map[fingerprint]int{}
	}
	f := e.fingerprint(st)
	if l, ok := e.visited[f]; ok && l <= st.length {
		return true
	}
	e.visited[f] = st.length
	return false
}
