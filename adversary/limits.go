package adversary

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/imcheck/imcheck/internal/boundedfile"
)

// Limits on a trace or a model report (docs/limits.md, "Traces and model
// reports"). The model report of every shipped model is under 1 MiB,
// 23,706 values and 12 levels deep, and no array in it has more than 62
// elements.
// ReadTrace and ReadModelTraces walk the JSON token by token against these
// limits before decoding it, so decoding takes memory linear in the input
// with a small constant.
const (
	// MaxFileSize is the largest file `imcheck attack replay` reads, in
	// bytes.
	MaxFileSize = 16 << 20
	// MaxDepth is the deepest nesting of objects and arrays.
	MaxDepth = 32
	// MaxValues is the most JSON values in one document.
	MaxValues = 1 << 18
	// MaxArrayLen is the most elements of one array (the entries of a
	// trace, the steps of a model attack).
	MaxArrayLen = 1 << 14
)

// offsetError is a limit crossed at a byte offset of a JSON document.
type offsetError struct {
	offset int64
	msg    string
}

func (e *offsetError) Error() string { return e.msg }

// scanJSON walks data once, token by token (no recursion, memory of one
// counter a level), and reports the first syntax error or limit crossed;
// Locate turns it into a line and column.
func scanJSON(data []byte) error {
	if len(data) > MaxFileSize {
		return &offsetError{0, fmt.Sprintf("%d bytes, over the limit of %d (docs/limits.md)", len(data), MaxFileSize)}
	}
	type frame struct {
		object  bool
		wantKey bool // object: the next token is a key
		n       int  // array: elements so far
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []frame
	values := 0
	for {
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
			off++ // to where the token starts
		}
		tok, err := dec.Token()
		if err == io.EOF && len(stack) == 0 {
			return nil
		}
		if err != nil { // io.EOF inside a value: the input ends early
			// encoding/json's decoder does not place a syntax error
			// exactly; its scanner, in constant memory, does
			var skip struct{}
			if e := json.Unmarshal(data, &skip); e != nil {
				return e
			}
			return err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
			continue
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if top.object && top.wantKey {
				top.wantKey = false
				continue // a key
			}
			if top.object {
				top.wantKey = true
			} else if top.n++; top.n > MaxArrayLen {
				return &offsetError{off, fmt.Sprintf("an array of more than %d elements (docs/limits.md)", MaxArrayLen)}
			}
		}
		if values++; values > MaxValues {
			return &offsetError{off, fmt.Sprintf("more than %d values (docs/limits.md)", MaxValues)}
		}
		if d, ok := tok.(json.Delim); ok {
			if len(stack) == MaxDepth {
				return &offsetError{off, fmt.Sprintf("nested deeper than %d levels (docs/limits.md)", MaxDepth)}
			}
			stack = append(stack, frame{object: d == '{', wantKey: d == '{'})
		}
	}
}

// FileError is a trace or report refused at a place: the file, a line
// and a column (in bytes, from 1).
type FileError struct {
	File      string
	Line, Col int
	Reason    string
}

func (e *FileError) Error() string {
	return fmt.Sprintf("adversary: %s:%d:%d: %s", e.File, e.Line, e.Col, e.Reason)
}

// ReadFile reads a trace or a model report, never more than MaxFileSize+1
// bytes: a larger regular file is refused unread, a pipe when it passes
// the limit.
func ReadFile(name string) ([]byte, error) {
	b, err := boundedfile.Read(name, MaxFileSize)
	var tl *boundedfile.TooLarge
	switch {
	case errors.As(err, &tl):
		return nil, &FileError{name, 1, 1, "the file is " + tl.Words() + " (docs/limits.md)"}
	case err != nil:
		return nil, fmt.Errorf("adversary: %w", err)
	}
	return b, nil
}

// Locate turns a JSON decoding error of data (read from file) into a
// *FileError at the offset encoding/json reports; other errors are
// returned as they are.
func Locate(file string, data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var oe *offsetError
	switch {
	case errors.As(err, &oe):
		off = oe.offset
	case errors.As(err, &se):
		off = max(se.Offset-1, 0) // the offending byte
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err
	}
	before := data[:off]
	line := 1 + bytes.Count(before, []byte{'\n'})
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return &FileError{file, line, col, strings.TrimPrefix(err.Error(), "adversary: ")}
}
