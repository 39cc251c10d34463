package conformance

import (
	"crypto/sha256"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Verdict is the result of one instance.
type Verdict string

const (
	// Pass: every expectation held.
	Pass Verdict = "pass"
	// Fail: an expectation did not hold, or the IUT crashed, hung or
	// answered garbage.
	Fail Verdict = "fail"
	// Unsupported: the IUT does not implement the protocol, role, suite,
	// variant or an action the case needs.
	Unsupported Verdict = "unsupported"
	// Disabled: the configuration disables the case (with a reason).
	Disabled Verdict = "disabled"
	// XFail: the case failed and the configuration expects it to.
	XFail Verdict = "xfail"
	// XPass: the case passed although the configuration expects it to
	// fail; reported as a failure so that the configuration is updated.
	XPass Verdict = "xpass"
	// NotRun: the case was selected but not run to the end, with the
	// reason: the run was interrupted, stopped by --fail-fast, or the IUT
	// hung on an earlier case.
	NotRun Verdict = "not-run"
)

// Verdicts lists the verdicts in report order.
func Verdicts() []Verdict {
	return []Verdict{Pass, Fail, Unsupported, Disabled, XFail, XPass, NotRun}
}

// ReportFormat names the JSON report's format (conformance/report.schema.json).
const ReportFormat = "imcheck.conform/v1"

// Result is the verdict of one instance with what a person needs to act on
// it.
type Result struct {
	Name     string  `json:"name"`
	ID       string  `json:"id"`
	Clause   string  `json:"clause"`
	Summary  string  `json:"summary"`
	Protocol string  `json:"protocol"`
	Role     string  `json:"role"`
	Party    string  `json:"party"`
	Suite    string  `json:"suite"`
	Variant  string  `json:"variant"`
	Verdict  Verdict `json:"verdict"`
	// Detail says why the verdict is not pass (the failure, the reason a
	// case is disabled or expected to fail).
	Detail string `json:"detail,omitempty"`
	// IUTError marks a failure that is not an unmet expectation: the IUT
	// crashed, hung or answered garbage.
	IUTError bool `json:"iut_error,omitempty"`
	// Trace is what the gate delivered and the IUT answered, for failures
	// (bounded: docs/limits.md, "Gate").
	Trace []string `json:"trace,omitempty"`
	// elapsed is kept out of the reports, which must be byte for byte
	// reproducible.
	elapsed time.Duration
}

// Report is the outcome of a run. Its JSON form (WriteJSON) is described
// by conformance/report.schema.json and holds no timings, so that the same
// IUT gives the same bytes on every run; the JUnit form has timings.
type Report struct {
	Format string `json:"format"`
	// ImcheckVersion is the version of the imcheck that ran the gate.
	ImcheckVersion string `json:"imcheck_version"`
	// IUT names the implementation under test as the command line gave it;
	// Implementation is the name the shim gave in its hello.
	IUT            string    `json:"iut"`
	Implementation string    `json:"implementation,omitempty"`
	Catalogue      Catalog   `json:"catalogue"`
	Selection      Selection `json:"selection"`
	Coverage       Coverage  `json:"coverage"`
	// Interrupted: the run was stopped before every case ran.
	Interrupted bool            `json:"interrupted,omitempty"`
	Counts      map[Verdict]int `json:"counts"`
	// Failures groups the failing instances by case family and suite.
	Failures []FailureGroup `json:"failure_groups"`
	Results  []Result       `json:"results"`
	// started and elapsed are the run's wall-clock timings (JUnit only).
	started time.Time
	elapsed time.Duration
}

// Catalog identifies the catalogue a run drew from: its size and a digest
// of every instance's name, clause and summary.
type Catalog struct {
	Cases     int    `json:"cases"`
	Instances int    `json:"instances"`
	Digest    string `json:"digest"`
}

// Selection is what the run selected from the catalogue.
type Selection struct {
	Protocols []string `json:"protocols,omitempty"`
	Roles     []string `json:"roles,omitempty"`
	Suites    []string `json:"suites,omitempty"`
	Variants  []string `json:"variants,omitempty"`
	Run       []string `json:"run,omitempty"`
	Skip      []string `json:"skip,omitempty"`
	Instances int      `json:"instances"`
}

// Coverage is how much of the selection the IUT was actually tested on:
// the instances that ran to a verdict of their own (pass, fail, xfail,
// xpass) out of the selected ones.
type Coverage struct {
	Ran      int     `json:"ran"`
	Selected int     `json:"selected"`
	Percent  float64 `json:"percent"`
}

// FailureGroup counts the failing instances (fail and xpass) of one case
// family (PROTOCOL/MESSAGE) and suite.
type FailureGroup struct {
	Family string `json:"family"`
	Suite  string `json:"suite"`
	Failed int    `json:"failed"`
}

// Failed reports whether the run failed: a fail or an xpass.
func (r *Report) Failed() bool { return r.Counts[Fail]+r.Counts[XPass] > 0 }

// describe records the catalogue and the selection.
func (r *Report) describe(cases []Case, selected []Instance, opts Options) {
	r.Format, r.ImcheckVersion = ReportFormat, opts.Version
	if r.ImcheckVersion == "" {
		r.ImcheckVersion = "devel"
	}
	all, _ := Instances(cases, Options{})
	h := sha256.New()
	for _, in := range all {
		fmt.Fprintf(h, "%s\x00%s\x00%s\n", in.Name(), in.Case.Clause, in.Case.Summary)
	}
	r.Catalogue = Catalog{Cases: len(cases), Instances: len(all), Digest: fmt.Sprintf("sha256:%x", h.Sum(nil))}
	r.Selection = Selection{Protocols: opts.Protocols, Roles: opts.Roles, Suites: opts.Suites, Variants: opts.Variants,
		Run: opts.Run, Skip: opts.Skip, Instances: len(selected)}
}

func (r *Report) count() {
	r.Counts = map[Verdict]int{}
	for _, v := range Verdicts() {
		r.Counts[v] = 0
	}
	r.Failures = []FailureGroup{}
	index := map[[2]string]int{}
	for _, res := range r.Results {
		r.Counts[res.Verdict]++
		if res.Verdict != Fail && res.Verdict != XPass {
			continue
		}
		k := [2]string{family(res.ID), res.Suite}
		i, ok := index[k]
		if !ok {
			i = len(r.Failures)
			index[k] = i
			r.Failures = append(r.Failures, FailureGroup{Family: k[0], Suite: k[1]})
		}
		r.Failures[i].Failed++
	}
	ran := r.Counts[Pass] + r.Counts[Fail] + r.Counts[XFail] + r.Counts[XPass]
	r.Coverage = Coverage{Ran: ran, Selected: len(r.Results), Percent: 100}
	if len(r.Results) > 0 {
		r.Coverage.Percent = math.Floor(1000*float64(ran)/float64(len(r.Results))) / 10
	}
}

// family is a case ID's PROTOCOL/MESSAGE.
func family(id string) string {
	if i := strings.LastIndexByte(id, '/'); i > 0 {
		return id[:i]
	}
	return id
}

// CountLine is the one-line summary: "412 cases: 410 pass, 2 fail, …".
func (r *Report) CountLine() string {
	var parts []string
	for _, v := range Verdicts() {
		parts = append(parts, fmt.Sprintf("%d %s", r.Counts[v], v))
	}
	return fmt.Sprintf("%d cases: %s; coverage %.1f%%", len(r.Results), strings.Join(parts, ", "), r.Coverage.Percent)
}

// perGroup is how many failures of one group the summary spells out
// (all of them with -v).
const perGroup = 3

// WriteSummary writes the readable summary: the instances that did not
// pass with their detail (at most a few failures per family and suite,
// every instance when verbose), the failures grouped by family and suite,
// then the counts.
func (r *Report) WriteSummary(w io.Writer, verbose bool) {
	shown := map[[2]string]int{}
	notRun := 0
	for _, res := range r.Results {
		switch {
		case verbose:
		case res.Verdict == Pass || res.Verdict == Unsupported:
			continue
		case res.Verdict == NotRun:
			notRun++
			if notRun > 1 {
				continue
			}
		case res.Verdict == Fail || res.Verdict == XPass:
			k := [2]string{family(res.ID), res.Suite}
			if shown[k]++; shown[k] > perGroup {
				continue
			}
		}
		fmt.Fprintf(w, "%-11s %s  (%s)\n", strings.ToUpper(string(res.Verdict)), res.Name, res.Clause)
		if res.Detail != "" {
			fmt.Fprintf(w, "            %s\n", res.Detail)
		}
		if res.Verdict == Fail || res.Verdict == XPass {
			fmt.Fprintf(w, "            checks: %s\n", res.Summary)
		}
	}
	if notRun > 1 {
		fmt.Fprintf(w, "            … and %d more not run for the same reason or a like one\n", notRun-1)
	}
	if len(r.Failures) > 0 {
		fmt.Fprintln(w, "failures by case family and suite:")
		for _, g := range r.Failures {
			more := ""
			if !verbose && g.Failed > perGroup {
				more = fmt.Sprintf(" (%d shown above; -v lists all)", perGroup)
			}
			fmt.Fprintf(w, "  %-40s %-8s %4d%s\n", g.Family, g.Suite, g.Failed, more)
		}
	}
	fmt.Fprintf(w, "conform %s: %s\n", r.IUT, r.CountLine())
}
