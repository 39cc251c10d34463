package prove

import (
	"context"
	"fmt"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// Status is what the prover decided about one claim.
type Status uint8

const (
	// NotProved: the prover applies but found a derivation of the
	// violation in its abstraction (maybe a false attack), or ran out of
	// budget. Reason says which.
	NotProved Status = iota
	// NotApplicable: the prover cannot soundly treat the claim. Reason
	// says why.
	NotApplicable
	// Proved: no attack for any number of sessions of the scenario's
	// agents, under the model's theory.
	Proved
)

// ClaimResult is the prover's answer for one claim.
type ClaimResult struct {
	Claim  *proto.Claim
	Status Status
	// Reason is why the claim was not proved ("" when proved).
	Reason string
	// Detail is the derived clause behind a "not proved", if any.
	Detail string
}

// Result is the prover's answer for one scenario.
type Result struct {
	Claims    []*ClaimResult // in the protocol's claim order
	Steps     int            // resolution steps
	Clauses   int            // clauses generated
	Exhausted bool           // the budget ran out
}

// Scenario tries to prove every claim of p in scenario sc for any number of
// sessions. It saturates one clause base for all the claims it applies to.
//
// It stops early, leaving the open claims not proved, when ctx is done (a
// timeout or a signal): the budget, not ctx, bounds it otherwise.
func Scenario(ctx context.Context, p *proto.Protocol, sc *proto.Scenario, b Budget) *Result {
	tr := newTranslator(p, sc)
	res, status, open := tr.triage()
	// two abstractions of fresh values: first the coarse one (a function
	// of the session's agents: small terms, quick saturation), then, for
	// the claims it could not prove, the precise one (also of the
	// session's inputs), unless the coarse one already ran out of budget
	for pass, coarse := range []bool{true, false} {
		if len(open) == 0 {
			break
		}
		var left []*proto.Claim
		exhausted := tr.saturate(ctx, open, coarse, b, res, status)
		for _, c := range open {
			if status[c].Status != Proved {
				left = append(left, c)
			}
		}
		open = left
		if exhausted && pass == 0 {
			break
		}
	}
	return res
}

// triage decides the claims that need no clauses (not applicable, or
// unique) and returns the others, open, in the protocol's order.
func (tr *translator) triage() (*Result, map[*proto.Claim]*ClaimResult, []*proto.Claim) {
	res := &Result{}
	status := map[*proto.Claim]*ClaimResult{}
	var open []*proto.Claim
	for _, c := range tr.p.Claims {
		cr := &ClaimResult{Claim: c}
		status[c] = cr
		res.Claims = append(res.Claims, cr)
		if why := tr.notApplicable(c); why != "" {
			cr.Status, cr.Reason = NotApplicable, "not applicable: "+why
			continue
		}
		if c.Kind == proto.ClaimUnique {
			// decided without clauses: the value holds a fresh value
			// of the claiming session (notApplicable)
			cr.Status = Proved
			continue
		}
		open = append(open, c)
	}
	return res, status, open
}

// Immediate lists the claims that Scenario proves without any saturation,
// whatever its budget (each unique claim it applies to); Scenario proves
// these and maybe others. The model package starts the bounded search for
// the other claims beside the prover, on this guess (docs/model.md,
// "Both cores").
func Immediate(p *proto.Protocol, sc *proto.Scenario) []*proto.Claim {
	res, _, _ := newTranslator(p, sc).triage()
	var out []*proto.Claim
	for _, cr := range res.Claims {
		if cr.Status == Proved {
			out = append(out, cr.Claim)
		}
	}
	return out
}

// saturate runs one saturation for the open claims with one abstraction of
// fresh values and records the outcome of each claim in status (a later
// pass overwrites a "not proved"). It reports whether the budget ran out.
func (tr *translator) saturate(ctx context.Context, open []*proto.Claim, coarse bool, b Budget, res *Result, status map[*proto.Claim]*ClaimResult) bool {
	tr.coarse = coarse
	tr.out = nil
	failed := map[string]string{}
	detail := map[string]string{}
	left := len(open)
	goal := func(c *Clause) bool {
		id := c.Concl.Claim
		if _, ok := failed[id]; ok {
			return false
		}
		if why := tr.violates(c); why != "" {
			failed[id] = why
			detail[id] = clip(c.String())
			left--
		}
		return left == 0
	}
	st := newSaturator(tr.ty, b, goal)
	st.ctx = ctx
	for _, c := range tr.clauses(open) {
		st.add(c)
	}
	complete := st.run()
	res.Steps += st.steps
	res.Clauses += st.generated
	res.Exhausted = res.Exhausted || !complete
	for _, c := range open {
		cr := status[c]
		switch why, ok := failed[c.ID]; {
		case ok:
			cr.Status, cr.Reason, cr.Detail = NotProved, "not proved: "+why, detail[c.ID]
		case st.stopped:
			cr.Status, cr.Reason, cr.Detail = NotProved, "not proved: stopped (timeout or signal)", ""
		case !complete:
			cr.Status, cr.Reason, cr.Detail = NotProved, fmt.Sprintf("not proved: budget (saturation stopped after %d resolution steps)", st.steps), ""
		default:
			cr.Status, cr.Reason, cr.Detail = Proved, "", ""
		}
	}
	return !complete
}

// violates returns why a solved clause concluding bad or end shows that its
// claim may be violated, or "" when the clause is harmless.
func (tr *translator) violates(c *Clause) string {
	cl := tr.p.ClaimByID(c.Concl.Claim)
	switch cl.Kind {
	case proto.ClaimSecret:
		return "the clauses derive the secret (maybe a false attack of the abstraction)"
	case proto.ClaimAlive, proto.ClaimWeakAgree:
		me, partner := c.Concl.Args[0], c.Concl.Args[1]
		for _, h := range c.Hyps {
			if h.Pred != predStart || !term.Equal(h.Args[1], partner) {
				continue
			}
			if cl.Kind == proto.ClaimAlive {
				return ""
			}
			for _, a := range h.Args[2:] {
				if term.Equal(a, me) {
					return ""
				}
			}
		}
		return fmt.Sprintf("a derivation reaches the claim without a session of %s", partner)
	case proto.ClaimNIAgree, proto.ClaimInjAgree:
		for _, h := range c.Hyps {
			if h.Pred != predBegin || h.Claim != cl.Event || len(h.Args) != len(c.Concl.Args) {
				continue
			}
			same := true
			for i := range h.Args {
				same = same && term.Equal(h.Args[i], c.Concl.Args[i])
			}
			if same {
				return ""
			}
		}
		return fmt.Sprintf("a derivation reaches the claim without an equal %s event", cl.Event)
	}
	return "unexpected goal"
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
