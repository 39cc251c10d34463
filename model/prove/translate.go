package prove

import (
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// translator turns a protocol and a scenario into Horn clauses (Blanchet
// 2001, §3; ProVerif manual, the clauses of the attacker and of the
// protocol): the attacker's rules for every primitive, its initial
// knowledge, and for every role and choice of the scenario's agents one
// clause per message sent, claim reached and value revealed, whose
// hypotheses are the messages received before (and the events, for the
// agreement claims).
type translator struct {
	p     *proto.Protocol
	sc    *proto.Scenario
	w     *proto.World
	ty    *typer
	event map[string]bool // events some open agreement claim needs
	start bool            // some open claim needs the start of sessions
	open  map[*proto.Claim]bool
	out   []*Clause
	// coarse: fresh values are functions of the session's agents only
	coarse bool
}

func newTranslator(p *proto.Protocol, sc *proto.Scenario) *translator {
	return &translator{p: p, sc: sc, w: proto.NewWorld(p, sc),
		ty: &typer{th: p.Theory, names: map[string]string{}, typed: !sc.Untyped}}
}

// occurrences lists the claim actions that belong to claim c.
func (tr *translator) occurrences(c *proto.Claim) []*proto.Claim {
	var out []*proto.Claim
	for _, r := range tr.p.Roles {
		if !tr.sc.HasRole(r.Name) {
			continue
		}
		for _, a := range r.Actions {
			if a.Kind == proto.ActClaim && a.Claim.First() == c {
				out = append(out, a.Claim)
			}
		}
	}
	return out
}

// freshAt reports whether t holds a fresh value of role r at a position
// that no equation moves (not below exp or an unordered pair): two
// sessions' instances of t are then different terms.
func freshAt(t term.Term, r *proto.Role) bool {
	switch a := t.(type) {
	case *term.Var:
		return a.ID < len(r.Syms) && r.Syms[a.ID].Kind == proto.SymFresh
	case *term.App:
		if a.Fn == term.FnExp || a.Fn == term.FnPair {
			return false
		}
		for _, x := range a.Args {
			if freshAt(x, r) {
				return true
			}
		}
	}
	return false
}

// notApplicable says why the prover cannot treat claim c, or "".
func (tr *translator) notApplicable(c *proto.Claim) string {
	occ := tr.occurrences(c)
	switch c.Kind {
	case proto.ClaimFSecret:
		return "forward secrecy reveals keys after the claim, and the clauses have no phases"
	case proto.ClaimWeakSecret:
		return "offline guessing of a weak secret is not encoded in the clauses"
	case proto.ClaimInjAgree:
		if len(occ) != 1 {
			return "injective agreement over several occurrences of the claim in one session"
		}
		for _, x := range occ[0].Args {
			if freshAt(x, occ[0].Role) {
				return ""
			}
		}
		return "injective agreement needs a fresh value of the claiming session among the event's arguments"
	case proto.ClaimUnique:
		if len(occ) != 1 {
			return "unique over several occurrences of the claim"
		}
		if !freshAt(occ[0].Term, occ[0].Role) {
			return "unique needs the value to hold a fresh value of the claiming session"
		}
	}
	return ""
}

// clauses builds the clause base for the open claims.
func (tr *translator) clauses(open []*proto.Claim) []*Clause {
	tr.open = map[*proto.Claim]bool{}
	tr.event = map[string]bool{}
	tr.start = false
	for _, c := range open {
		tr.open[c] = true
		switch c.Kind {
		case proto.ClaimNIAgree, proto.ClaimInjAgree:
			tr.event[c.Event] = true
		case proto.ClaimAlive, proto.ClaimWeakAgree:
			tr.start = true
		}
	}
	tr.attacker()
	for _, r := range tr.p.Roles {
		if !tr.sc.HasRole(r.Name) {
			continue // no session of the scenario takes it (its roles statement)
		}
		for _, agents := range tr.configs(r) {
			tr.role(r, agents)
		}
	}
	return tr.out
}

func att(t term.Term) Fact { return Fact{Pred: predAtt, Args: []term.Term{t}} }

func (tr *translator) emit(hyps []Fact, concl Fact, s term.Subst, nvars int) {
	hs := make([]Fact, len(hyps))
	for i, h := range hyps {
		hs[i] = resolveFact(s, h)
	}
	tr.out = append(tr.out, &Clause{Hyps: hs, Concl: resolveFact(s, concl), NVars: nvars})
}

// attacker adds the Dolev-Yao rules: compose with every public primitive,
// open every primitive that opens (term.Theory's rows), and the initial
// knowledge of the scenario (proto.World).
func (tr *translator) attacker() {
	ar := tr.arities()
	v := func(i int) term.Term { return &term.Var{ID: i, Text: "x" + string(rune('0'+i%10)), Type: "msg"} }
	for _, row := range tr.p.Theory.Rows() {
		ns := []int{row.Arity}
		if row.Arity < 0 {
			ns = ar[row.Name]
		}
		for _, n := range ns {
			args := make([]term.Term, n)
			for i := range args {
				args[i] = v(i)
			}
			if row.Public {
				hyps := make([]Fact, n)
				for i, a := range args {
					hyps[i] = att(a)
				}
				tr.out = append(tr.out, &Clause{Hyps: hyps, Concl: att(&term.App{Fn: row.Name, Args: args}), NVars: n})
			}
			if row.Open == nil {
				continue
			}
			oargs := append([]term.Term(nil), args...)
			nv := n
			var key term.Term
			if row.Open.Key != nil {
				k, ok := row.Open.Key(oargs)
				if !ok && row.Name == term.FnAenc && n == 2 {
					// aenc(m, pk(y)) opens with y
					oargs[1] = term.Fn(term.FnPK, v(n))
					nv++
					k, ok = row.Open.Key(oargs)
				}
				if !ok {
					continue
				}
				key = k
			}
			parts := row.Open.Parts
			if parts == nil {
				for i := range oargs {
					parts = append(parts, i)
				}
			}
			for _, j := range parts {
				hyps := []Fact{att(&term.App{Fn: row.Name, Args: oargs})}
				if key != nil {
					hyps = append(hyps, att(key))
				}
				tr.out = append(tr.out, &Clause{Hyps: hyps, Concl: att(oargs[j]), NVars: nv})
			}
		}
	}
	tr.out = append(tr.out, &Clause{Concl: att(term.Generator())})
	for _, t := range tr.w.Know {
		tr.out = append(tr.out, &Clause{Concl: att(t)})
	}
}

// arities collects the arities of the variadic primitives (tuples, h) used
// anywhere in the protocol.
func (tr *translator) arities() map[string][]int {
	seen := map[string]map[int]bool{}
	out := map[string][]int{}
	var walk func(t term.Term)
	walk = func(t term.Term) {
		a, ok := t.(*term.App)
		if !ok {
			return
		}
		if p := tr.p.Theory.Prim(a.Fn); p != nil && p.Arity < 0 {
			if seen[a.Fn] == nil {
				seen[a.Fn] = map[int]bool{}
			}
			if !seen[a.Fn][len(a.Args)] {
				seen[a.Fn][len(a.Args)] = true
				out[a.Fn] = append(out[a.Fn], len(a.Args))
			}
		}
		for _, x := range a.Args {
			walk(x)
		}
	}
	for _, r := range tr.p.Roles {
		for _, k := range r.Knows {
			walk(k)
		}
		for _, a := range r.Actions {
			for _, t := range []term.Term{a.Term, a.Term2} {
				if t != nil {
					walk(t)
				}
			}
			for _, t := range a.Args {
				walk(t)
			}
			if a.Claim != nil {
				if a.Claim.Term != nil {
					walk(a.Claim.Term)
				}
				for _, t := range a.Claim.Args {
					walk(t)
				}
			}
		}
	}
	for _, t := range tr.w.Know {
		walk(t)
	}
	for _, sr := range tr.sc.SessionReveals {
		for _, t := range sr.Terms {
			walk(t)
		}
	}
	return out
}

// configs lists the agents a session of r may have: the first parameter an
// honest agent of its class, the others any agent of their class (as the
// bounded search, model/search).
func (tr *translator) configs(r *proto.Role) [][]term.Term {
	var out [][]term.Term
	var rec func(i int, acc []term.Term)
	rec = func(i int, acc []term.Term) {
		if i == r.Params {
			if tr.sc.Distinct && !proto.DistinctAgents(acc, len(acc)) {
				return
			}
			out = append(out, append([]term.Term(nil), acc...))
			return
		}
		h, d := tr.sc.Class(r.Syms[i].Class)
		cands := append([]string(nil), h...)
		if i > 0 {
			cands = append(cands, d...)
		}
		for _, a := range cands {
			rec(i+1, append(acc[:i:i], tr.w.Agents[a]))
		}
	}
	rec(0, nil)
	return out
}

// firstUse is, per symbol of r, the index of the first action whose terms
// mention it (len(Actions) if none).
func firstUse(r *proto.Role) []int {
	out := make([]int, len(r.Syms))
	for i := range out {
		out[i] = len(r.Actions)
	}
	mark := func(t term.Term, i int) {
		if t == nil {
			return
		}
		for _, v := range term.Vars(t, nil) {
			if v.ID < len(out) && out[v.ID] > i {
				out[v.ID] = i
			}
		}
	}
	for i, a := range r.Actions {
		mark(a.Term, i)
		mark(a.Term2, i)
		for _, t := range a.Args {
			mark(t, i)
		}
		if a.Claim != nil {
			mark(a.Claim.Term, i)
			for _, t := range a.Claim.Args {
				mark(t, i)
			}
			for _, t := range a.Claim.Reveal {
				mark(t, i)
			}
		}
	}
	return out
}

// role adds the clauses of role r played with the given agents. A fresh
// value N of the session is the name N[agents, inputs]: a function of the
// session's agents and of the values it received before it first used N
// (Blanchet 2001, §3.2; ProVerif manual, the default arguments of names),
// or with tr.coarse of the agents alone. Sessions with the same arguments
// share their names: the abstraction merges them, which can only add
// derivations.
func (tr *translator) role(r *proto.Role, agents []term.Term) {
	n := len(r.Syms)
	env := make([]term.Term, n)
	for i := 0; i < r.Params; i++ {
		env[i] = agents[i]
	}
	for i := r.Params; i < n; i++ {
		if r.Syms[i].Kind == proto.SymVar {
			typ := r.Syms[i].Type
			if tr.sc.Untyped {
				typ = "msg"
			}
			env[i] = &term.Var{ID: i, Text: r.Syms[i].Name, Type: typ}
		}
	}
	use := firstUse(r)
	received := func(before int) []term.Term {
		var out []term.Term
		for j := 0; j < before && j < len(r.Actions); j++ {
			a := r.Actions[j]
			if a.Kind != proto.ActRecv {
				continue
			}
			for _, v := range term.Vars(a.Term, nil) {
				if v.ID < n && r.Syms[v.ID].Kind == proto.SymVar {
					dup := false
					for _, x := range out {
						dup = dup || x.(*term.Var).ID == v.ID
					}
					if !dup {
						out = append(out, env[v.ID])
					}
				}
			}
		}
		return out
	}
	for i := r.Params; i < n; i++ {
		if r.Syms[i].Kind != proto.SymFresh {
			continue
		}
		fn := "new:" + r.Name + "." + r.Syms[i].Name
		tr.ty.names[fn] = r.Syms[i].Type
		args := append([]term.Term(nil), agents...)
		if !tr.coarse {
			args = append(args, received(use[i])...)
		}
		env[i] = &term.App{Fn: fn, Args: args}
	}
	var hyps []Fact
	if tr.start {
		hyps = append(hyps, Fact{Pred: predStart, Args: append([]term.Term{&term.Name{Text: r.Name, Kind: term.KindConst, Type: "const"}}, agents...)})
	}
	tr.walk(r, env, 0, hyps, make(term.Subst, n))
}

func (tr *translator) walk(r *proto.Role, env []term.Term, i int, hyps []Fact, s term.Subst) {
	n := len(r.Syms)
	inst := func(t term.Term) term.Term { return proto.Instantiate(t, env) }
	for ; i < len(r.Actions); i++ {
		a := r.Actions[i]
		switch a.Kind {
		case proto.ActRecv:
			hyps = append(hyps[:len(hyps):len(hyps)], att(inst(a.Term)))
		case proto.ActSend:
			tr.emit(hyps, att(inst(a.Term)), s, n)
		case proto.ActEvent:
			if tr.event[a.Event] {
				args := make([]term.Term, len(a.Args))
				for j, x := range a.Args {
					args[j] = inst(x)
				}
				hyps = append(hyps[:len(hyps):len(hyps)], Fact{Pred: predBegin, Claim: a.Event, Args: args})
			}
		case proto.ActClaim:
			tr.claim(r, env, a.Claim, hyps, s)
		case proto.ActCheck:
			var sols []term.Subst
			tr.ty.unify(s.Clone(), [][2]term.Term{{inst(a.Term), inst(a.Term2)}}, &sols)
			for _, s2 := range sols {
				tr.reveals(r, env, i, hyps, s2)
				tr.walk(r, env, i+1, hyps, s2)
			}
			return
		}
		tr.reveals(r, env, i, hyps, s)
	}
}

// reveals adds the session reveals of the scenario made once a session of
// r has done action i: the attacker learns the values (at most once per
// session in a trace; any number of times here, which only adds).
func (tr *translator) reveals(r *proto.Role, env []term.Term, i int, hyps []Fact, s term.Subst) {
	for _, sr := range tr.sc.SessionReveals {
		if sr.Role != r || sr.After != i {
			continue
		}
		for _, t := range sr.Terms {
			tr.emit(hyps, att(proto.Instantiate(t, env)), s, len(r.Syms))
		}
	}
}

// claim adds the clause of a claim occurrence reached by a session with
// environment env, if the claim applies to the session's agents.
func (tr *translator) claim(r *proto.Role, env []term.Term, c *proto.Claim, hyps []Fact, s term.Subst) {
	first := c.First()
	if !tr.open[first] || !tr.applies(c, env, r) {
		return
	}
	inst := func(t term.Term) term.Term { return proto.Instantiate(t, env) }
	n := len(r.Syms)
	switch first.Kind {
	case proto.ClaimSecret:
		// secret T (and T unless revealed, proved here without the
		// excuse, which is stronger): att(T) with the session's
		// hypotheses derives bad
		h := append(hyps[:len(hyps):len(hyps)], att(inst(c.Term)))
		tr.emit(h, Fact{Pred: predBad, Claim: first.ID}, s, n)
	case proto.ClaimAlive, proto.ClaimWeakAgree:
		tr.emit(hyps, Fact{Pred: predEnd, Claim: first.ID, Args: []term.Term{env[0], env[c.Agent]}}, s, n)
	case proto.ClaimNIAgree, proto.ClaimInjAgree:
		args := make([]term.Term, len(c.Args))
		for j, x := range c.Args {
			args[j] = inst(x)
		}
		tr.emit(hyps, Fact{Pred: predEnd, Claim: first.ID, Args: args}, s, n)
	}
}

// applies reports whether the claim holds for a session with these agents:
// the parameters it lists (all by default) are honest, and with "if
// distinct" they are pairwise different.
func (tr *translator) applies(c *proto.Claim, env []term.Term, r *proto.Role) bool {
	if c.Distinct && !proto.DistinctAgents(env, r.Params) {
		return false
	}
	if len(c.Honest) == 0 {
		for i := 0; i < r.Params; i++ {
			if !tr.sc.Honest(env[i].(*term.Name).Text) {
				return false
			}
		}
		return true
	}
	for _, k := range c.Honest {
		nm, ok := env[k].(*term.Name)
		if !ok || !tr.sc.Honest(nm.Text) {
			return false
		}
	}
	return true
}
