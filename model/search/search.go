package search

import (
	"fmt"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// sessionConfigs lists every (role, agents) pair a new session may take:
// the first parameter is an honest agent of its class, the others any
// agent of their class; only the scenario's roles, if it names them.
func (e *engine) sessionConfigs() [][]*term.Name {
	var out [][]*term.Name
	for _, r := range e.p.Roles {
		if !e.sc.HasRole(r.Name) {
			continue
		}
		var rec func(i int, acc []*term.Name)
		rec = func(i int, acc []*term.Name) {
			if i == r.Params {
				if e.sc.Distinct && repeats(acc) {
					return
				}
				c := append([]*term.Name{{Text: r.Name}}, acc...)
				out = append(out, c)
				return
			}
			h, d := e.sc.Class(r.Syms[i].Class)
			cands := append([]string(nil), h...)
			if i > 0 {
				cands = append(cands, d...)
			}
			for _, a := range cands {
				rec(i+1, append(acc[:i:i], e.w.Agents[a]))
			}
		}
		rec(0, nil)
	}
	return out
}

func repeats(ns []*term.Name) bool {
	for i := range ns {
		for j := i + 1; j < len(ns); j++ {
			if ns[i].Text == ns[j].Text {
				return true
			}
		}
	}
	return false
}

func (e *engine) roleByName(name string) *proto.Role {
	for _, r := range e.p.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// canonical reports whether a new session with these agents respects the
// symmetry reduction: an agent not used so far may appear only if every
// interchangeable agent of lower rank is already used.
func (e *engine) canonical(st *state, agents []*term.Name) bool {
	used := map[string]bool{}
	for _, s := range st.sess {
		for i := 0; i < s.role.Params; i++ {
			used[s.env[i].(*term.Name).Text] = true
		}
	}
	for _, a := range agents {
		x := a.Text
		if !used[x] {
			for y, g := range e.groups {
				if g == e.groups[x] && e.gorder[y] < e.gorder[x] && !used[y] {
					return false
				}
			}
		}
		used[x] = true
	}
	return true
}

// rootState is the state before any step: the attacker's initial
// knowledge.
func (e *engine) rootState() *state {
	st := &state{reveal: -1, last: lastBlock{sess: -1}}
	st.know = append(st.know, e.w.Know...)
	return st
}

// dfs searches the space under st depth first.
func (e *engine) dfs(st *state) {
	if !e.enter(st) {
		return
	}
	for _, next := range e.successors(st) {
		if !e.useful(st, next) {
			continue
		}
		e.dfs(next)
		if e.stop {
			return
		}
	}
}

// enter counts st, checks its claims and reports whether to expand it.
func (e *engine) enter(st *state) bool {
	if e.stop || !st.consistent() {
		return false
	}
	e.stats.states++
	e.stats.depth = max(e.stats.depth, st.length)
	if e.stats.states%tickStates == 0 {
		e.tick()
		if e.stop {
			return false
		}
	}
	e.checkClaims(st)
	if e.allFound() && st.length >= e.worstBest() || !e.future(st) {
		return false
	}
	if e.seenBefore(st) {
		e.stats.skipped++
		return false
	}
	return true
}

func (e *engine) allFound() bool {
	for _, b := range e.best {
		if b == nil {
			return false
		}
	}
	return true
}

func (e *engine) worstBest() int {
	w := 0
	for _, b := range e.best {
		if b.Length > w {
			w = b.Length
		}
	}
	return w
}

// successors lists the next states in a fixed order: receptions by existing
// sessions, then new sessions, then openings, then the reveal.
//
// Early initiators: a session whose role starts by sending (an initiator)
// only starts before any other step. This loses no attack and no length:
// starting such a session earlier only gives the attacker its messages
// sooner, keeps every event before the claims it preceded, and the
// shortest trace to a violated claim ends at that claim, so an initiator
// started after it plays no part. It is off when an initiator makes an
// injective-agreement claim before its first reception (injagreeBeforeRecv).
func (e *engine) successors(st *state) []*state {
	var out []*state
	moved := func(sts []*state) []*state {
		for _, s := range sts {
			s.moved = true
		}
		return sts
	}
	for i := range st.sess {
		s := &st.sess[i]
		if s.pc < len(s.role.Actions) && s.role.Actions[s.pc].Kind == proto.ActRecv {
			out = append(out, moved(e.receive(st, i))...)
		}
	}
	if len(st.sess) < e.sessions {
		for ci, c := range e.configs {
			r := e.roleByName(c[0].Text)
			first := len(r.Actions) > 0 && r.Actions[0].Kind == proto.ActRecv
			if !first && e.early && st.moved || !e.canonical(st, c[1:]) || !first && e.outOfOrder(st, ci) {
				continue
			}
			s := st.clone()
			e.newSession(s, r, c[1:])
			s.sess[len(s.sess)-1].cfg = ci
			i := len(s.sess) - 1
			if first {
				out = append(out, moved(e.receive(s, i))...)
			} else {
				know, nhit := len(s.know), len(s.hits)
				for _, b := range e.block(s, i) {
					e.markBlock(b, i, know, nhit)
					out = append(out, b)
				}
			}
		}
	}
	for _, v := range e.pendingKeys(st) {
		s := st.clone()
		z := s.newVar("z"+fmt.Sprint(len(s.vars)), "msg")
		s.invalidate()
		if e.matcher().Unify(&s.sub, v, term.Fn(term.FnPK, z)) {
			out = append(out, moved(e.normalize(s))...)
		}
	}
	out = append(out, moved(e.dhOpenings(st))...)
	out = append(out, e.sessionReveals(st)...)
	if e.reveal >= 0 && st.reveal < 0 {
		for _, h := range st.hits {
			if h.claim == e.reveal {
				out = append(out, moved([]*state{e.doReveal(st, h)})...)
				break
			}
		}
	}
	return out
}

func (e *engine) newSession(st *state, r *proto.Role, agents []*term.Name) {
	id := len(st.sess) + 1
	env := make([]term.Term, len(r.Syms))
	for i, sym := range r.Syms {
		switch sym.Kind {
		case proto.SymParam:
			env[i] = agents[i]
		case proto.SymFresh:
			env[i] = proto.FreshName(sym, id)
		case proto.SymVar:
			env[i] = st.newVar(fmt.Sprintf("%s.%d", sym.Name, id), sym.Type)
		}
	}
	st.sess = append(st.sess, session{id: id, role: r, env: env, start: st.tlen()})
	st.push(proto.Step{Kind: proto.StepStart, Session: id, Role: r.Name, Agents: names(agents)})
}

func names(ns []*term.Name) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Text
	}
	return out
}

// receive lets session i take its next message from the attacker.
func (e *engine) receive(st *state, i int) []*state {
	s := &st.sess[i]
	a := s.role.Actions[s.pc]
	pat := proto.Instantiate(a.Term, s.env)
	var out []*state
	for _, r := range e.dropInstances(st, e.solve(st, len(st.know), pat)) {
		r.push(proto.Step{Kind: proto.StepRecv, Session: s.id, Label: a.Label, Term: pat, Line: a.Pos.Line})
		r.length++
		r.sess[i].pc++
		nev, nhit := len(r.events), len(r.hits)
		for _, b := range e.block(r, i) {
			if e.keepOrder(st, b, i, nev, pat) {
				e.markBlock(b, i, len(st.know), nhit)
				out = append(out, b)
			}
		}
	}
	return out
}

// block runs session i until its next reception or its end: sends, checks,
// events and claims happen at once (step compression).
func (e *engine) block(st *state, i int) []*state {
	s := &st.sess[i]
	for s.pc < len(s.role.Actions) {
		a := s.role.Actions[s.pc]
		switch a.Kind {
		case proto.ActRecv:
			return []*state{st}
		case proto.ActSend:
			t := proto.Instantiate(a.Term, s.env)
			st.know = append(st.know, t)
			st.push(proto.Step{Kind: proto.StepSend, Session: s.id, Label: a.Label, Term: t, Line: a.Pos.Line})
			st.length++
		case proto.ActEvent:
			args := make([]term.Term, len(a.Args))
			for k, x := range a.Args {
				args[k] = proto.Instantiate(x, s.env)
			}
			st.events = append(st.events, eventRec{name: a.Event, args: args, sess: i, step: st.tlen()})
			st.push(proto.Step{Kind: proto.StepEvent, Session: s.id, Label: a.Event, Args: args, Line: a.Pos.Line})
		case proto.ActCheck:
			var out []*state
			s.pc++
			for _, u := range e.unifyStates(st, proto.Instantiate(a.Term, s.env), proto.Instantiate(a.Term2, s.env)) {
				for _, r := range e.normalize(u) {
					out = append(out, e.block(r, i)...)
				}
			}
			return out
		case proto.ActCache:
			st.caches = append(st.caches, cacheRec{owner: s.owner(), name: a.Event, t: proto.Instantiate(a.Term, s.env)})
			if !st.consistent() {
				return nil
			}
		case proto.ActClaim:
			if k := e.claimIndex(a.Claim.First()); k >= 0 && e.honestFor(a.Claim, s) {
				st.hits = append(st.hits, hitRec{claim: k, occ: a.Claim, sess: i, step: st.tlen()})
				st.push(proto.Step{Kind: proto.StepClaim, Session: s.id, Label: a.Claim.ID, Line: a.Pos.Line})
			}
		}
		s.pc++
	}
	return []*state{st}
}

func (e *engine) claimIndex(c *proto.Claim) int {
	for i, x := range e.claims {
		if x == c {
			return i
		}
	}
	return -1
}

// honestFor reports whether the claim's honesty precondition holds for the
// session: the listed parameters (all by default) are honest agents.
func (e *engine) honestFor(c *proto.Claim, s *session) bool {
	if c.Distinct && !proto.DistinctAgents(s.env, s.role.Params) {
		return false
	}
	if len(c.Honest) == 0 {
		for i := 0; i < s.role.Params; i++ {
			if !e.sc.Honest(s.env[i].(*term.Name).Text) {
				return false
			}
		}
		return true
	}
	for _, k := range c.Honest {
		n, ok := s.env[k].(*term.Name)
		if !ok || !e.sc.Honest(n.Text) {
			return false
		}
	}
	return true
}

// doReveal gives the attacker the claim's reveal terms of the session that
// reached the forward-secrecy claim.
func (e *engine) doReveal(st *state, h hitRec) *state {
	s := st.clone()
	c := h.occ
	ss := &s.sess[h.sess]
	var ts []term.Term
	for _, t := range c.Reveal {
		x := proto.Instantiate(t, ss.env)
		ts = append(ts, x)
		s.know = append(s.know, x)
	}
	s.reveal = h.claim
	s.last = lastBlock{sess: -1}
	s.push(proto.Step{Kind: proto.StepReveal, Session: ss.id, Label: c.ID, Args: ts})
	s.length++
	return s
}
