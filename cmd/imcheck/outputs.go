package main

import (
	"fmt"
	"os"
)

// outputs are a command's output files (--json FILE, --junit FILE,
// --trace FILE, ...), created before the run so that a path that cannot be
// written is a usage error up front, not after minutes of work.
type outputs struct {
	files map[string]*os.File // by path; "" paths are not opened
	keep  bool
}

// createOutputs creates every non-empty path. On error it removes what it
// created.
func createOutputs(paths ...string) (*outputs, error) {
	o := &outputs{files: map[string]*os.File{}}
	for _, p := range paths {
		if p == "" || o.files[p] != nil {
			continue
		}
		f, err := os.Create(p)
		if err != nil {
			o.close()
			return nil, err
		}
		o.files[p] = f
	}
	return o, nil
}

// get returns the file for path, nil for "".
func (o *outputs) get(path string) *os.File { return o.files[path] }

// write writes b to path's file (nothing for "").
func (o *outputs) write(path string, b []byte) error {
	f := o.files[path]
	if f == nil {
		return nil
	}
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// done keeps the files: close then leaves them in place.
func (o *outputs) done() { o.keep = true }

// close closes every file and, unless done was called, removes them (a
// run that stopped on bad input leaves no empty reports behind).
func (o *outputs) close() error {
	var first error
	for p, f := range o.files {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
		if !o.keep {
			os.Remove(p)
		}
	}
	return first
}

// writableDir creates dir if needed and checks that a file can be created
// in it.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".imcheck-probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
