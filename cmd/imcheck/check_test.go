package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckExitStatus(t *testing.T) {
	cases := []struct {
		args []string
		want int
		out  string
	}{
		{[]string{"check", "--bounded-only", "../../model/protocols/nsl.imp"}, exitOK, "no attack within the bound"},
		{[]string{"check", "../../model/protocols/nsl.imp"}, exitOK, "PROVED (any number of sessions)"},
		{[]string{"check", "--prove-only", "../../model/protocols/nspk.imp"}, exitUndecided, "prover: not proved"},
		{[]string{"check", "--prove-only", "--bounded-only", "../../model/protocols/nspk.imp"}, exitUsage, ""},
		{[]string{"check", "../../model/protocols/nspk.imp", "--sessions", "2"}, exitFailure, "ATTACK (6 steps)"},
		{[]string{"check", "--format", "mermaid", "../../model/protocols/nspk.imp"}, exitFailure, "sequenceDiagram"},
		{[]string{"check", "no/such/file.imp"}, exitUsage, ""},
		{[]string{"check", "--format", "xml"}, exitUsage, ""},
		{[]string{"check", "--sessions", "99"}, exitUsage, ""},
		{[]string{"check", "--scenario", "nope", "../../model/protocols/nspk.imp"}, exitUsage, ""},
		{[]string{"check", "--scenario", "nope"}, exitUsage, ""},
		{[]string{"check", "--jobs", "0", "../../model/protocols/nspk.imp"}, exitUsage, ""},
		{[]string{"check", "--max-memory", "12XB", "../../model/protocols/nspk.imp"}, exitUsage, ""},
		{[]string{"check", "--bounded-only", "--max-memory", "1KiB", "../../model/protocols/nsl.imp", "--sessions", "3"}, exitUndecided, "stopped: memory limit"},
		{[]string{"check", "--scenario", "untyped", "--sessions", "1", "../../model/protocols/typeflaw.imp"}, exitUndecided, "scenario untyped: 1 session,"},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		if got := run(tc.args, &out, &errb); got != tc.want {
			t.Errorf("%v: exit %d, want %d (stderr %s)", tc.args, got, tc.want, errb.String())
		}
		if !strings.Contains(out.String(), tc.out) {
			t.Errorf("%v: output lacks %q", tc.args, tc.out)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if got := run([]string{"check", "--format", "json", "../../model/protocols/nspk.imp"}, &out, &errb); got != exitFailure {
		t.Fatalf("exit %d", got)
	}
	var doc struct {
		Schema string `json:"schema"`
		Models []struct {
			Codes string `json:"codes"`
		} `json:"models"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "imcheck.model/v3" || len(doc.Models) != 1 || !strings.Contains(doc.Models[0].Codes, "A") {
		t.Fatalf("unexpected JSON: %+v", doc)
	}
}

func TestCheckSummaryLine(t *testing.T) {
	for _, c := range []struct {
		file, want string
		status     int
	}{
		{"../../model/protocols/nsl.imp", "summary: 1 model, 1 scenario", exitOK},
		{"../../model/protocols/nspk.imp", "5 claims attacked", exitFailure},
	} {
		var out, errb strings.Builder
		if got := run([]string{"check", c.file}, &out, &errb); got != c.status {
			t.Errorf("%s: status %d, want %d", c.file, got, c.status)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("%s: output lacks %q:\n%s", c.file, c.want, out.String())
		}
	}
}

// TestCheckScenarioAlone: --scenario checks that scenario only, at the
// bound --sessions gives it.
func TestCheckScenarioAlone(t *testing.T) {
	var out, errb bytes.Buffer
	run([]string{"check", "--quiet", "--scenario", "dishonest_server", "--sessions", "3", "../../model/protocols/imke-b.imp"}, &out, &errb)
	if got := out.String(); !strings.Contains(got, "scenario dishonest_server: 3 sessions") || strings.Contains(got, "scenario honest_server:") {
		t.Errorf("output:\n%s", got)
	}
}

// TestCheckJobsSameOutput: the output does not depend on --jobs.
func TestCheckJobsSameOutput(t *testing.T) {
	var outs []string
	for _, j := range []string{"1", "3"} {
		var out, errb bytes.Buffer
		run([]string{"check", "--format", "json", "--jobs", j, "--sessions", "3", "../../model/protocols/nspk.imp"}, &out, &errb)
		outs = append(outs, out.String())
	}
	if outs[0] != outs[1] {
		t.Error("--jobs 1 and --jobs 3 give different JSON")
	}
}
