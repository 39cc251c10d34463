package search

import (
	"context"
	"strings"

	"github.com/imcheck/imcheck/model/check"
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// Executability (Tamarin's exists-trace lemmas, Scyther's reachability):
// can the protocol run at all? honestRuns searches the executions without
// an attacker: only honest agents, every message received is one sent
// before, unchanged. A claim that no such run reaches within the bound is
// reached, if at all, only with the attacker's help (or a dishonest
// agent's): a mistyped pattern, a message no role sends, or a scenario
// whose claims need an insider. The runs are ground, so the search is
// small; it stops as soon as every claim is reached, or after
// maxHonestStates states (then the claims not reached yet count as not
// reached).

const maxHonestStates = 20000

type hsess struct {
	role *proto.Role
	env  []term.Term // ground
	pc   int
	id   int
}

type hstate struct {
	sess   []hsess
	sent   []term.Term
	caches []string
}

type honest struct {
	ctx     context.Context
	p       *proto.Protocol
	sc      *proto.Scenario
	n       int
	typed   bool
	configs [][]*term.Name
	claims  map[*proto.Claim]int
	reached []bool
	left    int
	seen    map[string]bool
	states  int
}

// honestRuns reports, per claim of p in order, whether an honest run of at
// most n sessions of scenario sc reaches it.
func honestRuns(ctx context.Context, p *proto.Protocol, sc *proto.Scenario, n int) []bool {
	h := &honest{ctx: ctx, p: p, sc: sc, n: n, typed: !sc.Untyped, claims: map[*proto.Claim]int{},
		reached: make([]bool, len(p.Claims)), left: len(p.Claims), seen: map[string]bool{}}
	for i, c := range p.Claims {
		h.claims[c] = i
	}
	w := proto.NewWorld(p, sc)
	for _, r := range p.Roles {
		if !sc.HasRole(r.Name) {
			continue
		}
		var rec func(i int, acc []*term.Name)
		rec = func(i int, acc []*term.Name) {
			if i == r.Params {
				if !sc.Distinct || !repeats(acc) {
					h.configs = append(h.configs, append([]*term.Name{{Text: r.Name}}, acc...))
				}
				return
			}
			hon, _ := sc.Class(r.Syms[i].Class)
			for _, a := range hon {
				rec(i+1, append(acc[:i:i], w.Agents[a]))
			}
		}
		rec(0, nil)
	}
	h.dfs(&hstate{})
	return h.reached
}

func (h *honest) dfs(st *hstate) {
	if h.left == 0 || h.states >= maxHonestStates || h.ctx.Err() != nil {
		return
	}
	k := st.key()
	if h.seen[k] {
		return
	}
	h.seen[k] = true
	h.states++
	for i := range st.sess {
		s := &st.sess[i]
		if s.pc >= len(s.role.Actions) || s.role.Actions[s.pc].Kind != proto.ActRecv {
			continue
		}
		pat := s.role.Actions[s.pc].Term
		for j, m := range st.sent {
			if dupBefore(st.sent, j) {
				continue
			}
			env := append([]term.Term(nil), s.env...)
			if !check.Match(h.p.Theory, h.typed, pat, m, env) {
				continue
			}
			c := st.clone()
			c.sess[i].env = env
			c.sess[i].pc++
			if h.block(c, i) {
				h.dfs(c)
			}
		}
	}
	if len(st.sess) < h.n {
		for _, cf := range h.configs {
			c := st.clone()
			r := h.role(cf[0].Text)
			s := hsess{role: r, env: make([]term.Term, len(r.Syms)), id: len(c.sess) + 1}
			for i, sym := range r.Syms {
				switch sym.Kind {
				case proto.SymParam:
					s.env[i] = cf[1+i]
				case proto.SymFresh:
					s.env[i] = proto.FreshName(sym, s.id)
				}
			}
			c.sess = append(c.sess, s)
			if h.block(c, len(c.sess)-1) {
				h.dfs(c)
			}
		}
	}
}

func (h *honest) role(name string) *proto.Role {
	for _, r := range h.p.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// block runs session i up to its next reception; false when a check or a
// cache refuses.
func (h *honest) block(st *hstate, i int) bool {
	s := &st.sess[i]
	for ; s.pc < len(s.role.Actions); s.pc++ {
		a := s.role.Actions[s.pc]
		switch a.Kind {
		case proto.ActRecv:
			return true
		case proto.ActSend:
			st.sent = append(st.sent, proto.Instantiate(a.Term, s.env))
		case proto.ActCheck:
			if !term.Equal(proto.Instantiate(a.Term, s.env), proto.Instantiate(a.Term2, s.env)) {
				return false
			}
		case proto.ActCache:
			k := s.env[0].String() + "|" + a.Event + "|" + proto.Instantiate(a.Term, s.env).String()
			for _, x := range st.caches {
				if x == k {
					return false
				}
			}
			st.caches = append(st.caches, k)
		case proto.ActClaim:
			if a.Claim.Distinct && !proto.DistinctAgents(s.env, s.role.Params) {
				continue
			}
			if k, ok := h.claims[a.Claim.First()]; ok && !h.reached[k] {
				h.reached[k] = true
				h.left--
			}
		}
	}
	return true
}

func (st *hstate) clone() *hstate {
	return &hstate{sess: append([]hsess(nil), st.sess...), sent: st.sent[:len(st.sent):len(st.sent)],
		caches: st.caches[:len(st.caches):len(st.caches)]}
}

// key identifies a state: the sessions and the set of messages sent.
func (st *hstate) key() string {
	var b strings.Builder
	for _, s := range st.sess {
		b.WriteString(s.role.Name)
		b.WriteByte(byte('0' + s.pc%64))
		for _, t := range s.env {
			if t != nil {
				b.WriteString(t.String())
			}
			b.WriteByte(',')
		}
		b.WriteByte(';')
	}
	return b.String() + "|" + strings.Join(st.caches, ";")
}

func dupBefore(ts []term.Term, j int) bool {
	for i := 0; i < j; i++ {
		if term.Equal(ts[i], ts[j]) {
			return true
		}
	}
	return false
}
