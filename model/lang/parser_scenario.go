package lang

import (
	"strconv"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// scenario NAME { users a, b  dishonest e  server s [dishonest]  sessions 2  untyped  reveal t }
func (ps *parser) scenarioDecl() {
	n := ps.ident("the scenario name")
	for _, s := range ps.p.Scenarios {
		if s.Name == n.text {
			ps.fail(n.pos, "scenario %s is declared twice", n.text)
		}
	}
	sc := &proto.Scenario{Name: n.text, Sessions: 2, Pos: n.pos}
	seen := map[string]bool{}
	agent := func() string {
		a := ps.ident("an agent name")
		if seen[a.text] {
			ps.fail(a.pos, "agent %s is declared twice in scenario %s", a.text, sc.Name)
		}
		ps.fresh(a)
		seen[a.text] = true
		return a.text
	}
	ps.expect("{", "to open the scenario")
	var reveals []token
	for !ps.accept("}") {
		t := ps.next()
		switch t.text {
		case "users", "dishonest":
			for {
				a := agent()
				if t.text == "users" {
					sc.Users = append(sc.Users, a)
				} else {
					sc.Dishonest = append(sc.Dishonest, a)
				}
				if !ps.accept(",") {
					break
				}
			}
		case "server":
			a := agent()
			if ps.accept("dishonest") {
				sc.DishonestServers = append(sc.DishonestServers, a)
			} else {
				sc.Servers = append(sc.Servers, a)
			}
		case "sessions":
			v := ps.peek()
			if v.kind != tInt {
				ps.fail(v.pos, "expected the number of sessions, found %s", v)
			}
			ps.next()
			k, err := strconv.Atoi(v.text)
			if err != nil || k < 1 || k > 8 {
				ps.fail(v.pos, "sessions must be between 1 and 8")
			}
			sc.Sessions = k
		case "untyped":
			sc.Untyped = true
		case "distinct":
			sc.Distinct = true
		case "reveal":
			for {
				reveals = append(reveals, ps.peek())
				ps.skipTerm()
				if !ps.accept(",") {
					break
				}
			}
		default:
			ps.fail(t.pos, "expected a scenario statement (users, dishonest, server, sessions, untyped, distinct, reveal) or '}', found %s", t)
		}
	}
	if len(sc.Users) == 0 {
		ps.fail(n.pos, "scenario %s has no honest user; add 'users a, b'", sc.Name)
	}
	// reveal terms are ground over the scenario's agents
	save := ps.i
	for _, r := range reveals {
		ps.i = ps.index(r)
		sc.Reveal = append(sc.Reveal, ps.groundTerm(seen))
	}
	ps.i = save
	ps.p.Scenarios = append(ps.p.Scenarios, sc)
}

func (ps *parser) index(t token) int {
	for i := range ps.toks {
		if ps.toks[i].pos == t.pos {
			return i
		}
	}
	return 0
}

func (ps *parser) skipTerm() {
	depth := 0
	for {
		t := ps.next()
		switch t.text {
		case "(", "<":
			depth++
		case ")", ">":
			depth--
		}
		if t.kind == tEOF {
			ps.fail(t.pos, "unexpected end of file in a term")
		}
		if depth <= 0 && !ps.is("(") {
			return
		}
	}
}

func (ps *parser) groundTerm(agents map[string]bool) term.Term {
	t := ps.peek()
	if ps.accept("<") {
		var xs []term.Term
		for {
			xs = append(xs, ps.groundTerm(agents))
			if !ps.accept(",") {
				break
			}
		}
		ps.expect(">", "to close the tuple")
		return &term.App{Fn: term.FnTuple, Args: xs}
	}
	n := ps.ident("a term")
	if ps.accept("(") {
		var args []term.Term
		for {
			args = append(args, ps.groundTerm(agents))
			if !ps.accept(",") {
				break
			}
		}
		ps.expect(")", "to close the arguments")
		ps.checkArity(n, len(args))
		return &term.App{Fn: n.text, Args: args}
	}
	if agents[n.text] {
		return &term.Name{Text: n.text, Kind: term.KindAgent, Type: "agent"}
	}
	for _, c := range ps.p.Consts {
		if c.Text == n.text {
			return c
		}
	}
	ps.fail(t.pos, "%s is not an agent of this scenario nor a constant", n.text)
	return nil
}

// checkScenarios checks that every role can be played in every scenario.
func (ps *parser) checkScenarios() {
	for _, sc := range ps.p.Scenarios {
		for _, r := range ps.p.Roles {
			for i := 0; i < r.Params; i++ {
				h, d := sc.Class(r.Syms[i].Class)
				if len(h)+len(d) == 0 {
					ps.fail(sc.Pos, "scenario %s has no %s for parameter %s of role %s", sc.Name, r.Syms[i].Class, r.Syms[i].Name, r.Name)
				}
			}
		}
	}
}
