package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits on a vector file (docs/limits.md, "Vector files"). The largest
// shipped file is about 2 MiB, 37,000 values and 8 levels deep. Within
// them, checking one file takes under 256 MiB of heap
// (TestHostileVectorFiles).
const (
	// MaxFileSize is the largest vector file the checker reads, in bytes.
	MaxFileSize = 16 << 20
	// MaxDepth is the deepest nesting of objects and arrays.
	MaxDepth = 32
	// MaxValues is the most JSON values (objects, arrays, strings,
	// numbers, literals) in one file.
	MaxValues = 1 << 18
)

// jsonError is a problem found while walking a document: the JSON Pointer
// of the value, its byte offset in the document and the reason.
type jsonError struct {
	path   string
	offset int64
	reason string
}

// frame is one open object or array on the walk's stack.
type frame struct {
	object bool
	key    string          // object: the key of the current member
	index  int             // array: the index of the current element
	seen   map[string]bool // object: the keys so far
}

// walkJSON reads data token by token, with an explicit stack instead of
// recursion. It reports the first of: a syntax error, a duplicate key
// (encoding/json would silently keep the last one), nesting deeper than
// MaxDepth, more than MaxValues values, or data after the top-level value.
// visit, if not nil, is called at the start of every value with the stack
// and the value's offset; it stops the walk by returning false. Memory is
// the stack plus each open object's keys: linear in the input, and the
// JSON Pointer of a value is only built for an error.
func walkJSON(data []byte, visit func(stack []frame, offset int64) bool) *jsonError {
	if len(data) > MaxFileSize {
		return &jsonError{"", 0, fmt.Sprintf("the file is %d bytes, over the limit of %d (docs/limits.md)", len(data), MaxFileSize)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []frame
	values := 0
	fail := func(reason string) *jsonError {
		return &jsonError{pointerOf(stack), valueStart(data, dec.InputOffset()), reason}
	}
	for {
		// Expecting a value, a key, or the end of the open container.
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if !dec.More() {
				if _, err := dec.Token(); err != nil {
					return fail(syntaxReason(err))
				}
				stack = stack[:n-1]
				if len(stack) == 0 {
					break
				}
				advance(&stack[len(stack)-1])
				continue
			}
			if top.object {
				keyStart := valueStart(data, dec.InputOffset())
				kt, err := dec.Token()
				if err != nil {
					return fail(syntaxReason(err))
				}
				k, _ := kt.(string)
				top.key = k
				if top.seen[k] {
					return &jsonError{pointerOf(stack), keyStart, fmt.Sprintf("duplicate key %q", k)}
				}
				top.seen[k] = true
			}
		}
		if values++; values > MaxValues {
			return fail(fmt.Sprintf("more than %d values (docs/limits.md)", MaxValues))
		}
		start := valueStart(data, dec.InputOffset())
		if visit != nil && !visit(stack, start) {
			return nil
		}
		tok, err := dec.Token()
		if err != nil {
			return fail(syntaxReason(err))
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			if len(stack) == MaxDepth {
				return &jsonError{pointerOf(stack), start, fmt.Sprintf("nested deeper than %d levels (docs/limits.md)", MaxDepth)}
			}
			f := frame{object: d == '{'}
			if f.object {
				f.seen = map[string]bool{}
			}
			stack = append(stack, f)
			continue
		}
		if len(stack) == 0 {
			break // a scalar document
		}
		advance(&stack[len(stack)-1])
	}
	if _, err := dec.Token(); err != io.EOF {
		return &jsonError{"", dec.InputOffset(), "data after the top-level value"}
	}
	return nil
}

// advance moves an array frame to its next element (an object frame
// moves by reading the next key).
func advance(f *frame) {
	if !f.object {
		f.index++
	}
}

func syntaxReason(err error) string {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "unexpected end of JSON"
	}
	return "not JSON: " + err.Error()
}

// valueStart skips the separators after off, to where the next token
// starts.
func valueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

// pointerOf is the JSON Pointer (RFC 6901) of the value the stack is at.
func pointerOf(stack []frame) string {
	var sb strings.Builder
	for _, f := range stack {
		sb.WriteByte('/')
		if f.object {
			sb.WriteString(escapePointer(f.key))
		} else {
			sb.WriteString(strconv.Itoa(f.index))
		}
	}
	return sb.String()
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// locate returns the byte offset of the value at the JSON Pointer path
// (as tokens, unescaped), or -1.
func locate(data []byte, path []string) int64 {
	found := int64(-1)
	walkJSON(data, func(stack []frame, off int64) bool {
		if len(stack) != len(path) {
			return true
		}
		for i, f := range stack {
			if (f.object && f.key != path[i]) || (!f.object && strconv.Itoa(f.index) != path[i]) {
				return true
			}
		}
		found = off
		return false
	})
	return found
}

// lineCol turns a byte offset into a 1-based line and column (in bytes).
func lineCol(data []byte, off int64) (line, col int) {
	if off < 0 || off > int64(len(data)) {
		return 0, 0
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
