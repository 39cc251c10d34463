package model

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Options bound and steer a check.
type Options struct {
	// Sessions overrides every scenario's number of sessions when > 0.
	Sessions int
	// Timeout stops the search cleanly; 0 means none.
	Timeout time.Duration
	// Progress receives a line every few seconds on long searches; nil
	// means silence.
	Progress io.Writer
	// MaxStates stops a scenario after this many states (0: no limit).
	MaxStates int
	// NoReduction turns off duplicate-state elimination (visited.go) and
	// early initiators (search.go), for tests that compare the reduced
	// search with the full one.
	NoReduction bool
}

// Verdict is the outcome for one claim in one scenario.
type Verdict string

const (
	// VerdictAttack: the search found an attack; Trace holds a shortest one.
	VerdictAttack Verdict = "attack"
	// VerdictNoAttack: the whole bounded space was searched and no attack
	// exists within the bound. This is not a proof.
	VerdictNoAttack Verdict = "no-attack-within-bound"
	// VerdictTimeout: the search stopped before finishing.
	VerdictTimeout Verdict = "timeout"
)

// Code is the one-character form used in golden tables.
func (v Verdict) Code() byte {
	switch v {
	case VerdictAttack:
		return 'A'
	case VerdictNoAttack:
		return '-'
	}
	return '?'
}

// stats counts the work of one search.
type stats struct {
	states   int
	solves   int
	rejected int // attack traces the checker refused
	skipped  int // states not expanded: seen before at the same or a shorter length
}

// engine searches one scenario of one protocol.
type engine struct {
	p        *Protocol
	sc       *Scenario
	w        *world
	th       *Theory
	typed    bool
	sessions int
	claims   []*Claim // claims decided in this search
	reveal   int      // index in claims of the fsecret claim whose reveal is allowed, or -1
	configs  [][]*Name
	groups   map[string]int // agent -> symmetry group
	gorder   map[string]int // agent -> rank in its group

	best    []*Trace // best attack per claim
	visited map[fingerprint]int
	reached []bool // per claim: some honest session reached it
	early   bool   // send-first sessions start before any other step
	stats   stats
	opt     Options
	ctx     context.Context
	start   time.Time
	last    time.Time
	stop    bool
	label   string
}

func (e *engine) matcher() matcher { return matcher{th: e.th, typed: e.typed} }

// Check decides every claim of p in every scenario of p.
func Check(ctx context.Context, p *Protocol, opt Options) (*Report, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	rep := &Report{Protocol: p.Name, File: p.File, proto: p}
	if len(p.Scenarios) == 0 {
		return nil, fmt.Errorf("model: %s: no scenario", p.File)
	}
	for _, sc := range p.Scenarios {
		rep.Scenarios = append(rep.Scenarios, checkScenario(ctx, p, sc, opt))
	}
	return rep, nil
}

func checkScenario(ctx context.Context, p *Protocol, sc *Scenario, opt Options) *ScenarioResult {
	n := sc.Sessions
	if opt.Sessions > 0 {
		n = opt.Sessions
	}
	res := &ScenarioResult{Name: sc.Name, Sessions: n, Typed: !sc.Untyped,
		Honest: honestOf(sc), Dishonest: dishonestOf(sc)}
	t0 := time.Now()
	// one search for all claims but forward secrecy, one per fsecret claim
	var plain []*Claim
	var fs []*Claim
	for _, c := range p.Claims {
		if c.Kind == ClaimFSecret {
			fs = append(fs, c)
		} else {
			plain = append(plain, c)
		}
	}
	results := map[*Claim]*ClaimResult{}
	run := func(cs []*Claim, reveal int) {
		if len(cs) == 0 {
			return
		}
		e := newEngine(ctx, p, sc, n, cs, reveal, opt)
		e.run()
		res.States += e.stats.states
		res.Rejected += e.stats.rejected
		for i, c := range cs {
			cr := &ClaimResult{Claim: c, States: e.stats.states, Reached: e.reached[i]}
			switch {
			case e.best[i] != nil:
				cr.Verdict = VerdictAttack
				cr.Trace = e.best[i]
			case e.stop:
				cr.Verdict = VerdictTimeout
			default:
				cr.Verdict = VerdictNoAttack
			}
			results[c] = cr
		}
	}
	run(plain, -1)
	for _, c := range fs {
		run([]*Claim{c}, 0)
	}
	for _, c := range p.Claims {
		res.Claims = append(res.Claims, results[c])
	}
	res.Elapsed = time.Since(t0)
	return res
}

func honestOf(sc *Scenario) []string {
	return append(append([]string(nil), sc.Users...), sc.Servers...)
}

func dishonestOf(sc *Scenario) []string {
	return append(append([]string(nil), sc.Dishonest...), sc.DishonestServers...)
}

func newEngine(ctx context.Context, p *Protocol, sc *Scenario, n int, cs []*Claim, reveal int, opt Options) *engine {
	e := &engine{p: p, sc: sc, w: newWorld(p, sc), th: p.Theory, typed: !sc.Untyped,
		sessions: n, claims: cs, reveal: reveal, opt: opt, ctx: ctx,
		best: make([]*Trace, len(cs)), reached: make([]bool, len(cs)), label: p.Name + "/" + sc.Name}
	e.groups, e.gorder = symmetryGroups(sc)
	e.early = !opt.NoReduction && !injagreeBeforeRecv(p)
	e.configs = e.sessionConfigs()
	return e
}

// symmetryGroups puts interchangeable agents in one group: agents of the
// same class and honesty that no revealed term names.
func symmetryGroups(sc *Scenario) (map[string]int, map[string]int) {
	named := map[string]bool{}
	for _, t := range sc.Reveal {
		var walk func(Term)
		walk = func(t Term) {
			switch a := t.(type) {
			case *Name:
				named[a.Text] = true
			case *App:
				for _, x := range a.Args {
					walk(x)
				}
			}
		}
		walk(t)
	}
	g, r := map[string]int{}, map[string]int{}
	gid := 0
	for _, list := range [][]string{sc.Users, sc.Dishonest, sc.Servers, sc.DishonestServers} {
		gid++
		k := 0
		for _, a := range list {
			if named[a] {
				gid++
				g[a], r[a] = gid, 0
				gid++
				continue
			}
			g[a], r[a] = gid, k
			k++
		}
	}
	return g, r
}

// injagreeBeforeRecv reports whether a role that starts by sending makes an
// injective-agreement claim before its first reception. Early initiators
// (search.go) rely on there being none: injective agreement is decided by
// matching each claim to an earlier event of equal arguments, in order,
// which is a maximum matching (the events a claim may take grow with its
// position) and so depends only on which events precede which claims, as
// long as no claim moves.
func injagreeBeforeRecv(p *Protocol) bool {
	for _, r := range p.Roles {
		if len(r.Actions) == 0 || r.Actions[0].Kind == ActRecv {
			continue
		}
		for _, a := range r.Actions {
			if a.Kind == ActRecv {
				break
			}
			if a.Kind == ActClaim && a.Claim.Kind == ClaimInjAgree {
				return true
			}
		}
	}
	return false
}
