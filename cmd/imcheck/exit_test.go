package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitStatuses runs each exit status of check, vectors check and
// attack at least once (README.md, "Exit statuses").
func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	noDir := filepath.Join(dir, "no", "such", "dir", "out.json")
	keys := filepath.Join("..", "..", "vectors", "testvectors", "imke_keys_test.json")
	cases := []struct {
		args   []string
		want   int
		stderr string // a part of the one-line error, for exitUsage
	}{
		{[]string{"check", "../../model/protocols/nsl.imp"}, exitOK, ""},
		{[]string{"check", "../../model/protocols/ping.imp"}, exitFailure, ""},
		{[]string{"check", "--bounded-only", "testdata/unreached.imp"}, exitUndecided, ""},
		// proved for any number of sessions: reached or not, it holds
		{[]string{"check", "testdata/unreached.imp"}, exitOK, ""},
		// An attack decides, even beside an unreached claim.
		{[]string{"check", "testdata/unreached.imp", "../../model/protocols/ping.imp"}, exitFailure, ""},
		{[]string{"check", "--sessions", "0"}, exitUsage, "--sessions 0: must be between 1 and 8"},
		{[]string{"check", "--timeout", "-1s"}, exitUsage, "--timeout -1s: must not be negative"},
		{[]string{"check", "testdata/absent.imp"}, exitUsage, "absent.imp"},

		{[]string{"vectors", "check", keys}, exitOK, ""},
		{[]string{"vectors", "check", "--timeout", "0s", keys}, exitUsage, "--timeout 0s: must be positive"},
		{[]string{"vectors", "check", "--shim", "", keys}, exitUsage, `--shim ""`},
		{[]string{"vectors", "generate", "--out", filepath.Join(keys, "sub")}, exitUsage, "--out "},

		{[]string{"attack", "list", "--protocol", "imke"}, exitOK, ""},
		{[]string{"attack", "list", "--protocol", "foo"}, exitUsage, `--protocol "foo": unknown protocol (known: imke, simp)`},
		{[]string{"attack", "replay", "imke-reflection"}, exitFailure, ""},
		{[]string{"attack", "replay", "imke-reflection", "--variant", "hardened"}, exitOK, ""},
		{[]string{"attack", "replay", "imke-reflection", "--trace", noDir}, exitUsage, "out.json"},
		{[]string{"attack", "replay", "no-such-attack"}, exitUsage, "no-such-attack"},
	}
	for _, c := range cases {
		var out, errb strings.Builder
		got := run(c.args, &out, &errb)
		if got != c.want {
			t.Errorf("%q: exit %d, want %d\nstderr: %s", c.args, got, c.want, errb.String())
			continue
		}
		if c.want == exitUsage && (!strings.Contains(errb.String(), c.stderr) || strings.Count(errb.String(), "\n") != 1) {
			t.Errorf("%q: stderr %q, want one line with %q", c.args, errb.String(), c.stderr)
		}
	}
}

// TestAttackReplayUndecided: a model report whose attacks γ cannot run on
// the code (a model of neither protocol) decides nothing.
func TestAttackReplayUndecided(t *testing.T) {
	var out, errb strings.Builder
	if st := run([]string{"check", "--format", "json", "../../model/protocols/ping.imp"}, &out, &errb); st != exitFailure {
		t.Fatalf("check: exit %d", st)
	}
	rep := filepath.Join(t.TempDir(), "ping.json")
	if err := os.WriteFile(rep, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if st := run([]string{"attack", "replay", rep}, &out, &errb); st != exitUndecided {
		t.Errorf("attack replay of a ping report: exit %d, want %d\n%s", st, exitUndecided, out.String())
	}
}

// TestOutputsCreatedBeforeTheRun: a run that stops on bad input leaves no
// empty output file behind, and a finished one keeps its files.
func TestOutputsCreatedBeforeTheRun(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	var out, errb strings.Builder
	if st := run([]string{"attack", "replay", "no-such-attack", "--trace", tr}, &out, &errb); st != exitUsage {
		t.Fatalf("exit %d", st)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 0 {
		t.Errorf("left behind %v", m)
	}
	if st := run([]string{"attack", "replay", "imke-reflection", "--variant", "hardened", "--trace", tr}, &out, &errb); st != exitOK {
		t.Fatalf("exit %d: %s", st, errb.String())
	}
	if m, _ := filepath.Glob(tr); len(m) != 1 {
		t.Errorf("no trace written")
	}
}

// TestReportsRecordVersion: every JSON report says which imcheck made it
// and what it ran.
func TestReportsRecordVersion(t *testing.T) {
	cases := []struct {
		args []string
		what string // a JSON key naming what was run
	}{
		{[]string{"check", "--format", "json", "../../model/protocols/ping.imp"}, `"file": "../../model/protocols/ping.imp"`},
		{[]string{"attack", "replay", "imke-reflection", "--json"}, `"attack": "imke-reflection"`},
	}
	for _, c := range cases {
		var out, errb strings.Builder
		run(c.args, &out, &errb)
		var doc map[string]any
		if err := json.Unmarshal([]byte(out.String()), &doc); err != nil {
			t.Fatalf("%q: %v\n%s", c.args, err, out.String())
		}
		if v, _ := doc["imcheck_version"].(string); v == "" {
			t.Errorf("%q: no imcheck_version", c.args)
		}
		if !strings.Contains(out.String(), c.what) {
			t.Errorf("%q: report lacks %s", c.args, c.what)
		}
	}
}
