package search

import (
	"github.com/imcheck/imcheck/model/check"
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// checkClaims looks for a violation of every claim in st and keeps the
// shortest attack per claim that the trace checker accepts.
func (e *engine) checkClaims(st *state) {
	for _, h := range st.hits {
		e.reached[h.claim] = true
	}
	for k := range e.claims {
		if b := e.best[k]; b != nil && b.Length <= st.length {
			continue
		}
		w, hit, hit2, wit := e.violation(st, k)
		if w == nil {
			continue
		}
		tr := e.makeTrace(w, k, hit, hit2, wit)
		if err := check.Trace(e.p, e.sc, tr); err != nil {
			e.stats.rejected++
			continue
		}
		e.best[k] = tr
		e.sh.decided[e.pos[k]].Store(true)
	}
}

// violation returns a state witnessing a violation of claim k in st (st
// itself or st with more variables fixed), the trace index of the violated
// claim step (and the second one for "unique"), and the value in question.
func (e *engine) violation(st *state, k int) (*state, int, int, term.Term) {
	c := e.claims[k]
	var hits []hitRec
	for _, h := range st.hits {
		if h.claim == k {
			hits = append(hits, h)
		}
	}
	if len(hits) == 0 {
		return nil, 0, 0, nil
	}
	switch c.Kind {
	case proto.ClaimSecret, proto.ClaimFSecret:
		if c.Kind == proto.ClaimFSecret && st.reveal != k {
			return nil, 0, 0, nil
		}
		for _, h := range hits {
			t := proto.Instantiate(h.occ.Term, st.sess[h.sess].env)
			for _, s := range consistentOnly(e.solve(st, len(st.know), t)) {
				if !e.excused(s, h, t) {
					return s, h.step, -1, t
				}
			}
		}
	case proto.ClaimAlive, proto.ClaimWeakAgree:
		for _, h := range hits {
			s := &st.sess[h.sess]
			partner := s.env[h.occ.Agent]
			me := s.env[0]
			ok := false
			for j := range st.sess {
				o := &st.sess[j]
				if !term.Equal(o.env[0], partner) || e.startStep(st, j) > h.step {
					continue
				}
				if c.Kind == proto.ClaimAlive {
					ok = true
					break
				}
				for p := 1; p < o.role.Params; p++ {
					if term.Equal(o.env[p], me) {
						ok = true
					}
				}
			}
			if !ok {
				return st, h.step, -1, partner
			}
		}
	case proto.ClaimNIAgree, proto.ClaimInjAgree:
		used := map[int]bool{}
		for _, h := range hits {
			args := e.claimArgs(st, h.occ, h)
			found := false
			for j, ev := range st.events {
				if ev.step > h.step || ev.name != c.Event || (c.Kind == proto.ClaimInjAgree && used[j]) {
					continue
				}
				if e.sameArgs(st, ev.args, args) {
					found = true
					used[j] = true
					break
				}
			}
			if !found {
				return st, h.step, -1, term.Fn(c.Event, args...)
			}
		}
	case proto.ClaimUnique:
		for a := 0; a < len(hits); a++ {
			for b := a + 1; b < len(hits); b++ {
				if hits[a].sess == hits[b].sess && hits[a].occ == hits[b].occ {
					continue
				}
				ta := proto.Instantiate(hits[a].occ.Term, st.sess[hits[a].sess].env)
				tb := proto.Instantiate(hits[b].occ.Term, st.sess[hits[b].sess].env)
				for _, s := range e.unifyStates(st, ta, tb) {
					if sols := consistentOnly(e.normalize(s)); len(sols) > 0 {
						return sols[0], hits[a].step, hits[b].step, ta
					}
				}
			}
		}
	case proto.ClaimWeakSecret:
		g := grounding(st)
		know := groundTerms(g, st.know)
		kh := newHasher()
		for _, t := range know {
			kh.fp(termHash(nil, t))
		}
		for _, h := range hits {
			p := g.Resolve(proto.Instantiate(h.occ.Term, st.sess[h.sess].env))
			if e.offlineGuess(kh, know, p) {
				return st, h.step, -1, p
			}
		}
	}
	return nil, 0, 0, nil
}

func (e *engine) claimArgs(st *state, c *proto.Claim, h hitRec) []term.Term {
	args := make([]term.Term, len(c.Args))
	for i, x := range c.Args {
		args[i] = proto.Instantiate(x, st.sess[h.sess].env)
	}
	return args
}

func (e *engine) sameArgs(st *state, a, b []term.Term) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !term.Equal(st.sub.Resolve(a[i]), st.sub.Resolve(b[i])) {
			return false
		}
	}
	return true
}

// startStep is the trace index at which session j started.
func (e *engine) startStep(st *state, j int) int { return st.sess[j].start }

// offlineGuess is term.OfflineGuess on the grounded observations know
// (kh: their hash, in order) and the weak secret p, remembered per task:
// the states of a search share most of their observations, and a step
// that teaches the attacker nothing leaves them as they were. The answers
// are remembered by a 128-bit hash of the observations and p, as the
// duplicate states are (visited.go).
func (e *engine) offlineGuess(kh hasher, know []term.Term, p term.Term) bool {
	kh.fp(termHash(nil, p))
	key := kh.sum()
	if r, ok := e.guesses[key]; ok {
		return r
	}
	r := term.OfflineGuess(e.th, know, p)
	if e.guesses == nil {
		e.guesses = map[fingerprint]bool{}
	}
	e.guesses[key] = r
	return r
}
