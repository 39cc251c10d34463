package lang

import (
	"fmt"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// syn is a term as written, before its names are resolved: a name, a call
// name(args) or a tuple <args>. Every term of a file is read as syntax
// first, within the limits MaxTermDepth and MaxTermSize, and then resolved
// in its context (a role, a scenario, a public declaration).
type syn struct {
	tok   token // the name, or '<' for a tuple
	args  []*syn
	call  bool // name(args)
	tuple bool
}

// syntax reads one term. The recursion is bounded by MaxTermDepth.
func (ps *parser) syntax() *syn {
	ps.termSize = 0
	return ps.syntaxAt(1)
}

func (ps *parser) syntaxAt(depth int) *syn {
	t := ps.peek()
	if depth > MaxTermDepth {
		ps.fail(ps.at(t), "term nested deeper than %d levels (docs/limits.md)", MaxTermDepth)
	}
	ps.termSize++
	if ps.termSize > MaxTermSize {
		ps.fail(ps.at(t), "term of more than %d symbols (docs/limits.md)", MaxTermSize)
	}
	if ps.accept("<") {
		s := &syn{tok: t, tuple: true}
		for {
			s.args = append(s.args, ps.syntaxAt(depth+1))
			if !ps.accept(",") {
				break
			}
		}
		ps.expect(">", "to close the tuple")
		if len(s.args) < 2 {
			ps.fail(ps.at(t), "a tuple has at least two elements")
		}
		return s
	}
	n := ps.ident("a term")
	s := &syn{tok: n}
	if ps.accept("(") {
		s.call = true
		if ps.is(")") {
			ps.fail(ps.at(ps.peek()), "%s takes at least one argument", n.text)
		}
		for {
			s.args = append(s.args, ps.syntaxAt(depth+1))
			if !ps.accept(",") {
				break
			}
		}
		ps.expect(")", "to close the arguments")
	}
	return s
}

// resolver turns a name that is not a call into a term; it fails with a
// message for names it does not know.
type resolver func(n token) term.Term

// resolve builds the term for s, resolving bare names with leaf. Calls must
// name a known function with the right arity.
func (ps *parser) resolve(s *syn, leaf resolver) term.Term {
	if s.tuple || s.call {
		args := make([]term.Term, len(s.args))
		for i, a := range s.args {
			args[i] = ps.resolve(a, leaf)
		}
		fn := term.FnTuple
		if s.call && ps.unordered[s.tok.text] {
			if len(args) != 2 {
				ps.fail(ps.at(s.tok), "%s takes 2 agents, in any order, not %d", s.tok.text, len(args))
			}
			pair := &term.App{Fn: term.FnPair, Args: args}
			ps.where(pair, s.tok)
			args = []term.Term{pair}
		} else if s.call {
			ps.checkArity(s.tok, len(args))
		}
		if s.call {
			fn = s.tok.text
			if fn == term.FnExp {
				ps.usesDH = true
			}
		}
		app := &term.App{Fn: fn, Args: args}
		ps.where(app, s.tok)
		return app
	}
	if s.tok.text == term.Gen && !ps.declared(term.Gen) {
		ps.usesDH = true
		return ps.gen
	}
	if ps.p.Theory.Prim(s.tok.text) != nil {
		ps.fail(ps.at(s.tok), "%s is a function; apply it to arguments", s.tok.text)
	}
	return leaf(s.tok)
}

// where remembers where a term was written, for the static checks.
func (ps *parser) where(t term.Term, tok token) {
	if ps.pos == nil {
		ps.pos = map[term.Term]proto.Pos{}
	}
	ps.pos[t] = ps.at(tok)
}

func (ps *parser) posOf(t term.Term, dflt proto.Pos) proto.Pos {
	if p, ok := ps.pos[t]; ok {
		return p
	}
	return dflt
}

func (ps *parser) checkArity(n token, got int) {
	pr := ps.p.Theory.Prim(n.text)
	if pr == nil {
		ps.fail(ps.at(n), "unknown function %q; declare it with 'fun %s/%d'", n.text, n.text, got)
	}
	if pr.Arity >= 0 && pr.Arity != got {
		ps.fail(ps.at(n), "%s takes %d arguments, not %d", n.text, pr.Arity, got)
	}
}

// spellSyn renders syntax compactly, for claim texts and reveal labels.
func spellSyn(s *syn) string {
	if !s.tuple && !s.call {
		return s.tok.text
	}
	out := ""
	for i, a := range s.args {
		if i > 0 {
			out += ", "
		}
		out += spellSyn(a)
	}
	if s.tuple {
		return "<" + out + ">"
	}
	return fmt.Sprintf("%s(%s)", s.tok.text, out)
}
