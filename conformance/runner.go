package conformance

import (
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
	// FailFast stops starting new instances after the first failure; the
	// report then holds only the instances that ran.
	FailFast bool
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
					(len(opts.Run) == 0 || matchAny(opts.Run, in)) && !matchAny(opts.Skip, in) {
					out = append(out, in)
				}
			}
		}
	}
	return out, nil
}

func keep(filter []string, v string) bool { return len(filter) == 0 || slices.Contains(filter, v) }

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
		opts.Timeout = 10 * time.Second
	}
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.GOMAXPROCS(0)
	}
	if opts.Config == nil {
		opts.Config = &Config{}
	}
	first, err := factory()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCannotStart, err)
	}
	caps := first.Capabilities()
	rep := &Report{IUT: opts.Name, Results: make([]Result, len(insts))}
	prog := newProgress(opts.Progress, len(insts))
	work := make(chan int)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for j := 0; j < opts.Jobs; j++ {
		w := &worker{factory: factory, opts: &opts}
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
					failed.Store(true)
				}
			}
		}()
	}
	for i := range insts {
		if opts.FailFast && failed.Load() {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	ran := rep.Results[:0]
	for _, r := range rep.Results {
		if r.Verdict != "" {
			ran = append(ran, r)
		}
	}
	rep.Results = ran
	rep.count()
	return rep, nil
}

// worker runs instances one at a time on its own IUT.
type worker struct {
	factory Factory
	opts    *Options
	iut     IUT
}

func (w *worker) close() {
	if w.iut != nil {
		w.iut.Close()
		w.iut = nil
	}
}

// result runs one instance and applies the configuration.
func (w *worker) result(in Instance, caps Capabilities) Result {
	res := Result{
		Name: in.Name(), ID: in.Case.ID, Clause: in.Case.Clause, Summary: in.Case.Summary,
		Protocol: in.Case.Protocol, Role: in.Case.Role(), Party: in.Case.Party,
		Suite: in.Suite, Variant: in.Variant,
	}
	if reason, ok := lookup(w.opts.Config.Disabled, in); ok {
		res.Verdict, res.Detail = Disabled, reason
		return res
	}
	if !caps.Supports(in.Case.Protocol, in.Case.Role(), in.Suite, in.Variant) {
		res.Verdict = Unsupported
		res.Detail = fmt.Sprintf("the IUT does not support %s %s with %s, %s", in.Case.Protocol, in.Case.Role(), in.Suite, in.Variant)
		return res
	}
	start := time.Now()
	res.Verdict, res.Detail, res.Trace = w.execute(in)
	res.elapsed = time.Since(start)
	if reason, ok := lookup(w.opts.Config.ExpectedFailures, in); ok {
		switch res.Verdict {
		case Fail:
			res.Verdict, res.Detail, res.Trace = XFail, reason+" (failed: "+res.Detail+")", nil
		case Pass:
			res.Verdict, res.Detail = XPass, "expected to fail ("+reason+") but passed"
		}
	}
	if res.Verdict != Fail {
		res.Trace = nil
	}
	return res
}

// execute runs the instance under the timeout, starting an IUT if needed.
func (w *worker) execute(in Instance) (Verdict, string, []string) {
	if w.iut == nil {
		iut, err := w.factory()
		if err != nil {
			return Fail, "the IUT could not be restarted: " + err.Error(), nil
		}
		w.iut = iut
	}
	type outcome struct {
		trace []string
		err   error
	}
	ch := make(chan outcome, 1)
	iut := w.iut
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o.err = &IUTError{Op: "case", Reason: fmt.Sprintf("panic: %v", p)}
			}
			ch <- o
		}()
		o.trace, o.err = execute(iut, in, w.opts.Config.LenientAlerts)
	}()
	timer := time.NewTimer(w.opts.Timeout)
	defer timer.Stop()
	select {
	case o := <-ch:
		var ie *IUTError
		if errors.As(o.err, &ie) || iut.EndCase() != nil {
			w.close()
		}
		return verdictOf(o.err, o.trace)
	case <-timer.C:
		iut.Abort()
		go iut.Close() // the abandoned call may still hold the IUT
		w.iut = nil
		return Fail, fmt.Sprintf("timeout: the IUT did not finish the case within %s", w.opts.Timeout), nil
	}
}

func verdictOf(err error, trace []string) (Verdict, string, []string) {
	var f *caseFailure
	var ie *IUTError
	switch {
	case err == nil:
		return Pass, "", nil
	case errors.Is(err, ErrUnsupported):
		return Unsupported, err.Error(), nil
	case errors.As(err, &f):
		return Fail, f.msg, trace
	case errors.As(err, &ie):
		return Fail, ie.Error(), trace
	default:
		return Fail, "gate error: " + err.Error(), trace
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
