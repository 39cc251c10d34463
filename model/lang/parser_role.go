package lang

import (
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// role R(A: user, B: user) { ... }
func (ps *parser) roleDecl() {
	n := ps.ident("the role name")
	if r := ps.roles[n.text]; r != nil {
		ps.fail(ps.at(n), "role %s is declared twice (first at line %d)", n.text, r.Pos.Line)
	}
	if len(ps.roles) >= MaxRoles {
		ps.fail(ps.at(n), "more than %d roles in one file (docs/limits.md)", MaxRoles)
	}
	ps.declare(n)
	r := &proto.Role{Name: n.text, Index: len(ps.p.Roles), Pos: ps.at(n)}
	ps.role, ps.syms, ps.lets, ps.bound = r, map[string]int{}, map[string]term.Term{}, nil
	ps.msgs, ps.stmts = 0, 0
	ps.checks = newRoleCheck(ps, r)
	ps.expect("(", "after the role name: a role lists its agents, e.g. role I(A: user, B: user)")
	for {
		a := ps.ident("an agent parameter")
		class := "user"
		if ps.accept(":") {
			c := ps.ident("user or server")
			if c.text != "user" && c.text != "server" {
				ps.fail(ps.at(c), "a parameter is a user or a server, not %q", c.text)
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
		ps.stmts++
		if ps.stmts > MaxStatements {
			ps.fail(ps.at(ps.peek()), "role %s has more than %d statements (docs/limits.md)", r.Name, MaxStatements)
		}
		ps.roleStmt()
	}
	ps.p.Roles = append(ps.p.Roles, r)
	ps.roles[r.Name] = r
	if ps.scopes == nil {
		ps.scopes = map[string]*scope{}
	}
	ps.scopes[r.Name] = &scope{syms: ps.syms, lets: ps.lets}
	ps.role, ps.checks = nil, nil
}

// scope is what a role's names mean, kept for the scenarios' session
// reveals.
type scope struct {
	syms map[string]int
	lets map[string]term.Term
}

func (ps *parser) addSym(n token, k proto.SymKind, typ, class string) int {
	if keywords[n.text] {
		ps.fail(ps.at(n), "%q is a keyword", n.text)
	}
	ps.declare(n)
	if _, ok := ps.lets[n.text]; ok {
		ps.fail(ps.at(n), "%q is already defined by let", n.text)
	}
	if i, ok := ps.syms[n.text]; ok {
		ps.fail(ps.at(n), "%q is already declared in role %s (line %d)", n.text, ps.role.Name, ps.role.Syms[i].Pos.Line)
	}
	ps.role.Syms = append(ps.role.Syms, proto.Sym{Name: n.text, Kind: k, Type: typ, Pos: ps.at(n), Class: class})
	id := len(ps.role.Syms) - 1
	ps.syms[n.text] = id
	ps.bound = append(ps.bound, k != proto.SymVar)
	return id
}

func (ps *parser) roleStmt() {
	r := ps.role
	clear(ps.pos) // positions are kept for one statement's checks
	t := ps.next()
	switch t.text {
	case "knows":
		for {
			k := ps.term(true)
			r.Knows = append(r.Knows, k)
			ps.checks.know(k)
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
			id := ps.addSym(n, k, typ, "")
			if k == proto.SymFresh {
				ps.checks.know(&term.Var{ID: id, Text: n.text, Type: typ})
			}
			if !ps.accept(",") {
				break
			}
		}
	case "let":
		n := ps.ident("a name")
		ps.declare(n)
		if _, ok := ps.lookup(n.text); ok {
			ps.fail(ps.at(n), "%q is already defined", n.text)
		}
		ps.expect("=", "after the name in let")
		ps.lets[n.text] = ps.term(true)
	case "send", "recv":
		ps.msgs++
		if ps.msgs > MaxMessages {
			ps.fail(ps.at(t), "role %s has more than %d messages (docs/limits.md)", r.Name, MaxMessages)
		}
		a := &proto.Action{Kind: proto.ActSend, Pos: ps.at(t)}
		if t.text == "recv" {
			a.Kind = proto.ActRecv
		}
		if l, ok := ps.labelled(); ok {
			a.Label = l.text
		}
		a.Term = ps.term(a.Kind == proto.ActSend)
		if a.Kind == proto.ActRecv {
			ps.checks.recv(a.Term, a.Pos)
			ps.bindAll(a.Term)
			ps.keepTuplePositions(a.Term)
		} else {
			ps.checks.uses(a.Term, a.Pos, "sends")
		}
		r.Actions = append(r.Actions, a)
	case "check":
		a := &proto.Action{Kind: proto.ActCheck, Pos: ps.at(t)}
		a.Term = ps.term(true)
		ps.expect("=", "between the two sides of check")
		a.Term2 = ps.term(true)
		ps.checks.uses(a.Term, a.Pos, "checks")
		ps.checks.uses(a.Term2, a.Pos, "checks")
		r.Actions = append(r.Actions, a)
	case "event":
		n := ps.ident("an event name")
		a := &proto.Action{Kind: proto.ActEvent, Event: n.text, Pos: ps.at(t)}
		a.Args = ps.args()
		if _, ok := ps.events[n.text]; !ok {
			ps.events[n.text] = len(a.Args)
		} else if ps.events[n.text] != len(a.Args) {
			ps.fail(ps.at(n), "event %s has %d arguments here and %d elsewhere", n.text, len(a.Args), ps.events[n.text])
		}
		r.Actions = append(r.Actions, a)
	case "claim":
		ps.claim(t)
	case "cache":
		a := &proto.Action{Kind: proto.ActCache, Pos: ps.at(t)}
		if l, ok := ps.labelled(); ok {
			a.Event = l.text
		}
		a.Term = ps.term(true)
		ps.checks.uses(a.Term, a.Pos, "caches")
		r.Actions = append(r.Actions, a)
	default:
		ps.fail(ps.at(t), "expected a role statement (knows, fresh, var, let, send, recv, check, event, cache, claim) or '}', found %s", t)
	}
}

func (ps *parser) args() []term.Term {
	ps.expect("(", "to open the arguments")
	var out []term.Term
	if ps.accept(")") {
		return out
	}
	for {
		out = append(out, ps.term(true))
		if len(out) > 16 {
			ps.fail(ps.at(ps.peek()), "at most 16 arguments")
		}
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
	if i, ok := ps.syms[name]; ok {
		s := ps.role.Syms[i]
		return &term.Var{ID: i, Text: s.Name, Type: s.Type}, true
	}
	if c := ps.consts[name]; c != nil {
		return c, true
	}
	return nil, false
}

// term parses a role term. With needBound, every received variable in it
// must already have been received.
func (ps *parser) term(needBound bool) term.Term {
	return ps.resolve(ps.syntax(), func(n token) term.Term {
		x, ok := ps.lookup(n.text)
		if !ok {
			ps.fail(ps.at(n), "undeclared name %q in role %s; declare it with 'fresh %s: nonce', 'var %s: nonce' or 'const %s'", n.text, ps.role.Name, n.text, n.text, n.text)
		}
		if v, ok := x.(*term.Var); ok {
			if needBound && !ps.bound[v.ID] {
				ps.fail(ps.at(n), "%s is used before role %s receives it", n.text, ps.role.Name)
			}
			ps.where(v, n)
		}
		return x
	})
}

func (ps *parser) bindAll(t term.Term) {
	for _, v := range term.Vars(t, nil) {
		ps.bound[v.ID] = true
	}
}
