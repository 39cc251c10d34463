package lang

import (
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// roleCheck enforces what a role can do: every term it sends, checks or
// caches is derivable from what it knows (its parameters, its knows list,
// its fresh values, the public terms and constants) and what it received;
// every message it receives it can take apart as written (the key of each
// encryption in the pattern, the public key of each signature) or check
// (each one-way term in the pattern it can recompute once it has the rest).
// This is what "knows" means: the search itself never looks at it.
type roleCheck struct {
	ps   *parser
	r    *proto.Role
	have []term.Term // analysed knowledge, without the parameters
	// index: hash -> positions in have, so that a lookup is constant time
	index map[uint64][]int32
	// sealed are encryptions received whose key the role does not have
	// (yet): opaque to it, it may only pass them on.
	sealed []term.Term
}

func newRoleCheck(ps *parser, r *proto.Role) *roleCheck { return &roleCheck{ps: ps, r: r} }

// know adds a term the role knows and what it can open of it.
func (rc *roleCheck) know(t term.Term) {
	if rc.has(t) {
		return
	}
	if rc.index == nil {
		rc.index = map[uint64][]int32{}
	}
	h := term.HashTerm(t)
	rc.index[h] = append(rc.index[h], int32(len(rc.have)))
	rc.have = append(rc.have, t)
	if a, ok := t.(*term.App); ok {
		p := rc.ps.p.Theory.Prim(a.Fn)
		switch {
		case p == nil || p.Open == nil:
		case p.Open.Key == nil:
			for _, i := range parts(p, a) {
				rc.know(a.Args[i])
			}
		default:
			rc.sealed = append(rc.sealed, t)
		}
	}
	// an encryption received earlier may open now
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(rc.sealed); i++ {
			a := rc.sealed[i].(*term.App)
			p := rc.ps.p.Theory.Prim(a.Fn)
			if k, ok := p.Open.Key(a.Args); ok && rc.derivable(k) {
				rc.sealed = append(rc.sealed[:i], rc.sealed[i+1:]...)
				progress = true
				for _, j := range parts(p, a) {
					rc.know(a.Args[j])
				}
				break
			}
		}
	}
}

func parts(p *term.Prim, a *term.App) []int {
	if p.Open.Parts != nil {
		return p.Open.Parts
	}
	out := make([]int, len(a.Args))
	for i := range out {
		out[i] = i
	}
	return out
}

func (rc *roleCheck) has(t term.Term) bool {
	for _, i := range rc.index[term.HashTerm(t)] {
		if term.Equal(rc.have[i], t) {
			return true
		}
	}
	return false
}

// derivable reports whether the role can build t.
func (rc *roleCheck) derivable(t term.Term) bool {
	switch a := t.(type) {
	case *term.Var:
		return a.ID < rc.r.Params || rc.has(t)
	case *term.Name:
		return a.Kind != term.KindFresh // constants and the generator
	case *term.App:
		if rc.has(t) || rc.public(t) {
			return true
		}
		p := rc.ps.p.Theory.Prim(a.Fn)
		if p == nil || !p.Public {
			return false
		}
		for _, x := range a.Args {
			if !rc.derivable(x) {
				return false
			}
		}
		return true
	}
	return false
}

// public reports whether t is an instance of a public declaration for
// agents the role can name.
func (rc *roleCheck) public(t term.Term) bool {
	for _, tp := range rc.ps.p.Public {
		env := make([]term.Term, tp.Arity)
		if matchTemplate(tp.Term, t, env) {
			ok := true
			for _, x := range env {
				ok = ok && x != nil && rc.derivable(x)
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func matchTemplate(tp, t term.Term, env []term.Term) bool {
	switch a := tp.(type) {
	case *term.Var:
		if env[a.ID] != nil {
			return term.Equal(env[a.ID], t)
		}
		env[a.ID] = t
		return true
	case *term.App:
		b, ok := t.(*term.App)
		if !ok || a.Fn != b.Fn || len(a.Args) != len(b.Args) {
			return false
		}
		for i := range a.Args {
			if !matchTemplate(a.Args[i], b.Args[i], env) {
				return false
			}
		}
		return true
	}
	return term.Equal(tp, t)
}

// uses fails unless the role can build t.
func (rc *roleCheck) uses(t term.Term, at proto.Pos, verb string) {
	if rc.derivable(t) {
		return
	}
	bad := rc.culprit(t)
	rc.ps.fail(rc.ps.posOf(bad, at), "role %s %s %v, but it cannot build %v from what it knows and has received; add it to 'knows' if the agent has it",
		rc.r.Name, verb, t, bad)
}

// culprit is the outermost part of t that the role cannot build and that
// is not built from parts it can.
func (rc *roleCheck) culprit(t term.Term) term.Term {
	a, ok := t.(*term.App)
	if !ok || rc.public(t) {
		return t
	}
	if p := rc.ps.p.Theory.Prim(a.Fn); p == nil || !p.Public {
		return t
	}
	for _, x := range a.Args {
		if !rc.derivable(x) {
			return rc.culprit(x)
		}
	}
	return t
}

// recv takes a received pattern apart as the role would: what it learns,
// and the keys and values it needs to open and check it.
func (rc *roleCheck) recv(pat term.Term, at proto.Pos) {
	rc.noExpVars(pat, at, false)
	var need []term.Term // terms the role must be able to build to accept pat
	open := rc.openVars(pat, nil)
	var walk func(t term.Term)
	walk = func(t term.Term) {
		switch a := t.(type) {
		case *term.Var:
			if !rc.derivable(t) {
				rc.know(t)
			}
		case *term.Name:
		case *term.App:
			p := rc.ps.p.Theory.Prim(a.Fn)
			switch {
			case p != nil && p.Open != nil && p.Open.Key == nil && p.Open.Verify == nil:
				for _, x := range a.Args { // a tuple
					walk(x)
				}
			case p != nil && p.Open != nil && p.Open.Verify != nil:
				need = append(need, p.Open.Verify(a.Args))
				for _, i := range parts(p, a) {
					walk(a.Args[i])
				}
			case p != nil && p.Open != nil:
				if k, ok := p.Open.Key(a.Args); ok {
					need = append(need, k)
				} else {
					rc.ps.fail(rc.ps.posOf(t, at), "role %s cannot open %v: no key opens it", rc.r.Name, t)
				}
				for _, i := range parts(p, a) {
					walk(a.Args[i])
				}
			case rc.formOnly(a, open):
				// a value of this form, e.g. even(J): accepted as it comes
				rc.know(t)
			default:
				// one-way: the role recomputes it
				need = append(need, t)
			}
		}
	}
	walk(pat)
	for _, t := range need {
		if !rc.derivable(t) {
			bad := rc.culprit(t)
			rc.ps.fail(rc.ps.posOf(bad, at), "role %s cannot check or open %v in what it receives: it cannot build %v; add it to 'knows' if the agent has it, or receive the part as a variable",
				rc.r.Name, t, bad)
		}
	}
}

// noExpVars: a role cannot take an exponentiation apart, so a variable
// inside exp(...) in a pattern must be known before (received earlier).
func (rc *roleCheck) noExpVars(t term.Term, at proto.Pos, under bool) {
	switch a := t.(type) {
	case *term.Var:
		if under && a.ID >= rc.r.Params && !rc.ps.bound[a.ID] {
			rc.ps.fail(rc.ps.posOf(t, at), "role %s cannot take exp(...) or an unordered pair apart to learn %s: receive it before, as a whole value", rc.r.Name, a.Text)
		}
	case *term.App:
		for _, x := range a.Args {
			rc.noExpVars(x, at, under || a.Fn == term.FnExp || a.Fn == term.FnPair)
		}
	}
}

// openVars lists the variables of a pattern the role learns by opening it:
// those outside every one-way term.
func (rc *roleCheck) openVars(t term.Term, acc []*term.Var) []*term.Var {
	switch a := t.(type) {
	case *term.Var:
		return append(acc, a)
	case *term.App:
		if p := rc.ps.p.Theory.Prim(a.Fn); p == nil || p.Open == nil {
			return acc
		}
		for _, x := range a.Args {
			acc = rc.openVars(x, acc)
		}
	}
	return acc
}

// formOnly reports whether the one-way term t of a pattern has a variable
// that the role neither knew before nor learns elsewhere in the pattern:
// then t is checked for its form only (a value of shape even(J)) and
// learned as a whole, since the role cannot recompute it.
func (rc *roleCheck) formOnly(t *term.App, open []*term.Var) bool {
	unseen := func(v *term.Var) bool {
		if v.ID < rc.r.Params || rc.ps.bound[v.ID] {
			return false
		}
		for _, w := range open {
			if w.ID == v.ID {
				return false
			}
		}
		return true
	}
	form := false
	for _, v := range term.Vars(t, nil) {
		form = form || unseen(v)
	}
	if !form {
		return false
	}
	// the rest of the term the role must still build: h(pw(A, S), N) with
	// N seen nowhere else is no form check when the role lacks pw(A, S)
	for _, x := range t.Args {
		known := true
		for _, v := range term.Vars(x, nil) {
			known = known && !unseen(v)
		}
		if known && !rc.derivable(x) {
			return false
		}
	}
	return true
}
