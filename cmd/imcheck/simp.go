package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// SIMP commands: run, opcount (this file), serve and client (simp_net.go).
// Profile: docs/spec/simp.md.

func init() {
	register(command{
		name:    "run simp",
		summary: "run SIMP in memory (register, login, key exchange, messages) and print the transcript",
		exits:   []exitHelp{{exitOK, "the run completed"}, {exitFailure, "the honest run failed"}, {exitUsage, "bad arguments"}},
		run:     runSIMP,
	})
	register(command{
		name:    "opcount simp",
		summary: "count SIMP's cryptographic operations beside the paper's Table 1",
		exits:   []exitHelp{{exitOK, "the run completed"}, {exitFailure, "the honest run failed"}, {exitUsage, "bad arguments"}},
		run:     runOpcountSIMP,
	})
}

// simpOptions are the flags shared by every SIMP command.
type simpOptions struct {
	suite, variant *string
	seed           *uint64
	m, rounds      *int
}

func addSIMPFlags(fs *flag.FlagSet) simpOptions {
	return simpOptions{
		suite:   fs.String("suite", "classic", "cipher suite: "+fmt.Sprint(suite.Names())),
		variant: fs.String("variant", string(simp.AsPublished), "protocol variant: as-published or hardened"),
		seed:    fs.Uint64("seed", 1, "seed for every key and nonce (and the server's long-term key)"),
		m:       fs.Int("m", simp.DefaultM, fmt.Sprintf("number of session keys per key set (%d..%d)", simp.MinM, simp.MaxM)),
		rounds:  fs.Int("rounds", simp.DefaultRounds, fmt.Sprintf("intermediate-key rounds (%d..%d)", simp.MinRounds, simp.MaxRounds)),
	}
}

// check validates the shared flags; on error it says what is wrong.
func (o simpOptions) check(name string, stderr io.Writer) (*suite.Suite, simp.Variant, bool) {
	st, err := suite.ByName(*o.suite)
	if err == nil {
		var v simp.Variant
		if v, err = simp.ParseVariant(*o.variant); err == nil {
			if err = simp.CheckM(*o.m); err == nil {
				if err = simp.CheckRounds(*o.rounds); err == nil {
					return st, v, true
				}
			}
		}
	}
	fmt.Fprintf(stderr, "imcheck %s: %v\n", name, err)
	return nil, "", false
}

func (o simpOptions) runConfig(v simp.Variant) memrun.SIMPConfig {
	return memrun.SIMPConfig{Suite: *o.suite, Variant: v, Seed: *o.seed, M: *o.m, Rounds: *o.rounds}
}

// runSIMP implements: imcheck run simp [--suite NAME] [--variant NAME]
// [--seed N] [--m N] [--rounds N] [--mermaid].
func runSIMP(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run simp", stderr)
	o := addSIMPFlags(fs)
	mermaid := fs.Bool("mermaid", false, "print a Mermaid sequence diagram instead of the text transcript")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	_, v, ok := o.check("run simp", stderr)
	if !ok {
		return exitUsage
	}
	res, err := memrun.RunSIMP(o.runConfig(v))
	if err != nil {
		fmt.Fprintf(stderr, "imcheck run simp: %v\n", err)
		return exitFailure
	}
	if *mermaid {
		fmt.Fprint(stdout, res.Transcript.Mermaid())
		return exitOK
	}
	fmt.Fprintf(stdout, "SIMP %s, suite %s, seed %d, m=%d, rounds=%d\n\n", v, *o.suite, *o.seed, *o.m, *o.rounds)
	res.Transcript.Print(stdout)
	fmt.Fprintln(stdout, "\noperations per role:")
	for _, name := range []string{"S", "alice", "bob"} {
		fmt.Fprintf(stdout, "  %-6s %s\n", name, res.Ops[name])
	}
	return exitOK
}

// table1 is the SIMP column of the paper's Table 1 (S, C1, C2), in the
// order of suite.Ops.Rows; -1 marks the paper's "-".
var table1 = map[string][]int{
	"S":  {-1, -1, -1, -1, 6, 2, 4, 2},
	"C1": {1, 1, 1, 1, 4, 1, 2, 3},
	"C2": {1, 1, 1, 1, 4, 1, 2, 3},
}

// runOpcountSIMP implements: imcheck opcount simp [--suite NAME]
// [--variant NAME] [--seed N] [--m N] [--rounds N].
func runOpcountSIMP(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("opcount simp", stderr)
	o := addSIMPFlags(fs)
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	_, v, ok := o.check("opcount simp", stderr)
	if !ok {
		return exitUsage
	}
	res, err := memrun.RunSIMP(o.runConfig(v))
	if err != nil {
		fmt.Fprintf(stderr, "imcheck opcount simp: %v\n", err)
		return exitFailure
	}
	counted := simpTable1Ops(res)
	fmt.Fprintf(stdout, "SIMP %s, suite %s: one login each, one key exchange (alice initiates), one message each way\n", v, *o.suite)
	fmt.Fprintln(stdout, "(measured | paper's Table 1; C1 = alice, C2 = bob; differences: docs/spec/simp.md §\"Operation counts\")")
	fmt.Fprintf(stdout, "\n%-24s %12s %12s %12s\n", "operation", "S", "C1 alice", "C2 bob")
	rows := map[string][]suite.OpRow{"S": counted["S"].Rows(), "C1": counted["C1"].Rows(), "C2": counted["C2"].Rows()}
	for i, r := range rows["S"] {
		fmt.Fprintf(stdout, "%-24s", r.Name)
		for _, who := range []string{"S", "C1", "C2"} {
			fmt.Fprintf(stdout, " %12s", cell(rows[who][i].Count, table1[who], i))
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "\nnot in the table: each key set costs %d offline hashes to generate (m=%d, rounds=%d);\n", simp.KeyGenHashes(*o.m, *o.rounds), *o.m, *o.rounds)
	fmt.Fprintln(stdout, "each login draws a one-time key pair; registration (R1/R2) is excluded, as in the paper.")
	return exitOK
}

// simpTable1Ops sums a run's operations over the phases the paper's Table 1
// covers (login, key exchange, messaging; not registration), keyed by the
// table's columns: S, C1 (the first user) and C2 (the second).
func simpTable1Ops(res *memrun.SIMPResult) map[string]suite.Ops {
	sum := map[string]suite.Ops{}
	for _, ph := range res.Phases {
		if ph.Name == "register" {
			continue
		}
		for name, ops := range ph.Ops {
			c := sum[name]
			c.Add(ops)
			sum[name] = c
		}
	}
	return map[string]suite.Ops{"S": sum["S"], "C1": sum["alice"], "C2": sum["bob"]}
}
