// Command score compares two runs of the mutation tool over the same
// packages (make mutation): one with the project's unit tests, one with
// the conformance gate as the test. It prints, per package and in total,
// how many mutants each killed and the gate's score relative to the unit
// tests (mutants both killed / mutants the unit tests killed), then every
// mutant the gate did not kill, as a Markdown list for docs/conformance.md.
// It exits 1 when the gate's relative score is below -min percent.
//
//	go run ./conformance/mutation/score [-min 90] [-outside FILES] DIR
//
// DIR holds unit-PKG.json and gate-PKG.json (gremlins --output). -outside
// lists files (PKG/FILE, comma-separated) that are not part of any role:
// code no implementation under test has, which the gate cannot observe
// (the transcript decoder, the fingerprint for a person, the export and
// import of the state a restart keeps, for which the shim protocol has no
// request; the in-memory run driver behind `imcheck run` is impl/memrun,
// outside the packages measured). A second score leaves them out, and the lines that match
// -unobservable in the sources under -src (by default the operation
// counters behind `imcheck opcount`, which no implementation under test
// has either).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type report struct {
	Files []struct {
		FileName  string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

// statuses maps each mutant (file:line:column type) to its status.
func statuses(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]string{}
	for _, f := range r.Files {
		for _, m := range f.Mutations {
			out[fmt.Sprintf("%s:%d:%d %s", f.FileName, m.Line, m.Column, m.Type)] = m.Status
		}
	}
	return out, nil
}

// killed: a failing test, or one that no longer finishes.
func killed(status string) bool { return status == "KILLED" || status == "TIMED OUT" }

func main() {
	min := flag.Float64("min", 90, "the lowest acceptable score of the gate relative to the unit tests (role code), in percent")
	outsideF := flag.String("outside", "simp/describe.go,imke/describe.go,imke/fingerprint.go",
		"files outside the roles (PKG/FILE, comma-separated), left out of the second score")
	unobservable := flag.String("unobservable", `\bOps\.\w+\+\+`, "a regexp: source lines outside the roles, left out of the second score")
	src := flag.String("src", "impl", "the directory that holds the packages' sources")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: score [-min P] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	units, _ := filepath.Glob(filepath.Join(dir, "unit-*.json"))
	if len(units) == 0 {
		fmt.Fprintf(os.Stderr, "score: no unit-*.json in %s\n", dir)
		os.Exit(2)
	}
	sort.Strings(units)
	unobs, err := regexp.Compile(*unobservable)
	if err != nil {
		fmt.Fprintln(os.Stderr, "score: -unobservable:", err)
		os.Exit(2)
	}
	sources := map[string][]string{}
	lineOf := func(pkg, key string) string {
		file, rest, _ := strings.Cut(key, ":")
		n, _ := strconv.Atoi(strings.SplitN(rest, ":", 2)[0])
		path := filepath.Join(*src, pkg, file)
		if _, ok := sources[path]; !ok {
			b, _ := os.ReadFile(path)
			sources[path] = strings.Split(string(b), "\n")
		}
		if l := sources[path]; n >= 1 && n <= len(l) {
			return l[n-1]
		}
		return ""
	}
	outside := map[string]bool{}
	for _, f := range strings.Split(*outsideF, ",") {
		if f != "" {
			outside[f] = true
		}
	}
	var tu, tg, tboth, tgRun, ru, rboth int
	var missed []string
	fmt.Printf("%-8s %8s %12s %12s %12s %10s\n", "package", "mutants", "unit killed", "gate killed", "both", "gate/unit")
	for _, u := range units {
		pkg := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(u), "unit-"), ".json")
		us, err := statuses(u)
		if err != nil {
			fmt.Fprintln(os.Stderr, "score:", err)
			os.Exit(2)
		}
		gs, err := statuses(filepath.Join(dir, "gate-"+pkg+".json"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "score:", err)
			os.Exit(2)
		}
		var nu, ng, both int
		keys := make([]string, 0, len(us))
		for k := range us {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			g := gs[k]
			if killed(us[k]) {
				nu++
			}
			if killed(g) {
				ng++
			}
			if killed(us[k]) && killed(g) {
				both++
			}
			if !outside[pkg+"/"+strings.SplitN(k, ":", 2)[0]] && !unobs.MatchString(lineOf(pkg, k)) {
				if killed(us[k]) {
					ru++
				}
				if killed(us[k]) && killed(g) {
					rboth++
				}
			}
			if g == "KILLED" || g == "LIVED" || g == "TIMED OUT" {
				tgRun++
			}
			if !killed(g) && g != "NOT VIABLE" && (killed(us[k]) || g == "LIVED") {
				missed = append(missed, fmt.Sprintf("- `impl/%s/%s` — gate: %s, unit tests: %s", pkg, k, strings.ToLower(g), strings.ToLower(us[k])))
			}
		}
		fmt.Printf("%-8s %8d %12d %12d %12d %9.1f%%\n", pkg, len(us), nu, ng, both, pct(both, nu))
		tu, tg, tboth = tu+nu, tg+ng, tboth+both
	}
	fmt.Printf("%-8s %8s %12d %12d %12d %9.1f%%\n", "total", "", tu, tg, tboth, pct(tboth, tu))
	score := pct(rboth, ru)
	fmt.Printf("roles    %8s %12d %12s %12d %9.1f%%   (without %s and lines matching %s)\n", "", ru, "", rboth, score, *outsideF, *unobservable)
	fmt.Printf("\nthe gate killed %d of the %d mutants it ran (%.1f%%)\n", tg, tgRun, pct(tg, tgRun))
	fmt.Printf("\nmutants the gate did not kill (the unit tests killed them, or neither did):\n")
	for _, m := range missed {
		fmt.Println(m)
	}
	if score < *min {
		fmt.Fprintf(os.Stderr, "score: the gate's score %.1f%% of the unit tests' is below %g%%\n", score, *min)
		os.Exit(1)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}
