package explore

import (
	"fmt"

	"github.com/imcheck/imcheck/model/term"
)

// Derivation says how the attacker obtains a term: the node's How, then the
// derivations of the terms it was made from.
type Derivation struct {
	Term string        `json:"term"`
	How  string        `json:"how"` // initial, observed, opened, composed, made-up, not-derivable
	Note string        `json:"note,omitempty"`
	From []*Derivation `json:"from,omitempty"`
}

// origin is where a term of the attacker's analysed knowledge came from.
type origin struct {
	how  string
	note string
	from []term.Term // the opened term and its key, for "opened"
}

// knowledge is the attacker's analysed knowledge at one point of a trace,
// with the origin of every term, so that a derivation can be printed.
// It follows term.Analyse and term.Compose: the same rows of the theory.
type knowledge struct {
	th    *term.Theory
	terms []term.Term
	orig  map[string]origin
}

func newKnowledge(th *term.Theory) *knowledge {
	return &knowledge{th: th, orig: map[string]origin{}}
}

// add records an observed term and everything it opens.
func (k *knowledge) add(t term.Term, o origin) {
	if _, ok := k.orig[t.String()]; ok {
		return
	}
	k.terms = append(k.terms, t)
	k.orig[t.String()] = o
	k.analyse()
}

// analyse opens every term it can, to a fixed point.
func (k *knowledge) analyse() {
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(k.terms); i++ {
			a, ok := k.terms[i].(*term.App)
			if !ok {
				continue
			}
			p := k.th.Prim(a.Fn)
			if p == nil || p.Open == nil {
				continue
			}
			var key term.Term
			if p.Open.Key != nil {
				kt, ok := p.Open.Key(a.Args)
				if !ok || !k.composable(kt, 0) {
					continue
				}
				key = kt
			}
			parts := p.Open.Parts
			if parts == nil {
				parts = make([]int, len(a.Args))
				for j := range a.Args {
					parts[j] = j
				}
			}
			for _, j := range parts {
				x := a.Args[j]
				if _, ok := k.orig[x.String()]; ok {
					continue
				}
				o := origin{how: "opened", from: []term.Term{a}}
				switch {
				case key != nil:
					o.note = fmt.Sprintf("decrypted from %v with %v", a, key)
					o.from = append(o.from, key)
				case a.Fn == term.FnTuple:
					o.note = fmt.Sprintf("part %d of %v", j+1, a)
				default:
					o.note = fmt.Sprintf("read from %v", a)
				}
				k.terms = append(k.terms, x)
				k.orig[x.String()] = o
				progress = true
			}
		}
	}
}

const maxDepth = 64

func (k *knowledge) composable(t term.Term, depth int) bool {
	if depth > maxDepth {
		return false
	}
	if _, ok := k.orig[t.String()]; ok {
		return true
	}
	switch a := t.(type) {
	case *term.Name:
		return a.Kind == term.KindAttacker || term.IsGen(a)
	case *term.App:
		p := k.th.Prim(a.Fn)
		if p == nil || !p.Public {
			return false
		}
		all := true
		for _, x := range a.Args {
			all = all && k.composable(x, depth+1)
		}
		if all {
			return true
		}
		if sw, ok := swappedDH(t); ok {
			return k.composable(sw.Args[0], depth+1) && k.composable(sw.Args[1], depth+1)
		}
	}
	return false
}

// swappedDH is exp(exp(g, y), x) for t = exp(exp(g, x), y): the same term
// under the Diffie-Hellman equation (model/term/dh.go), built the other way.
func swappedDH(t term.Term) (*term.App, bool) {
	x, y, ok := term.DHPair(t)
	if !ok {
		return nil, false
	}
	return term.Fn(term.FnExp, term.Fn(term.FnExp, term.Generator(), y), x), true
}

// derive explains how the attacker obtains t.
func (k *knowledge) derive(t term.Term) *Derivation { return k.deriveDepth(t, 0) }

func (k *knowledge) deriveDepth(t term.Term, depth int) *Derivation {
	d := &Derivation{Term: t.String()}
	if depth > maxDepth {
		d.How = "not-derivable"
		d.Note = "too deep to show"
		return d
	}
	if o, ok := k.orig[t.String()]; ok {
		d.How, d.Note = o.how, o.note
		if o.how == "opened" {
			for _, x := range o.from {
				d.From = append(d.From, k.deriveDepth(x, depth+1))
			}
		}
		return d
	}
	switch a := t.(type) {
	case *term.Name:
		if a.Kind == term.KindAttacker {
			d.How, d.Note = "made-up", "a value the attacker chose"
			return d
		}
		if term.IsGen(a) {
			d.How, d.Note = "initial", "the public Diffie-Hellman generator"
			return d
		}
	case *term.App:
		if p := k.th.Prim(a.Fn); p != nil && p.Public && k.composable(t, depth) {
			d.How = "composed"
			d.Note = fmt.Sprintf("built with %s from parts the attacker has", primName(a.Fn))
			args := a.Args
			direct := true
			for _, x := range a.Args {
				direct = direct && k.composable(x, depth+1)
			}
			if sw, ok := swappedDH(t); ok && !direct {
				args = sw.Args
				d.Note = fmt.Sprintf("built as %v raised to %v (the Diffie-Hellman equation)", sw.Args[0], sw.Args[1])
			}
			for _, x := range args {
				d.From = append(d.From, k.deriveDepth(x, depth+1))
			}
			return d
		}
	}
	d.How, d.Note = "not-derivable", "the attacker cannot build this term"
	return d
}

func primName(fn string) string {
	switch fn {
	case term.FnTuple:
		return "pairing"
	case term.FnSenc:
		return "symmetric encryption"
	case term.FnAenc:
		return "public-key encryption"
	case term.FnSign:
		return "a signature"
	case term.FnHash:
		return "the hash"
	case term.FnMAC:
		return "the MAC"
	case term.FnExp:
		return "exponentiation"
	}
	return fn
}

// known lists the terms of the analysed knowledge in the order they were
// learnt.
func (k *knowledge) known() []string {
	out := make([]string, len(k.terms))
	for i, t := range k.terms {
		out[i] = t.String()
	}
	return out
}
