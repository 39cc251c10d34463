package vectors

import (
	"embed"
	"fmt"
	"io"
	"os"
	"path"
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

// ReadFile reads a vector file, refusing one over MaxFileSize before
// reading it all (a *FileError).
func ReadFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("vectors: %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, &FileError{File: name, Reason: fmt.Sprintf("the file is over the limit of %d bytes (docs/limits.md)", MaxFileSize)}
	}
	return b, nil
}
