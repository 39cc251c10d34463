package search

import (
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// grounding fixes every free variable of st to a distinct value the
// attacker makes up, so that the trace is a concrete execution.
func grounding(st *state) term.Subst {
	g := st.sub.Clone()
	for i, v := range st.vars {
		if g[i] == nil {
			g[i] = proto.AttackerValue(v.Type, i)
		}
	}
	return g
}

func groundTerms(g term.Subst, ts []term.Term) []term.Term {
	if ts == nil {
		return nil
	}
	out := make([]term.Term, len(ts))
	for i, t := range ts {
		out[i] = g.Resolve(t)
	}
	return out
}

// makeTrace grounds the state's trace.
func (e *engine) makeTrace(st *state, k int, hit, hit2 int, witness term.Term) *proto.Trace {
	g := grounding(st)
	tr := &proto.Trace{Claim: e.claims[k].ID, Kind: e.claims[k].Kind, Length: st.length, Hit: hit, Hit2: hit2}
	if witness != nil {
		tr.Witness = g.Resolve(witness)
	}
	for _, s := range st.steps() {
		c := s
		if s.Term != nil {
			c.Term = g.Resolve(s.Term)
		}
		c.Args = groundTerms(g, s.Args)
		tr.Steps = append(tr.Steps, c)
	}
	return tr
}
