package lang

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// genModel draws a protocol file that passes every check: roles whose
// sends are built from what they know and received, whose receptions they
// can open, near the limits of docs/limits.md now and then (terms up to
// MaxTermDepth deep, up to MaxMessages messages, many constants). It
// returns the source and the line of one send statement.
func genModel(t *rapid.T) (string, int) {
	var b strings.Builder
	line := 1
	w := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		b.WriteString(s)
		line += strings.Count(s, "\n")
	}
	w("protocol gen\nsecret k(X, Y)\nsecret sk(X)\npublic pk(sk(X))\nfun f/2\n")
	nconst := rapid.IntRange(0, 3).Draw(t, "consts")
	if rapid.IntRange(0, 9).Draw(t, "manyConsts") == 0 {
		nconst = rapid.IntRange(100, MaxNames-200).Draw(t, "bigConsts")
	}
	consts := []string{}
	if nconst > 0 {
		w("const ")
		for i := 0; i < nconst; i++ {
			if i > 0 {
				w(", ")
			}
			consts = append(consts, fmt.Sprintf("c%d", i))
			w("c%d", i)
		}
		w("\n")
	}
	sendLine := 0
	maxDepth := rapid.SampledFrom([]int{3, 6, MaxTermDepth}).Draw(t, "maxDepth")
	budget := 0 // symbols left for the term being drawn (MaxTermSize)
	var term func(pool []string, depth int) string
	term = func(pool []string, depth int) string {
		atom := func() string { return rapid.SampledFrom(pool).Draw(t, "atom") }
		budget -= 5                            // the most a constructor adds besides its arguments
		if depth >= maxDepth-3 || budget < 0 { // aenc(x, pk(sk(B))) adds three levels
			return atom()
		}
		switch rapid.IntRange(0, 7).Draw(t, "ctor") {
		case 0:
			return "<" + term(pool, depth+1) + ", " + term(pool, depth+1) + ">"
		case 1:
			return "h(" + term(pool, depth+1) + ")"
		case 2:
			return "senc(" + term(pool, depth+1) + ", k(A, B))"
		case 3:
			return "sign(" + term(pool, depth+1) + ", sk(A))"
		case 4:
			return "aenc(" + term(pool, depth+1) + ", pk(sk(B)))"
		case 5:
			return "f(" + term(pool, depth+1) + ", " + atom() + ")"
		case 6:
			return "exp(g, " + atom() + ")"
		}
		return atom()
	}
	nroles := rapid.IntRange(1, 3).Draw(t, "roles")
	for r := 0; r < nroles; r++ {
		w("role R%d(A: user, B: user) {\n  knows A, B, k(A, B), sk(A)\n", r)
		nfresh := rapid.IntRange(1, 4).Draw(t, "fresh")
		pool := append([]string{"A", "B"}, consts...)
		for i := 0; i < nfresh; i++ {
			w("  fresh N%d: nonce\n", i)
			pool = append(pool, fmt.Sprintf("N%d", i))
		}
		nmsgs := rapid.IntRange(1, 6).Draw(t, "messages")
		if rapid.IntRange(0, 9).Draw(t, "manyMessages") == 0 {
			nmsgs = MaxMessages
		}
		for m := 0; m < nmsgs; m++ {
			if rapid.Bool().Draw(t, "recv") {
				v := fmt.Sprintf("V%d", m)
				w("  var %s\n", v)
				pat := rapid.SampledFrom([]string{v, "<A, " + v + ">", "senc(" + v + ", k(A, B))", "aenc(" + v + ", pk(sk(A)))"}).Draw(t, "pattern")
				w("  recv r%d: %s\n", m, pat)
				pool = append(pool, v)
				continue
			}
			if sendLine == 0 {
				sendLine = line
			}
			budget = MaxTermSize - 40
			w("  send s%d: %s\n", m, term(pool, 1))
		}
		w("  event Done%d(A, B)\n  claim niagree Done%d(A, B)\n}\n", r, r)
	}
	w("scenario s { users a, b  dishonest e  sessions %d }\n", rapid.IntRange(1, 2).Draw(t, "sessions"))
	return b.String(), sendLine
}

// TestRapidModels: generated models at the limits parse and pass the
// static checks; pushed over a limit (one more level of a term, one more
// message, the names of a file), each is refused at a position inside the
// file with a message naming docs/limits.md. make test runs rapid's default
// count; make fuzz runs it with -rapid.checks (RAPIDCHECKS).
func TestRapidModels(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		src, sendLine := genModel(t)
		p, err := Parse("gen.imp", src)
		if err != nil {
			t.Fatalf("a generated model is refused: %v\n%s", err, src)
		}
		if len(p.Roles) == 0 || len(p.Scenarios) != 1 {
			t.Fatalf("%d roles, %d scenarios", len(p.Roles), len(p.Scenarios))
		}
		lines := strings.Split(src, "\n")
		var over string
		switch rapid.IntRange(0, 2).Draw(t, "over") {
		case 0: // a send nested one level over the depth limit
			if sendLine == 0 {
				return
			}
			deep := strings.Repeat("h(", MaxTermDepth) + "A" + strings.Repeat(")", MaxTermDepth)
			lines[sendLine-1] = "  send deep: " + deep
			over = "nested deeper"
		case 1: // one role with more messages than allowed
			i := strings.Index(src, "  knows")
			over = "more than 64 messages"
			src = src[:i] + strings.Repeat("  send A\n", MaxMessages+1) + src[i:]
			lines = strings.Split(src, "\n")
		case 2: // more names than allowed
			var b strings.Builder
			b.WriteString("const ")
			for i := 0; i <= MaxNames; i++ {
				fmt.Fprintf(&b, "z%d, ", i)
			}
			b.WriteString("zz")
			lines = append(lines[:1], append([]string{b.String()}, lines[1:]...)...)
			over = "names in one file"
		}
		bad := strings.Join(lines, "\n")
		_, err = Parse("gen.imp", bad)
		var pe *Error
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, over) || !strings.Contains(pe.Msg, "docs/limits.md") {
			t.Fatalf("over the limit (%s): %v", over, err)
		}
		if pe.Pos.Line < 1 || pe.Pos.Line > len(strings.Split(bad, "\n")) || pe.Pos.Col < 1 {
			t.Fatalf("position %v outside the file", pe.Pos)
		}
	})
}
