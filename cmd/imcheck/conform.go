package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/imcheck/imcheck/conformance"
	_ "github.com/imcheck/imcheck/conformance/attacks" // the adversary's attacks as cases
	"github.com/imcheck/imcheck/impl/harness"
	_ "github.com/imcheck/imcheck/impl/protocols" // registers simp and imke
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/internal/version"
)

func init() {
	register(command{
		name:    "conform",
		summary: "run the conformance gate against an implementation (--builtin or --shim CMD)",
		exits: []exitHelp{
			{exitOK, "every selected case passed (or failed as the config expects)"},
			{exitFailure, "a case failed, or passed where the config expects a failure; coverage below --require-coverage; a mutant survived"},
			{exitUsage, "bad arguments or config (placed at FILE:LINE:COL), or a shim that cannot start or whose hello is not valid"},
			{exitUndecided, "interrupted, or stopped at --total-timeout (a shim's start and the config's reading included), before every case ran (the reports hold what ran), or no case could run at all"},
		},
		run: runConform,
	})
}

// globList is a repeatable flag.
type globList []string

func (g *globList) String() string     { return strings.Join(*g, " ") }
func (g *globList) Set(v string) error { *g = append(*g, v); return nil }

// maxJobsPerCPU caps --jobs: more shims than this per core only turn slow
// answers into false timeouts.
const maxJobsPerCPU = 8

// maxCaseTimeout caps --timeout.
const maxCaseTimeout = time.Hour

func runConform(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("conform", stderr)
	builtin := fs.Bool("builtin", false, "gate the built-in reference implementation")
	shim := fs.String("shim", "", "gate the implementation behind this shim command (docs/spec/shim.md)")
	mutant := fs.String("mutant", "", "gate a deliberately broken reference implementation (see --mutants)")
	mutants := fs.Bool("mutants", false, "run the gate against every broken implementation and print the mutation score")
	protocol := fs.String("protocol", "", "comma-separated protocols to test (simp, imke)")
	roleF := fs.String("role", "", "comma-separated roles under test (server, client)")
	suiteF := fs.String("suite", "", "comma-separated suites (classic, modern, pq)")
	variant := fs.String("variant", "", "comma-separated variants (as-published, hardened)")
	var runG, skipG globList
	fs.Var(&runG, "run", "run only cases whose ID or name matches GLOB (repeatable)")
	fs.Var(&skipG, "skip", "skip cases whose ID or name matches GLOB (repeatable)")
	configF := fs.String("config", "", "configuration FILE: disabled cases and expected failures (JSON)")
	jsonF := fs.String("json", "", "write a JSON report to FILE (conformance/report.schema.json)")
	junitF := fs.String("junit", "", "write a JUnit XML report to FILE")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit per case, on all its requests (at most 1h): a case over it fails, and the cases after it are not run (the IUT hung)")
	total := fs.Duration("total-timeout", 0, "time limit for the whole command from its start: reading --config, every shim's start and hello, every case; at the limit the run stops as on an interrupt, the shims are killed, the reports hold what ran, exit 3 (default: no limit)")
	jobs := fs.Int("jobs", 0, fmt.Sprintf("cases run at once, each with its own shim (default: number of CPUs; at most %d per CPU)", maxJobsPerCPU))
	failFast := fs.Bool("fail-fast", false, "start no new case after the first failure (the rest are reported not run)")
	coverage := fs.Float64("require-coverage", 0, "fail the run when fewer than P percent of the selected cases ran (0-100)")
	list := fs.Bool("list", false, "list the selected cases and exit")
	verbose := fs.Bool("v", false, "list every case in the summary, not only those that did not pass")
	start := time.Now()
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "imcheck conform: "+format+"\n", a...)
		return exitUsage
	}
	modes := 0
	for _, on := range []bool{*builtin, *shim != "", *mutant != "", *mutants} {
		if on {
			modes++
		}
	}
	if modes != 1 && !*list {
		return usageErr("choose exactly one of --builtin, --shim CMD, --mutant NAME, --mutants")
	}
	maxJobs := maxJobsPerCPU * runtime.NumCPU()
	switch {
	case *timeout <= 0 || *timeout > maxCaseTimeout:
		return usageErr("--timeout %s: must be positive and at most %s", *timeout, maxCaseTimeout)
	case *total < 0:
		return usageErr("--total-timeout %s: must not be negative (0 means no limit)", *total)
	case *jobs < 0 || *jobs > maxJobs:
		return usageErr("--jobs %d: must be between 0 (one per CPU) and %d (%d per CPU)", *jobs, maxJobs, maxJobsPerCPU)
	case *coverage < 0 || *coverage > 100 || math.IsNaN(*coverage):
		return usageErr("--require-coverage %g: must be a percentage between 0 and 100", *coverage)
	}
	opts := conformance.Options{Run: runG, Skip: skipG, Timeout: *timeout, Jobs: *jobs, Progress: stderr,
		FailFast: *failFast, Version: version.String()}
	var err error
	if opts.Protocols, err = listFlag("protocol", *protocol, harness.Names()); err != nil {
		return usageErr("%v", err)
	}
	if opts.Roles, err = listFlag("role", *roleF, []string{conformance.RoleServer, conformance.RoleClient}); err != nil {
		return usageErr("%v", err)
	}
	if opts.Suites, err = listFlag("suite", *suiteF, suite.Names()); err != nil {
		return usageErr("%v", err)
	}
	if opts.Variants, err = listFlag("variant", *variant, allVariants()); err != nil {
		return usageErr("%v", err)
	}
	// On SIGINT or SIGTERM the run stops: the shims are killed and the
	// reports say how far it got.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *total > 0 {
		// from the start of the command, reading the config included
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, start.Add(*total))
		defer cancel()
	}
	catalogue := conformance.Catalogue()
	if *configF != "" {
		// within --total-timeout (a named pipe nobody writes to) and
		// MaxConfigSize (a file that never ends)
		opts.Config, err = conformance.ReadConfig(ctx, *configF)
		if err == nil {
			err = opts.Config.CheckPatterns(ctx, catalogue)
		}
		switch {
		case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
			fmt.Fprintf(stderr, "imcheck conform: stopped: --total-timeout %v reached while reading and checking %s (undecided)\n", *total, *configF)
			return exitUndecided
		case err != nil && ctx.Err() != nil:
			fmt.Fprintf(stderr, "imcheck conform: interrupted while reading %s\n", *configF)
			return exitUndecided
		case err != nil:
			var ce *conformance.ConfigError
			if errors.As(err, &ce) {
				fmt.Fprintln(stderr, ce) // conformance: FILE:LINE:COL: config: ...
				return exitUsage
			}
			return usageErr("%v", err)
		}
	}
	insts, err := conformance.Instances(catalogue, opts)
	if err != nil {
		return usageErr("%v", err)
	}
	if *list {
		for _, in := range insts {
			fmt.Fprintf(stdout, "%-60s %-6s %-14s %s\n", in.Name(), in.Case.Role(), in.Case.Clause, in.Case.Summary)
		}
		return exitOK
	}
	if *mutants {
		return runMutants(opts, stdout, stderr)
	}
	if len(insts) == 0 {
		return usageErr("no case matches the selection")
	}
	var factory conformance.Factory
	switch {
	case *builtin:
		factory, opts.Name = conformance.NewBuiltin, "builtin"
	case *mutant != "":
		m, ok := conformance.MutantByName(*mutant)
		if !ok {
			return usageErr("unknown mutant %q (known: %s)", *mutant, strings.Join(conformance.MutantNames(), ", "))
		}
		factory, opts.Name = m.Factory(), "mutant "+m.Name
	default:
		argv, err := conformance.SplitCommand(*shim)
		if err != nil {
			return usageErr("--shim: %v", err)
		}
		// the shims' starts (spawn, hello) end with the run too
		factory, opts.Name = conformance.ShimFactoryContext(ctx, argv), *shim
	}
	outs, err := createOutputs(*jsonF, *junitF)
	if err != nil {
		return usageErr("%v", err)
	}
	defer outs.close()
	opts.Context = ctx
	rep, err := conformance.Run(factory, opts)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck conform: %v\n", err)
		return exitUsage
	}
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
	stop()
	rep.WriteSummary(stdout, *verbose)
	if err := writeReports(rep, outs, *jsonF, *junitF); err != nil {
		fmt.Fprintf(stderr, "imcheck conform: %v\n", err)
		return exitUsage
	}
	outs.done()
	if timedOut && !rep.Failed() {
		fmt.Fprintf(stderr, "imcheck conform: stopped: --total-timeout %v reached after %d of %d cases; the reports hold what ran (undecided)\n",
			*total, rep.Coverage.Ran, rep.Coverage.Selected)
		return exitUndecided
	}
	return conformStatus(rep, *coverage, stderr)
}

// conformStatus is the exit status of a finished run, with the warnings a
// person should see.
func conformStatus(rep *conformance.Report, require float64, stderr io.Writer) int {
	c := rep.Coverage
	if u := rep.Counts[conformance.Unsupported]; 2*u > c.Selected {
		fmt.Fprintf(stderr, "imcheck conform: warning: %d of the %d selected cases are unsupported by the IUT (coverage %.1f%%)\n",
			u, c.Selected, c.Percent)
	}
	switch {
	case rep.Failed():
		return exitFailure
	case rep.Interrupted:
		fmt.Fprintf(stderr, "imcheck conform: interrupted after %d of %d cases; the reports hold what ran\n", c.Ran, c.Selected)
		return exitUndecided
	case c.Ran == 0:
		fmt.Fprintf(stderr, "imcheck conform: no case ran: every selected case was unsupported, disabled or not run\n")
		return exitUndecided
	case c.Percent < require:
		fmt.Fprintf(stderr, "imcheck conform: coverage %.1f%% is below --require-coverage %g\n", c.Percent, require)
		return exitFailure
	}
	return exitOK
}

// listFlag splits a comma-separated flag and checks every value.
func listFlag(name, v string, known []string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	var out []string
	for _, x := range strings.Split(v, ",") {
		if !slices.Contains(known, x) {
			return nil, fmt.Errorf("--%s: unknown value %q (known: %s)", name, x, strings.Join(known, ", "))
		}
		out = append(out, x)
	}
	return out, nil
}

func allVariants() []string {
	var out []string
	for _, n := range harness.Names() {
		if p, err := harness.Lookup(n); err == nil {
			for _, v := range p.Variants() {
				if !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

func writeReports(rep *conformance.Report, outs *outputs, jsonPath, junitPath string) error {
	for _, w := range []struct {
		path  string
		write func(io.Writer) error
	}{{jsonPath, rep.WriteJSON}, {junitPath, rep.WriteJUnit}} {
		if f := outs.get(w.path); f != nil {
			if err := w.write(f); err != nil {
				return fmt.Errorf("%s: %w", w.path, err)
			}
		}
	}
	return nil
}

// runMutants runs the gate against every deliberately broken
// implementation and prints the mutation score; a mutant that passes every
// case is a hole in the catalogue.
func runMutants(opts conformance.Options, stdout, stderr io.Writer) int {
	opts.Progress = nil
	score, err := conformance.RunMutants(opts, func(m conformance.Mutant, rep *conformance.Report) {
		// The run stops at the first failure (FailFast), so how many cases
		// fail depends on scheduling; the first failing case in catalogue
		// order does not (every case before it was started), so that is
		// what is printed.
		status, by := "SURVIVED", ""
		for _, r := range rep.Results {
			if r.Verdict == conformance.Fail || r.Verdict == conformance.XPass {
				status, by = "killed", "by "+r.Name
				break
			}
		}
		fmt.Fprintf(stdout, "mutant %-28s %-8s %s  (%s)\n", m.Name, status, by, m.Defect)
	})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck conform: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "mutation score: %d/%d killed (%.0f%%)\n", score.Killed, score.Total, score.Percent())
	if score.Killed != score.Total {
		return exitFailure
	}
	return exitOK
}
