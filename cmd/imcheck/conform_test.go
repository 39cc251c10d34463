package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestConformUsage(t *testing.T) {
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad.json")
	os.WriteFile(badConfig, []byte(`{"disabled": {"X": ""}}`), 0o644)
	unmatched := filepath.Join(dir, "unmatched.json")
	os.WriteFile(unmatched, []byte(`{"disabled": {"SIMP/E1/*": "later", "SIMP/E9/*": "a typo"}}`), 0o644)
	syntax := filepath.Join(dir, "syntax.json")
	os.WriteFile(syntax, []byte("{\n  \"disabled\": {\n    \"X\": x\n  }\n}\n"), 0o644)
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte("{\"disabled\": {},\n \"lenient\": true}"), 0o644)
	big := filepath.Join(dir, "big.json")
	os.WriteFile(big, []byte("{"+strings.Repeat(" ", 1<<20)+"}"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no mode", []string{"conform"}, "choose exactly one"},
		{"two modes", []string{"conform", "--builtin", "--shim", "x"}, "choose exactly one"},
		{"bad suite", []string{"conform", "--builtin", "--suite", "rot13"}, "unknown value"},
		{"bad role", []string{"conform", "--builtin", "--role", "spy"}, "unknown value"},
		{"bad protocol", []string{"conform", "--builtin", "--protocol", "tls"}, "unknown value"},
		{"bad config", []string{"conform", "--builtin", "--config", badConfig}, "non-empty reason"},
		{"missing config", []string{"conform", "--builtin", "--config", filepath.Join(dir, "none")}, "no such file"},
		{"nothing selected", []string{"conform", "--builtin", "--run", "NOPE/*"}, "no case matches"},
		{"unknown mutant", []string{"conform", "--mutant", "nope"}, "unknown mutant"},
		{"bad shim quoting", []string{"conform", "--shim", `"unterminated`}, "unterminated"},
		{"shim cannot start", []string{"conform", "--shim", filepath.Join(dir, "no-such-shim"), "--run", "SIMP/R1/empty"}, "cannot start"},
		{"positional", []string{"conform", "--builtin", "extra"}, "unexpected argument"},
		{"zero timeout", []string{"conform", "--builtin", "--timeout", "0s"}, "--timeout 0s: must be positive"},
		{"huge timeout", []string{"conform", "--builtin", "--timeout", "48h"}, "at most 1h"},
		{"negative jobs", []string{"conform", "--builtin", "--jobs", "-1"}, "--jobs -1"},
		{"absurd jobs", []string{"conform", "--builtin", "--jobs", "100000"}, "--jobs 100000: must be between 0"},
		{"coverage over 100", []string{"conform", "--builtin", "--require-coverage", "101"}, "--require-coverage 101"},
		{"config pattern unmatched", []string{"conform", "--builtin", "--config", unmatched}, "conformance: " + unmatched + `:1:37: config: pattern "SIMP/E9/*" matches no case`},
		{"config syntax", []string{"conform", "--builtin", "--config", syntax}, "conformance: " + syntax + ":3:10: config: invalid character 'x'"},
		{"config unknown field", []string{"conform", "--builtin", "--config", unknown}, "conformance: " + unknown + `:2:2: config: unknown field "lenient"`},
		{"config too big", []string{"conform", "--builtin", "--config", big}, "conformance: " + big + ":1:1: config: the file is 1048578 bytes, over the limit of 1048576 bytes"},
		{"config never ends", []string{"conform", "--builtin", "--config", "/dev/zero", "--total-timeout", "1m"}, "conformance: /dev/zero:1:1: config: the file is longer than the limit of 1048576 bytes"},
		{"json path unwritable", []string{"conform", "--builtin", "--run", "SIMP/R1/empty", "--json", filepath.Join(dir, "no", "such", "r.json")}, "r.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if st := run(tt.args, &out, &errb); st != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %s", st, exitUsage, errb.String())
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Fatalf("stderr %q does not mention %q", errb.String(), tt.want)
			}
		})
	}
}

func TestConformBuiltinReports(t *testing.T) {
	dir := t.TempDir()
	js, ju := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	cfg := filepath.Join(dir, "cfg.json")
	os.WriteFile(cfg, []byte(`{"disabled": {"SIMP/E6/truncated": "not yet"}}`), 0o644)
	var out, errb bytes.Buffer
	st := run([]string{"conform", "--builtin", "--suite", "modern", "--variant", "hardened", "--run", "SIMP/E6/*",
		"--config", cfg, "--json", js, "--junit", ju}, &out, &errb)
	if st != exitOK {
		t.Fatalf("exit %d\n%s\n%s", st, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "DISABLED    SIMP/E6/truncated[modern,hardened]") || !strings.Contains(out.String(), "0 fail") {
		t.Fatalf("summary:\n%s", out.String())
	}
	var rep struct {
		Results []struct{ Name, Verdict string }
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Results) == 0 {
		t.Fatalf("json report: %v (%d results)", err, len(rep.Results))
	}
	var x struct {
		Tests   int `xml:"tests,attr"`
		Skipped int `xml:"skipped,attr"`
	}
	b, _ = os.ReadFile(ju)
	if err := xml.Unmarshal(b, &x); err != nil || x.Tests != len(rep.Results) || x.Skipped != 1 {
		t.Fatalf("junit report: %v %+v", err, x)
	}
	if !strings.Contains(errb.String(), "conform: ") {
		t.Errorf("no progress on stderr")
	}
}

// TestConformExitStatuses: 0 every case passed, 1 a failure or coverage
// below --require-coverage, 3 nothing ran.
func TestConformExitStatuses(t *testing.T) {
	dir := t.TempDir()
	allOff := filepath.Join(dir, "off.json")
	os.WriteFile(allOff, []byte(`{"disabled": {"SIMP/R1/*": "not yet"}}`), 0o644)
	halfOff := filepath.Join(dir, "half.json")
	os.WriteFile(halfOff, []byte(`{"disabled": {"SIMP/R1/*[*,hardened]": "not yet"}}`), 0o644)
	base := []string{"conform", "--suite", "modern", "--run", "SIMP/R1/*"}
	for _, tt := range []struct {
		name string
		args []string
		want int
		say  string
	}{
		{"pass", []string{"--builtin"}, exitOK, ""},
		{"failure", []string{"--mutant", "alert-class-wrong"}, exitFailure, ""},
		{"coverage too low", []string{"--builtin", "--config", halfOff, "--require-coverage", "90"}, exitFailure, "coverage 50.0% is below --require-coverage 90"},
		{"coverage enough", []string{"--builtin", "--config", halfOff, "--require-coverage", "50"}, exitOK, ""},
		{"nothing ran", []string{"--builtin", "--config", allOff}, exitUndecided, "no case ran"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if st := run(append(slices.Clone(base), tt.args...), &out, &errb); st != tt.want {
				t.Fatalf("exit %d, want %d\n%s\n%s", st, tt.want, out.String(), errb.String())
			}
			if !strings.Contains(errb.String(), tt.say) {
				t.Fatalf("stderr does not say %q:\n%s", tt.say, errb.String())
			}
		})
	}
}

func TestConformMutantFails(t *testing.T) {
	var out, errb bytes.Buffer
	st := run([]string{"conform", "--mutant", "replay-accepted", "--suite", "modern", "--run", "IMKE/4.7-direct/replayed"}, &out, &errb)
	if st != exitFailure || !strings.Contains(out.String(), "FAIL") {
		t.Fatalf("exit %d, want %d\n%s", st, exitFailure, out.String())
	}
}

func TestConformList(t *testing.T) {
	var out, errb bytes.Buffer
	if st := run([]string{"conform", "--list", "--protocol", "imke", "--role", "server", "--suite", "pq"}, &out, &errb); st != exitOK {
		t.Fatalf("exit %d: %s", st, errb.String())
	}
	if !strings.Contains(out.String(), "IMKE/a1/tampered-enc_kas[pq,hardened]") || strings.Contains(out.String(), "SIMP/") {
		t.Fatalf("list:\n%s", out.String())
	}
}

func TestShimServesHello(t *testing.T) {
	var out, errb bytes.Buffer
	in := strings.NewReader(`{"id":1,"op":"hello","version":1}` + "\n" + `{"id":2,"op":"bye"}` + "\n")
	if st := runShim(nil, in, &out, &errb); st != exitOK {
		t.Fatalf("exit %d: %s", st, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"protocol":"simp"`) || !strings.Contains(lines[1], `"status":"ok"`) {
		t.Fatalf("shim output:\n%s", out.String())
	}
	var errb2 bytes.Buffer
	if st := runShim([]string{"--mutant", "nope"}, strings.NewReader(""), &out, &errb2); st != exitUsage {
		t.Fatalf("unknown mutant: exit %d", st)
	}
}

// TestConformTimeoutsDocumented: the help of conform and the option table
// of docs/conformance.md both name --timeout as the limit of each case and
// --total-timeout as that of the whole command, its config and shims'
// starts included.
func TestConformTimeoutsDocumented(t *testing.T) {
	var out, errb strings.Builder
	if st := run([]string{"help", "conform"}, &out, &errb); st != exitOK {
		t.Fatalf("help conform: exit %d (%s)", st, errb.String())
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "conformance.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := func(doc, flag string) string {
		for _, l := range strings.Split(doc, "\n") {
			if strings.HasPrefix(l, "| `"+flag+" D`") {
				return l
			}
		}
		return ""
	}
	help := func(flag string) string {
		_, after, _ := strings.Cut(out.String(), "  "+flag+" duration\n")
		line, _, _ := strings.Cut(after, "\n")
		return line
	}
	for _, tt := range []struct {
		flag string
		want []string
	}{
		{"--timeout", []string{"per case", "fail"}},
		{"--total-timeout", []string{"whole command", "--config", "hello", "exit 3"}},
	} {
		for where, text := range map[string]string{"help conform": help(tt.flag), "docs/conformance.md": row(string(b), tt.flag)} {
			if text == "" {
				t.Errorf("%s does not describe %s", where, tt.flag)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s: %s lacks %q: %s", where, tt.flag, w, text)
				}
			}
		}
	}
}
