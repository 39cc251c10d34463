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

var baseTypes = []string{"agent", "nonce", "key", "pkey", "pw", "msg", "const"}

type parser struct {
	toks  []token
	i     int
	p     *proto.Protocol
	types map[string]bool
	// role being parsed
	role *proto.Role
	lets map[string]term.Term
	// bound role symbols (params, fresh, received vars)
	bound map[int]bool
}

// Parse compiles the protocol file src; errors are *Error values with a
// position a person can act on.
func Parse(file, src string) (p *proto.Protocol, err error) {
	toks, err := lex(file, src)
	if err != nil {
		return nil, err
	}
	ps := &parser{toks: toks, p: &proto.Protocol{File: file, Theory: term.NewTheory()}, types: map[string]bool{}}
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

func (ps *parser) peek() token { return ps.toks[ps.i] }
func (ps *parser) next() token {
	t := ps.toks[ps.i]
	if t.kind != tEOF {
		ps.i++
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
		ps.i++
		return true
	}
	return false
}

func (ps *parser) expect(text, what string) token {
	t := ps.peek()
	if !ps.is(text) {
		ps.fail(t.pos, "expected '%s' %s, found %s", text, what, t)
	}
	return ps.next()
}

func (ps *parser) ident(what string) token {
	t := ps.peek()
	if t.kind != tIdent {
		ps.fail(t.pos, "expected %s, found %s", what, t)
	}
	if keywords[t.text] {
		ps.fail(t.pos, "expected %s, found the keyword %q", what, t.text)
	}
	return ps.next()
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
				ps.fresh(n)
				ps.p.Consts = append(ps.p.Consts, &term.Name{Text: n.text, Kind: term.KindConst, Type: "const"})
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
			ps.fail(t.pos, "expected a declaration (fun, secret, password, public, const, role or scenario), found %s", t)
		}
	}
	if len(ps.p.Roles) == 0 {
		ps.fail(ps.peek().pos, "the protocol has no role")
	}
	if len(ps.p.Scenarios) == 0 {
		ps.fail(ps.peek().pos, "the protocol has no scenario; add e.g. 'scenario default { users a, b  dishonest e  sessions 2 }'")
	}
	ps.checkScenarios()
}

// fresh reports a name already used for something else.
func (ps *parser) fresh(n token) {
	if ps.p.Theory.Prim(n.text) != nil {
		ps.fail(n.pos, "%q is already a function", n.text)
	}
	for _, c := range ps.p.Consts {
		if c.Text == n.text {
			ps.fail(n.pos, "%q is already a constant", n.text)
		}
	}
}

func (ps *parser) typeName() string {
	t := ps.ident("a type")
	if !ps.types[t.text] {
		var known []string
		for _, k := range baseTypes {
			known = append(known, k)
		}
		ps.fail(t.pos, "unknown type %q (types: %s, or a type named by a fun or secret declaration)", t.text, strings.Join(known, ", "))
	}
	return t.text
}

func (ps *parser) arity() int {
	ps.expect("/", "between the function name and its arity")
	t := ps.peek()
	if t.kind != tInt {
		ps.fail(t.pos, "expected the arity (a number), found %s", t)
	}
	ps.next()
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 1 || n > 16 {
		ps.fail(t.pos, "arity must be between 1 and 16")
	}
	return n
}

// fun f/2 [: type]
func (ps *parser) funDecl() {
	n := ps.ident("a function name")
	ps.fresh(n)
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
	ps.fresh(n)
	ps.expect("(", "after the secret's name: secrets are functions of agents, e.g. sk(X)")
	ar := 0
	for {
		ps.ident("an agent placeholder")
		ar++
		if !ps.accept(",") {
			break
		}
	}
	ps.expect(")", "to close the agent list")
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
	ps.p.Theory.Add(&term.Prim{Name: n.text, Arity: ar, Public: false, Type: typ, Weak: weak, Rule: rule})
	ps.p.LongTerm = append(ps.p.LongTerm, &proto.LongTerm{Fn: n.text, Arity: ar, Type: typ, Weak: weak, Pos: n.pos})
}

// public t: t over agent placeholders, known for every agent.
func (ps *parser) publicDecl() {
	pos := ps.peek().pos
	ph := map[string]int{}
	var place func() term.Term
	place = func() term.Term {
		n := ps.ident("a term")
		if ps.accept("(") {
			var args []term.Term
			for {
				args = append(args, place())
				if !ps.accept(",") {
					break
				}
			}
			ps.expect(")", "to close the arguments")
			ps.checkArity(n, len(args))
			return &term.App{Fn: n.text, Args: args}
		}
		for _, c := range ps.p.Consts {
			if c.Text == n.text {
				return c
			}
		}
		id, ok := ph[n.text]
		if !ok {
			id = len(ph)
			ph[n.text] = id
		}
		return &term.Var{ID: id, Text: n.text, Type: "agent"}
	}
	t := place()
	ps.p.Public = append(ps.p.Public, &proto.Template{Term: t, Arity: len(ph), Pos: pos})
}

func (ps *parser) checkArity(n token, got int) {
	pr := ps.p.Theory.Prim(n.text)
	if pr == nil {
		ps.fail(n.pos, "unknown function %q; declare it with 'fun %s/%d'", n.text, n.text, got)
	}
	if pr.Arity >= 0 && pr.Arity != got {
		ps.fail(n.pos, "%s takes %d arguments, not %d", n.text, pr.Arity, got)
	}
	if pr.Arity < 0 && got < 1 {
		ps.fail(n.pos, "%s takes at least one argument", n.text)
	}
}
