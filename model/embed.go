package model

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/imcheck/imcheck/model/lang"
)

//go:embed protocols/*.imp
var shipped embed.FS

// Shipped lists the shipped protocol files, e.g. "protocols/nspk.imp", in
// name order.
func Shipped() []string {
	ents, err := fs.ReadDir(shipped, "protocols")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		out = append(out, path.Join("protocols", e.Name()))
	}
	sort.Strings(out)
	return out
}

// ShippedSource returns the text of a shipped model, by name ("nspk") or
// path ("protocols/nspk.imp").
func ShippedSource(name string) (string, error) {
	p := name
	if path.Ext(p) == "" {
		p = path.Join("protocols", name+".imp")
	}
	src, err := fs.ReadFile(shipped, p)
	if err != nil {
		return "", fmt.Errorf("model: no shipped model %q", name)
	}
	return string(src), nil
}

// LoadShipped parses a shipped model by name ("nspk") or path.
func LoadShipped(name string) (*Protocol, error) {
	p := name
	if path.Ext(p) == "" {
		p = path.Join("protocols", name+".imp")
	}
	src, err := fs.ReadFile(shipped, p)
	if err != nil {
		return nil, fmt.Errorf("model: no shipped model %q", name)
	}
	return Parse("model/"+p, string(src))
}

// ReadFile reads a protocol file from disk, at most lang.MaxFileSize
// bytes: a larger one is a *lang.Error at FILE:1:1 (docs/limits.md).
func ReadFile(file string) (string, error) { return lang.ReadFile(file) }

// LoadFile parses a protocol file from disk.
func LoadFile(file string) (*Protocol, error) {
	src, err := lang.ReadFile(file) // at most lang.MaxFileSize bytes
	if err != nil {
		return nil, err
	}
	return Parse(file, src)
}
