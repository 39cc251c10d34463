package search

import (
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// Session-value reveals (Scenario.SessionReveals, docs/model.md
// "Reveals"): the attacker may learn a value of any session of a role once
// that session has passed a point, at most once per session and reveal. A
// reveal is a counted step of the trace. A claim "secret T unless revealed"
// is excused by a reveal of its own session, or by a reveal of the value T
// itself after the claiming session began; a value revealed before the
// session began was old when the session accepted it (Denning-Sacco).

// revealRec is a session-value reveal that happened.
type revealRec struct {
	rv    int // index in Scenario.SessionReveals
	sess  int // session index
	nsess int // sessions started before the reveal
	terms []term.Term
}

// sessionReveals lists the states after one more reveal.
func (e *engine) sessionReveals(st *state) []*state {
	var out []*state
	for k, rv := range e.sc.SessionReveals {
		for i := range st.sess {
			s := &st.sess[i]
			if s.role != rv.Role || s.pc <= rv.After || st.didReveal(k, i) {
				continue
			}
			c := st.clone()
			var ts []term.Term
			for _, t := range rv.Terms {
				x := proto.Instantiate(t, s.env)
				ts = append(ts, x)
				c.know = append(c.know, x)
			}
			c.revealed = append(c.revealed, revealRec{rv: k, sess: i, nsess: len(c.sess), terms: ts})
			c.push(proto.Step{Kind: proto.StepReveal, Session: s.id, Role: rv.Role.Name, Label: rv.Text, Args: ts})
			c.length++
			c.moved = true
			c.last = lastBlock{sess: -1} // a reveal ends the block sequence (reduce.go)
			out = append(out, c)
		}
	}
	return out
}

func (st *state) didReveal(rv, sess int) bool {
	for _, r := range st.revealed {
		if r.rv == rv && r.sess == sess {
			return true
		}
	}
	return false
}

// excused reports whether a hit of a "secret T unless revealed" claim is
// excused in st: its session was revealed, or T was revealed after the
// session began.
func (e *engine) excused(st *state, h hitRec, t term.Term) bool {
	if !h.occ.UnlessRevealed {
		return false
	}
	t = st.sub.Resolve(t)
	for _, r := range st.revealed {
		if r.sess == h.sess {
			return true
		}
		if h.sess >= r.nsess {
			continue // the session began after the reveal
		}
		for _, x := range r.terms {
			if term.Equal(st.sub.Resolve(x), t) {
				return true
			}
		}
	}
	return false
}

// revealsHash is the fingerprint part of the reveals done: which, of which
// session, and how many sessions had begun.
func revealsHash(st *state) fingerprint {
	fs := make([]fingerprint, 0, len(st.revealed))
	for _, r := range st.revealed {
		g := newHasher()
		g.u64(uint64(r.rv))
		g.u64(uint64(r.sess))
		g.u64(uint64(r.nsess))
		fs = append(fs, g.sum())
	}
	return setHash(fs)
}

// unlessRevealedInInitiator reports whether a role that starts by sending
// makes a claim "unless revealed". Early initiators (search.go) start such
// sessions before any other step, which would put every reveal after the
// claiming session began and excuse every hit: the reduction is off then.
func unlessRevealedInInitiator(p *proto.Protocol) bool {
	for _, r := range p.Roles {
		if len(r.Actions) == 0 || r.Actions[0].Kind == proto.ActRecv {
			continue
		}
		for _, a := range r.Actions {
			if a.Kind == proto.ActClaim && a.Claim.UnlessRevealed {
				return true
			}
		}
	}
	return false
}
