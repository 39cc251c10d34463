package lang

import (
	"strings"
	"testing"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// nsskSrc is a Needham-Schroeder shared-key skeleton for the reveal tests:
// S's role has the key and both messages, R receives the ticket.
const nsskSrc = `protocol p
secret k(X, S)
const c0
role S(S: server, A: user, B: user) {
  knows A, B, S, k(A, S), k(B, S)
  fresh Kab: key
  var Na: nonce
  recv m1: <A, B, Na>
  send m2: senc(<Na, B, Kab, senc(<Kab, A>, k(B, S))>, k(A, S))
}
role R(B: user, A: user, S: server) {
  knows A, B, S, k(B, S)
  var Kab: key
  recv m3: senc(<Kab, A>, k(B, S))
  claim secret Kab unless revealed
}
scenario s { users a, b server s sessions 2 REVEAL }
`

// TestConstructErrors feeds the malformed forms of every construct the
// language gained: each is refused with its file:line:col.
func TestConstructErrors(t *testing.T) {
	dhRole := func(body string) string {
		return "protocol p\nrole I(A: user, B: user) {\n  knows A, B\n  fresh X: nonce\n  var GY: dh\n" + body + "}\n" + okScenario
	}
	reveal := func(r string) string { return strings.Replace(nsskSrc, "REVEAL", r, 1) }
	cases := []struct {
		name, src string
		line, col int
		msg       string
	}{
		// session-value reveals
		{"reveal without role", reveal("reveal Kab of }"), 17, 59, "expected a role name"},
		{"reveal of unknown role", reveal("reveal Kab of Z"), 17, 59, "no role Z before this scenario"},
		{"reveal of unknown name", reveal("reveal Q of S"), 17, 52, "Q is not a name of role S"},
		{"reveal of a constant only", reveal("reveal h(c0) of S"), 17, 52, "names no value of a session"},
		{"reveal after unknown label", reveal("reveal Kab of S after m9"), 17, 67, "role S has no message or event labelled m9"},
		{"reveal at an unknown point", reveal("reveal Kab of R after m3, Na of S after m2, Kab of R after zz"), 17, 104, "role R has no message or event labelled zz"},
		{"reveal not yet received", strings.Replace(reveal("reveal Na of S after m1"), "recv m1: <A, B, Na>\n  send m2", "send m0: A\n  recv m1: <A, B, Na>\n  send m2", 1) + "", 0, 0, ""},
		{"reveal missing after label", reveal("reveal Kab of S after }"), 17, 67, "expected a message or event label"},
		// unless revealed
		{"unless without revealed", strings.Replace(reveal(""), "unless revealed", "unless", 1), 16, 1, "expected 'revealed' after 'unless'"},
		{"unless on fsecret", strings.Replace(reveal(""), "claim secret Kab unless revealed", "claim fsecret Kab reveal k(B, S) unless revealed", 1), 15, 36, "'unless revealed' applies to secret claims only"},
		{"unless on agreement", strings.Replace(reveal(""), "claim secret Kab unless revealed", "claim alive A unless revealed", 1), 15, 17, "expected a role statement"},
		// secrets of an unordered pair
		{"pair of one", "protocol p\nsecret k{X}\n", 2, 8, "takes two agents, k{X, Y}"},
		{"pair unclosed", "protocol p\nsecret k{X, Y)\n", 2, 14, "expected '}' to close the pair"},
		{"pair applied to one", "protocol p\nsecret k{X, Y}\nrole R(A: user) {\n  knows k(A)\n}\n" + okScenario, 4, 9, "k takes 2 agents, in any order, not 1"},
		// claims for distinct agents
		{"if without condition", okHeader + "role R(A: user, B: user) {\n  claim alive B if\n}\n" + okScenario, 6, 1, "expected 'honest A, B' or 'distinct' after 'if'"},
		{"if distinct then junk", okHeader + "role R(A: user, B: user) {\n  claim alive B if distinct honest C\n}\n" + okScenario, 5, 36, "C is not a parameter of role R"},
		// Diffie-Hellman
		{"exp arity", dhRole("  send exp(g)\n"), 6, 8, "exp takes 2 arguments, not 1"},
		{"exp no arguments", dhRole("  send exp()\n"), 6, 12, "exp takes at least one argument"},
		{"generator redeclared", "protocol p\nconst g\n" + okScenario, 2, 7, "the Diffie-Hellman generator"},
		{"exp taken apart", dhRole("  var Y: nonce\n  recv exp(g, Y)\n"), 7, 15, "cannot take exp(...) or an unordered pair apart to learn Y"},
		{"dh type misspelt", "protocol p\nrole I(A: user) {\n  var GY: dhh\n}\n" + okScenario, 3, 11, `unknown type "dhh"`},
		// bijective cipher
		{"benc arity", dhRole("  send benc(X)\n"), 6, 8, "benc takes 2 arguments, not 1"},
		// public accepts any term, but still a term
		{"public unclosed tuple", "protocol p\nsecret sk(X)\npublic <X, pk(sk(X))\n", 4, 1, "expected '>' to close the tuple"},
		{"public too many agents", "protocol p\npublic h(A, B, C, D, E)\n", 2, 8, "a public term names at most 4 agents"},
		// static checks
		{"misspelt event", okHeader + "role I(A: user, B: user) {\n  event Commit(A, B)\n  send A\n}\nrole R(B: user, A: user) {\n  recv A\n  claim niagree Comit(A, B)\n}\n" + okScenario, 10, 17, "no role emits event Comit (events: Commit)"},
		{"event arity", okHeader + "role I(A: user, B: user) {\n  event Commit(A, B)\n  send A\n}\nrole R(B: user, A: user) {\n  recv A\n  claim niagree Commit(A, B, A)\n}\n" + okScenario, 10, 17, "event Commit has 2 arguments where roles emit it, not 3"},
		{"event emitted twice differently", okHeader + "role I(A: user, B: user) {\n  event Commit(A, B)\n  event Commit(A)\n}\n" + okScenario, 6, 9, "event Commit has 1 arguments here and 2 elsewhere"},
		{"sends a key it does not know", okHeader + "role I(A: user, B: user) {\n  knows A, B, sk(A)\n  send sign(A, sk(B))\n}\n" + okScenario, 6, 16, "role I sends sign(A, sk(B)), but it cannot build sk(B)"},
		{"sends a nonce of nobody", okHeader + "role I(A: user, B: user) {\n  var N: nonce\n  recv <A, N>\n  send h(N, sk(A))\n}\n" + okScenario, 7, 13, "cannot build sk(A)"},
		{"opens without the key", okHeader + "secret k(X, Y)\nrole R(B: user, A: user) {\n  var M: nonce\n  recv senc(M, k(A, B))\n}\n" + okScenario, 7, 16, "role R cannot check or open k(A, B)"},
		{"checks a hash without the password", okHeader + "password pw(X, Y)\nrole R(B: user, A: user) {\n  var N: nonce\n  recv <N, h(pw(A, B), N)>\n}\n" + okScenario, 7, 14, "cannot build pw(A, B)"},
		{"checks a signature of nobody", "protocol p\nsecret sk(X)\nrole R(B: user, A: user) {\n  var M: nonce\n  recv sign(M, sk(A))\n}\n" + okScenario, 5, 16, "cannot build sk(A)"},
		{"form check without the password", okHeader + "password pw(X, Y)\nrole R(B: user, A: user) {\n  var N: nonce\n  recv h(pw(A, B), N)\n}\n" + okScenario, 7, 10, "cannot build pw(A, B)"},
		{"caches what it cannot build", okHeader + "role R(B: user, A: user) {\n  cache c: sk(A)\n}\n" + okScenario, 5, 12, "role R caches sk(A)"},
		{"checks what it cannot build", okHeader + "role R(B: user, A: user) {\n  check sk(A) = sk(A)\n}\n" + okScenario, 5, 9, "role R checks sk(A)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.imp", tc.src)
			if tc.msg == "" { // accepted: the received value is there at the reveal
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantError(t, err, tc.line, tc.col, tc.msg)
		})
	}
}

// TestRevealParsed: a session reveal is compiled with its role, its point
// and its text; "unless revealed" sets the claim's flag and stays in its
// text.
func TestRevealParsed(t *testing.T) {
	p, err := Parse("x.imp", strings.Replace(nsskSrc, "REVEAL", "reveal Kab of S, Kab of R after m3  reveal k(a, s)", 1))
	if err != nil {
		t.Fatal(err)
	}
	sc := p.Scenarios[0]
	if len(sc.SessionReveals) != 2 || len(sc.Reveal) != 1 {
		t.Fatalf("%d session reveals, %d ground reveals; want 2 and 1", len(sc.SessionReveals), len(sc.Reveal))
	}
	want := []struct {
		text  string
		role  string
		after int
	}{{"Kab of S", "S", 1}, {"Kab of R after m3", "R", 0}}
	for i, w := range want {
		r := sc.SessionReveals[i]
		if r.Text != w.text || r.Role.Name != w.role || r.After != w.after {
			t.Errorf("reveal %d: %q of %s after action %d; want %q of %s after %d", i, r.Text, r.Role.Name, r.After, w.text, w.role, w.after)
		}
	}
	c := p.ClaimByID("R.secret")
	if c == nil || !c.UnlessRevealed || c.Text != "secret Kab unless revealed" {
		t.Fatalf("claim %+v", c)
	}
}

// TestFlatTupleWarning: an untyped scenario with a 4-part tuple sent where
// a pair ending in a variable is received warns at the pair; the typed
// file does not.
func TestFlatTupleWarning(t *testing.T) {
	src := `protocol p
secret k(X, Y)
role A(A: user, B: user) {
  knows A, B, k(A, B)
  fresh Na: nonce, M: nonce
  send m: senc(<Na, M, A, B>, k(A, B))
}
role B(B: user, A: user) {
  knows A, B, k(A, B)
  var Na: nonce, K: key
  recv m: senc(<Na, K>, k(A, B))
}
scenario s { users a, b sessions 1 UNTYPED }
`
	p, err := Parse("x.imp", strings.Replace(src, "UNTYPED", "untyped", 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 || !strings.HasPrefix(p.Warnings[0], "x.imp:11:16: warning:") || !strings.Contains(p.Warnings[0], "write the sent tuple nested") {
		t.Fatalf("warnings %q", p.Warnings)
	}
	p, err = Parse("x.imp", strings.Replace(src, "UNTYPED", "", 1))
	if err != nil || len(p.Warnings) != 0 {
		t.Fatalf("typed: %v, warnings %q", err, p.Warnings)
	}
}

// TestPublicAnyTerm: public takes any term, a tuple included, and the
// attacker knows it for every agent.
func TestPublicAnyTerm(t *testing.T) {
	p, err := Parse("x.imp", "protocol p\nsecret sk(X)\npublic <X, pk(sk(X))>\nrole R(A: user) {\n  knows A\n  send A\n}\nscenario s { users a, b }\n")
	if err != nil {
		t.Fatal(err)
	}
	w := proto.NewWorld(p, p.Scenarios[0])
	var got []string
	for _, k := range w.Know {
		if a, ok := k.(*term.App); ok && a.Fn == term.FnTuple {
			got = append(got, k.String())
		}
	}
	if strings.Join(got, " ") != "<a, pk(sk(a))> <b, pk(sk(b))>" {
		t.Errorf("public tuples known: %q", got)
	}
}
