package proto

import (
	"fmt"
	"strconv"

	"github.com/imcheck/imcheck/model/term"
)

// World is what a scenario fixes before any run: the agents and what the
// attacker knows initially. The engine and the trace checker both build it
// from the protocol and the scenario.
type World struct {
	P      *Protocol
	Sc     *Scenario
	Agents map[string]*term.Name
	Order  []*term.Name
	Know   []term.Term // the attacker's initial knowledge
}

func NewWorld(p *Protocol, sc *Scenario) *World {
	w := &World{P: p, Sc: sc, Agents: map[string]*term.Name{}}
	for _, a := range sc.AllAgents() {
		n := &term.Name{Text: a, Kind: term.KindAgent, Type: "agent"}
		w.Agents[a] = n
		w.Order = append(w.Order, n)
		w.Know = append(w.Know, n)
	}
	for _, c := range p.Consts {
		w.Know = append(w.Know, c)
	}
	// public terms for every agent
	for _, t := range p.Public {
		w.forTuples(t.Arity, func(args []term.Term) {
			w.Know = append(w.Know, Instantiate(t.Term, args))
		})
	}
	// long-term secrets of dishonest agents
	for _, lt := range p.LongTerm {
		w.forTuples(lt.Arity, func(args []term.Term) {
			for _, a := range args {
				if !sc.Honest(a.(*term.Name).Text) {
					if lt.Unordered {
						args = []term.Term{term.Fn(term.FnPair, args...)}
					}
					w.Know = append(w.Know, &term.App{Fn: lt.Fn, Args: args})
					return
				}
			}
		})
	}
	w.Know = append(w.Know, sc.Reveal...)
	return w
}

// forTuples calls f with every tuple of n agents, in declaration order.
func (w *World) forTuples(n int, f func([]term.Term)) {
	idx := make([]int, n)
	for {
		args := make([]term.Term, n)
		for i, j := range idx {
			args[i] = w.Order[j]
		}
		f(args)
		i := n - 1
		for i >= 0 {
			idx[i]++
			if idx[i] < len(w.Order) {
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

// Instantiate replaces the Vars of a template (role symbols or agent
// placeholders) by env[ID].
func Instantiate(t term.Term, env []term.Term) term.Term {
	switch a := t.(type) {
	case *term.Var:
		if a.ID < len(env) && env[a.ID] != nil {
			return env[a.ID]
		}
		return a
	case *term.App:
		args := make([]term.Term, len(a.Args))
		for i, x := range a.Args {
			args[i] = Instantiate(x, env)
		}
		return &term.App{Fn: a.Fn, Args: args}
	}
	return t
}

// FreshName is the value symbol s takes in session id.
func FreshName(s Sym, id int) *term.Name {
	return &term.Name{Text: s.Name + "." + strconv.Itoa(id), Kind: term.KindFresh, Type: s.Type}
}

// AttackerValue is the value the attacker picks for a free variable.
func AttackerValue(typ string, k int) term.Term {
	if typ == "pkey" {
		return term.Fn(term.FnPK, &term.Name{Text: fmt.Sprintf("skE%d", k), Kind: term.KindAttacker, Type: "key"})
	}
	return &term.Name{Text: fmt.Sprintf("x%d", k), Kind: term.KindAttacker, Type: typ}
}
