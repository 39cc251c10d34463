package lang

import (
	"fmt"
	"strconv"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// role R(A: user, B: user) { ... }
func (ps *parser) roleDecl() {
	n := ps.ident("the role name")
	for _, r := range ps.p.Roles {
		if r.Name == n.text {
			ps.fail(n.pos, "role %s is declared twice (first at line %d)", n.text, r.Pos.Line)
		}
	}
	r := &proto.Role{Name: n.text, Index: len(ps.p.Roles), Pos: n.pos}
	ps.role, ps.lets, ps.bound = r, map[string]term.Term{}, map[int]bool{}
	ps.expect("(", "after the role name: a role lists its agents, e.g. role I(A: user, B: user)")
	for {
		a := ps.ident("an agent parameter")
		class := "user"
		if ps.accept(":") {
			c := ps.ident("user or server")
			if c.text != "user" && c.text != "server" {
				ps.fail(c.pos, "a parameter is a user or a server, not %q", c.text)
			}
			class = c.text
		}
		ps.addSym(a, proto.SymParam, "agent", class)
		if !ps.accept(",") {
			break
		}
	}
	r.Params = len(r.Syms)
	ps.expect(")", "to close the parameters")
	ps.expect("{", "to open the role body")
	for !ps.accept("}") {
		ps.roleStmt()
	}
	ps.p.Roles = append(ps.p.Roles, r)
	ps.role = nil
}

func (ps *parser) addSym(n token, k proto.SymKind, typ, class string) int {
	if keywords[n.text] {
		ps.fail(n.pos, "%q is a keyword", n.text)
	}
	ps.fresh(n)
	if _, ok := ps.lets[n.text]; ok {
		ps.fail(n.pos, "%q is already defined by let", n.text)
	}
	for _, s := range ps.role.Syms {
		if s.Name == n.text {
			ps.fail(n.pos, "%q is already declared in role %s (line %d)", n.text, ps.role.Name, s.Pos.Line)
		}
	}
	ps.role.Syms = append(ps.role.Syms, proto.Sym{Name: n.text, Kind: k, Type: typ, Pos: n.pos, Class: class})
	id := len(ps.role.Syms) - 1
	if k != proto.SymVar {
		ps.bound[id] = true
	}
	return id
}

func (ps *parser) roleStmt() {
	r := ps.role
	t := ps.next()
	switch t.text {
	case "knows":
		for {
			r.Knows = append(r.Knows, ps.term(true))
			if !ps.accept(",") {
				break
			}
		}
	case "fresh", "var":
		for {
			n := ps.ident("a name")
			typ := "nonce"
			if t.text == "var" {
				typ = "msg"
			}
			if ps.accept(":") {
				typ = ps.typeName()
			}
			k := proto.SymFresh
			if t.text == "var" {
				k = proto.SymVar
			}
			ps.addSym(n, k, typ, "")
			if !ps.accept(",") {
				break
			}
		}
	case "let":
		n := ps.ident("a name")
		ps.fresh(n)
		if _, ok := ps.lookup(n.text); ok {
			ps.fail(n.pos, "%q is already defined", n.text)
		}
		ps.expect("=", "after the name in let")
		ps.lets[n.text] = ps.term(true)
	case "send", "recv":
		a := &proto.Action{Kind: proto.ActSend, Pos: t.pos}
		if t.text == "recv" {
			a.Kind = proto.ActRecv
		}
		if ps.peek().kind == tIdent && ps.toks[ps.i+1].text == ":" {
			a.Label = ps.next().text
			ps.next()
		}
		a.Term = ps.term(a.Kind == proto.ActSend)
		if a.Kind == proto.ActRecv {
			ps.bindAll(a.Term)
		}
		r.Actions = append(r.Actions, a)
	case "check":
		a := &proto.Action{Kind: proto.ActCheck, Pos: t.pos}
		a.Term = ps.term(true)
		ps.expect("=", "between the two sides of check")
		a.Term2 = ps.term(true)
		r.Actions = append(r.Actions, a)
	case "event":
		n := ps.ident("an event name")
		a := &proto.Action{Kind: proto.ActEvent, Event: n.text, Pos: t.pos}
		a.Args = ps.args()
		r.Actions = append(r.Actions, a)
	case "claim":
		ps.claim(t)
	case "cache":
		a := &proto.Action{Kind: proto.ActCache, Pos: t.pos}
		if ps.peek().kind == tIdent && ps.toks[ps.i+1].text == ":" {
			a.Event = ps.next().text
			ps.next()
		}
		a.Term = ps.term(true)
		r.Actions = append(r.Actions, a)
	default:
		ps.fail(t.pos, "expected a role statement (knows, fresh, var, let, send, recv, check, event, cache, claim) or '}', found %s", t)
	}
}

func (ps *parser) args() []term.Term { return ps.argsB(true) }

func (ps *parser) argsB(needBound bool) []term.Term {
	ps.expect("(", "to open the arguments")
	var out []term.Term
	if ps.accept(")") {
		return out
	}
	for {
		out = append(out, ps.term(needBound))
		if !ps.accept(",") {
			break
		}
	}
	ps.expect(")", "to close the arguments")
	return out
}

func (ps *parser) lookup(name string) (term.Term, bool) {
	if t, ok := ps.lets[name]; ok {
		return t, true
	}
	for i, s := range ps.role.Syms {
		if s.Name == name {
			return &term.Var{ID: i, Text: s.Name, Type: s.Type}, true
		}
	}
	for _, c := range ps.p.Consts {
		if c.Text == name {
			return c, true
		}
	}
	return nil, false
}

// term parses a role term. With needBound, every received variable in it
// must already have been received.
func (ps *parser) term(needBound bool) term.Term {
	t := ps.peek()
	if ps.accept("<") {
		var xs []term.Term
		for {
			xs = append(xs, ps.term(needBound))
			if !ps.accept(",") {
				break
			}
		}
		ps.expect(">", "to close the tuple")
		if len(xs) < 2 {
			ps.fail(t.pos, "a tuple has at least two elements")
		}
		return &term.App{Fn: term.FnTuple, Args: xs}
	}
	n := ps.ident("a term")
	if ps.is("(") {
		if ps.p.Theory.Prim(n.text) == nil {
			ps.fail(n.pos, "unknown function %q; declare it with 'fun %s/N'", n.text, n.text)
		}
		args := ps.argsB(needBound)
		ps.checkArity(n, len(args))
		return &term.App{Fn: n.text, Args: args}
	}
	x, ok := ps.lookup(n.text)
	if !ok {
		if ps.p.Theory.Prim(n.text) != nil {
			ps.fail(n.pos, "%s is a function; apply it to arguments", n.text)
		}
		ps.fail(n.pos, "undeclared name %q in role %s; declare it with 'fresh %s: nonce', 'var %s: nonce' or 'const %s'", n.text, ps.role.Name, n.text, n.text, n.text)
	}
	if v, ok := x.(*term.Var); ok && needBound && !ps.bound[v.ID] {
		ps.fail(n.pos, "%s is used before role %s receives it", n.text, ps.role.Name)
	}
	return x
}

func (ps *parser) bindAll(t term.Term) {
	for _, v := range term.Vars(t, nil) {
		ps.bound[v.ID] = true
	}
}

// claim [label:] kind ... [if honest A, B]
func (ps *parser) claim(kw token) {
	r := ps.role
	c := &proto.Claim{Role: r, Pos: kw.pos, Action: len(r.Actions)}
	labelled := false
	if ps.peek().kind == tIdent && ps.toks[ps.i+1].text == ":" {
		c.ID = ps.next().text
		ps.next()
		labelled = true
	}
	k := ps.peek()
	if k.kind != tIdent {
		ps.fail(k.pos, "expected a claim kind, found %s", k)
	}
	ps.next()
	kind, ok := proto.ParseClaimKind(k.text)
	if !ok {
		ps.fail(k.pos, "unknown claim %q; claims are secret, fsecret, alive, weakagree, niagree, injagree, unique, weaksecret", k.text)
	}
	c.Kind = kind
	start := ps.i
	switch c.Kind {
	case proto.ClaimSecret, proto.ClaimUnique, proto.ClaimWeakSecret, proto.ClaimFSecret:
		c.Term = ps.term(true)
		if c.Kind == proto.ClaimFSecret {
			ps.expect("reveal", "after the fsecret term: name what is revealed later, e.g. 'reveal sk(A)'")
			for {
				c.Reveal = append(c.Reveal, ps.term(true))
				if !ps.accept(",") {
					break
				}
			}
		}
	case proto.ClaimAlive, proto.ClaimWeakAgree:
		a := ps.ident("the partner agent")
		c.Agent = -1
		for i := 0; i < r.Params; i++ {
			if r.Syms[i].Name == a.text {
				c.Agent = i
			}
		}
		if c.Agent < 0 {
			ps.fail(a.pos, "%s is not a parameter of role %s", a.text, r.Name)
		}
	case proto.ClaimNIAgree, proto.ClaimInjAgree:
		e := ps.ident("an event name")
		c.Event = e.text
		c.Args = ps.args()
	}
	c.Text = k.text + " " + ps.spell(start, ps.i)
	if ps.accept("if") {
		ps.expect("honest", "after 'if'")
		for {
			a := ps.ident("an agent parameter")
			idx := -1
			for i := 0; i < r.Params; i++ {
				if r.Syms[i].Name == a.text {
					idx = i
				}
			}
			if idx < 0 {
				ps.fail(a.pos, "%s is not a parameter of role %s", a.text, r.Name)
			}
			c.Honest = append(c.Honest, idx)
			if !ps.accept(",") {
				break
			}
		}
	}
	if c.ID == "" {
		c.ID = r.Name + "." + k.text
		n := 1
		for _, o := range ps.p.Claims {
			if o.Role == r && o.Kind == c.Kind {
				n++
			}
		}
		if n > 1 {
			c.ID += strconv.Itoa(n)
		}
	}
	for _, o := range ps.p.Claims {
		if o.ID != c.ID {
			continue
		}
		// a shared label: one claim checked at several points
		if !labelled || o.Kind != c.Kind {
			ps.fail(kw.pos, "claim %s is declared twice (first at line %d); a label may be shared only by claims of the same kind", c.ID, o.Pos.Line)
		}
		if len(o.Args) != len(c.Args) {
			ps.fail(kw.pos, "claim %s: shared label with %d event arguments, first at line %d has %d", c.ID, len(c.Args), o.Pos.Line, len(o.Args))
		}
		c.Primary = o
	}
	r.Actions = append(r.Actions, &proto.Action{Kind: proto.ActClaim, Claim: c, Pos: kw.pos})
	if c.Primary == nil {
		ps.p.Claims = append(ps.p.Claims, c)
	}
}

// spell renders tokens [from, to) compactly for the claim text.
func (ps *parser) spell(from, to int) string {
	s := ""
	for i := from; i < to; i++ {
		t := ps.toks[i]
		if t.text == "," {
			s += ", "
			continue
		}
		if i > from && t.kind == tIdent && (ps.toks[i-1].kind == tIdent || ps.toks[i-1].text == ")" || ps.toks[i-1].text == ">") {
			s += " "
		}
		s += t.text
	}
	return s
}

var _ = fmt.Sprint
