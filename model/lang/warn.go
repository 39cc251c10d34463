package lang

import (
	"fmt"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// Tuples are flat: <a, b, c> has three parts and never matches the pair
// pattern <X, Y>, even untyped. A real encoding of concatenation may let a
// receiver split <a, b, c> as <a, <b, c>>, a type-flaw attack that flat
// tuples hide. warnFlatTuples warns, for files with an untyped scenario,
// where a received tuple is shorter than a tuple sent at the same place of
// a message and ends in a variable that could take the rest; the way out
// is to write the sent tuple nested, <a, <b, c>> (docs/model.md, "Tuples").
func (ps *parser) warnFlatTuples() {
	untyped := false
	for _, sc := range ps.p.Scenarios {
		untyped = untyped || sc.Untyped
	}
	if !untyped {
		return
	}
	type sent struct {
		t    *term.App
		line int
	}
	widest := map[string]sent{} // path -> the widest tuple sent there
	for _, r := range ps.p.Roles {
		for _, a := range r.Actions {
			if a.Kind == proto.ActSend {
				tuplesAt(a.Term, "", func(path string, t *term.App) {
					if w, ok := widest[path]; !ok || len(t.Args) > len(w.t.Args) {
						widest[path] = sent{t, a.Pos.Line}
					}
				})
			}
		}
	}
	for _, r := range ps.p.Roles {
		for _, a := range r.Actions {
			if a.Kind != proto.ActRecv {
				continue
			}
			tuplesAt(a.Term, "", func(path string, t *term.App) {
				last, ok := t.Args[len(t.Args)-1].(*term.Var)
				s, sentHere := widest[path]
				if !ok || r.Syms[last.ID].Kind != proto.SymVar || !sentHere || len(s.t.Args) <= len(t.Args) {
					return
				}
				pos, ok := ps.tuplePos[t]
				if !ok {
					pos = a.Pos
				}
				ps.p.Warnings = append(ps.p.Warnings, fmt.Sprintf("%s: warning: role %s receives the %d-part tuple %v where line %d sends %d parts; tuples are flat, so untyped matching never splits <x1, ..., xn> as <x1, <x2, ..., xn>>; write the sent tuple nested if a receiver could regroup it",
					pos, r.Name, len(t.Args), t, s.line, len(s.t.Args)))
			})
		}
	}
}

// tuplesAt calls f with every tuple of t and its path from the root: the
// functions and argument positions above it.
func tuplesAt(t term.Term, path string, f func(string, *term.App)) {
	a, ok := t.(*term.App)
	if !ok {
		return
	}
	if a.Fn == term.FnTuple {
		f(path, a)
	}
	for i, x := range a.Args {
		step := fmt.Sprintf("%s.%d/", a.Fn, i)
		if a.Fn == term.FnTuple {
			step = "tuple/" // parts of one tuple share the path: a regrouping moves them
		}
		tuplesAt(x, path+step, f)
	}
}

// keepTuplePositions remembers where the tuples of a received pattern were
// written, beyond the statement.
func (ps *parser) keepTuplePositions(pat term.Term) {
	tuplesAt(pat, "", func(_ string, t *term.App) {
		if ps.tuplePos == nil {
			ps.tuplePos = map[term.Term]proto.Pos{}
		}
		ps.tuplePos[t] = ps.posOf(t, proto.Pos{})
	})
}
