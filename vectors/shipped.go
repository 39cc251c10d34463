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

// ReadFile reads a vector file, refusing one over MaxFileSize without
// reading it, or without reading past the limit when its size is not
// known (a *FileError at 1:1).
func ReadFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	defer f.Close()
	over := func(size string) error {
		return &FileError{File: name, Line: 1, Col: 1, Reason: fmt.Sprintf("the file is %s over the limit of %d (docs/limits.md)", size, MaxFileSize)}
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxFileSize {
		return nil, over(fmt.Sprintf("%d bytes,", st.Size())) // refused unread
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("vectors: %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, over("more than") // a pipe or a file that grew
	}
	return b, nil
}
