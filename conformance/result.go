package conformance

import (
	"fmt"
	"io"
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
)

// Verdicts lists the verdicts in report order.
func Verdicts() []Verdict { return []Verdict{Pass, Fail, Unsupported, Disabled, XFail, XPass} }

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
	// Trace is what the gate delivered and the IUT answered, for failures.
	Trace []string `json:"trace,omitempty"`
	// elapsed is kept out of the reports, which must be byte for byte
	// reproducible.
	elapsed time.Duration
}

// Report is the outcome of a run.
type Report struct {
	IUT     string          `json:"iut"`
	Results []Result        `json:"results"`
	Counts  map[Verdict]int `json:"counts"`
}

// Failed reports whether the run failed: a fail or an xpass.
func (r *Report) Failed() bool { return r.Counts[Fail]+r.Counts[XPass] > 0 }

func (r *Report) count() {
	r.Counts = map[Verdict]int{}
	for _, v := range Verdicts() {
		r.Counts[v] = 0
	}
	for _, res := range r.Results {
		r.Counts[res.Verdict]++
	}
}

// CountLine is the one-line summary: "412 cases: 410 pass, 2 fail, …".
func (r *Report) CountLine() string {
	var parts []string
	for _, v := range Verdicts() {
		parts = append(parts, fmt.Sprintf("%d %s", r.Counts[v], v))
	}
	return fmt.Sprintf("%d cases: %s", len(r.Results), strings.Join(parts, ", "))
}

// WriteSummary writes the readable summary: every instance that did not
// pass with its detail (all instances when verbose), then the counts.
func (r *Report) WriteSummary(w io.Writer, verbose bool) {
	for _, res := range r.Results {
		if res.Verdict == Pass && !verbose {
			continue
		}
		if res.Verdict == Unsupported && !verbose {
			continue
		}
		fmt.Fprintf(w, "%-11s %s  (%s)\n", strings.ToUpper(string(res.Verdict)), res.Name, res.Clause)
		if res.Detail != "" {
			fmt.Fprintf(w, "            %s\n", res.Detail)
		}
		if res.Verdict == Fail || res.Verdict == XPass {
			fmt.Fprintf(w, "            checks: %s\n", res.Summary)
		}
	}
	fmt.Fprintf(w, "conform %s: %s\n", r.IUT, r.CountLine())
}
