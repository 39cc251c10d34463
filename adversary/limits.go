package adversary

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxFileSize is the largest trace or model report `imcheck attack replay`
// reads, in bytes (docs/limits.md, "Traces and model reports"). The model
// report of every shipped model is under 1 MiB.
const MaxFileSize = 16 << 20

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
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("adversary: %w", err)
	}
	defer f.Close()
	over := func(size string) error {
		return &FileError{name, 1, 1, fmt.Sprintf("the file is %s over the limit of %d (docs/limits.md)", size, MaxFileSize)}
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxFileSize {
		return nil, over(fmt.Sprintf("%d bytes,", st.Size()))
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("adversary: %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, over("more than")
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
	switch {
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
