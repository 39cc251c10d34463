package vectors

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
)

// noTarget supports nothing, so that fuzzing exercises the readers only.
type noTarget struct{}

func (noTarget) Supports(string, string, string, string) bool { return false }
func (noTarget) NewParty(harness.Setup, string) (Party, error) {
	return nil, ErrUnsupported
}
func (noTarget) EndGroup() error { return nil }

// FuzzCheckFile feeds arbitrary bytes to the vector-file reader: it must
// never panic and must reject only with a *FileError, both at the schema
// and when decoding a schema-valid file into the typed structures.
func FuzzCheckFile(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testvectors", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(miniature(b))
		}
	}
	// Large and deep seeds, at and over the limits of docs/limits.md, that
	// a byte fuzzer starting from small files never builds.
	for _, d := range []int{MaxDepth, MaxDepth + 1, 4 * MaxDepth} {
		f.Add([]byte(strings.Repeat("[", d) + strings.Repeat("]", d)))
		f.Add([]byte(`{"schema": "session_test_schema.json", "x": ` + strings.Repeat(`{"a": `, d) + "0" + strings.Repeat("}", d) + "}"))
	}
	f.Add([]byte("[" + strings.Repeat("0,", MaxValues) + "0]"))
	f.Add([]byte(`{"schema": "session_test_schema.json", "testGroups": [` + strings.Repeat(`{"tcId": 1},`, 4096) + `{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		name, err := Validate("fuzz.json", data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate error is not a *FileError: %v", err)
			}
			return
		}
		// Beyond the schema, the checker may still find the file
		// inconsistent (e.g. sends naming a test that is not a
		// delivery), but only ever as a *FileError.
		if _, err := Check("fuzz.json", data, noTarget{}, func(TestResult) {}); err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("%s: schema-valid file fails without a *FileError: %v", name, err)
			}
		}
	})
}

// FuzzHex checks that Hex decoding is strict and round-trips.
func FuzzHex(f *testing.F) {
	for _, s := range []string{"", "00", "0a1b", "ABCD", "0", "zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var h Hex
		if err := h.UnmarshalText([]byte(s)); err != nil {
			return
		}
		back, _ := h.MarshalText()
		if string(back) != s {
			t.Fatalf("%q → %x → %q", s, []byte(h), back)
		}
	})
}

// miniature keeps the first group of a vector file with its first few
// tests, so that fuzzing starts from small valid files of every kind.
func miniature(b []byte) []byte {
	var doc map[string]any
	if json.Unmarshal(b, &doc) != nil {
		return b
	}
	groups, _ := doc["testGroups"].([]any)
	if len(groups) == 0 {
		return b
	}
	g, _ := groups[0].(map[string]any)
	tests, _ := g["tests"].([]any)
	if len(tests) > 3 {
		tests = tests[:3]
	}
	g["tests"] = tests
	for _, t := range tests { // keep sends inside the miniature
		if tm, ok := t.(map[string]any); ok {
			if _, has := tm["sends"]; has {
				tm["sends"] = []any{}
			}
		}
	}
	doc["testGroups"] = []any{g}
	doc["numberOfTests"] = len(tests)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return b
	}
	return out
}
