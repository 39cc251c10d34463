package lang

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const okHeader = "protocol p\nsecret sk(X)\npublic pk(sk(X))\n"
const okScenario = "scenario s { users a, b dishonest e sessions 2 }\n"

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"no protocol", "role R(A) { }", 1, 1, "expected 'protocol'"},
		{"bad char", "protocol p\nrole R(A) { send A; }", 2, 19, "unexpected character ';'"},
		{"undeclared", okHeader + "role R(A: user) {\n  send Nz\n}\n" + okScenario, 5, 8, `undeclared name "Nz"`},
		{"use before receive", okHeader + "role R(A: user) {\n  var X\n  send X\n  recv X\n}\n" + okScenario, 6, 8, "X is used before role R receives it"},
		{"arity", okHeader + "role R(A: user) {\n  send senc(A)\n}\n" + okScenario, 5, 8, "senc takes 2 arguments, not 1"},
		{"unknown function", okHeader + "role R(A: user) {\n  send f(A)\n}\n" + okScenario, 5, 8, `unknown function "f"`},
		{"unknown type", okHeader + "role R(A: user) {\n  fresh N: nonse\n}\n" + okScenario, 5, 12, `unknown type "nonse"`},
		{"unknown claim", okHeader + "role R(A: user) {\n  claim secrt A\n}\n" + okScenario, 5, 9, `unknown claim "secrt"`},
		{"claim partner", okHeader + "role R(A: user) {\n  claim alive B\n}\n" + okScenario, 5, 15, "B is not a parameter of role R"},
		{"duplicate role", okHeader + "role R(A) { }\nrole R(A) { }\n" + okScenario, 5, 6, "role R is declared twice"},
		{"bad class", okHeader + "role R(A: admin) { }\n" + okScenario, 4, 11, "a parameter is a user or a server"},
		{"no scenario", okHeader + "role R(A) { }\n", 5, 1, "no scenario"},
		{"no users", okHeader + "role R(A) { }\nscenario s { sessions 2 }\n", 5, 10, "has no honest user"},
		{"sessions range", okHeader + "role R(A) { }\nscenario s { users a sessions 99 }\n", 5, 31, "sessions must be between 1 and 8"},
		{"unknown scenario role", okHeader + "role R(A) { }\nscenario s { users a roles R, Q }\n", 5, 31, "no role Q in this file"},
		{"scenario role twice", okHeader + "role R(A) { }\nscenario s { users a roles R, R }\n", 5, 31, "names role R twice"},
		{"reveal unknown agent", okHeader + "role R(A) { }\nscenario s { users a reveal sk(z) }\n", 5, 32, "z is not an agent"},
		{"fsecret without reveal", okHeader + "role R(A: user) {\n  fresh K: key\n  claim fsecret K\n}\n" + okScenario, 7, 1, "expected 'reveal'"},
		{"tuple of one", okHeader + "role R(A: user) {\n  send <A>\n}\n" + okScenario, 5, 8, "a tuple has at least two elements"},
		{"keyword as name", okHeader + "role send(A) { }\n" + okScenario, 4, 6, `found the keyword "send"`},
		{"duplicate symbol", okHeader + "role R(A: user) {\n  fresh A\n}\n" + okScenario, 5, 9, `"A" is already declared`},
		{"unclosed role", okHeader + "role R(A: user) {\n  send A\n", 6, 1, "expected a role statement"},
		{"function as value", okHeader + "role R(A: user) {\n  send pk\n}\n" + okScenario, 5, 8, "pk is a function"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.imp", tc.src)
			wantError(t, err, tc.line, tc.col, tc.msg)
		})
	}
}

// FuzzParse: the parser never panics; it accepts or returns a *lang.Error.
// The seed corpus is the shipped models (../protocols) and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	models, _ := filepath.Glob(filepath.Join("..", "protocols", "*.imp"))
	seeds, _ := filepath.Glob(filepath.Join("testdata", "parse", "*.imp"))
	for _, s := range append(models, seeds...) {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	// large and deep inputs, at and just over the limits of docs/limits.md
	for _, d := range []int{MaxTermDepth - 1, MaxTermDepth + 1} {
		f.Add(role("send " + strings.Repeat("h(", d) + "A" + strings.Repeat(")", d)))
		f.Add(role("send " + strings.Repeat("<A, ", d) + "A" + strings.Repeat(">", d)))
	}
	f.Add(role("send <" + strings.Repeat("A, ", MaxTermSize) + "A>"))
	f.Add(role(strings.Repeat("send A\n  ", MaxMessages+1)))
	f.Add("protocol p\nconst c" + strings.Repeat(", c", MaxNames) + "\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse("fuzz.imp", src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *lang.Error: %v", err, err)
			}
			return
		}
		if p == nil || len(p.Roles) == 0 || len(p.Scenarios) == 0 {
			t.Fatal("accepted a protocol without roles or scenarios")
		}
	})
}

func TestParseSeeds(t *testing.T) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "parse", "*.imp"))
	if len(seeds) == 0 {
		t.Fatal("no seeds")
	}
	for _, s := range seeds {
		src, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(s, string(src)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// wantError fails unless err is a *lang.Error at x.imp:line:col whose
// message contains msg, and whose text starts with its position.
func wantError(t *testing.T, err error, line, col int, msg string) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %T %v is not a *lang.Error", err, err)
	}
	if pe.Pos.Line != line || pe.Pos.Col != col || !strings.Contains(pe.Msg, msg) {
		t.Fatalf("got %v\nwant x.imp:%d:%d: ...%s...", err, line, col, msg)
	}
	if !strings.HasPrefix(err.Error(), fmt.Sprintf("x.imp:%d:%d: ", line, col)) {
		t.Fatalf("error %q does not start with file:line:col", err)
	}
}
