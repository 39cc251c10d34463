package check

import (
	"errors"
	"fmt"
	"strings"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// ErrBadTrace is wrapped by every error of CheckTrace.
var ErrBadTrace = errors.New("check: trace rejected")

func badTrace(i int, format string, args ...any) error {
	return fmt.Errorf("%w: step %d: %s", ErrBadTrace, i+1, fmt.Sprintf(format, args...))
}

// badStep rejects step i for err, a helper's error, whose "check: " the
// trace's error already carries.
func badStep(i int, err error) error {
	return badTrace(i, "%s", strings.TrimPrefix(err.Error(), "check: "))
}

// eventRec is an event a session of the replayed trace emitted.
type eventRec struct {
	name string
	args []term.Term
	step int // index in the trace
}

// run is the checker's own view of one session.
type run struct {
	role *proto.Role
	env  []term.Term // nil for a variable not received yet
	pc   int
	id   int
	// start is the trace index of the session's start
	start int
}

type checkedHit struct {
	claim string
	occ   *proto.Claim // the occurrence reached
	run   *run
	step  int
}

// caches holds the checker's replay-cache records: agent, cache name, value.
type caches map[[3]string]bool

// put records a ground value; it fails when the agent already holds it.
func (c caches) put(r *run, a *proto.Action) error {
	t := proto.Instantiate(a.Term, r.env)
	if !term.Ground(t) {
		return fmt.Errorf("check: session %d: cached value %v is not ground", r.id, t)
	}
	k := [3]string{r.env[0].String(), a.Event, t.String()}
	if c[k] {
		return fmt.Errorf("check: session %d (%s) refuses %v: %s has seen it before", r.id, r.role.Name, t, r.env[0])
	}
	c[k] = true
	return nil
}

// Trace replays a ground attack trace step by step on the term
// algebra, independently of the search: every session runs its role
// program, every received message must match the role's pattern and be
// derivable by the attacker from what it has seen, every sent message must be
// exactly what the role sends, and the claim named by the trace must be
// violated at the end.
func Trace(p *proto.Protocol, sc *proto.Scenario, tr *proto.Trace) error {
	w := proto.NewWorld(p, sc)
	know := append([]term.Term(nil), w.Know...)
	runs := map[int]*run{}
	var events []eventRec
	var hits []checkedHit
	claim := p.ClaimByID(tr.Claim)
	if claim == nil {
		return fmt.Errorf("%w: unknown claim %q", ErrBadTrace, tr.Claim)
	}
	revealed := -1
	var sreveals []sessionReveal
	length := 0
	cache := caches{}
	advance := func(r *run, k proto.ActKind, label string) (*proto.Action, error) {
		return advanceRun(r, k, label, cache)
	}
	for i, s := range tr.Steps {
		if s.Kind != proto.StepStart && s.Kind != proto.StepReveal {
			if runs[s.Session] == nil {
				return badTrace(i, "session %d has not started", s.Session)
			}
		}
		switch s.Kind {
		case proto.StepStart:
			r, err := startRun(p, sc, w, s, runs)
			if err != nil {
				return badStep(i, err)
			}
			r.start = i
			runs[s.Session] = r
		case proto.StepSend:
			r := runs[s.Session]
			a, err := advance(r, proto.ActSend, "")
			if err != nil {
				return badStep(i, err)
			}
			t := proto.Instantiate(a.Term, r.env)
			if !term.Ground(t) || !term.Equal(t, s.Term) {
				return badTrace(i, "session %d sends %v, not %v", r.id, t, s.Term)
			}
			know = append(know, t)
			length++
		case proto.StepRecv:
			r := runs[s.Session]
			a, err := advance(r, proto.ActRecv, "")
			if err != nil {
				return badStep(i, err)
			}
			if s.Term == nil || !term.Ground(s.Term) {
				return badTrace(i, "received message is not ground")
			}
			if !matchPattern(p.Theory, !sc.Untyped, a.Term, s.Term, r.env) {
				return badTrace(i, "session %d (%s) cannot accept %v", r.id, r.role.Name, s.Term)
			}
			if !term.Deduce(p.Theory, know, s.Term) {
				return badTrace(i, "the attacker cannot produce %v", s.Term)
			}
			length++
		case proto.StepEvent:
			r := runs[s.Session]
			a, err := advance(r, proto.ActEvent, s.Label)
			if err != nil {
				return badStep(i, err)
			}
			args := make([]term.Term, len(a.Args))
			for k, x := range a.Args {
				args[k] = proto.Instantiate(x, r.env)
				if k >= len(s.Args) || !term.Equal(args[k], s.Args[k]) {
					return badTrace(i, "event %s has different arguments", a.Event)
				}
			}
			events = append(events, eventRec{name: a.Event, args: args, step: i})
		case proto.StepClaim:
			r := runs[s.Session]
			a, err := advance(r, proto.ActClaim, s.Label)
			if err != nil {
				return badStep(i, err)
			}
			if !honestRun(sc, a.Claim, r) {
				return badTrace(i, "claim %s does not apply to session %d: an agent is dishonest, or plays two parameters of an 'if distinct' claim", s.Label, r.id)
			}
			hits = append(hits, checkedHit{claim: s.Label, occ: a.Claim, run: r, step: i})
		case proto.StepReveal:
			if s.Role != "" {
				rv, err := revealSession(sc, s, runs[s.Session], sreveals, i)
				if err != nil {
					return badStep(i, err)
				}
				sreveals = append(sreveals, *rv)
				know = append(know, rv.terms...)
				length++
				continue
			}
			if claim.Kind != proto.ClaimFSecret || s.Label != claim.ID || revealed >= 0 {
				return badTrace(i, "reveal not allowed")
			}
			var r *run
			var occ *proto.Claim
			for _, h := range hits {
				if h.claim == claim.ID && h.run.id == s.Session {
					r, occ = h.run, h.occ
				}
			}
			if r == nil {
				return badTrace(i, "reveal before session %d reached claim %s", s.Session, claim.ID)
			}
			for k, t := range occ.Reveal {
				x := proto.Instantiate(t, r.env)
				if k >= len(s.Args) || !term.Equal(x, s.Args[k]) {
					return badTrace(i, "revealed terms differ")
				}
				know = append(know, x)
			}
			revealed = i
			length++
		default:
			return badTrace(i, "unknown step kind %q", s.Kind)
		}
	}
	if length != tr.Length {
		return fmt.Errorf("%w: length %d, trace says %d", ErrBadTrace, length, tr.Length)
	}
	return checkViolation(p, sc, tr, claim, know, events, hits, revealed, sreveals)
}

func startRun(p *proto.Protocol, sc *proto.Scenario, w *proto.World, s proto.Step, runs map[int]*run) (*run, error) {
	if runs[s.Session] != nil || s.Session != len(runs)+1 {
		return nil, fmt.Errorf("check: session %d started out of order", s.Session)
	}
	var role *proto.Role
	for _, r := range p.Roles {
		if r.Name == s.Role {
			role = r
		}
	}
	if role == nil || len(s.Agents) != role.Params {
		return nil, fmt.Errorf("check: no role %s with %d agents", s.Role, len(s.Agents))
	}
	if !sc.HasRole(role.Name) {
		return nil, fmt.Errorf("check: role %s is not a role of scenario %s", role.Name, sc.Name)
	}
	if sc.Distinct {
		for i := range s.Agents {
			for j := i + 1; j < len(s.Agents); j++ {
				if s.Agents[i] == s.Agents[j] {
					return nil, fmt.Errorf("check: agent %s plays two parameters in a distinct scenario", s.Agents[i])
				}
			}
		}
	}
	r := &run{role: role, env: make([]term.Term, len(role.Syms)), id: s.Session}
	for i, sym := range role.Syms {
		switch sym.Kind {
		case proto.SymParam:
			a := w.Agents[s.Agents[i]]
			if a == nil {
				return nil, fmt.Errorf("check: unknown agent %s", s.Agents[i])
			}
			h, d := sc.Class(sym.Class)
			if !member(s.Agents[i], h) && (i == 0 || !member(s.Agents[i], d)) {
				return nil, fmt.Errorf("check: agent %s cannot play parameter %s", s.Agents[i], sym.Name)
			}
			r.env[i] = a
		case proto.SymFresh:
			r.env[i] = proto.FreshName(sym, s.Session)
		}
	}
	return r, nil
}

func member(x string, xs []string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// advance runs the silent actions (checks, claims the trace does not list)
// of r and returns its next action, which must be of kind k.
func advanceRun(r *run, k proto.ActKind, label string, cache caches) (*proto.Action, error) {
	for r.pc < len(r.role.Actions) {
		a := r.role.Actions[r.pc]
		r.pc++
		switch {
		case a.Kind == proto.ActCache:
			if err := cache.put(r, a); err != nil {
				return nil, err
			}
			continue
		case a.Kind == proto.ActCheck:
			x, y := proto.Instantiate(a.Term, r.env), proto.Instantiate(a.Term2, r.env)
			if !term.Ground(x) || !term.Equal(x, y) {
				return nil, fmt.Errorf("check: session %d: check %v = %v fails", r.id, x, y)
			}
			continue
		case a.Kind == proto.ActClaim && (k != proto.ActClaim || a.Claim.ID != label):
			continue
		case a.Kind != k:
			return nil, fmt.Errorf("check: session %d (%s): next action is at line %d, not a %s", r.id, r.role.Name, a.Pos.Line, actName[k])
		case k == proto.ActEvent && a.Event != label:
			return nil, fmt.Errorf("check: session %d: next event is %s, not %s", r.id, a.Event, label)
		}
		return a, nil
	}
	return nil, fmt.Errorf("check: session %d (%s) has finished", r.id, r.role.Name)
}

var actName = [...]string{"send", "receive", "check", "event", "claim", "cache"}

func honestRun(sc *proto.Scenario, c *proto.Claim, r *run) bool {
	if c.Distinct && !proto.DistinctAgents(r.env, r.role.Params) {
		return false
	}
	idx := c.Honest
	if len(idx) == 0 {
		for i := 0; i < r.role.Params; i++ {
			idx = append(idx, i)
		}
	}
	for _, k := range idx {
		n, ok := r.env[k].(*term.Name)
		if !ok || !sc.Honest(n.Text) {
			return false
		}
	}
	return true
}

// matchPattern matches a role pattern against a ground message, binding the
// session's variables; typed matching restricts each variable to its type.
// An exponentiation in the pattern is compared last, modulo the
// Diffie-Hellman equation, once every variable is bound: a role cannot
// take exp(...) apart (model/lang checks that its variables are known).
func matchPattern(th *term.Theory, typed bool, pat, t term.Term, env []term.Term) bool {
	var exps [][2]term.Term
	if !matchGround(th, typed, pat, t, env, &exps) {
		return false
	}
	for _, x := range exps {
		p := proto.Instantiate(x[0], env)
		if !term.Ground(p) || !term.Equal(p, x[1]) {
			return false
		}
	}
	return true
}

func matchGround(th *term.Theory, typed bool, pat, t term.Term, env []term.Term, exps *[][2]term.Term) bool {
	switch a := pat.(type) {
	case *term.Var:
		if env[a.ID] != nil {
			return term.Equal(env[a.ID], t)
		}
		if typed && a.Type != "msg" && th.TypeOf(t) != a.Type {
			return false
		}
		env[a.ID] = t
		return true
	case *term.Name:
		return term.Equal(a, t)
	case *term.App:
		if a.Fn == term.FnExp || a.Fn == term.FnPair {
			*exps = append(*exps, [2]term.Term{a, t})
			return true
		}
		b, ok := t.(*term.App)
		if !ok || a.Fn != b.Fn || len(a.Args) != len(b.Args) {
			return false
		}
		for i := range a.Args {
			if !matchGround(th, typed, a.Args[i], b.Args[i], env, exps) {
				return false
			}
		}
		return true
	}
	return false
}

// Match matches a role pattern against a ground message as a receiving
// session does, binding the unbound variables of env (the honest-run search
// of model/search uses it).
func Match(th *term.Theory, typed bool, pat, t term.Term, env []term.Term) bool {
	return matchPattern(th, typed, pat, t, env)
}
