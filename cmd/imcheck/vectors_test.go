package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	cases := []struct {
		name   string
		args   []string
		status int
		stderr []string
	}{
		{"no files", []string{"vectors", "check"}, exitUsage, []string{"no vector files"}},
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
