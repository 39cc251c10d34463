package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/imcheck/imcheck/adversary"
	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/internal/version"
	"github.com/imcheck/imcheck/model"
)

func init() {
	register(command{
		name:    "attack list",
		summary: "list the adversary's attacks on SIMP and IMKE",
		exits:   []exitHelp{{exitOK, "the list was printed"}, {exitUsage, "bad arguments (an unknown --protocol)"}},
		run:     runAttackList,
	})
	register(command{
		name:     "attack replay",
		summary:  "run an attack (ID, model claim or TRACE.json) against the reference implementation",
		synopsis: "ID|MODEL/SCENARIO#CLAIM|TRACE.json|REPORT.json [flags]",
		args: []argHelp{
			{"ID", "an attack of 'imcheck attack list'"},
			{"MODEL/SCENARIO#CLAIM", "a claim a shipped model has an attack on (as docs/claims.md names it): the model's trace, concretised"},
			{"TRACE.json", "a trace written by --trace"},
			{"REPORT.json", "a model report ('imcheck check --format json'): every attack in it, concretised"},
		},
		exits: []exitHelp{
			{exitOK, "the implementation blocked the attack where declared, and no property was violated"},
			{exitFailure, "the run violated a property, or the attack was not blocked where declared"},
			{exitUsage, "bad arguments or an unreadable trace or report"},
			{exitUndecided, "REPORT.json or MODEL/SCENARIO#CLAIM: no attack reproduced, and γ could not run some model attack on the code; or --timeout reached"},
		},
		run: runAttackReplay,
	})
}

// runAttackList implements: imcheck attack list [--protocol P] [--json].
func runAttackList(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("attack list", stderr)
	protocol := fs.String("protocol", "", "only this protocol's attacks (simp, imke)")
	asJSON := fs.Bool("json", false, "print JSON")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	if *protocol != "" && !slices.Contains(harness.Names(), *protocol) {
		fmt.Fprintf(stderr, "imcheck attack list: --protocol %q: unknown protocol (known: %s)\n", *protocol, strings.Join(harness.Names(), ", "))
		return exitUsage
	}
	type row struct {
		ID       string              `json:"id"`
		Protocol string              `json:"protocol"`
		Source   string              `json:"source"`
		Weakness string              `json:"weakness"`
		Title    string              `json:"title"`
		Expect   []adversary.Expect  `json:"expect"`
		Fixed    bool                `json:"fixed_in_hardened"`
		Claims   []adversary.ClaimID `json:"model_claims,omitempty"`
	}
	var rows []row
	for _, a := range adversary.Attacks() {
		if *protocol != "" && a.Protocol != *protocol {
			continue
		}
		rows = append(rows, row{a.ID, a.Protocol, a.Source, a.Weakness, a.Title, a.Expect, !a.NotFixed, adversary.ClaimsOf(a.ID)})
	}
	if *asJSON {
		printJSON(stdout, rows)
		return exitOK
	}
	for _, r := range rows {
		fmt.Fprintf(stdout, "%-28s %-5s %-8s %s\n", r.ID, r.Protocol, r.Source, r.Weakness)
		fmt.Fprintf(stdout, "%-28s %s\n", "", r.Title)
		for _, c := range r.Claims {
			fmt.Fprintf(stdout, "%-28s model: %s\n", "", c)
		}
	}
	return exitOK
}

// runAttackReplay implements: imcheck attack replay ID|TRACE.json
// [--variant NAME] [--suite NAME] [--seed N] [--json] [--trace FILE]
// [--mermaid FILE]. Exit status: 1 the attack violated a property, 0 the
// implementation blocked it (or it violated nothing), 2 bad input.
func runAttackReplay(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("attack replay", stderr)
	variant := fs.String("variant", "", "variant: as-published or hardened (default: as-published, or the trace's)")
	suiteName := fs.String("suite", "", "suite: classic, modern or pq (default: modern, or the trace's)")
	seed := fs.Uint64("seed", 0, "run seed (default: 1, or the trace's)")
	asJSON := fs.Bool("json", false, "print the verdict as JSON")
	traceOut := fs.String("trace", "", "write the run's trace as JSON to this file")
	mermaidOut := fs.String("mermaid", "", "write the run's trace as a Mermaid sequence diagram to this file")
	timeout := fs.Duration("timeout", 0, "stop the whole command (reading the file included) after this long; 0 means no limit")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: imcheck attack replay ID|MODEL/SCENARIO#CLAIM|TRACE.json|REPORT.json [--variant NAME] [--suite NAME] [--seed N] [--timeout D]")
		return exitUsage
	}
	if *timeout < 0 {
		fmt.Fprintf(stderr, "imcheck attack replay: --timeout %v: must not be negative (0 means no limit)\n", *timeout)
		return exitUsage
	}
	outs, err := createOutputs(*traceOut, *mermaidOut)
	if err != nil {
		fmt.Fprintln(stderr, "imcheck attack replay:", err)
		return exitUsage
	}
	defer outs.close()
	return withDeadline("attack replay", *timeout, stdout, stderr, func(stdout, stderr io.Writer, _ func(func())) int {
		return attackReplay(pos[0], *variant, *suiteName, *seed, *asJSON, *traceOut, *mermaidOut, outs, stdout, stderr)
	})
}

// attackReplay is attack replay's work once its flags are checked.
func attackReplay(arg, variant, suiteName string, seed uint64, asJSON bool, traceOut, mermaidOut string, outs *outputs, stdout, stderr io.Writer) int {
	var v *adversary.Verdict
	var err error
	if strings.HasSuffix(arg, ".json") {
		b, rerr := adversary.ReadFile(arg)
		if rerr != nil {
			printInputErr(stderr, "imcheck attack replay:", rerr)
			return exitUsage
		}
		if adversary.IsModelReport(b) {
			return replayModelReport(arg, b, suiteName, variant, seed, stdout, stderr)
		}
		t, terr := adversary.ReadTrace(b)
		if terr != nil {
			printInputErr(stderr, "imcheck attack replay:", adversary.Locate(arg, b, terr))
			return exitUsage
		}
		v, err = adversary.ReplayTrace(t, suiteName, variant, seed)
	} else if c, ok := modelClaimID(arg); ok {
		return replayModelClaim(c, variant, suiteName, seed, asJSON, traceOut, mermaidOut, outs, stdout, stderr)
	} else {
		a, lerr := adversary.LookupAttack(arg)
		if lerr != nil {
			fmt.Fprintln(stderr, "imcheck attack replay:", lerr)
			return exitUsage
		}
		v, err = a.Run(orDefault(suiteName, "modern"), orDefault(variant, "as-published"), max(seed, 1))
	}
	if err != nil {
		fmt.Fprintln(stderr, "imcheck attack replay:", err)
		return exitUsage
	}
	if err := writeRun(outs, traceOut, mermaidOut, v.Trace); err != nil {
		fmt.Fprintln(stderr, "imcheck attack replay:", err)
		return exitFailure
	}
	if asJSON {
		printJSON(stdout, struct {
			Imcheck string `json:"imcheck_version"`
			*adversary.Verdict
		}{version.String(), v})
	} else {
		printVerdict(stdout, v)
	}
	if len(v.Violations) > 0 || !v.BlockedAsDeclared() {
		return exitFailure
	}
	return exitOK
}

// writeRun writes the run's trace where --trace (JSON) and --mermaid
// say, and keeps the files.
func writeRun(outs *outputs, traceOut, mermaidOut string, tr *adversary.Trace) error {
	var err error
	if f := outs.get(traceOut); f != nil {
		err = tr.WriteJSON(f)
	}
	if err == nil {
		err = outs.write(mermaidOut, []byte(tr.Mermaid()))
	}
	if err == nil {
		outs.done()
	}
	return err
}

// printJSON prints v as indented JSON.
func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// modelClaimID parses MODEL/SCENARIO#CLAIM, a model claim as attack IDs
// and docs/claims.md name it.
func modelClaimID(arg string) (adversary.ClaimID, bool) {
	ms, claim, ok := strings.Cut(arg, "#")
	if !ok {
		return adversary.ClaimID{}, false
	}
	m, s, ok := strings.Cut(ms, "/")
	if !ok || m == "" || s == "" || claim == "" {
		return adversary.ClaimID{}, false
	}
	return adversary.ClaimID{Model: m, Scenario: s, Claim: claim}, true
}

// replayModelClaim checks the shipped model, takes its attack trace on c
// and replays it on the code with γ: the steps and the verdict as
// replayGamma prints them (or the γ result as JSON), the run's trace
// written where --trace and --mermaid say.
func replayModelClaim(c adversary.ClaimID, variant, suiteName string, seed uint64, asJSON bool, traceOut, mermaidOut string, outs *outputs, stdout, stderr io.Writer) int {
	t, err := adversary.ShippedModelTrace(c)
	if err != nil {
		fmt.Fprintln(stderr, "imcheck attack replay:", err)
		return exitUsage
	}
	v := orDefault(variant, t.Variant())
	g, err := t.Concretise(orDefault(suiteName, "modern"), v, max(seed, 1))
	if err != nil {
		fmt.Fprintln(stderr, "imcheck attack replay:", err)
		return exitUndecided
	}
	if g.Verdict != nil && g.Verdict.Trace != nil {
		if err := writeRun(outs, traceOut, mermaidOut, g.Verdict.Trace); err != nil {
			fmt.Fprintln(stderr, "imcheck attack replay:", err)
			return exitFailure
		}
	}
	if asJSON {
		printJSON(stdout, struct {
			Imcheck string `json:"imcheck_version"`
			*adversary.GammaResult
		}{version.String(), g})
	} else {
		printGamma(stdout, t, v, g)
	}
	return gammaStatus(g)
}

// printInputErr prints an input error on one line: a located one
// (adversary: FILE:LINE:COL: ...) as it is, any other after prefix.
func printInputErr(w io.Writer, prefix string, err error) {
	var fe *adversary.FileError
	if errors.As(err, &fe) {
		fmt.Fprintln(w, fe)
		return
	}
	fmt.Fprintln(w, prefix, err)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func printVerdict(w io.Writer, v *adversary.Verdict) {
	fmt.Fprintf(w, "attack %s on %s %s (suite %s, seed %d)\n", v.Attack, v.Trace.Protocol, v.Variant, v.Suite, v.Seed)
	v.Trace.Print(w)
	switch {
	case v.Succeeded():
		fmt.Fprintln(w, "\nRESULT: the attack succeeded; it violated:")
		for _, x := range v.Expected {
			fmt.Fprintf(w, "  %s\n", x)
		}
	case len(v.Violations) > 0:
		fmt.Fprintln(w, "\nRESULT: the attack did not do what it set out to, but the run violated:")
		for _, x := range v.Violations {
			fmt.Fprintf(w, "  %s\n", x)
		}
	case !v.BlockedAsDeclared():
		fmt.Fprintf(w, "\nRESULT: NOT blocked as declared: %s\n", strings.TrimPrefix(v.WrongBlock, "adversary: "))
	case v.Blocked != nil:
		fmt.Fprintf(w, "\nRESULT: blocked: at step %d, %s rejected %s with %s\n  %s\n", v.Blocked.Step, v.Blocked.Party, v.Blocked.Label, v.Blocked.Alert, v.Blocked.AlertText)
	default:
		fmt.Fprintln(w, "\nRESULT: no property was violated")
	}
	if v.Declared != nil && v.BlockedAsDeclared() && len(v.Violations) == 0 {
		fmt.Fprintf(w, "  as the attack declares (%s)\n", v.Declared)
	}
	if len(v.Violations) > 0 && v.Blocked != nil {
		fmt.Fprintf(w, "  (the script was stopped at step %d: %s rejected %s with %s)\n", v.Blocked.Step, v.Blocked.Party, v.Blocked.Label, v.Blocked.Alert)
	}
}

// replayModelReport concretises every attack of a model report (`imcheck
// check --format json`) with γ, on the variant the model describes (or
// --variant), and reports step by step what it did and the verdict of the
// claim's own oracle. Exit 1 if any attack reproduced on the code or a
// replay was not blocked where the profile declares.
func replayModelReport(file string, b []byte, suiteName, variant string, seed uint64, stdout, stderr io.Writer) int {
	traces, err := adversary.ReadModelTraces(b)
	if err != nil {
		printInputErr(stderr, "imcheck attack replay:", adversary.Locate(file, b, err))
		return exitUsage
	}
	// An attack reproduced decides; a trace γ could not run leaves the
	// report undecided.
	status := exitOK
	for _, t := range traces {
		switch replayGamma(t, suiteName, variant, seed, stdout) {
		case exitFailure:
			status = exitFailure
		case exitUndecided:
			if status == exitOK {
				status = exitUndecided
			}
		}
	}
	return status
}

func init() {
	register(command{
		name:    "attack claims",
		summary: "fill docs/claims.md's concrete verdict column by replaying each model attack on the code",
		exits:   []exitHelp{{exitOK, "the table was updated"}, {exitFailure, "the table could not be written"}, {exitUsage, "bad arguments or no table to read"}, {exitUndecided, "--timeout reached: the table was left as it was"}},
		run:     runAttackClaims,
	})
}

// runAttackClaims implements: imcheck attack claims [-o FILE]. For every
// row of the claims table whose attack ID (`model/scenario#claim`) an
// adversary script concretises, it runs the script on the variant the
// model describes and writes the result into the row's last cell; other
// rows are left as they are. `imcheck claims` keeps the column when it
// regenerates the table.
func runAttackClaims(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("attack claims", stderr)
	file := fs.String("o", "docs/claims.md", "the claims table to update")
	timeout := fs.Duration("timeout", 0, "stop after this long, leaving the table as it was; 0 means no limit")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	if *timeout < 0 {
		fmt.Fprintf(stderr, "imcheck attack claims: --timeout %v: must not be negative (0 means no limit)\n", *timeout)
		return exitUsage
	}
	start := time.Now()
	late := func() bool {
		if *timeout > 0 && time.Since(start) > *timeout {
			fmt.Fprintf(stderr, "imcheck attack claims: stopped: --timeout %v reached; %s left as it was (undecided)\n", *timeout, *file)
			return true
		}
		return false
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(stderr, "imcheck attack claims:", err)
		return exitUsage
	}
	lines := strings.Split(string(b), "\n")
	filled := 0
	for i, line := range lines {
		id, ok := claimRowID(line)
		if !ok {
			continue
		}
		if late() {
			return exitUndecided
		}
		c := adversary.ConcreteVerdict(id.Model, id.Scenario, id.Claim)
		if c == "" {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimSpace(line), "|"), "|")
		cells[len(cells)-1] = " " + c + " "
		lines[i] = strings.Join(cells, "|") + "|"
		filled++
		fmt.Fprintf(stderr, "%s/%s#%s: %s\n", id.Model, id.Scenario, id.Claim, c)
	}
	if late() {
		return exitUndecided
	}
	if err := os.WriteFile(*file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		fmt.Fprintln(stderr, "imcheck attack claims:", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "filled %d concrete verdicts in %s\n", filled, *file)
	return exitOK
}

// claimRowID finds the attack ID cell (`model/scenario#claim`) of a table
// row.
func claimRowID(line string) (adversary.ClaimID, bool) {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
		return adversary.ClaimID{}, false
	}
	for _, c := range strings.Split(line, "|") {
		c = strings.TrimSpace(c)
		if !strings.HasPrefix(c, "`") || !strings.HasSuffix(c, "`") || !strings.Contains(c, "#") {
			continue
		}
		c = strings.Trim(c, "`")
		ms, claim, _ := strings.Cut(c, "#")
		m, s, ok := strings.Cut(ms, "/")
		if ok {
			return adversary.ClaimID{Model: m, Scenario: s, Claim: claim}, true
		}
	}
	return adversary.ClaimID{}, false
}

// replayGamma concretises one model trace with γ and reports, per model
// step, what it did on the concrete network, then the verdict. Exit 1 if
// the concrete run violates the model claim for its claimant and peer, or
// a hardened replay was not blocked where the profile declares.
func replayGamma(t adversary.ModelTrace, suiteName, variant string, seed uint64, stdout io.Writer) int {
	v := orDefault(variant, t.Variant())
	g, err := t.Concretise(orDefault(suiteName, "modern"), v, max(seed, 1))
	if err != nil {
		fmt.Fprintf(stdout, "%s: model attack (%s) — γ: %v\n", t.Claim, model.Count(len(t.Steps), "step"), err)
		return exitUndecided
	}
	printGamma(stdout, t, v, g)
	return gammaStatus(g)
}

// printGamma prints γ's replay of t on variant v: per model step what it
// did on the concrete network, then the verdict.
func printGamma(stdout io.Writer, t adversary.ModelTrace, v string, g *adversary.GammaResult) {
	fmt.Fprintf(stdout, "%s: model attack (%s) → γ on %s:\n", t.Claim, model.Count(len(t.Steps), "step"), v)
	for _, s := range g.Steps {
		fmt.Fprintf(stdout, "    %-22s %s\n", s.Model, s.Action)
	}
	fmt.Fprintf(stdout, "  → %s\n", g.Summary())
}

// gammaStatus is the exit status of a γ replay: 1 if the run violated the
// model claim for its claimant and peer, or a hardened replay was not
// blocked where the profile declares.
func gammaStatus(g *adversary.GammaResult) int {
	if g.Reproduced() || !g.Verdict.BlockedAsDeclared() {
		return exitFailure
	}
	return exitOK
}
