package lang

import (
	"fmt"
	"strings"

	"github.com/imcheck/imcheck/model/proto"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tInt
	tPunct
)

type token struct {
	kind tokKind
	text string
	pos  proto.Pos
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tIdent:
		return fmt.Sprintf("%q", t.text)
	case tInt:
		return "number " + t.text
	}
	return fmt.Sprintf("'%s'", t.text)
}

// Error is a parse or compile error at a position of a protocol file.
type Error struct {
	Pos proto.Pos
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// lex splits src into tokens. Comments run from '#' to the end of the line.
func lex(file, src string) ([]token, error) {
	var out []token
	line, col := 1, 1
	i := 0
	adv := func(n int) {
		for k := 0; k < n; k++ {
			if src[i] == '\n' {
				line++
				col = 1
			} else {
				col++
			}
			i++
		}
	}
	for i < len(src) {
		c := src[i]
		p := proto.Pos{File: file, Line: line, Col: col}
		switch {
		case c == '\n' || c == ' ' || c == '\t' || c == '\r':
			adv(1)
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case isLetter(c):
			j := i
			for j < len(src) && (isLetter(src[j]) || isDigit(src[j]) || src[j] == '\'' || src[j] == '-' && j+1 < len(src) && isLetter(src[j+1])) {
				j++
			}
			out = append(out, token{tIdent, src[i:j], p})
			adv(j - i)
		case isDigit(c):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			out = append(out, token{tInt, src[i:j], p})
			adv(j - i)
		case strings.IndexByte("(){}<>,:=/", c) >= 0:
			out = append(out, token{tPunct, string(c), p})
			adv(1)
		default:
			if c < 0x20 || c >= 0x7f {
				return nil, &Error{p, fmt.Sprintf("unexpected byte 0x%02x; protocol files are plain ASCII", c)}
			}
			return nil, &Error{p, fmt.Sprintf("unexpected character %q", c)}
		}
	}
	out = append(out, token{tEOF, "", proto.Pos{File: file, Line: line, Col: col}})
	return out, nil
}

func isLetter(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
