package search

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// stats counts the work of one search.
type stats struct {
	states   int
	solves   int
	rejected int // attack traces the checker refused
	skipped  int // states not expanded: seen before at the same or a shorter length
	pruned   int // successors the partial-order reduction dropped
	idle     int // successors dropped because they cannot violate an open claim
	subsumed int // solutions dropped as instances of another
	depth    int // the longest trace entered (counted steps)
}

// engine searches one scenario of one protocol.
type engine struct {
	p        *proto.Protocol
	sc       *proto.Scenario
	w        *proto.World
	th       *term.Theory
	typed    bool
	sessions int
	claims   []*proto.Claim // claims decided in this search
	reveal   int            // index in claims of the fsecret claim whose reveal is allowed, or -1
	configs  [][]*term.Name
	groups   map[string]int // agent -> symmetry group
	gorder   map[string]int // agent -> rank in its group

	best    []*proto.Trace // best attack per claim
	visited map[fingerprint]int
	reached []bool          // per claim: some honest session reached it
	on      Reduction       // the reductions in use
	early   bool            // send-first sessions start before any other step
	dh      bool            // some role exponentiates (dh.go)
	inRoles [][]*proto.Role // per claim: the roles with an occurrence of it
	stats   stats
	ticked  stats // stats already added to sh
	opt     Options
	sh      *shared              // what the tasks of this search share (parallel.go)
	top     map[fingerprint]int  // the top's duplicate-state table, read only (nil in the top)
	pos     []int                // per claim: its index in the protocol's claims
	guesses map[fingerprint]bool // offline guessing decided so far (claims.go)
	stop    bool
}

func (e *engine) matcher() term.Matcher { return term.Matcher{Th: e.th, Typed: e.typed} }

// Options bound and steer one search.
type Options struct {
	// Sessions is the bound; 0 means the scenario's own.
	Sessions int
	// Progress receives a line every few seconds on long searches; nil
	// means silence.
	Progress io.Writer
	// ProgressEvery is the least time between two progress lines; 0 means
	// 2 s.
	ProgressEvery time.Duration
	// MaxStates stops a scenario after this many states (0: no limit).
	MaxStates int
	// NoReduction turns off every reduction, for tests that compare the
	// reduced search with the full one.
	NoReduction bool
	// Off turns off some reductions only (see Reduction).
	Off Reduction
	// Jobs is the number of tasks searched at once (parallel.go); it
	// changes nothing but the time taken. 0 or 1: one.
	Jobs int
	// MaxMemory stops the search when the live heap (as of the last
	// collection) holds more than three quarters of this many bytes: past
	// that, with the runtime's memory limit at MaxMemory, the collector
	// would run all the time (0: no limit).
	MaxMemory uint64
	// Pool, if set, is the pool of cores the search shares with other
	// work (pool.go): the top of the tree, each task and the honest runs
	// hold a place of it while they run. nil: a pool of Jobs places of
	// its own.
	Pool *Pool
	// Low, if set and true, makes the search ask the pool at low priority
	// (a speculative search, started before it is known to be needed);
	// setting it to false raises it to normal.
	Low *atomic.Bool
	// Skip, if set, names claims not to search for (the unbounded prover
	// decided them): their outcome has no trace and Searched false. The
	// other claims' verdicts do not depend on it; the search is smaller.
	Skip func(*proto.Claim) bool
}

// ClaimOutcome is what the search decided about one claim.
type ClaimOutcome struct {
	Claim *proto.Claim
	// Trace is a shortest attack the trace checker accepted; nil if none.
	Trace *proto.Trace
	// Stopped: the search stopped (context done, MaxStates) before it
	// covered the bounded space, so "no trace" decides nothing.
	Stopped bool
	// Reached: some honest session reached the claim.
	Reached bool
	// HonestRun: an execution without the attacker, honest agents only,
	// reaches the claim within the bound (honest.go).
	HonestRun bool
	// States explored by the search that decided the claim.
	States int
	// Searched is false for a claim Options.Skip left out.
	Searched bool
}

// Outcome is the result of searching one scenario.
type Outcome struct {
	Sessions int
	Claims   []*ClaimOutcome // in the protocol's claim order
	States   int             // states explored, all searches of the scenario
	Rejected int             // attack traces the checker refused (never reported)
	Elapsed  time.Duration
	// Stopped says why the search stopped before covering the bounded
	// space ("timeout", "interrupted", "memory limit 1024 MiB", ...); ""
	// if it covered it.
	Stopped string
}

// Scenario searches the bounded space of one scenario of p for an attack on
// every claim: one search for all claims but forward secrecy, and one per
// forward-secrecy claim (each with its own reveal step). It stops early when
// ctx is done.
func Scenario(ctx context.Context, p *proto.Protocol, sc *proto.Scenario, opt Options) *Outcome {
	n := sc.Sessions
	if opt.Sessions > 0 {
		n = opt.Sessions
	}
	res := &Outcome{Sessions: n}
	t0 := time.Now()
	var plain []*proto.Claim
	var fs []*proto.Claim
	results := map[*proto.Claim]*ClaimOutcome{}
	for _, c := range p.Claims {
		if opt.Skip != nil && opt.Skip(c) {
			results[c] = &ClaimOutcome{Claim: c}
			continue
		}
		if c.Kind == proto.ClaimFSecret {
			fs = append(fs, c)
		} else {
			plain = append(plain, c)
		}
	}
	if opt.Pool == nil {
		opt.Pool = NewPool(opt.Jobs)
	}
	// the honest runs do not depend on the search: they run beside it
	var hr []bool
	honestDone := make(chan struct{})
	go func() {
		defer close(honestDone)
		opt.Pool.Acquire(opt.Low)
		defer opt.Pool.Release()
		hr = honestRuns(ctx, p, sc, n)
	}()
	sh := newShared(ctx, opt, p.Name+"/"+sc.Name, len(p.Claims))
	run := func(cs []*proto.Claim, reveal int) {
		if len(cs) == 0 {
			return
		}
		e := newEngine(sh, p, sc, n, cs, reveal, opt)
		e.run()
		e.flush()
		res.States += e.stats.states
		res.Rejected += e.stats.rejected
		for i, c := range cs {
			results[c] = &ClaimOutcome{Claim: c, Trace: e.best[i], Stopped: e.stop && e.best[i] == nil,
				Reached: e.reached[i], States: e.stats.states, Searched: true}
		}
	}
	run(plain, -1)
	for _, c := range fs {
		run([]*proto.Claim{c}, 0)
	}
	<-honestDone
	for i, c := range p.Claims {
		results[c].HonestRun = hr[i]
		res.Claims = append(res.Claims, results[c])
	}
	res.Elapsed = time.Since(t0)
	res.Stopped = sh.stopReason()
	return res
}

func newEngine(sh *shared, p *proto.Protocol, sc *proto.Scenario, n int, cs []*proto.Claim, reveal int, opt Options) *engine {
	e := &engine{p: p, sc: sc, w: proto.NewWorld(p, sc), th: p.Theory, typed: !sc.Untyped,
		sessions: n, claims: cs, reveal: reveal, opt: opt, sh: sh,
		best: make([]*proto.Trace, len(cs)), reached: make([]bool, len(cs))}
	for _, c := range cs {
		for i, x := range p.Claims {
			if x == c {
				e.pos = append(e.pos, i)
			}
		}
	}
	e.groups, e.gorder = symmetryGroups(sc)
	e.on = All &^ opt.Off
	if opt.NoReduction {
		e.on = 0
	}
	if injagreeBeforeRecv(p) || unlessRevealedInInitiator(p) {
		e.on &^= Early
	}
	for _, c := range cs {
		if c.Kind == proto.ClaimWeakSecret {
			// offline guessing is decided on the grounded state, not
			// symbolically: keep the instances
			e.on &^= Instances
		}
	}
	e.early = e.on&Early != 0
	e.dh = usesDH(p)
	e.inRoles = make([][]*proto.Role, len(cs))
	for k, c := range cs {
		for _, r := range p.Roles {
			if !sc.HasRole(r.Name) {
				continue
			}
			for _, a := range r.Actions {
				if a.Kind == proto.ActClaim && a.Claim.First() == c {
					e.inRoles[k] = append(e.inRoles[k], r)
					break
				}
			}
		}
	}
	e.configs = e.sessionConfigs()
	return e
}

// symmetryGroups puts interchangeable agents in one group: agents of the
// same class and honesty that no revealed term names.
func symmetryGroups(sc *proto.Scenario) (map[string]int, map[string]int) {
	named := map[string]bool{}
	for _, t := range sc.Reveal {
		var walk func(term.Term)
		walk = func(t term.Term) {
			switch a := t.(type) {
			case *term.Name:
				named[a.Text] = true
			case *term.App:
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
func injagreeBeforeRecv(p *proto.Protocol) bool {
	for _, r := range p.Roles {
		if len(r.Actions) == 0 || r.Actions[0].Kind == proto.ActRecv {
			continue
		}
		for _, a := range r.Actions {
			if a.Kind == proto.ActRecv {
				break
			}
			if a.Kind == proto.ActClaim && a.Claim.Kind == proto.ClaimInjAgree {
				return true
			}
		}
	}
	return false
}
