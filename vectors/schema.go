package vectors

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed schema/*.json
var schemaFS embed.FS

// FileError says why a vector file is unusable: the file, the JSON path
// (a JSON Pointer, RFC 6901; "" is the whole document) and the reason.
type FileError struct {
	File   string
	Path   string
	Reason string
}

func (e *FileError) Error() string {
	p := e.Path
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("vectors: %s: at %s: %s", e.File, p, e.Reason)
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
	if err := checkDuplicateKeys(data); err != nil {
		return "", &FileError{File: file, Path: err.path, Reason: err.reason}
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
		return "", &FileError{File: file, Path: "/schema", Reason: "missing or not a string"}
	}
	all, err := schemas()
	if err != nil {
		return "", err
	}
	s, ok := all[name]
	if !ok {
		return "", &FileError{File: file, Path: "/schema", Reason: fmt.Sprintf("unknown schema %q (known: %s)", name, strings.Join(SchemaNames(), ", "))}
	}
	if err := s.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			leaf := deepestCause(ve)
			return "", &FileError{File: file, Path: pointer(leaf.InstanceLocation),
				Reason: fmt.Sprintf("fails %s: %s", name, leaf.ErrorKind.LocalizedString(printer))}
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
		s = strings.ReplaceAll(s, "~", "~0")
		sb.WriteString(strings.ReplaceAll(s, "/", "~1"))
	}
	return sb.String()
}

type dupError struct{ path, reason string }

// checkDuplicateKeys walks the JSON tokens and reports the first object
// with a repeated key (encoding/json would silently keep the last one).
func checkDuplicateKeys(data []byte) *dupError {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var walk func(path string) *dupError
	walk = func(p string) *dupError {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return &dupError{p, "unexpected end of JSON"}
			}
			return &dupError{p, "not JSON: " + err.Error()}
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return nil
		}
		switch d {
		case '{':
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return &dupError{p, "not JSON: " + err.Error()}
				}
				k, _ := kt.(string)
				kp := p + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
				if seen[k] {
					return &dupError{kp, fmt.Sprintf("duplicate key %q", k)}
				}
				seen[k] = true
				if e := walk(kp); e != nil {
					return e
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if e := walk(p + "/" + strconv.Itoa(i)); e != nil {
					return e
				}
			}
		}
		if _, err := dec.Token(); err != nil {
			return &dupError{p, "not JSON: " + err.Error()}
		}
		return nil
	}
	if e := walk(""); e != nil {
		return e
	}
	if _, err := dec.Token(); err != io.EOF {
		return &dupError{"", "data after the top-level value"}
	}
	return nil
}
