package model

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imcheck/imcheck/model/check"
	"github.com/imcheck/imcheck/model/lang"
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/prove"
	"github.com/imcheck/imcheck/model/search"
)

// The compiled protocol and its traces, as defined in model/proto.
type (
	Protocol = proto.Protocol
	Scenario = proto.Scenario
	Role     = proto.Role
	Claim    = proto.Claim
	Trace    = proto.Trace
	Step     = proto.Step
	StepKind = proto.StepKind
	Pos      = proto.Pos
)

// ErrBadTrace is wrapped by every error of CheckTrace.
var ErrBadTrace = check.ErrBadTrace

// Parse compiles a protocol file (model/lang); errors are *lang.Error values
// with a file:line:col position.
func Parse(file, src string) (*Protocol, error) { return lang.Parse(file, src) }

// CheckTrace replays a ground attack trace independently of the search
// (model/check); it returns nil when the trace is a real execution that
// violates its claim.
func CheckTrace(p *Protocol, sc *Scenario, tr *Trace) error { return check.Trace(p, sc, tr) }

// Options bound and steer a check.
type Options struct {
	// Sessions overrides every scenario's number of sessions when > 0.
	Sessions int
	// Timeout stops the search cleanly; 0 means none.
	Timeout time.Duration
	// Progress receives a line every few seconds on long searches (states,
	// trace depth, claims attacked, solver calls, time); nil means
	// silence.
	Progress io.Writer
	// ProgressEvery is the least time between two progress lines; 0 means
	// 2 s.
	ProgressEvery time.Duration
	// MaxStates stops a scenario after this many states (0: no limit).
	MaxStates int
	// NoReduction turns off the search's reductions (model/search), for
	// tests that compare the reduced search with the full one.
	NoReduction bool
	// Off turns off some of the reductions only.
	Off Reduction
	// Scenario, if set, checks only the scenario of that name; Sessions
	// then raises (or lowers) its bound alone.
	Scenario string
	// Jobs is how many parts of the check run at once (prover runs, the
	// tasks of the searches: model/search, parallel.go and pool.go); 0
	// means GOMAXPROCS. The verdicts, traces and counts are the same for
	// every value.
	Jobs int
	// MaxMemory stops a search when its live heap reaches three quarters
	// of this many bytes (model/search); 0 means DefaultMaxMemory, a
	// negative value no limit.
	MaxMemory int64
	// Mode selects the unbounded prover, the bounded search or both (the
	// default: the prover first, the search for what it did not prove).
	Mode Mode
	// Pool, if set, is the pool of cores shared by the checks running at
	// once (several models of one command): at most its size of their
	// parts run at the same time. nil: a pool of Jobs places for this
	// check alone. It changes only the time taken.
	Pool *Pool
	// ProveBudget bounds the prover's work per scenario; nil means
	// prove.DefaultBudget. The budget counts work, not time, so the
	// verdicts are the same on every machine.
	ProveBudget *prove.Budget
}

// Pool hands out the cores a check may use (model/search, pool.go).
type Pool = search.Pool

// NewPool makes a pool of n places, to share between checks.
func NewPool(n int) *Pool { return search.NewPool(n) }

// Mode says which engines decide the claims.
type Mode uint8

const (
	// ModeBoth tries the unbounded prover (model/prove) first and runs the
	// bounded search for every claim it did not prove.
	ModeBoth Mode = iota
	// ModeBounded runs the bounded search alone.
	ModeBounded
	// ModeProve runs the prover alone: a claim it does not prove is
	// undecided (VerdictTimeout), with the prover's reason.
	ModeProve
)

// DefaultMaxMemory is the heap a search may fill before it stops
// (docs/limits.md, "Search").
const DefaultMaxMemory = 1 << 30

// Reduction names one of the search's reductions (model/search): each
// keeps every verdict and the length of every shortest attack.
type Reduction = search.Reduction

// The reductions, each switchable with Options.Off.
const (
	ReduceEarly     = search.Early
	ReduceDedup     = search.Dedup
	ReduceInstances = search.Instances
	ReduceRelevance = search.Relevance
	ReduceOrder     = search.Order
	ReduceSymmetry  = search.Symmetry
	ReduceAll       = search.All
)

// Verdict is the outcome for one claim in one scenario. Its value says how
// strong it is: only VerdictProved holds for any number of sessions.
type Verdict string

const (
	// VerdictProved: the unbounded prover showed that no attack exists for
	// any number of sessions under the model's theory.
	VerdictProved Verdict = "proved"
	// VerdictAttack: the search found an attack that the independent trace
	// checker replayed; the claim's Trace holds a shortest one.
	VerdictAttack Verdict = "attack"
	// VerdictNoAttack: the whole bounded space was searched, honest
	// sessions reached the claim, and no attack exists within the bound.
	// This is not a proof.
	VerdictNoAttack Verdict = "no-attack-within-bound"
	// VerdictTimeout: the search stopped before finishing.
	VerdictTimeout Verdict = "timeout"
	// VerdictUnreached: the whole bounded space was searched and no honest
	// session reached the claim, so "no attack" says nothing.
	VerdictUnreached Verdict = "unreached"
	// VerdictNotApplicable: no session of the scenario has the honest
	// agents the claim needs (a dishonest server for a claim about the
	// server, one honest user for a claim about two), so the claim is
	// vacuous there; ClaimResult.NotApplicable says why. It never counts
	// as holding: another scenario must decide the claim.
	VerdictNotApplicable Verdict = "not-applicable"
)

// Code is the one-character form used in golden tables.
func (v Verdict) Code() byte {
	switch v {
	case VerdictProved:
		return 'P'
	case VerdictAttack:
		return 'A'
	case VerdictNoAttack:
		return '-'
	case VerdictUnreached:
		return 'u'
	case VerdictNotApplicable:
		return 'n'
	}
	return '?'
}

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
	if opt.Scenario != "" && !hasScenario(p, opt.Scenario) {
		return nil, fmt.Errorf("model: %s: no scenario %q (%s)", p.File, opt.Scenario, scenarioNames(p))
	}
	var scs []*Scenario
	for _, sc := range p.Scenarios {
		if opt.Scenario == "" || sc.Name == opt.Scenario {
			scs = append(scs, sc)
		}
	}
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	pool := opt.Pool
	if pool == nil {
		pool = search.NewPool(jobs)
	}
	// every scenario at once: each part holds a place of the pool while it
	// runs, so the prover of one scenario runs beside the search of
	// another, and the results go in scenario order
	rep.Scenarios = make([]*ScenarioResult, len(scs))
	var wg sync.WaitGroup
	for i, sc := range scs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep.Scenarios[i] = checkScenario(ctx, p, sc, opt, jobs, pool)
		}()
	}
	wg.Wait()
	return rep, nil
}

// proof is the prover's outcome on one scenario and the time it took.
type proof struct {
	res     *prove.Result
	elapsed time.Duration
}

// proveScenario runs the unbounded prover on one scenario, holding a place
// of the pool (the saturation is deterministic: its result does not depend
// on when it runs).
func proveScenario(ctx context.Context, p *Protocol, sc *Scenario, opt Options, pool *search.Pool) proof {
	b := prove.DefaultBudget
	if opt.ProveBudget != nil {
		b = *opt.ProveBudget
	}
	pool.Acquire(nil)
	defer pool.Release()
	t0 := time.Now()
	r := prove.Scenario(ctx, p, sc, b)
	return proof{res: r, elapsed: time.Since(t0)}
}

// checkScenario decides the claims of one scenario: the prover, then the
// bounded search for the claims it did not prove.
//
// With two places or more in the pool the search does not wait for the
// prover: it starts at once, at low priority, on the guess that the prover
// proves only the claims it proves without saturation (prove.Immediate),
// which is what happens whenever the saturation runs out of budget, as on
// the composed models. If the prover then proves exactly those, the
// search is the one that would have run after it (the search depends only
// on its claims, never on timing), and it goes on at normal priority;
// otherwise it is dropped and the right one runs. Either way the outcome
// is the same as the prover then the search, byte for byte.
func checkScenario(ctx context.Context, p *Protocol, sc *Scenario, opt Options, jobs int, pool *search.Pool) *ScenarioResult {
	t0 := time.Now()
	var mem uint64
	switch {
	case opt.MaxMemory == 0:
		mem = DefaultMaxMemory
	case opt.MaxMemory > 0:
		mem = uint64(opt.MaxMemory)
	}
	sopt := search.Options{Sessions: opt.Sessions, Progress: opt.Progress, ProgressEvery: opt.ProgressEvery,
		MaxStates: opt.MaxStates, NoReduction: opt.NoReduction, Off: opt.Off, Jobs: jobs, MaxMemory: mem, Pool: pool}
	var pf proof
	var out *search.Outcome
	switch {
	case opt.Mode == ModeBounded:
		out = search.Scenario(ctx, p, sc, sopt)
	case opt.Mode == ModeProve:
		pf = proveScenario(ctx, p, sc, opt, pool)
		sopt.Skip = func(*Claim) bool { return true }
		out = search.Scenario(ctx, p, sc, sopt)
	case pool.Size() < 2:
		pf = proveScenario(ctx, p, sc, opt, pool)
		sopt.Skip = provedBy(pf.res)
		out = search.Scenario(ctx, p, sc, sopt)
	default:
		guess := map[*Claim]bool{}
		for _, c := range prove.Immediate(p, sc) {
			guess[c] = true
		}
		spec := sopt
		spec.Skip = func(c *Claim) bool { return guess[c] }
		spec.Low = new(atomic.Bool)
		spec.Low.Store(true)
		var gate *gatedWriter
		if opt.Progress != nil {
			gate = &gatedWriter{w: opt.Progress}
			spec.Progress = gate
		}
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := make(chan *search.Outcome, 1)
		go func() { done <- search.Scenario(sctx, p, sc, spec) }()
		pf = proveScenario(ctx, p, sc, opt, pool)
		proved := provedBy(pf.res)
		if sameClaims(p, proved, spec.Skip) {
			spec.Low.Store(false)
			if gate != nil {
				gate.open.Store(true)
			}
			out = <-done
		} else {
			// dropped: raised, so that its waiting parts get a place
			// soon, see the cancellation and end
			cancel()
			spec.Low.Store(false)
			<-done
			sopt.Skip = proved
			out = search.Scenario(ctx, p, sc, sopt)
		}
	}
	return scenarioResult(p, sc, opt, pf, out, time.Since(t0))
}

// provedBy names the claims the prover proved.
func provedBy(r *prove.Result) func(*Claim) bool {
	proved := map[*Claim]bool{}
	for _, c := range r.Claims {
		if c.Status == prove.Proved {
			proved[c.Claim] = true
		}
	}
	return func(c *Claim) bool { return proved[c] }
}

// sameClaims reports whether a and b name the same claims of p.
func sameClaims(p *Protocol, a, b func(*Claim) bool) bool {
	for _, c := range p.Claims {
		if a(c) != b(c) {
			return false
		}
	}
	return true
}

// gatedWriter drops what is written to it until it is opened: the progress
// lines of a speculative search appear only once it is known to count.
type gatedWriter struct {
	w    io.Writer
	open atomic.Bool
}

func (g *gatedWriter) Write(b []byte) (int, error) {
	if !g.open.Load() {
		return len(b), nil
	}
	return g.w.Write(b)
}

// scenarioResult turns what the prover and the search found into
// verdicts.
func scenarioResult(p *Protocol, sc *Scenario, opt Options, pf proof, out *search.Outcome, elapsed time.Duration) *ScenarioResult {
	notes := map[*Claim]*prove.ClaimResult{}
	pr := pf.res
	if pr != nil {
		for _, c := range pr.Claims {
			notes[c.Claim] = c
		}
	}
	proved := func(c *Claim) bool { return notes[c] != nil && notes[c].Status == prove.Proved }
	proveTime := pf.elapsed
	res := &ScenarioResult{Name: sc.Name, Sessions: out.Sessions, Typed: !sc.Untyped,
		Honest: honestOf(sc), Dishonest: dishonestOf(sc), States: out.States, Rejected: out.Rejected,
		Elapsed: elapsed, Stopped: out.Stopped}
	if pr != nil {
		res.Prover = &ProverStats{Steps: pr.Steps, Clauses: pr.Clauses, Exhausted: pr.Exhausted, Elapsed: proveTime}
	}
	made := claimsMade(p, sc)
	for _, c := range out.Claims {
		if !made[c.Claim] {
			continue
		}
		cr := &ClaimResult{Claim: c.Claim, States: c.States, Reached: c.Reached, HonestRun: c.HonestRun, Trace: c.Trace}
		if n := notes[c.Claim]; n != nil {
			cr.Prover, cr.ProverDetail = n.Reason, n.Detail
		}
		na := notApplicable(p, sc, c.Claim)
		switch {
		case na != "":
			// vacuous whatever the engines say: no session evaluates it
			cr.Verdict, cr.NotApplicable = VerdictNotApplicable, na
			cr.Reached, cr.Prover, cr.ProverDetail = false, "", ""
		case proved(c.Claim):
			cr.Verdict = VerdictProved
			cr.Prover = "proved"
			if !c.Searched {
				// not searched: reached if an honest run reaches it
				cr.Reached = c.HonestRun
			}
		case opt.Mode == ModeProve:
			cr.Verdict = VerdictTimeout
		case c.Trace != nil:
			cr.Verdict = VerdictAttack
		case c.Stopped:
			cr.Verdict = VerdictTimeout
		case !c.Reached:
			cr.Verdict = VerdictUnreached
		default:
			cr.Verdict = VerdictNoAttack
		}
		res.Claims = append(res.Claims, cr)
	}
	return res
}

// claimsMade is the set of claims some role of the scenario makes: a
// scenario that names its roles ("roles A, S, B") leaves out the claims
// only its other roles make, which it could never reach.
func claimsMade(p *Protocol, sc *Scenario) map[*Claim]bool {
	made := map[*Claim]bool{}
	for _, r := range p.Roles {
		if !sc.HasRole(r.Name) {
			continue
		}
		for _, a := range r.Actions {
			if a.Kind == proto.ActClaim {
				made[a.Claim.First()] = true
			}
		}
	}
	return made
}

func hasScenario(p *Protocol, name string) bool {
	for _, sc := range p.Scenarios {
		if sc.Name == name {
			return true
		}
	}
	return false
}

// scenarioNames lists p's scenarios for an error message.
func scenarioNames(p *Protocol) string {
	var names []string
	for _, sc := range p.Scenarios {
		names = append(names, sc.Name)
	}
	return "scenarios: " + strings.Join(names, ", ")
}

func honestOf(sc *Scenario) []string {
	return append(append([]string(nil), sc.Users...), sc.Servers...)
}

func dishonestOf(sc *Scenario) []string {
	return append(append([]string(nil), sc.Dishonest...), sc.DishonestServers...)
}
