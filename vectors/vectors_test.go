package vectors

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testvectors/ from the generator")

// TestCommittedVectorsAreFresh regenerates every file and compares it
// with the committed one, byte for byte (make vectors, or go test -update,
// rewrites them).
func TestCommittedVectorsAreFresh(t *testing.T) {
	outs, err := generate(testWriter{t}, false)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := WriteDir("testvectors", outs); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for _, o := range outs {
		names = append(names, o.Name)
		got, err := os.ReadFile(filepath.Join("testvectors", o.Name))
		if err != nil {
			t.Errorf("%s is not committed: %v (run make vectors)", o.Name, err)
			continue
		}
		if !bytes.Equal(got, o.Data) {
			t.Errorf("testvectors/%s differs from freshly generated vectors (%d vs %d bytes): run make vectors", o.Name, len(got), len(o.Data))
		}
	}
	committed, _ := filepath.Glob(filepath.Join("testvectors", "*.json"))
	for _, c := range committed {
		if i := sort.SearchStrings(sortedCopy(names), filepath.Base(c)); i >= len(names) || sortedCopy(names)[i] != filepath.Base(c) {
			t.Errorf("%s is committed but no longer generated", c)
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestGenerationIsDeterministic generates the key schedule file twice.
func TestGenerationIsDeterministic(t *testing.T) {
	a, err := genSimpKeyGen()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := genSimpKeyGen()
	ea, _ := encodeFile(a)
	eb, _ := encodeFile(b)
	if !bytes.Equal(ea, eb) {
		t.Fatal("two generations differ")
	}
}

func TestCommittedFilesPassTheirSchemas(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testvectors", "*.json"))
	if len(files) == 0 {
		t.Fatal("no committed vectors")
	}
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name, err := Validate(f, b)
		if err != nil {
			t.Errorf("%v", err)
		}
		seen[name] = true
	}
	for _, s := range SchemaNames() {
		if !seen[s] {
			t.Errorf("schema %s validates no committed file", s)
		}
	}
}

// TestBadFilesNamePathAndReason breaks a valid file in one place at a
// time; Validate must name the place.
func TestBadFilesNamePathAndReason(t *testing.T) {
	f, err := genSimpKeyGen()
	if err != nil {
		t.Fatal(err)
	}
	good, _ := encodeFile(f)
	if _, err := Validate("good.json", good); err != nil {
		t.Fatalf("the generated file fails: %v", err)
	}
	first := func(s, old, new string) string { return strings.Replace(s, old, new, 1) }
	cases := []struct {
		name     string
		edit     func(string) string
		wantPath string
		wantText string
	}{
		{"odd hex", func(s string) string { return first(s, `"k": "`, `"k": "0`) }, "/testGroups/0/tests/0/k", "does not match pattern"},
		{"upper-case hex", func(s string) string {
			i := strings.Index(s, `"dk": "`) + len(`"dk": "`)
			return s[:i] + strings.ToUpper(s[i:i+2]) + s[i+2:]
		}, "/testGroups/0/tests/0/dk", "pattern"},
		{"bad result", func(s string) string { return first(s, `"result": "valid"`, `"result": "maybe"`) }, "/testGroups/0/tests/0/result", "valid"},
		{"missing tcId", func(s string) string { return first(s, `"tcId": 1,`, ``) }, "/testGroups/0/tests/0", "tcId"},
		{"unknown field", func(s string) string { return first(s, `"algorithm"`, `"colour": "red", "algorithm"`) }, "", "colour"},
		{"string for number", func(s string) string { return first(s, `"m": 8`, `"m": "8"`) }, "/testGroups/0/m", "string"},
		{"duplicate key", func(s string) string { return first(s, `"tcId": 1,`, `"tcId": 1, "tcId": 2,`) }, "/testGroups/0/tests/0/tcId", "duplicate"},
		{"unknown schema", func(s string) string {
			return first(s, `"schema": "simp_keygen_test_schema.json"`, `"schema": "nope.json"`)
		}, "/schema", "unknown schema"},
		{"truncated", func(s string) string { return s[:len(s)/2] }, "", "JSON"},
		{"trailing data", func(s string) string { return s + "{}" }, "", "after the top-level value"},
		{"not an object", func(string) string { return `[1, 2]` }, "", "not a JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := c.edit(string(good))
			if bad == string(good) {
				t.Fatal("the edit changed nothing")
			}
			_, err := Validate("bad.json", []byte(bad))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate = %v, want a *FileError", err)
			}
			if fe.File != "bad.json" || !strings.HasPrefix(fe.Path, c.wantPath) || !strings.Contains(fe.Reason, c.wantText) {
				t.Errorf("got file=%q path=%q reason=%q; want path prefix %q, reason containing %q", fe.File, fe.Path, fe.Reason, c.wantPath, c.wantText)
			}
		})
	}
}

func TestHexIsStrict(t *testing.T) {
	for _, s := range []string{"0", "0G", "AB", " 00", "0x00"} {
		var h Hex
		if err := h.UnmarshalText([]byte(s)); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
	var h Hex
	if err := h.UnmarshalText([]byte("00ff")); err != nil || !bytes.Equal(h, []byte{0, 0xff}) {
		t.Errorf("00ff: %x, %v", []byte(h), err)
	}
}

// TestInconsistentFilesAreFileErrors: schema-valid files whose tests do
// not add up are rejected with the place named.
func TestInconsistentFilesAreFileErrors(t *testing.T) {
	f, err := genSimpKeyGen()
	if err != nil {
		t.Fatal(err)
	}
	good, _ := encodeFile(f)
	cases := []struct {
		name, old, new, path string
	}{
		{"duplicate tcId", `"tcId": 2,`, `"tcId": 1,`, "/testGroups"},
		{"wrong count", `"numberOfTests": `, `"numberOfTests": 1`, "/numberOfTests"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := strings.Replace(string(good), c.old, c.new, 1)
			_, err := Check("bad.json", []byte(bad), Reference{}, func(TestResult) {})
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != c.path {
				t.Fatalf("Check = %v, want a *FileError at %s", err, c.path)
			}
		})
	}
}
