package lang

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/imcheck/imcheck/internal/boundedfile"
	"github.com/imcheck/imcheck/model/proto"
)

// Limits on a protocol file (docs/limits.md, "Model files"). A file over a
// limit is refused with an *Error at the place where the limit was crossed;
// the parser never recurses deeper than MaxTermDepth, and its memory is
// linear in the size of the file.
const (
	// MaxFileSize is the largest protocol file, in bytes. The largest
	// shipped model is under 10 KB.
	MaxFileSize = 1 << 20
	// MaxTermDepth is the deepest nesting of one term: applications and
	// tuples inside each other.
	MaxTermDepth = 32
	// MaxTermSize is the number of symbols (names, applications, tuples)
	// in one term as written.
	MaxTermSize = 1024
	// MaxNames is the number of names one file may declare: functions,
	// secrets, constants, roles, role symbols, lets, scenarios and agents.
	MaxNames = 4096
	// MaxMessages is the number of send and recv statements of one role.
	MaxMessages = 64
	// MaxStatements is the number of statements of one role.
	MaxStatements = 256
	// MaxAgentArgs is the number of agents a secret or a public term is a
	// function of: the attacker's initial knowledge has one term for every
	// tuple of that many agents.
	MaxAgentArgs = 4
	// MaxAgents is the number of agents of one scenario.
	MaxAgents = 8
	// MaxRoles and MaxScenarios are the roles and scenarios of one file.
	MaxRoles     = 64
	MaxScenarios = 64
	// MaxClaims is the number of claim statements of one file: every
	// claim is checked on every state of the search.
	MaxClaims = 1024
	// MaxTokenLen is the longest name or number, in bytes: error
	// messages quote names, and stay one short line.
	MaxTokenLen = 256
)

// maxHintNames is how many names an error message lists as a hint (the
// events of the file, for a claim that names none of them).
const maxHintNames = 16

// ReadFile reads a protocol file from disk, never more than MaxFileSize+1
// bytes: a larger file is an *Error at FILE:1:1, whatever its size.
func ReadFile(file string) (string, error) {
	b, err := boundedfile.Read(file, MaxFileSize)
	var tl *boundedfile.TooLarge
	switch {
	case errors.As(err, &tl):
		size := "more than " + strconv.Itoa(MaxFileSize)
		if tl.Size >= 0 {
			size = strconv.FormatInt(tl.Size, 10)
		}
		return "", tooLarge(file, size)
	case err != nil:
		return "", fmt.Errorf("lang: %w", err)
	}
	return string(b), nil
}

func tooLarge(file, size string) *Error {
	return &Error{proto.Pos{File: file, Line: 1, Col: 1},
		fmt.Sprintf("the file has %s bytes; a protocol file has at most %d (docs/limits.md)", size, MaxFileSize)}
}
