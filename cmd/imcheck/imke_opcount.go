package main

import (
	"fmt"
	"io"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// Operation counts beside the SIMP paper's Table 1 (docs/spec/imke.md §13).

func init() {
	register(command{
		name:    "opcount imke",
		summary: "count IMKE's cryptographic operations beside the SIMP paper's Table 1 IMKE column",
		exits:   []exitHelp{{exitOK, "the run completed"}, {exitFailure, "the honest run failed"}, {exitUsage, "bad arguments"}},
		run:     runOpcountIMKE,
	})
	register(command{
		name:    "opcount",
		summary: "count SIMP's and IMKE's operations side by side (Table 1 workload)",
		exits:   []exitHelp{{exitOK, "the run completed"}, {exitFailure, "the honest run failed"}, {exitUsage, "bad arguments"}},
		run:     runOpcountCompare,
	})
}

// The SIMP paper's Table 1 (S, C1, C2) in the order of suite.Ops.Rows
// (without key derivations, which the table does not have); -1 is "-".
var (
	table1IMKE = map[string][]int{
		"S":  {1, 1, -1, -1, 3, 5, -1, 1},
		"C1": {2, 2, -1, -1, 6, 9, -1, 2},
		"C2": {2, 2, -1, -1, 6, 9, -1, 2},
	}
	table1SIMP = map[string][]int{
		"S":  {-1, -1, -1, -1, 6, 2, 4, 2},
		"C1": {1, 1, 1, 1, 4, 1, 2, 3},
		"C2": {1, 1, 1, 1, 4, 1, 2, 3},
	}
)

// cell renders "measured | paper".
func cell(measured int, paper []int, i int) string {
	p := "n/a"
	if i < len(paper) {
		p = "-"
		if paper[i] >= 0 {
			p = fmt.Sprint(paper[i])
		}
	}
	return fmt.Sprintf("%d | %-3s", measured, p) // paper part padded so the bars line up
}

// imkeTable1Ops runs IMKE's Table 1 workload and returns the totals of S,
// C1 (alice) and C2 (bob), and the run.
func imkeTable1Ops(s *suite.Suite, v imke.Variant, st imke.PasswordStorage, seed uint64) (map[string]suite.Ops, *memrun.IMKEResult, error) {
	res, err := memrun.RunIMKE(memrun.IMKEConfig{Suite: s, Variant: v, Seed: seed, Storage: st, Script: imke.Table1Script})
	if err != nil {
		return nil, nil, err
	}
	return map[string]suite.Ops{"S": res.Ops["S"], "C1": res.Ops["alice"], "C2": res.Ops["bob"]}, res, nil
}

// runOpcountIMKE implements: imcheck opcount imke [--suite NAME]
// [--variant NAME] [--storage S] [--seed N].
func runOpcountIMKE(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("opcount imke", stderr)
	o := addIMKEFlags(fs, "classic")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	s, v, st, ok := o.check("opcount imke", stderr)
	if !ok {
		return exitUsage
	}
	ops, res, err := imkeTable1Ops(s, v, st, *o.seed)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck opcount imke: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "IMKE %s, suite %s, storage %s: one login each, one public-key distribution (b1/b2),\none session-key transport (c1–c3, alice initiates), one 4.7 each way\n", v, s.Name, st)
	fmt.Fprintln(stdout, "(measured | paper's Table 1 IMKE column; C1 = alice, C2 = bob; differences: docs/spec/imke.md §13)")
	fmt.Fprintf(stdout, "\n%-24s %12s %12s %12s\n", "operation", "S", "C1 alice", "C2 bob")
	for i, r := range ops["S"].Rows() {
		fmt.Fprintf(stdout, "%-24s", r.Name)
		for _, who := range []string{"S", "C1", "C2"} {
			fmt.Fprintf(stdout, " %12s", cell(ops[who].Rows()[i].Count, table1IMKE[who], i))
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "%-24s", "Hash + key derivations")
	for _, who := range []string{"S", "C1", "C2"} {
		fmt.Fprintf(stdout, " %12s", cell(ops[who].Hash+ops[who].KDF, table1IMKE[who], 5))
	}
	fmt.Fprintln(stdout, "\n\nper action (S / alice / bob):")
	for _, ph := range res.Phases {
		fmt.Fprintf(stdout, "  %-28s\n", ph.Action)
		for _, name := range res.Parties {
			fmt.Fprintf(stdout, "    %-6s %s\n", name, ph.Ops[name])
		}
	}
	fmt.Fprintln(stdout, "\nthe paper folds key derivation (f4, f5, f8, f9) into hashing; its S column is one login's worth.")
	return exitOK
}

// runOpcountCompare implements: imcheck opcount [--suite NAME]
// [--seed N]: SIMP's and IMKE's as-published counts side by side on the
// Table 1 workload.
func runOpcountCompare(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("opcount", stderr)
	suiteName := fs.String("suite", "classic", "cipher suite: classic, modern or pq")
	seed := fs.Uint64("seed", 1, "seed of every key, password and nonce")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	s, err := suite.ByName(*suiteName)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck opcount: %v\n", err)
		return exitUsage
	}
	im, _, err := imkeTable1Ops(s, imke.AsPublished, imke.StorePassword, *seed)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck opcount: %v\n", err)
		return exitFailure
	}
	sr, err := memrun.RunSIMP(memrun.SIMPConfig{Suite: s.Name, Variant: simp.AsPublished, Seed: *seed})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck opcount: %v\n", err)
		return exitFailure
	}
	sm := simpTable1Ops(sr)
	fmt.Fprintf(stdout, "SIMP and IMKE as published, suite %s: one login each, one key exchange, one message each way\n", s.Name)
	fmt.Fprintln(stdout, "(measured | SIMP paper's Table 1; SIMP registration excluded; IMKE hash includes its key derivations)")
	fmt.Fprintf(stdout, "\n%-24s %10s %10s %10s   %10s %10s %10s\n", "operation", "SIMP S", "SIMP C1", "SIMP C2", "IMKE S", "IMKE C1", "IMKE C2")
	var totals [2][3]int
	for i, r := range sm["S"].Rows() {
		fmt.Fprintf(stdout, "%-24s", r.Name)
		for j, who := range []string{"S", "C1", "C2"} {
			n := sm[who].Rows()[i].Count
			totals[0][j] += n
			fmt.Fprintf(stdout, " %10s", cell(n, table1SIMP[who], i))
		}
		fmt.Fprint(stdout, "  ")
		for j, who := range []string{"S", "C1", "C2"} {
			n := im[who].Rows()[i].Count
			if r.Name == "Hash operations" {
				n += im[who].KDF
			}
			if r.Name == "Key derivations" {
				n = 0
			}
			totals[1][j] += n
			fmt.Fprintf(stdout, " %10s", cell(n, table1IMKE[who], i))
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "%-24s %10d %10d %10d   %10d %10d %10d\n", "all operations", totals[0][0], totals[0][1], totals[0][2], totals[1][0], totals[1][1], totals[1][2])
	pk := func(o suite.Ops) int { return o.PKEncrypt + o.PKDecrypt + o.SigGen + o.SigVerify }
	fmt.Fprintf(stdout, "%-24s %10d %10d %10d   %10d %10d %10d\n", "public-key operations", pk(sm["S"]), pk(sm["C1"]), pk(sm["C2"]), pk(im["S"]), pk(im["C1"]), pk(im["C2"]))
	fmt.Fprintln(stdout, "\ncounts say nothing of cost: see `go test -bench . ./impl/imke/` for time (docs/spec/imke.md §14).")
	return exitOK
}
