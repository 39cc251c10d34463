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

// token is one token; its text is a slice of the source (no copy).
type token struct {
	kind      tokKind
	text      string
	line, col int32
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

// lexer splits a source into tokens on demand, so that memory does not grow
// with the number of tokens. Comments run from '#' to the end of the line.
type lexer struct {
	file      string
	src       string
	i         int
	line, col int32
}

func newLexer(file, src string) *lexer { return &lexer{file: file, src: src, line: 1, col: 1} }

func (lx *lexer) pos(line, col int32) proto.Pos {
	return proto.Pos{File: lx.file, Line: int(line), Col: int(col)}
}

// advance moves past n bytes of the current line (no newline among them).
func (lx *lexer) advance(n int) {
	lx.i += n
	lx.col += int32(n)
}

// next returns the next token; an unexpected byte is an *Error.
func (lx *lexer) next() (token, *Error) {
	src := lx.src
	for lx.i < len(src) {
		c := src[lx.i]
		switch {
		case c == '\n':
			lx.i++
			lx.line++
			lx.col = 1
			continue
		case c == ' ' || c == '\t' || c == '\r':
			lx.advance(1)
			continue
		case c == '#':
			j := strings.IndexByte(src[lx.i:], '\n')
			if j < 0 {
				j = len(src) - lx.i
			}
			lx.advance(j)
			continue
		}
		t := token{line: lx.line, col: lx.col}
		j := lx.i
		switch {
		case isLetter(c):
			for j < len(src) && (isLetter(src[j]) || isDigit(src[j]) || src[j] == '\'' || src[j] == '-' && j+1 < len(src) && isLetter(src[j+1])) {
				j++
			}
			t.kind = tIdent
		case isDigit(c):
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			t.kind = tInt
		case strings.IndexByte("(){}<>,:=/", c) >= 0:
			j++
			t.kind = tPunct
		default:
			p := lx.pos(lx.line, lx.col)
			if c < 0x20 || c >= 0x7f {
				return t, &Error{p, fmt.Sprintf("unexpected byte 0x%02x; protocol files are plain ASCII", c)}
			}
			return t, &Error{p, fmt.Sprintf("unexpected character %q", c)}
		}
		if t.kind != tPunct && j-lx.i > MaxTokenLen {
			what := "name"
			if t.kind == tInt {
				what = "number"
			}
			return t, &Error{lx.pos(lx.line, lx.col), fmt.Sprintf("%s of more than %d characters (docs/limits.md)", what, MaxTokenLen)}
		}
		t.text = src[lx.i:j]
		lx.advance(j - lx.i)
		return t, nil
	}
	return token{kind: tEOF, line: lx.line, col: lx.col}, nil
}

func isLetter(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
