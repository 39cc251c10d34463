package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/imcheck/imcheck/model"
)

func init() {
	register(command{
		name:     "check",
		summary:  "decide the claims of the symbolic models: unbounded prover, then bounded attack search (Dolev-Yao)",
		synopsis: "[FILE...] [flags]",
		args:     []argHelp{{"FILE", "a model in the protocol language (docs/model.md); none: every shipped model"}},
		exits: []exitHelp{
			{exitOK, "every claim holds: no attack within the bound (or proved), and every claim was reached (a claim not applicable in a scenario, where no session has the honest agents it needs, is neither)"},
			{exitFailure, "an attack on some claim (a trace the independent trace checker replayed)"},
			{exitUsage, "bad arguments, or a model file that does not parse or check (file:line:col)"},
			{exitUndecided, "no attack, but some search stopped at --timeout or some claim was never reached (or, with --prove-only, not proved)"},
		},
		run: runCheck,
	})
}

// runCheck implements: imcheck check [FILE...] [--sessions N]
// [--format text|json|mermaid] [--timeout D]. With no FILE it checks every
// shipped model. Exit status: see checkStatus and the command's help.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", stderr)
	sessions := fs.Int("sessions", 0, "number of sessions (default: each scenario's own)")
	format := fs.String("format", "text", "output format: text, json or mermaid")
	timeout := fs.Duration("timeout", 0, "stop the search after this long (e.g. 30s); 0 means no limit")
	quiet := fs.Bool("quiet", false, "text format: verdicts only, no attack traces")
	scenario := fs.String("scenario", "", "check only the scenario of this name (--sessions then sets its bound alone)")
	jobs := fs.Int("jobs", runtime.GOMAXPROCS(0), "searches parts of a scenario on this many cores at once (the output is the same for every value)")
	boundedOnly := fs.Bool("bounded-only", false, "run the bounded search alone, without the unbounded prover")
	proveOnly := fs.Bool("prove-only", false, "run the unbounded prover alone: a claim it does not prove is undecided")
	maxMem := fs.String("max-memory", "1GiB", "stop a search whose heap grows past this (e.g. 512MiB, 4GiB; 0 means no limit)")
	// --timeout bounds the whole command, reading the files included; a
	// signal stops it the same way: the searches report what they decided
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	files, status, ok := parseInterleaved(fs, args)
	if !ok {
		return status
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	if *jobs < 1 || *jobs > 8*runtime.NumCPU() {
		fmt.Fprintf(stderr, "imcheck check: --jobs %d: must be between 1 and %d (8 per CPU)\n", *jobs, 8*runtime.NumCPU())
		return exitUsage
	}
	if *boundedOnly && *proveOnly {
		fmt.Fprintln(stderr, "imcheck check: --bounded-only and --prove-only exclude each other")
		return exitUsage
	}
	mode := model.ModeBoth
	switch {
	case *boundedOnly:
		mode = model.ModeBounded
	case *proveOnly:
		mode = model.ModeProve
	}
	mem, err := parseSize(*maxMem)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck check: --max-memory %q: %v\n", *maxMem, err)
		return exitUsage
	}
	if flagSet(fs, "sessions") && (*sessions < 1 || *sessions > 8) {
		fmt.Fprintf(stderr, "imcheck check: --sessions %d: must be between 1 and 8\n", *sessions)
		return exitUsage
	}
	if *timeout < 0 {
		fmt.Fprintf(stderr, "imcheck check: --timeout %v: must not be negative (0 means no limit)\n", *timeout)
		return exitUsage
	}
	switch *format {
	case "text", "json", "mermaid":
	default:
		fmt.Fprintf(stderr, "imcheck check: unknown format %q (text, json, mermaid)\n", *format)
		return exitUsage
	}
	var protos []*model.Protocol
	var protoWarnings []string
	if len(files) == 0 {
		for _, f := range model.Shipped() {
			p, err := model.LoadShipped(f)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return exitUsage
			}
			if *scenario == "" || hasScenario(p, *scenario) {
				protos = append(protos, p)
			}
		}
		if len(protos) == 0 {
			fmt.Fprintf(stderr, "imcheck check: --scenario %q: no shipped model has a scenario of that name\n", *scenario)
			return exitUsage
		}
	}
	// Every file is read and parsed before any search, so that a bad one
	// is refused (exit 2) before a long run; only its text is kept, and it
	// is parsed again when its turn comes, so that reading many large
	// files holds one parsed model at a time (docs/limits.md).
	type source struct{ file, src string }
	var sources []source
	for _, f := range files {
		// --timeout (or a signal) while reading the files: a file parses
		// in well under a second (docs/limits.md), but a pipe may never
		// end, so the file is read aside and abandoned at the deadline
		type loaded struct {
			src      string
			warnings []string
			err      error
		}
		done := make(chan loaded, 1)
		if ctx.Err() == nil {
			go func() {
				src, err := model.ReadFile(f)
				if err != nil {
					done <- loaded{err: err}
					return
				}
				p, err := model.Parse(f, src)
				if err != nil {
					done <- loaded{err: err}
					return
				}
				done <- loaded{src: src, warnings: p.Warnings}
			}()
		}
		var l loaded
		select {
		case l = <-done:
		case <-ctx.Done():
			why := "interrupted"
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				why = fmt.Sprintf("--timeout %v reached", *timeout)
			}
			fmt.Fprintf(stderr, "imcheck check: stopped: %s while reading %s (undecided)\n", why, f)
			return exitUndecided
		}
		if l.err != nil {
			fmt.Fprintln(stderr, l.err)
			return exitUsage
		}
		sources = append(sources, source{f, l.src})
		protoWarnings = append(protoWarnings, l.warnings...)
	}
	for _, p := range protos {
		protoWarnings = append(protoWarnings, p.Warnings...)
	}
	for _, w := range protoWarnings {
		fmt.Fprintln(stderr, w)
	}
	defer tuneGC(mem)()
	opt := model.Options{Sessions: *sessions, Progress: stderr, Scenario: *scenario, Jobs: *jobs, MaxMemory: mem, Mode: mode}
	var reps []*model.Report
	for i := 0; i < len(protos)+len(sources); i++ {
		var p *model.Protocol
		if i < len(protos) {
			p = protos[i]
		} else {
			src := sources[i-len(protos)]
			var err error
			if p, err = model.Parse(src.file, src.src); err != nil {
				fmt.Fprintln(stderr, err)
				return exitUsage
			}
		}
		rep, err := model.Check(ctx, p, opt)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		reps = append(reps, rep)
	}
	switch *format {
	case "json":
		if err := model.WriteJSON(stdout, reps); err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
	case "mermaid":
		for _, r := range reps {
			r.WriteMermaid(stdout)
		}
	default:
		for i, r := range reps {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			r.WriteText(stdout, !*quiet)
			writeHardenedAttacks(stdout, r)
		}
		writeCheckSummary(stdout, reps)
	}
	return checkStatus(reps)
}

// checkStatus is the exit status of a check: an attack anywhere decides
// (exitFailure); otherwise a claim that timed out or that no honest
// session reached leaves the run undecided (exitUndecided), since "no
// attack" then says nothing about it.
func checkStatus(reps []*model.Report) int {
	status := exitOK
	for _, r := range reps {
		for _, sc := range r.Scenarios {
			for _, c := range sc.Claims {
				switch {
				case c.Verdict == model.VerdictAttack:
					return exitFailure
				case c.Verdict == model.VerdictProved:
					// holds for any number of sessions, reached or not
				case c.Verdict == model.VerdictNotApplicable:
					// vacuous in this scenario: another scenario decides it
				case c.Verdict == model.VerdictTimeout, c.Verdict == model.VerdictUnreached, !c.Reached:
					status = exitUndecided
				}
			}
		}
	}
	return status
}

// parseInterleaved parses flags that may come before or after the file
// names.
func parseInterleaved(fs *flag.FlagSet, args []string) (files []string, status int, ok bool) {
	for {
		if st, ok := parseFlags(fs, args, true); !ok {
			return nil, st, false
		}
		rest := fs.Args()
		i := 0
		for i < len(rest) && !strings.HasPrefix(rest[i], "-") {
			files = append(files, rest[i])
			i++
		}
		if i == len(rest) {
			return files, exitOK, true
		}
		args = rest[i:]
	}
}

// writeCheckSummary closes the text output with one line of totals.
func writeCheckSummary(w io.Writer, reps []*model.Report) {
	var scenarios, attacks, proved, holds, na, other, states int
	for _, r := range reps {
		for _, sc := range r.Scenarios {
			scenarios++
			states += sc.States
			for _, c := range sc.Claims {
				switch {
				case c.Verdict == model.VerdictAttack:
					attacks++
				case c.Verdict == model.VerdictProved:
					proved++
				case c.Reached && c.Verdict == model.VerdictNoAttack:
					holds++
				case c.Verdict == model.VerdictNotApplicable:
					na++
				default:
					other++ // undecided, or never reached in the scenario
				}
			}
		}
	}
	fmt.Fprintf(w, "\nsummary: %s, %s, %s: %s attacked, %d proved, %d hold within the bound, %d not applicable, %d undecided or not reached\n",
		model.Count(len(reps), "model"), model.Count(scenarios, "scenario"), model.Count(states, "state"),
		model.Count(attacks, "claim"), proved, holds, na, other)
}

// writeHardenedAttacks follows the report of a hardened model with where
// docs/claims.md explains each attack the model still has: a known limit
// of the fixes, or an attack the profile admits.
func writeHardenedAttacks(w io.Writer, r *model.Report) {
	name := r.Name()
	if !strings.HasSuffix(name, "-hardened") {
		return
	}
	head := false
	for _, s := range r.Scenarios {
		for _, c := range s.Claims {
			if c.Verdict != model.VerdictAttack {
				continue
			}
			if !head {
				fmt.Fprintln(w, "  attacks the hardened variant keeps (known limits and admitted attacks):")
				head = true
			}
			id := name + "/" + s.Name + "#" + c.Claim.ID
			if inClaimsTable(id) {
				fmt.Fprintf(w, "    %-52s explained in docs/claims.md#%s\n", id, anchor(id))
			} else {
				fmt.Fprintf(w, "    %-52s not in docs/claims.md: see the model's comments (%s)\n", id, r.File)
			}
		}
	}
}

// inClaimsTable reports whether docs/claims.md has a row for the attack
// ID model/scenario#claim.
func inClaimsTable(id string) bool {
	for _, pc := range paperClaims {
		for _, row := range pc.rows {
			if row.attackID() == id {
				return true
			}
		}
	}
	return false
}

func hasScenario(p *model.Protocol, name string) bool {
	for _, sc := range p.Scenarios {
		if sc.Name == name {
			return true
		}
	}
	return false
}

// parseSize reads a size in bytes with an optional binary unit (KiB, MiB,
// GiB): "512MiB", "2GiB", "1048576". "0" means no limit (-1 for Options).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}}
	num, shift := s, uint(0)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			num, shift = strings.TrimSuffix(s, u.suffix), u.shift
			break
		}
	}
	n, err := strconv.ParseUint(strings.TrimSpace(num), 10, 63)
	if err != nil || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("not a size: a number of bytes, or of KiB, MiB, GiB or TiB")
	}
	if n == 0 {
		return -1, nil
	}
	return int64(n << shift), nil
}

// tuneGC trades memory for time in a search, which allocates many
// short-lived states: the collector runs when the heap has grown by 400%
// (not 100%), and harder as it nears the --max-memory limit. GOGC and
// GOMEMLIMIT in the environment take precedence.
// It returns a function that restores the settings.
func tuneGC(maxMem int64) (restore func()) {
	gc, limit := -2, int64(-2)
	if os.Getenv("GOGC") == "" {
		gc = debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" && maxMem > 0 {
		limit = debug.SetMemoryLimit(maxMem)
	}
	return func() {
		if gc != -2 {
			debug.SetGCPercent(gc)
		}
		if limit != -2 {
			debug.SetMemoryLimit(limit)
		}
	}
}
