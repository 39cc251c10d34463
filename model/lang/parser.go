package lang

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// keywords start statements; they cannot name anything.
var keywords = map[string]bool{
	"protocol": true, "fun": true, "secret": true, "password": true, "public": true,
	"const": true, "role": true, "knows": true, "fresh": true, "var": true, "let": true,
	"send": true, "recv": true, "check": true, "event": true, "claim": true, "cache": true,
	"scenario": true, "users": true,
	"sessions": true, "reveal": true, "if": true,
}

var baseTypes = []string{"agent", "nonce", "key", "pkey", "pw", "dh", "msg", "const"}

type parser struct {
	lx  *lexer
	buf [2]token // lookahead
	n   int      // tokens in buf
	p   *proto.Protocol

	types  map[string]bool
	consts map[string]*term.Name
	names  int // names declared so far (MaxNames)
	// termSize counts the symbols of the term being read (MaxTermSize).
	termSize int
	usesDH   bool                    // exp or g appears: the generator joins the constants
	gen      *term.Name              // the generator g
	pos      map[term.Term]proto.Pos // of the statement being read
	// tuplePos keeps where received tuples were written, for warnings
	tuplePos map[term.Term]proto.Pos
	// events emitted by roles, name -> arity, and the claims naming one
	events      map[string]int
	claimEvents []claimEvent

	// role being parsed
	role   *proto.Role
	syms   map[string]int
	lets   map[string]term.Term
	bound  []bool // role symbols known at this point: params, fresh, received
	msgs   int    // send and recv statements (MaxMessages)
	stmts  int    // statements (MaxStatements)
	checks *roleCheck

	scopes map[string]*scope // role name -> its names
	roles  map[string]*proto.Role
	scens  map[string]bool
	claims map[string]*proto.Claim // by ID
	nclaim map[string]int          // role.kind -> claims of that role and kind so far
	nstmt  int                     // claim statements (MaxClaims)
	// unordered: secrets of an unordered pair, k{X, Y}
	unordered map[string]bool

	// recording keeps the tokens read, for a claim's text
	recording bool
	recorded  []token
}

// Parse compiles the protocol file src; errors are *Error values with a
// position a person can act on. A file larger than MaxFileSize is refused
// before it is read.
func Parse(file, src string) (p *proto.Protocol, err error) {
	if len(src) > MaxFileSize {
		return nil, tooLarge(file, strconv.Itoa(len(src)))
	}
	ps := &parser{lx: newLexer(file, src), p: &proto.Protocol{File: file, Theory: term.NewTheory()},
		types: map[string]bool{}, consts: map[string]*term.Name{}, events: map[string]int{},
		roles: map[string]*proto.Role{}, scens: map[string]bool{}, claims: map[string]*proto.Claim{}, nclaim: map[string]int{}, unordered: map[string]bool{},
		gen: term.Generator()}
	for _, t := range baseTypes {
		ps.types[t] = true
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			p, err = nil, e
		}
	}()
	ps.file()
	return ps.p, nil
}

func (ps *parser) at(t token) proto.Pos { return ps.lx.pos(t.line, t.col) }

func (ps *parser) fill(k int) {
	for ps.n <= k {
		t, err := ps.lx.next()
		if err != nil {
			panic(err)
		}
		ps.buf[ps.n] = t
		ps.n++
	}
}

func (ps *parser) peek() token  { ps.fill(0); return ps.buf[0] }
func (ps *parser) peek2() token { ps.fill(1); return ps.buf[1] }

func (ps *parser) next() token {
	t := ps.peek()
	if t.kind != tEOF {
		ps.buf[0] = ps.buf[1]
		ps.n--
	}
	if ps.recording {
		ps.recorded = append(ps.recorded, t)
	}
	return t
}

func (ps *parser) fail(pos proto.Pos, format string, args ...any) {
	panic(&Error{pos, fmt.Sprintf(format, args...)})
}

func (ps *parser) is(text string) bool {
	t := ps.peek()
	return (t.kind == tPunct || t.kind == tIdent) && t.text == text
}

func (ps *parser) accept(text string) bool {
	if ps.is(text) {
		ps.next()
		return true
	}
	return false
}

func (ps *parser) expect(text, what string) token {
	t := ps.peek()
	if !ps.is(text) {
		ps.fail(ps.at(t), "expected '%s' %s, found %s", text, what, t)
	}
	return ps.next()
}

func (ps *parser) ident(what string) token {
	t := ps.peek()
	if t.kind != tIdent {
		ps.fail(ps.at(t), "expected %s, found %s", what, t)
	}
	if keywords[t.text] {
		ps.fail(ps.at(t), "expected %s, found the keyword %q", what, t.text)
	}
	return ps.next()
}

// labelled reads "NAME:" if it comes next.
func (ps *parser) labelled() (token, bool) {
	if ps.peek().kind == tIdent && ps.peek2().text == ":" {
		l := ps.next()
		ps.next()
		return l, true
	}
	return token{}, false
}

func (ps *parser) file() {
	ps.expect("protocol", "at the start of the file")
	ps.p.Name = ps.ident("the protocol name").text
	for ps.peek().kind != tEOF {
		t := ps.peek()
		switch t.text {
		case "fun":
			ps.next()
			ps.funDecl()
		case "secret", "password":
			ps.next()
			ps.secretDecl(t.text == "password")
		case "public":
			ps.next()
			ps.publicDecl()
		case "const":
			ps.next()
			for {
				n := ps.ident("a constant name")
				ps.declare(n)
				c := &term.Name{Text: n.text, Kind: term.KindConst, Type: "const"}
				ps.consts[n.text] = c
				ps.p.Consts = append(ps.p.Consts, c)
				if !ps.accept(",") {
					break
				}
			}
		case "role":
			ps.next()
			ps.roleDecl()
		case "scenario":
			ps.next()
			ps.scenarioDecl()
		default:
			ps.fail(ps.at(t), "expected a declaration (fun, secret, password, public, const, role or scenario), found %s", t)
		}
	}
	if len(ps.p.Roles) == 0 {
		ps.fail(ps.at(ps.peek()), "the protocol has no role")
	}
	if len(ps.p.Scenarios) == 0 {
		ps.fail(ps.at(ps.peek()), "the protocol has no scenario; add e.g. 'scenario default { users a, b  dishonest e  sessions 2 }'")
	}
	if ps.usesDH {
		ps.p.Consts = append(ps.p.Consts, ps.gen)
	}
	ps.checkScenarios()
	ps.checkClaimEvents()
	ps.warnFlatTuples()
}

// declared reports whether name is a function or a constant of the file.
func (ps *parser) declared(name string) bool {
	return ps.p.Theory.Prim(name) != nil || ps.consts[name] != nil
}

// declare counts a new name against MaxNames and reports one already used
// for a function or a constant. Lookups are by map: constant time a name.
func (ps *parser) declare(n token) {
	ps.names++
	if ps.names > MaxNames {
		ps.fail(ps.at(n), "more than %d names in one file (docs/limits.md)", MaxNames)
	}
	if n.text == term.Gen {
		ps.fail(ps.at(n), "%q is the Diffie-Hellman generator; choose another name", n.text)
	}
	if ps.p.Theory.Prim(n.text) != nil {
		ps.fail(ps.at(n), "%q is already a function", n.text)
	}
	if ps.consts[n.text] != nil {
		ps.fail(ps.at(n), "%q is already a constant", n.text)
	}
}

func (ps *parser) typeName() string {
	t := ps.ident("a type")
	if !ps.types[t.text] {
		ps.fail(ps.at(t), "unknown type %q (types: %s, or a type named by a fun or secret declaration)", t.text, strings.Join(baseTypes, ", "))
	}
	return t.text
}

func (ps *parser) arity() int {
	ps.expect("/", "between the function name and its arity")
	t := ps.peek()
	if t.kind != tInt {
		ps.fail(ps.at(t), "expected the arity (a number), found %s", t)
	}
	ps.next()
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 1 || n > 16 {
		ps.fail(ps.at(t), "arity must be between 1 and 16")
	}
	return n
}

// fun f/2 [: type]
func (ps *parser) funDecl() {
	n := ps.ident("a function name")
	ps.declare(n)
	ar := ps.arity()
	typ := "msg"
	if ps.accept(":") {
		t := ps.ident("a type")
		typ = t.text
		ps.types[typ] = true
	}
	ps.p.Theory.Add(&term.Prim{Name: n.text, Arity: ar, Public: true, Type: typ,
		Rule: "one-way; checked by recomputation"})
}

// secret f(X, Y) [: type]   |   password f(X, Y)
func (ps *parser) secretDecl(weak bool) {
	n := ps.ident("the name of the long-term secret")
	ps.declare(n)
	unordered := ps.accept("{")
	if !unordered {
		ps.expect("(", "after the secret's name: secrets are functions of agents, e.g. sk(X), or k{X, Y} for a pair in any order")
	}
	ar := 0
	for {
		ps.ident("an agent placeholder")
		ar++
		if ar > MaxAgentArgs {
			ps.fail(ps.at(n), "a secret takes at most %d agents (docs/limits.md)", MaxAgentArgs)
		}
		if !ps.accept(",") {
			break
		}
	}
	if unordered {
		ps.expect("}", "to close the pair: a secret of an unordered pair is k{X, Y}")
		if ar != 2 {
			ps.fail(ps.at(n), "a secret of an unordered pair takes two agents, k{X, Y}")
		}
	} else {
		ps.expect(")", "to close the agent list")
	}
	typ := "key"
	if weak {
		typ = "pw"
	}
	if ps.accept(":") {
		t := ps.ident("a type")
		typ = t.text
		ps.types[typ] = true
	}
	rule := "private: known to the attacker only for dishonest agents"
	if weak {
		rule = "private, weak: a password the attacker may guess offline"
	}
	arity := ar
	if unordered {
		arity = 1 // its argument is the pair {X, Y} (term.FnPair)
		rule += "; k(X, Y) = k(Y, X)"
		ps.unordered[n.text] = true
	}
	ps.p.Theory.Add(&term.Prim{Name: n.text, Arity: arity, Public: false, Type: typ, Weak: weak, Rule: rule})
	ps.p.LongTerm = append(ps.p.LongTerm, &proto.LongTerm{Fn: n.text, Arity: ar, Type: typ, Weak: weak, Unordered: unordered, Pos: ps.at(n)})
}

// public t: any term over agent placeholders (capitalised or not; a
// constant stands for itself), known for every agent: "public pk(sk(X))",
// "public <X, pk(sk(X))>".
func (ps *parser) publicDecl() {
	pos := ps.at(ps.peek())
	ps.names++ // each public term joins the attacker's knowledge: it counts as a name
	if ps.names > MaxNames {
		ps.fail(pos, "more than %d names in one file (docs/limits.md)", MaxNames)
	}
	ph := map[string]int{}
	t := ps.resolve(ps.syntax(), func(n token) term.Term {
		if c := ps.consts[n.text]; c != nil {
			return c
		}
		id, ok := ph[n.text]
		if !ok {
			id = len(ph)
			ph[n.text] = id
		}
		return &term.Var{ID: id, Text: n.text, Type: "agent"}
	})
	if len(ph) > MaxAgentArgs {
		ps.fail(pos, "a public term names at most %d agents (docs/limits.md)", MaxAgentArgs)
	}
	ps.p.Public = append(ps.p.Public, &proto.Template{Term: t, Arity: len(ph), Pos: pos})
}
