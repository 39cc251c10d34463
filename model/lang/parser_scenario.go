package lang

import (
	"strconv"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// scenario NAME { users a, b  dishonest e  server s [dishonest]  sessions 2
// roles A, S, B  untyped  distinct  reveal sk(s)  reveal Kab of S [after m2] }
func (ps *parser) scenarioDecl() {
	n := ps.ident("the scenario name")
	if ps.scens[n.text] {
		ps.fail(ps.at(n), "scenario %s is declared twice", n.text)
	}
	if len(ps.scens) >= MaxScenarios {
		ps.fail(ps.at(n), "more than %d scenarios in one file (docs/limits.md)", MaxScenarios)
	}
	ps.scens[n.text] = true
	ps.declare(n)
	sc := &proto.Scenario{Name: n.text, Sessions: 2, Pos: ps.at(n)}
	seen := map[string]bool{}
	agent := func() string {
		a := ps.ident("an agent name")
		if seen[a.text] {
			ps.fail(ps.at(a), "agent %s is declared twice in scenario %s", a.text, sc.Name)
		}
		ps.declare(a)
		seen[a.text] = true
		if len(seen) > MaxAgents {
			ps.fail(ps.at(a), "scenario %s has more than %d agents (docs/limits.md)", sc.Name, MaxAgents)
		}
		return a.text
	}
	ps.expect("{", "to open the scenario")
	var ground []*syn // reveals of long-term values, resolved once every agent is known
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
				ps.fail(ps.at(v), "expected the number of sessions, found %s", v)
			}
			ps.next()
			k, err := strconv.Atoi(v.text)
			if err != nil || k < 1 || k > 8 {
				ps.fail(ps.at(v), "sessions must be between 1 and 8")
			}
			sc.Sessions = k
		case "roles":
			for {
				rn := ps.ident("a role name")
				if ps.roles[rn.text] == nil {
					ps.fail(ps.at(rn), "scenario %s: no role %s in this file", sc.Name, rn.text)
				}
				for _, r := range sc.Roles {
					if r == rn.text {
						ps.fail(ps.at(rn), "scenario %s names role %s twice", sc.Name, rn.text)
					}
				}
				sc.Roles = append(sc.Roles, rn.text)
				if !ps.accept(",") {
					break
				}
			}
		case "untyped":
			sc.Untyped = true
		case "distinct":
			sc.Distinct = true
		case "reveal":
			for {
				s := ps.syntax()
				if ps.is("of") {
					sc.SessionReveals = append(sc.SessionReveals, ps.sessionReveal(s))
				} else {
					ground = append(ground, s)
				}
				if len(ground)+len(sc.SessionReveals) > 64 {
					ps.fail(ps.at(s.tok), "scenario %s has more than 64 reveals", sc.Name)
				}
				if !ps.accept(",") {
					break
				}
			}
		default:
			ps.fail(ps.at(t), "expected a scenario statement (users, dishonest, server, sessions, roles, untyped, distinct, reveal) or '}', found %s", t)
		}
	}
	if len(sc.Users) == 0 {
		ps.fail(ps.at(n), "scenario %s has no honest user; add 'users a, b'", sc.Name)
	}
	// reveal terms are ground over the scenario's agents
	for _, s := range ground {
		sc.Reveal = append(sc.Reveal, ps.resolve(s, func(n token) term.Term {
			if seen[n.text] {
				return &term.Name{Text: n.text, Kind: term.KindAgent, Type: "agent"}
			}
			if c := ps.consts[n.text]; c != nil {
				return c
			}
			ps.fail(ps.at(n), "%s is not an agent of this scenario nor a constant; to reveal a value of a session, write 'reveal %s of ROLE'", n.text, n.text)
			return nil
		}))
	}
	ps.p.Scenarios = append(ps.p.Scenarios, sc)
}

// sessionReveal reads "of ROLE [after LABEL]" after the term s: the
// attacker may learn s in any session of ROLE once it has done its last
// message, or the message or event labelled LABEL.
func (ps *parser) sessionReveal(s *syn) *proto.SessionReveal {
	ps.expect("of", "")
	rn := ps.ident("a role name")
	r := ps.roles[rn.text]
	if r == nil {
		ps.fail(ps.at(rn), "no role %s before this scenario; declare roles before the scenarios that reveal their values", rn.text)
	}
	sr := &proto.SessionReveal{Role: r, Pos: ps.at(s.tok), Text: spellSyn(s) + " of " + r.Name}
	sc := ps.scopes[r.Name]
	t := ps.resolve(s, func(n token) term.Term {
		if x, ok := sc.lets[n.text]; ok {
			return x
		}
		if i, ok := sc.syms[n.text]; ok {
			sym := r.Syms[i]
			return &term.Var{ID: i, Text: sym.Name, Type: sym.Type}
		}
		if c := ps.consts[n.text]; c != nil {
			return c
		}
		ps.fail(ps.at(n), "%s is not a name of role %s", n.text, r.Name)
		return nil
	})
	if len(term.Vars(t, nil)) == 0 {
		ps.fail(sr.Pos, "%s names no value of a session of %s; reveal a constant or a long-term key with 'reveal %s'", sr.Text, r.Name, spellSyn(s))
	}
	sr.Terms = []term.Term{t}
	sr.After = -1
	if ps.accept("after") {
		l := ps.ident("a message or event label of role " + r.Name)
		for i, a := range r.Actions {
			if a.Label == l.text && (a.Kind == proto.ActSend || a.Kind == proto.ActRecv) || a.Kind == proto.ActEvent && a.Event == l.text {
				sr.After = i
				break
			}
		}
		if sr.After < 0 {
			ps.fail(ps.at(l), "role %s has no message or event labelled %s", r.Name, l.text)
		}
		sr.Text += " after " + l.text
	} else {
		for i, a := range r.Actions {
			if a.Kind == proto.ActSend || a.Kind == proto.ActRecv {
				sr.After = i
			}
		}
		if sr.After < 0 {
			ps.fail(ps.at(rn), "role %s sends and receives nothing: it has no session value to reveal", r.Name)
		}
	}
	for i, sym := range r.Syms {
		if sym.Kind == proto.SymVar && term.Contains(t, &term.Var{ID: i}) && !receivedBy(r, i, sr.After) {
			ps.fail(sr.Pos, "%s: role %s has not received %s at that point", sr.Text, r.Name, sym.Name)
		}
	}
	return sr
}

// receivedBy reports whether role r has received symbol i by action last.
func receivedBy(r *proto.Role, i, last int) bool {
	for k := 0; k <= last && k < len(r.Actions); k++ {
		a := r.Actions[k]
		if a.Kind == proto.ActRecv && term.Contains(a.Term, &term.Var{ID: i}) {
			return true
		}
	}
	return false
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
