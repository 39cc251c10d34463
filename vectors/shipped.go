package vectors

import (
	"embed"
	"errors"
	"fmt"
	"path"

	"github.com/imcheck/imcheck/internal/boundedfile"
)

// The committed vector files, built into the binary so that `imcheck
// vectors check` with no file checks them wherever imcheck is installed.
//
//go:embed testvectors/*.json
var shippedFS embed.FS

// Shipped returns the committed vector files (testvectors/), in the
// generator's order, named as DefaultDir/NAME.
func Shipped() ([]Output, error) {
	var out []Output
	for _, g := range generators() {
		b, err := shippedFS.ReadFile(path.Join("testvectors", g.name))
		if err != nil {
			return nil, fmt.Errorf("vectors: shipped file %s: %w", g.name, err)
		}
		out = append(out, Output{Name: path.Join(DefaultDir, g.name), Data: b})
	}
	return out, nil
}

// ReadFile reads a vector file, refusing one over MaxFileSize without
// reading it, or without reading past the limit when its size is not
// known (a *FileError at 1:1).
func ReadFile(name string) ([]byte, error) {
	b, err := boundedfile.Read(name, MaxFileSize)
	var tl *boundedfile.TooLarge
	switch {
	case errors.As(err, &tl):
		return nil, &FileError{File: name, Line: 1, Col: 1, Reason: "the file is " + tl.Words() + " (docs/limits.md)"}
	case err != nil:
		return nil, fmt.Errorf("vectors: %w", err)
	}
	return b, nil
}
