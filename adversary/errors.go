package adversary

import (
	"fmt"
	"strings"
)

// detail is err's text without this package's prefix, for a message that
// carries the prefix already, so that a person reads "adversary: " once.
func detail(err error) string { return strings.TrimPrefix(err.Error(), "adversary: ") }

// wrapped is an error under a message of this package that names the
// package once, whatever err's own prefix.
type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg }
func (e *wrapped) Unwrap() error { return e.err }

// wrapf is fmt.Errorf(format+": %w", args..., err) without err's own
// "adversary: ": format starts with the package's name, and errors.Is and
// errors.As still find err.
func wrapf(err error, format string, args ...any) error {
	return &wrapped{msg: fmt.Sprintf(format, args...) + ": " + detail(err), err: err}
}
