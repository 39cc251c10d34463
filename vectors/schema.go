package vectors

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed schema/*.json
var schemaFS embed.FS

// FileError says why a vector file is unusable: the file, where in it
// (line and column, when known, and the JSON Pointer of the value, RFC
// 6901; "" is the whole document) and the reason.
type FileError struct {
	File      string
	Line, Col int // 1-based; 0 when not known
	Path      string
	Reason    string
}

func (e *FileError) Error() string {
	p := e.Path
	if p == "" {
		p = "/"
	}
	switch {
	case e.Line > 0 && e.Path == "":
		return fmt.Sprintf("vectors: %s:%d:%d: %s", e.File, e.Line, e.Col, e.Reason)
	case e.Line > 0:
		return fmt.Sprintf("vectors: %s:%d:%d: at %s: %s", e.File, e.Line, e.Col, p, e.Reason)
	}
	return fmt.Sprintf("vectors: %s: at %s: %s", e.File, p, e.Reason)
}

// withLocation fills in the line and column of a *FileError that names
// only a JSON Pointer, by finding that value in data.
func withLocation(data []byte, err error) error {
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line > 0 {
		return err
	}
	var path []string
	if fe.Path != "" {
		for _, t := range strings.Split(strings.TrimPrefix(fe.Path, "/"), "/") {
			path = append(path, strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~"))
		}
	}
	// A missing member is reported where its nearest ancestor starts.
	for {
		if off := locate(data, path); off >= 0 {
			fe.Line, fe.Col = lineCol(data, off)
			return err
		}
		if len(path) == 0 {
			return err
		}
		path = path[:len(path)-1]
	}
}

// SchemaNames lists the embedded schema files.
func SchemaNames() []string {
	ents, _ := schemaFS.ReadDir("schema")
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// SchemaBytes returns an embedded schema file.
func SchemaBytes(name string) ([]byte, error) {
	return schemaFS.ReadFile(path.Join("schema", name))
}

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

func schemas() (map[string]*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		compiled = map[string]*jsonschema.Schema{}
		for _, name := range SchemaNames() {
			b, _ := SchemaBytes(name)
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				compileErr = fmt.Errorf("vectors: schema %s: %w", name, err)
				return
			}
			if err := c.AddResource(name, doc); err != nil {
				compileErr = fmt.Errorf("vectors: schema %s: %w", name, err)
				return
			}
		}
		for _, name := range SchemaNames() {
			s, err := c.Compile(name)
			if err != nil {
				compileErr = fmt.Errorf("vectors: schema %s: %w", name, err)
				return
			}
			compiled[name] = s
		}
	})
	return compiled, compileErr
}

// Validate parses data strictly as JSON (no duplicate keys, one value),
// reads its "schema" field and validates it against that embedded schema.
// It returns the schema name, or a *FileError.
func Validate(file string, data []byte) (string, error) {
	if err := walkJSON(data, nil); err != nil {
		line, col := lineCol(data, err.offset)
		return "", &FileError{File: file, Line: line, Col: col, Path: err.path, Reason: err.reason}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return "", &FileError{File: file, Reason: "not JSON: " + err.Error()}
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return "", &FileError{File: file, Reason: "the document is not a JSON object"}
	}
	name, ok := obj["schema"].(string)
	if !ok {
		return "", withLocation(data, &FileError{File: file, Path: "/schema", Reason: "missing or not a string"})
	}
	all, err := schemas()
	if err != nil {
		return "", err
	}
	s, ok := all[name]
	if !ok {
		return "", withLocation(data, &FileError{File: file, Path: "/schema", Reason: fmt.Sprintf("unknown schema %q (known: %s)", name, strings.Join(SchemaNames(), ", "))})
	}
	if err := s.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			leaf := deepestCause(ve)
			return "", withLocation(data, &FileError{File: file, Path: pointer(leaf.InstanceLocation),
				Reason: fmt.Sprintf("fails %s: %s", name, leaf.ErrorKind.LocalizedString(printer))})
		}
		return "", &FileError{File: file, Reason: err.Error()}
	}
	return name, nil
}

var printer = message.NewPrinter(language.English)

// deepestCause picks the innermost error with the longest instance path:
// the most specific place a person should look.
func deepestCause(e *jsonschema.ValidationError) *jsonschema.ValidationError {
	best := e
	var walk func(*jsonschema.ValidationError)
	walk = func(v *jsonschema.ValidationError) {
		if len(v.Causes) == 0 && len(v.InstanceLocation) > len(best.InstanceLocation) {
			best = v
		}
		for _, c := range v.Causes {
			walk(c)
		}
	}
	walk(e)
	if len(best.Causes) > 0 {
		// Every leaf is at the root: take the first one.
		for len(best.Causes) > 0 {
			best = best.Causes[0]
		}
	}
	return best
}

func pointer(loc []string) string {
	var sb strings.Builder
	for _, s := range loc {
		sb.WriteByte('/')
		sb.WriteString(escapePointer(s))
	}
	return sb.String()
}
