package model

import (
	"fmt"
	"strconv"
)

// world is what a scenario fixes before any run: the agents and what the
// attacker knows initially. The engine and the trace checker both build it
// from the protocol and the scenario.
type world struct {
	p      *Protocol
	sc     *Scenario
	agents map[string]*Name
	order  []*Name
	know   []Term // the attacker's initial knowledge
}

func newWorld(p *Protocol, sc *Scenario) *world {
	w := &world{p: p, sc: sc, agents: map[string]*Name{}}
	for _, a := range sc.AllAgents() {
		n := &Name{Text: a, Kind: KindAgent, Type: "agent"}
		w.agents[a] = n
		w.order = append(w.order, n)
		w.know = append(w.know, n)
	}
	for _, c := range p.Consts {
		w.know = append(w.know, c)
	}
	// public terms for every agent
	for _, t := range p.Public {
		w.forTuples(t.Arity, func(args []Term) {
			w.know = append(w.know, instantiate(t.Term, args))
		})
	}
	// long-term secrets of dishonest agents
	for _, lt := range p.LongTerm {
		w.forTuples(lt.Arity, func(args []Term) {
			for _, a := range args {
				if !sc.Honest(a.(*Name).Text) {
					w.know = append(w.know, &App{Fn: lt.Fn, Args: args})
					return
				}
			}
		})
	}
	w.know = append(w.know, sc.Reveal...)
	return w
}

// forTuples calls f with every tuple of n agents, in declaration order.
func (w *world) forTuples(n int, f func([]Term)) {
	idx := make([]int, n)
	for {
		args := make([]Term, n)
		for i, j := range idx {
			args[i] = w.order[j]
		}
		f(args)
		i := n - 1
		for i >= 0 {
			idx[i]++
			if idx[i] < len(w.order) {
				break
			}
			idx[i] = 0
			i--
		}
		if i < 0 {
			return
		}
	}
}

// instantiate replaces the Vars of a template (role symbols or agent
// placeholders) by env[ID].
func instantiate(t Term, env []Term) Term {
	switch a := t.(type) {
	case *Var:
		if a.ID < len(env) && env[a.ID] != nil {
			return env[a.ID]
		}
		return a
	case *App:
		args := make([]Term, len(a.Args))
		for i, x := range a.Args {
			args[i] = instantiate(x, env)
		}
		return &App{Fn: a.Fn, Args: args}
	}
	return t
}

// freshName is the value symbol s takes in session id.
func freshName(s Sym, id int) *Name {
	return &Name{Text: s.Name + "." + strconv.Itoa(id), Kind: KindFresh, Type: s.Type}
}

// attackerValue is the value the attacker picks for a free variable.
func attackerValue(typ string, k int) Term {
	if typ == "pkey" {
		return Fn(FnPK, &Name{Text: fmt.Sprintf("skE%d", k), Kind: KindAttacker, Type: "key"})
	}
	return &Name{Text: fmt.Sprintf("x%d", k), Kind: KindAttacker, Type: typ}
}
