package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/suite"
)

// Options select and shape a run.
type Options struct {
	// Cases is the catalogue; nil means Catalogue().
	Cases []Case
	// Protocols, Roles, Suites and Variants keep only matching instances;
	// empty means all.
	Protocols, Roles, Suites, Variants []string
	// Run keeps instances matching a glob (empty: all); Skip drops them.
	Run, Skip []string
	// Config lists disabled cases and expected failures.
	Config *Config
	// Timeout bounds each instance (default 10s).
	Timeout time.Duration
	// Jobs is the number of instances run at once (default GOMAXPROCS),
	// each with its own IUT.
	Jobs int
	// Progress, if set, receives progress lines.
	Progress io.Writer
	// Name names the IUT in the report.
	Name string
	// FailFast starts no new instance after the first failure; the
	// instances not started are reported not run.
	FailFast bool
	// Context, if set, interrupts the run when it is done: the running
	// instances' IUTs are killed and every instance not finished is
	// reported not run, so that the report says how far the run got.
	Context context.Context
	// Now is the clock of the report's timings (JUnit only; default
	// time.Now).
	Now func() time.Time
	// Version is the imcheck version the report records (default
	// "devel").
	Version string
	// Keep, if set, keeps only the instances it returns true for (a
	// sample, for tests).
	Keep func(Instance) bool
}

// ErrCannotStart means the IUT could not be started at all.
var ErrCannotStart = errors.New("conformance: the implementation under test cannot start")

// Instances expands cases into the instances selected by opts, in
// catalogue order, then suite order, then variant order.
func Instances(cases []Case, opts Options) ([]Instance, error) {
	var out []Instance
	for i := range cases {
		c := &cases[i]
		p, err := harness.Lookup(c.Protocol)
		if err != nil {
			continue // the protocol is not built into this binary
		}
		if err := c.validate(); err != nil {
			return nil, err
		}
		suites := c.Suites
		if suites == nil {
			suites = suite.Names()
		}
		variants := c.Variants
		if variants == nil {
			variants = p.Variants()
		}
		for _, s := range suites {
			for _, v := range variants {
				in := Instance{Case: c, Suite: s, Variant: v}
				if keep(opts.Protocols, c.Protocol) && keep(opts.Roles, c.Role()) &&
					keep(opts.Suites, s) && keep(opts.Variants, v) &&
					(len(opts.Run) == 0 || matchAny(opts.Run, in)) && !matchAny(opts.Skip, in) &&
					(opts.Keep == nil || opts.Keep(in)) {
					out = append(out, in)
				}
			}
		}
	}
	return out, nil
}

func keep(filter []string, v string) bool { return len(filter) == 0 || slices.Contains(filter, v) }

// runState is what the workers of one run share.
type runState struct {
	ctx    context.Context
	failed atomic.Pointer[string] // the first failing instance
	hung   atomic.Pointer[string] // why the IUT is considered hung
}

// stopReason says why an instance is not started, or "".
func (st *runState) stopReason(opts *Options) string {
	switch {
	case st.ctx.Err() != nil:
		return "not run: the run was interrupted"
	case st.hung.Load() != nil:
		return "not run: the IUT hung earlier (" + *st.hung.Load() + ")"
	case opts.FailFast && st.failed.Load() != nil:
		return "not run: --fail-fast stopped the run after " + *st.failed.Load() + " failed"
	}
	return ""
}

// Run runs the selected instances against IUTs started by factory. The
// error is ErrCannotStart (wrapped) when the first IUT cannot start or
// answer its capabilities, or a catalogue error.
func Run(factory Factory, opts Options) (*Report, error) {
	cases := opts.Cases
	if cases == nil {
		cases = Catalogue()
	}
	insts, err := Instances(cases, opts)
	if err != nil {
		return nil, err
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.GOMAXPROCS(0)
	}
	if opts.Config == nil {
		opts.Config = &Config{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	st := &runState{ctx: opts.Context}
	if st.ctx == nil {
		st.ctx = context.Background()
	}
	rep := &Report{IUT: opts.Name, Results: make([]Result, len(insts)), started: opts.Now()}
	rep.describe(cases, insts, opts)
	first, err := factory()
	if err != nil {
		if st.ctx.Err() != nil {
			// stopped (an interrupt, a total timeout) while the first IUT
			// was starting: nothing ran, which is undecided, not a shim
			// that cannot start
			return rep.finish(insts, st, &opts), nil
		}
		return nil, fmt.Errorf("%w: %s", ErrCannotStart, detail(err))
	}
	caps := first.Capabilities()
	if n, ok := first.(interface{ implementation() string }); ok {
		rep.Implementation = n.implementation()
	}
	prog := newProgress(opts.Progress, len(insts))
	work := make(chan int)
	var wg sync.WaitGroup
	for j := 0; j < opts.Jobs; j++ {
		w := &worker{factory: factory, opts: &opts, st: st}
		if j == 0 {
			w.iut = first
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.close()
			for i := range work {
				rep.Results[i] = w.result(insts[i], caps)
				prog.done(rep.Results[i])
				if v := rep.Results[i].Verdict; v == Fail || v == XPass {
					name := insts[i].Name()
					st.failed.CompareAndSwap(nil, &name)
				}
			}
		}()
	}
dispatch:
	for i := range insts {
		if st.stopReason(&opts) != "" {
			break
		}
		select {
		case work <- i:
		case <-st.ctx.Done():
			break dispatch
		}
	}
	close(work)
	wg.Wait()
	return rep.finish(insts, st, &opts), nil
}

// finish reports every instance that did not run as not-run, with the
// reason, and counts the results.
func (rep *Report) finish(insts []Instance, st *runState, opts *Options) *Report {
	for i, r := range rep.Results {
		if r.Verdict == "" {
			rep.Results[i] = newResult(insts[i])
			rep.Results[i].Verdict, rep.Results[i].Detail = NotRun, st.stopReason(opts)
		}
	}
	rep.Interrupted = st.ctx.Err() != nil
	rep.elapsed = opts.Now().Sub(rep.started)
	rep.count()
	return rep
}

// worker runs instances one at a time on its own IUT.
type worker struct {
	factory Factory
	opts    *Options
	st      *runState
	iut     IUT
}

func (w *worker) close() {
	if w.iut != nil {
		w.iut.Close()
		w.iut = nil
	}
}

func newResult(in Instance) Result {
	return Result{
		Name: in.Name(), ID: in.Case.ID, Clause: in.Case.Clause, Summary: in.Case.Summary,
		Protocol: in.Case.Protocol, Role: in.Case.Role(), Party: in.Case.Party,
		Suite: in.Suite, Variant: in.Variant,
	}
}

// result runs one instance and applies the configuration.
func (w *worker) result(in Instance, caps Capabilities) Result {
	res := newResult(in)
	if reason, ok := lookup(w.opts.Config.Disabled, in); ok {
		res.Verdict, res.Detail = Disabled, reason
		return res
	}
	if !caps.Supports(in.Case.Protocol, in.Case.Role(), in.Suite, in.Variant) {
		res.Verdict = Unsupported
		res.Detail = fmt.Sprintf("the IUT does not support %s %s with %s, %s", in.Case.Protocol, in.Case.Role(), in.Suite, in.Variant)
		return res
	}
	for _, f := range in.Case.needs() {
		if !caps.Has(in.Case.Protocol, f) {
			res.Verdict = Unsupported
			res.Detail = fmt.Sprintf("the IUT does not advertise %s for %s", f, in.Case.Protocol)
			return res
		}
	}
	if reason := w.st.stopReason(w.opts); reason != "" {
		res.Verdict, res.Detail = NotRun, reason
		return res
	}
	start := w.opts.Now()
	o := w.execute(in)
	res.Verdict, res.Detail, res.Trace, res.IUTError = o.verdict, o.detail, o.trace, o.error
	res.elapsed = w.opts.Now().Sub(start)
	if reason, ok := lookup(w.opts.Config.ExpectedFailures, in); ok {
		switch res.Verdict {
		case Fail:
			res.Verdict, res.Detail, res.Trace, res.IUTError = XFail, reason+" (failed: "+res.Detail+")", nil, false
		case Pass:
			res.Verdict, res.Detail = XPass, "expected to fail ("+reason+") but passed"
		}
	}
	if res.Verdict != Fail {
		res.Trace = nil
	}
	res.Detail = truncate(res.Detail, maxDetail)
	res.Trace = boundTrace(res.Trace)
	if len(res.Trace) == 0 {
		res.Trace = nil
	}
	return res
}

// deadliner is an IUT whose calls can be given a deadline (the shim).
type deadliner interface{ SetDeadline(time.Time) }

// execute runs the instance under the timeout, starting an IUT if needed.
// An IUT with deadlines fails its own late call (and says which); the
// timer here is the backstop for an in-process IUT, whose call cannot be
// stopped and is abandoned.
func (w *worker) execute(in Instance) outcome {
	if w.iut == nil {
		iut, err := w.factory()
		if err != nil && w.st.ctx.Err() != nil {
			return outcome{verdict: NotRun, detail: "not run: the run was interrupted"}
		}
		if err != nil {
			return outcome{verdict: Fail, detail: "the IUT could not be restarted: " + err.Error(), error: true}
		}
		w.iut = iut
	}
	iut := w.iut
	limit := w.opts.Timeout
	if d, ok := iut.(deadliner); ok {
		d.SetDeadline(time.Now().Add(w.opts.Timeout))
		defer d.SetDeadline(time.Time{})
		limit += 2 * time.Second
	}
	r := newCaseRun(in, w.opts.Config.LenientAlerts)
	ch := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = &IUTError{Op: "case", Reason: fmt.Sprintf("panic: %v", p)}
			}
			ch <- err
		}()
		err = r.execute(iut)
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case err := <-ch:
		if w.st.ctx.Err() != nil {
			w.drop(iut)
			return outcome{verdict: NotRun, detail: "not run: the run was interrupted"}
		}
		var ie *IUTError
		if errors.As(err, &ie) {
			if ie.Hung {
				w.hung(in, ie.Reason)
			}
			w.drop(iut)
			return verdictOf(err, r.snapshot())
		}
		if d, ok := iut.(deadliner); ok {
			d.SetDeadline(time.Now().Add(min(w.opts.Timeout, resetTimeout)))
		}
		if rerr := iut.EndCase(); rerr != nil {
			w.drop(iut)
			if errors.As(rerr, &ie) && ie.Hung {
				w.hung(in, ie.Reason)
			}
			if err == nil {
				return outcome{verdict: Fail, detail: "the case passed, but ending it failed: " + rerr.Error(), trace: r.snapshot(), error: true}
			}
		}
		o := verdictOf(err, r.snapshot())
		if o.verdict == Pass && r.lenientNote != "" {
			o.detail = "lenient_alerts: " + r.lenientNote
		}
		return o
	case <-timer.C:
		iut.Abort()
		w.drop(iut)
		reason := fmt.Sprintf("timeout: the IUT did not finish the case within %s", w.opts.Timeout)
		w.hung(in, reason)
		return outcome{verdict: Fail, detail: reason, trace: append(r.snapshot(), "(no answer to the last request above)"), error: true}
	case <-w.st.ctx.Done():
		iut.Abort()
		w.drop(iut)
		return outcome{verdict: NotRun, detail: "not run: the run was interrupted"}
	}
}

// drop abandons the worker's IUT: it is closed (in the background, as an
// abandoned call may still hold it) and a new one is started for the next
// instance.
func (w *worker) drop(iut IUT) {
	go iut.Close()
	if w.iut == iut {
		w.iut = nil
	}
}

// hung records that the IUT hung in instance in: no more instances start.
func (w *worker) hung(in Instance, reason string) {
	s := in.Name() + ": " + truncate(reason, maxReason)
	w.st.hung.CompareAndSwap(nil, &s)
}

// outcome is how one instance ended. Error marks a failure that is not an
// unmet expectation: the IUT crashed, hung or answered garbage, or the
// gate itself failed (JUnit's <error>).
type outcome struct {
	verdict Verdict
	detail  string
	trace   []string
	error   bool
}

func verdictOf(err error, trace []string) outcome {
	var f *caseFailure
	var ie *IUTError
	switch {
	case err == nil:
		return outcome{verdict: Pass}
	case errors.Is(err, ErrUnsupported):
		return outcome{verdict: Unsupported, detail: err.Error()}
	case errors.As(err, &f):
		return outcome{verdict: Fail, detail: f.msg, trace: trace}
	case errors.As(err, &ie):
		return outcome{verdict: Fail, detail: ie.Error(), trace: trace, error: true}
	default:
		return outcome{verdict: Fail, detail: "gate error: " + err.Error(), trace: trace, error: true}
	}
}

// progress writes a line per failure and a counter now and then.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	n     int
	fails int
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, total int) *progress {
	now := time.Now()
	return &progress{w: w, total: total, start: now, last: now}
}

func (p *progress) done(r Result) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if r.Verdict == Fail || r.Verdict == XPass {
		p.fails++
		fmt.Fprintf(p.w, "conform: %s %s: %s\n", r.Verdict, r.Name, r.Detail)
	}
	if time.Since(p.last) >= time.Second || p.n == p.total {
		p.last = time.Now()
		fmt.Fprintf(p.w, "conform: %d/%d cases, %d failed, %.1fs\n", p.n, p.total, p.fails, time.Since(p.start).Seconds())
	}
}
