package vectors

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Output is one generated vector file.
type Output struct {
	Name string // file name inside the vector directory
	Data []byte
}

// DefaultDir is where `make vectors` writes and the freshness test reads,
// relative to the repository root.
const DefaultDir = "vectors/testvectors"

type generator struct {
	name string
	gen  func(progress io.Writer) (*File, error)
}

func generators() []generator {
	return []generator{
		{"simp_keygen_test.json", func(io.Writer) (*File, error) { return genSimpKeyGen() }},
		{"imke_keys_test.json", func(io.Writer) (*File, error) { return genImkeKeys() }},
		{"simp_session_test.json", func(w io.Writer) (*File, error) { return genSessions("simp", w) }},
		{"imke_session_test.json", func(w io.Writer) (*File, error) { return genSessions("imke", w) }},
		{"simp_attack_test.json", func(w io.Writer) (*File, error) { return genAttacks("simp", w) }},
		{"imke_attack_test.json", func(w io.Writer) (*File, error) { return genAttacks("imke", w) }},
	}
}

// Generate builds every vector file, in a fixed order, writing progress
// lines to progress, and validates each against its schema. The same code
// always gives the same bytes.
func Generate(progress io.Writer) ([]Output, error) { return generate(progress, true) }

// generate is Generate, with schema validation optional: the freshness
// test compares with the committed files, which another test validates.
func generate(progress io.Writer, validate bool) ([]Output, error) {
	var out []Output
	for _, g := range generators() {
		fmt.Fprintf(progress, "vectors: generating %s\n", g.name)
		f, err := g.gen(progress)
		if err != nil {
			return nil, err
		}
		b, err := encodeFile(f)
		if err != nil {
			return nil, err
		}
		if !validate {
			out = append(out, Output{Name: g.name, Data: b})
			continue
		}
		if _, err := Validate(g.name, b); err != nil {
			return nil, fmt.Errorf("vectors: generated %s fails its schema: %w", g.name, err)
		}
		out = append(out, Output{Name: g.name, Data: b})
	}
	return out, nil
}

// WriteDir writes outs into dir, creating it if needed.
func WriteDir(dir string, outs []Output) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("vectors: %w", err)
	}
	for _, o := range outs {
		if err := os.WriteFile(filepath.Join(dir, o.Name), o.Data, 0o644); err != nil {
			return fmt.Errorf("vectors: %w", err)
		}
	}
	return nil
}
