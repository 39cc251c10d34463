package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imcheck/imcheck/vectors"
)

func TestVectorsCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := os.ReadFile(filepath.Join("..", "..", "vectors", "testvectors", "simp_keygen_test.json"))
	if err != nil {
		t.Fatal(err)
	}
	oddHex := write("odd.json", strings.Replace(string(good), `"k": "`, `"k": "0`, 1))
	notJSON := write("broken.json", `{"schema": `)
	// Reproducers of docs/limits.md, "Vector files" (generated, never
	// committed).
	deep := write("deep.json", strings.Repeat("[", 40000)+strings.Repeat("]", 40000))
	dupKey := write("dup.json", "{\"schema\": \"x\",\n  \"schema\": \"y\"}")
	huge := filepath.Join(dir, "huge.json")
	if f, err := os.Create(huge); err != nil {
		t.Fatal(err)
	} else {
		f.Truncate(vectors.MaxFileSize + 1) // sparse: no disk is used
		f.Close()
	}
	cases := []struct {
		name   string
		args   []string
		status int
		stderr []string
	}{
		{"zero timeout", []string{"vectors", "check", "--timeout", "0s"}, exitUsage, []string{"--timeout 0s: must be positive"}},
		{"negative timeout", []string{"vectors", "check", "--timeout=-1s"}, exitUsage, []string{"must be positive"}},
		{"zero request timeout", []string{"vectors", "check", "--request-timeout", "0s"}, exitUsage, []string{"--request-timeout 0s: must be positive"}},
		{"empty shim", []string{"vectors", "check", "--shim", ""}, exitUsage, []string{`--shim "": `, "empty"}},
		{"blank shim", []string{"vectors", "check", "--shim", "  "}, exitUsage, []string{`--shim "  ": `, "empty"}},
		{"bad file before a slow shim", []string{"vectors", "check", "--shim", "sleep 60", notJSON}, exitUsage, []string{"broken.json"}},
		{"deep nesting", []string{"vectors", "check", deep}, exitUsage, []string{"deep.json:1:33: at /0/0/", "nested deeper than 32 levels"}},
		{"duplicate key", []string{"vectors", "check", dupKey}, exitUsage, []string{"dup.json:2:3: at /schema: duplicate key"}},
		{"over the size limit", []string{"vectors", "check", huge}, exitUsage, []string{"huge.json", "over the limit of"}},
		{"unknown flag", []string{"vectors", "check", "--nope", oddHex}, exitUsage, []string{"nope"}},
		{"missing file", []string{"vectors", "check", filepath.Join(dir, "absent.json")}, exitUsage, []string{"absent.json"}},
		{"schema failure", []string{"vectors", "check", oddHex}, exitUsage, []string{"odd.json", "/testGroups/0/tests/0/k", "pattern"}},
		{"not JSON", []string{"vectors", "check", notJSON}, exitUsage, []string{"broken.json", "JSON"}},
		{"generate positional", []string{"vectors", "generate", "x"}, exitUsage, []string{"unexpected argument"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := run(c.args, &out, &errb); got != c.status {
				t.Fatalf("status %d, want %d; stderr: %s", got, c.status, errb.String())
			}
			if n := strings.Count(errb.String(), "\n"); n != 1 {
				t.Errorf("want one line on stderr, got %d:\n%s", n, errb.String())
			}
			for _, w := range c.stderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
		})
	}
}

func TestVectorsCheckReportsEachTcID(t *testing.T) {
	file := filepath.Join("..", "..", "vectors", "testvectors", "simp_keygen_test.json")
	var out, errb bytes.Buffer
	if got := run([]string{"vectors", "check", file}, &out, &errb); got != exitOK {
		t.Fatalf("status %d; stderr: %s\n%s", got, errb.String(), out.String())
	}
	for _, w := range []string{"tcId 1: pass", "0 failed"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

// TestVectorsCheckFindsADifference changes one session key in a copy of a
// valid file: the reference must fail that test, and only that one.
func TestVectorsCheckFindsADifference(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "..", "vectors", "testvectors", "simp_keygen_test.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(good)
	i := strings.Index(s, `"sessionKeysSha256": "`) + len(`"sessionKeysSha256": "`)
	flipped := byte('0')
	if s[i] == '0' {
		flipped = '1'
	}
	bad := s[:i] + string(flipped) + s[i+1:]
	p := filepath.Join(t.TempDir(), "changed.json")
	os.WriteFile(p, []byte(bad), 0o644)
	var out, errb bytes.Buffer
	if got := run([]string{"vectors", "check", "--quiet", p}, &out, &errb); got != exitFailure {
		t.Fatalf("status %d, want %d; %s", got, exitFailure, errb.String())
	}
	if !strings.Contains(out.String(), "tcId 1: fail") || !strings.Contains(out.String(), " 1 failed") {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestVectorsCheckThroughShim checks one SIMP session group through the
// reference shim (imcheck shim, docs/spec/shim.md), and through a
// deliberately broken shim, which must fail.
func TestVectorsCheckThroughShim(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the imcheck binary")
	}
	bin := imcheckBinary(t)
	file := oneGroup(t, filepath.Join("..", "..", "vectors", "testvectors", "simp_session_test.json"), "modern", "hardened")
	var ref, refErr bytes.Buffer
	if st := run([]string{"vectors", "check", file}, &ref, &refErr); st != exitOK {
		t.Fatalf("reference: exit %d\n%s%s", st, refErr.String(), ref.String())
	}
	var out, errb bytes.Buffer
	if st := run([]string{"vectors", "check", "--shim", bin + " shim", file}, &out, &errb); st != exitOK {
		t.Fatalf("shim: exit %d\n%s%s", st, errb.String(), out.String())
	}
	last := func(s string) string { l := strings.Split(strings.TrimSpace(s), "\n"); return l[len(l)-1] }
	if last(out.String()) != last(ref.String()) || !strings.Contains(last(out.String()), " 0 failed, 0 unsupported") {
		t.Errorf("shim summary %q, reference %q", last(out.String()), last(ref.String()))
	}
	out.Reset()
	if st := run([]string{"vectors", "check", "--quiet", "--shim", bin + " shim --mutant replay-accepted", file}, &out, &errb); st != exitFailure {
		t.Fatalf("mutant shim: exit %d, want %d\n%s", st, exitFailure, out.String())
	}
	if !strings.Contains(out.String(), "accepted a message it must reject") {
		t.Errorf("mutant shim output:\n%s", out.String())
	}
	// The shim protocol has no key-schedule request: nothing is checked.
	keygen := filepath.Join("..", "..", "vectors", "testvectors", "simp_keygen_test.json")
	out.Reset()
	errb.Reset()
	if st := run([]string{"vectors", "check", "--quiet", "--shim", bin + " shim", keygen}, &out, &errb); st != exitUndecided {
		t.Fatalf("key schedule through a shim: exit %d, want %d\n%s", st, exitUndecided, out.String())
	}
	if !strings.Contains(errb.String(), "nothing was checked") || !strings.Contains(out.String(), " 0 passed, 0 failed,") {
		t.Errorf("key schedule through a shim:\n%s%s", out.String(), errb.String())
	}
}

// TestVectorsCheckShipped: with no file, the shipped files are checked.
func TestVectorsCheckShipped(t *testing.T) {
	if testing.Short() {
		t.Skip("checks every shipped vector")
	}
	var out, errb bytes.Buffer
	if st := run([]string{"vectors", "check", "--json", "--quiet"}, &out, &errb); st != exitOK {
		t.Fatalf("exit %d: %s", st, errb.String())
	}
	var sum struct {
		Version string   `json:"imcheck_version"`
		Files   []string `json:"files"`
		Passed  int      `json:"passed"`
		Failed  int      `json:"failed"`
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	want, _ := filepath.Glob(filepath.Join("..", "..", "vectors", "testvectors", "*.json"))
	if sum.Version == "" || len(sum.Files) != len(want) || sum.Passed < 1000 || sum.Failed != 0 {
		t.Errorf("summary %+v; want a version, %d files, no failure", sum, len(want))
	}
}

// oneGroup writes a copy of a session file holding only its first group
// of the given suite and variant.
func oneGroup(t *testing.T, path, suiteName, variant string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, g := range doc["testGroups"].([]any) {
		gm := g.(map[string]any)
		if gm["suite"] == suiteName && gm["variant"] == variant {
			doc["testGroups"] = []any{g}
			doc["numberOfTests"] = len(gm["tests"].([]any))
			out, _ := json.Marshal(doc)
			p := filepath.Join(t.TempDir(), "one.json")
			if err := os.WriteFile(p, out, 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("no %s %s group in %s", suiteName, variant, path)
	return ""
}

func TestVectorsCheckJSON(t *testing.T) {
	file := filepath.Join("..", "..", "vectors", "testvectors", "imke_keys_test.json")
	var out, errb bytes.Buffer
	if st := run([]string{"vectors", "check", "--json", file}, &out, &errb); st != exitOK {
		t.Fatalf("exit %d: %s", st, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var first struct {
		File    string `json:"file"`
		TcID    int    `json:"tcId"`
		Verdict string `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.TcID != 1 || first.Verdict != "pass" {
		t.Fatalf("first line %q: %v", lines[0], err)
	}
	var sum struct {
		Version string   `json:"imcheck_version"`
		Files   []string `json:"files"`
		Passed  int      `json:"passed"`
		Failed  int      `json:"failed"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil || sum.Failed != 0 || sum.Passed != len(lines)-1 || sum.Version == "" || len(sum.Files) != 1 {
		t.Fatalf("summary %q: %v", lines[len(lines)-1], err)
	}
}

// TestVectorsCheckShimTimeout: a shim that stops answering fails its tests
// after --request-timeout instead of hanging the check.
func TestVectorsCheckShimTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a timeout")
	}
	dir := t.TempDir()
	shim := filepath.Join(dir, "hang.sh")
	script := `#!/bin/sh
read line
echo '{"id":1,"status":"ok","version":1,"name":"hang","capabilities":[{"protocol":"simp","roles":["server","client"],"suites":["modern"],"variants":["hardened"]}]}'
sleep 30
`
	if err := os.WriteFile(shim, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	file := oneGroup(t, filepath.Join("..", "..", "vectors", "testvectors", "simp_session_test.json"), "modern", "hardened")
	var out, errb bytes.Buffer
	start := time.Now()
	st := run([]string{"vectors", "check", "--quiet", "--request-timeout", "500ms", "--shim", shim, file}, &out, &errb)
	if st != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", st, exitFailure, errb.String(), out.String())
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v", d)
	}
	if !strings.Contains(out.String(), "fail") {
		t.Errorf("output:\n%s", out.String())
	}
}

var built struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// imcheckBinary builds the imcheck binary once per test run and returns
// its path.
func imcheckBinary(t *testing.T) string {
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "imcheck-bin")
		if built.err == nil {
			built.out, built.err = exec.Command("go", "build", "-o", filepath.Join(built.dir, "imcheck"), ".").CombinedOutput()
		}
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return filepath.Join(built.dir, "imcheck")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
