package lang

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The hostile model files of docs/limits.md, "Model files", generated here
// (none is committed). Each must be refused with its position, within the
// stated time and bytes allocated: parsing is linear with a small constant.
const (
	hostileTime  = 5 * time.Second // generous: a loaded 2-core machine
	hostileBytes = 64 << 20        // allocated while parsing, all inputs
	maxErrorLen  = 512             // one line a person reads
)

func role(body string) string {
	return "protocol p\nrole R(A: user) {\n  " + body + "\n}\nscenario s { users a }\n"
}

// hostile lists the reproducers: name, source, and the expected line,
// column and message. With -short the deep and wide terms are smaller but
// still far over the limits.
func hostile(short bool) []struct {
	name, src string
	line, col int
	msg       string
} {
	// as large as the file size limit allows
	deep, deepTuple, wide, names, msgs := 340000, 200000, 340000, 100000, 1000
	if short {
		deep, deepTuple, wide, names = 30000, 30000, 50000, 20000
	}
	nest := func(n int, open, close string) string {
		return strings.Repeat(open, n) + "A" + strings.Repeat(close, n)
	}
	list := func(n int, prefix string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s%d", prefix, i)
		}
		return b.String()
	}
	return []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"term 1,000,000 deep", role("send " + nest(1000000, "h(", ")")), 1, 1, "a protocol file has at most 1048576"},
		{"deep h(...)", role("send " + nest(deep, "h(", ")")), 3, 8 + 2*MaxTermDepth, "term nested deeper than 32 levels"},
		{"deep tuple", role("send " + nest(deepTuple, "<A, ", ">")), 3, 9 + 4*(MaxTermDepth-1), "term nested deeper than 32 levels"},
		{"one-line tuple", role("send <" + strings.Repeat("A, ", wide) + "A>"), 3, 9 + 3*(MaxTermSize-1), "term of more than 1024 symbols"},
		{"100,000 constants", "protocol p\nconst " + list(names, "c") + "\n", 2, 7 + len(list(MaxNames, "c")) + 2, "more than 4096 names"},
		{"100,000 fresh names", role("fresh " + list(names, "n")), 3, 9 + len(list(MaxNames-2, "n")) + 2, "more than 4096 names"},
		{"1,000 messages", role(strings.Repeat("send A\n  ", msgs)), 3 + MaxMessages, 3, "role R has more than 64 messages"},
		{"statements", role(strings.Repeat("event E(A)\n  ", 2*MaxStatements)), 3 + MaxStatements, 3, "more than 256 statements"},
		{"claims", "protocol p\n" + claims(8, 200), 2 + 5*202 + 1 + MaxClaims - 5*200, 3, "more than 1024 claims"},
		{"public terms", "protocol p\n" + strings.Repeat("public h(X)\n", 2*MaxNames), 2 + MaxNames, 8, "more than 4096 names"},
		{"roles", "protocol p\n" + roles(2*MaxRoles), 2 + 3*MaxRoles, 6, "more than 64 roles"},
		{"half-megabyte name", "protocol p\nconst " + strings.Repeat("a", 1<<19) + "\n", 2, 7, "name of more than 256 characters"},
		{"long number", "protocol p\nfun q/" + strings.Repeat("9", 1<<19) + "\n", 2, 7, "number of more than 256 characters"},
		{"16,000 events, a claim names none", events(64, 250, "  claim niagree Nope(A)\n"), 2 + 64*252 - 1, 17, "no role emits event Nope (events: E0_0, E0_1,"},
		// duplicates at the name limit: each found by a map lookup
		{"duplicate constant", "protocol p\nconst " + list(MaxNames-1, "c") + ", c0\n", 2, 7 + len(list(MaxNames-1, "c")) + 2, `"c0" is already a constant`},
		{"duplicate fresh name", role("fresh " + list(MaxNames-3, "n") + ", n0"), 3, 9 + len(list(MaxNames-3, "n")) + 2, `"n0" is already declared in role R`},
		{"duplicate let", role("fresh N\n  " + lets(MaxStatements-2) + "let l0 = N"), 4 + MaxStatements - 2, 7, `"l0" is already defined`},
		{"duplicate function", "protocol p\n" + funs(MaxNames-1) + "fun f0/1\n", 2 + MaxNames - 1, 5, `"f0" is already a function`},
		{"duplicate role", "protocol p\n" + roles(MaxRoles) + "role R0(A: user) {\n  send A\n}\n", 2 + 3*MaxRoles, 6, "role R0 is declared twice"},
	}
}

// events returns n roles of k events each, E<role>_<event>(A); the last
// role ends with extra.
func events(n, k int, extra string) string {
	var b strings.Builder
	b.WriteString("protocol p\n")
	for r := 0; r < n; r++ {
		fmt.Fprintf(&b, "role R%d(A: user) {\n", r)
		for e := 0; e < k; e++ {
			fmt.Fprintf(&b, "  event E%d_%d(A)\n", r, e)
		}
		if r == n-1 {
			b.WriteString(extra)
		}
		b.WriteString("}\n")
	}
	return b.String() + "scenario s { users a }\n"
}

// lets returns n statements let l<i> = N, each on its own line.
func lets(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "let l%d = N\n  ", i)
	}
	return b.String()
}

// funs returns n declarations fun f<i>/1, one a line.
func funs(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "fun f%d/1\n", i)
	}
	return b.String()
}

func TestHostileModelFiles(t *testing.T) {
	for _, tc := range hostile(testing.Short()) {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			t0 := time.Now()
			_, err := Parse("x.imp", tc.src)
			took := time.Since(t0)
			runtime.ReadMemStats(&after)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *lang.Error", err)
			}
			if pe.Pos.Line != tc.line || pe.Pos.Col != tc.col || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("got %v\nwant x.imp:%d:%d: ...%s...", err, tc.line, tc.col, tc.msg)
			}
			if len(err.Error()) > maxErrorLen {
				t.Errorf("an error of %d bytes: want one short line (at most %d)", len(err.Error()), maxErrorLen)
			}
			t.Logf("%d bytes in, %d bytes allocated, %v", len(tc.src), after.TotalAlloc-before.TotalAlloc, took.Round(time.Microsecond))
			if took > hostileTime {
				t.Errorf("took %v, over %v", took, hostileTime)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > hostileBytes {
				t.Errorf("allocated %d bytes for a %d-byte file, over %d", n, len(tc.src), hostileBytes)
			}
		})
	}
}

// TestReadFileLimit: a file far over the limit (sparse, 50 MiB) is refused
// after reading at most MaxFileSize+1 bytes.
func TestReadFileLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.imp")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = ReadFile(path)
	runtime.ReadMemStats(&after)
	var pe *Error
	if !errors.As(err, &pe) || pe.Pos.Line != 1 || pe.Pos.Col != 1 || !strings.Contains(pe.Msg, "52428800 bytes") {
		t.Fatalf("got %v, want %s:1:1: the file has 52428800 bytes...", err, path)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("allocated %d bytes to refuse the file", n)
	}
}

// TestLargestModelFile: a valid file close to the size limit, every role at
// the message limit and every message close to the term size limit,
// parses and passes the static checks in linear time and memory.
func TestLargestModelFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("protocol big\nsecret k(X, Y)\n")
	elems := strings.Repeat("N, senc(N, k(A, B)), ", 160) + "N"
	for r := 0; b.Len() < MaxFileSize-70*len(elems); r++ {
		fmt.Fprintf(&b, "role R%d(A: user, B: user) {\n  knows A, B, k(A, B)\n  fresh N: nonce\n", r)
		for m := 0; m < MaxMessages; m++ {
			fmt.Fprintf(&b, "  send m%d: <%s>\n", m, elems)
		}
		b.WriteString("}\n")
	}
	b.WriteString("scenario s { users a, b }\n")
	src := b.String()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	p, err := Parse("big.imp", src)
	took := time.Since(t0)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	n := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d bytes, %d roles: %d bytes allocated (%.1f per input byte), %v", len(src), len(p.Roles), n, float64(n)/float64(len(src)), took.Round(time.Millisecond))
	if n > 64*uint64(len(src)) {
		t.Errorf("allocated %d bytes for %d bytes of input: over 64 per byte", n, len(src))
	}
	if took > hostileTime {
		t.Errorf("took %v, over %v", took, hostileTime)
	}
}

// roles returns n roles R0, R1, ..., each three lines.
func roles(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "role R%d(A: user) {\n  send A\n}\n", i)
	}
	return b.String()
}

// claims returns n roles of k claims each.
func claims(n, k int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "role R%d(A: user) {\n%s}\n", i, strings.Repeat("  claim alive A\n", k))
	}
	return b.String()
}
