package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/imcheck/imcheck/model"
)

func init() {
	register(command{
		name:     "check",
		summary:  "search the symbolic models for attacks (Dolev-Yao, bounded)",
		synopsis: "[FILE...] [flags]",
		args:     []argHelp{{"FILE", "a model in the protocol language (docs/model.md); none: every shipped model"}},
		exits: []exitHelp{
			{exitOK, "every claim holds: no attack within the bound (or proved), and every claim was reached"},
			{exitFailure, "an attack on some claim (a trace the independent trace checker replayed)"},
			{exitUsage, "bad arguments, or a model file that does not parse or check (file:line:col)"},
			{exitUndecided, "no attack, but some search stopped at --timeout or some claim was never reached"},
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
	files, status, ok := parseInterleaved(fs, args)
	if !ok {
		return status
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
	if len(files) == 0 {
		for _, f := range model.Shipped() {
			p, err := model.LoadShipped(f)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return exitUsage
			}
			protos = append(protos, p)
		}
	}
	for _, f := range files {
		p, err := model.LoadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		protos = append(protos, p)
	}
	for _, p := range protos {
		for _, w := range p.Warnings {
			fmt.Fprintln(stderr, w)
		}
	}
	opt := model.Options{Sessions: *sessions, Timeout: *timeout, Progress: stderr}
	var reps []*model.Report
	for _, p := range protos {
		rep, err := model.Check(context.Background(), p, opt)
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
	var scenarios, attacks, proved, holds, other, states int
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
				default:
					other++ // undecided, or never reached in the scenario
				}
			}
		}
	}
	fmt.Fprintf(w, "\nsummary: %s, %s, %s: %s attacked, %d proved, %d hold within the bound, %d undecided or not reached\n",
		model.Count(len(reps), "model"), model.Count(scenarios, "scenario"), model.Count(states, "state"),
		model.Count(attacks, "claim"), proved, holds, other)
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
