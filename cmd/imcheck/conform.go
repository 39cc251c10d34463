package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/imcheck/imcheck/conformance"
	"github.com/imcheck/imcheck/impl/harness"
	_ "github.com/imcheck/imcheck/impl/protocols" // registers simp and imke
	"github.com/imcheck/imcheck/impl/suite"
)

func init() {
	register(command{
		name:    "conform",
		summary: "run the conformance gate against an implementation (--builtin or --shim CMD)",
		exits: []exitHelp{
			{exitOK, "every selected case passed (or failed as the config expects)"},
			{exitFailure, "a case failed, or passed where the config expects a failure; a mutant survived"},
			{exitUsage, "bad arguments or config, or a shim that cannot start"},
		},
		run: runConform,
	})
}

// globList is a repeatable flag.
type globList []string

func (g *globList) String() string     { return strings.Join(*g, " ") }
func (g *globList) Set(v string) error { *g = append(*g, v); return nil }

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
	jsonF := fs.String("json", "", "write a JSON report to FILE")
	junitF := fs.String("junit", "", "write a JUnit XML report to FILE")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit per case")
	jobs := fs.Int("jobs", 0, "cases run at once (default: number of CPUs)")
	list := fs.Bool("list", false, "list the selected cases and exit")
	verbose := fs.Bool("v", false, "list every case in the summary, not only those that did not pass")
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
	opts := conformance.Options{Run: runG, Skip: skipG, Timeout: *timeout, Jobs: *jobs, Progress: stderr}
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
	if *timeout <= 0 || *jobs < 0 {
		return usageErr("--timeout must be positive and --jobs not negative")
	}
	if *configF != "" {
		f, err := os.Open(*configF)
		if err != nil {
			return usageErr("%v", err)
		}
		opts.Config, err = conformance.ParseConfig(f)
		f.Close()
		if err != nil {
			return usageErr("%v", err)
		}
	}
	if *list {
		insts, err := conformance.Instances(conformance.Catalogue(), opts)
		if err != nil {
			return usageErr("%v", err)
		}
		for _, in := range insts {
			fmt.Fprintf(stdout, "%-60s %-6s %-14s %s\n", in.Name(), in.Case.Role(), in.Case.Clause, in.Case.Summary)
		}
		return exitOK
	}
	if *mutants {
		return runMutants(opts, stdout, stderr)
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
		factory, opts.Name = conformance.ShimFactory(argv), *shim
	}
	if insts, err := conformance.Instances(conformance.Catalogue(), opts); err != nil {
		return usageErr("%v", err)
	} else if len(insts) == 0 {
		return usageErr("no case matches the selection")
	}
	rep, err := conformance.Run(factory, opts)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck conform: %v\n", err)
		return exitUsage
	}
	rep.WriteSummary(stdout, *verbose)
	if err := writeReports(rep, *jsonF, *junitF); err != nil {
		fmt.Fprintf(stderr, "imcheck conform: %v\n", err)
		return exitUsage
	}
	if rep.Failed() {
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

func writeReports(rep *conformance.Report, jsonPath, junitPath string) error {
	write := func(path string, f func(io.Writer) error) error {
		if path == "" {
			return nil
		}
		out, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := f(out); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}
	if err := write(jsonPath, rep.WriteJSON); err != nil {
		return err
	}
	return write(junitPath, rep.WriteJUnit)
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
