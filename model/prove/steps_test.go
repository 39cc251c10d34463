package prove

import (
	"context"
	"testing"

	"github.com/imcheck/imcheck/model/lang"
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

func nm(s string) *term.Name { return &term.Name{Text: s, Kind: term.KindConst, Type: "msg"} }

func vr(id int) *term.Var { return &term.Var{ID: id, Text: "v", Type: "msg"} }

func gexp(x term.Term) term.Term { return term.Fn(term.FnExp, term.Generator(), x) }

// TestUnifyDH: unification modulo exp(exp(g, x), y) = exp(exp(g, y), x)
// finds the swapped unifier as well as the direct one, also through a
// variable already bound to a DH pair.
func TestUnifyDH(t *testing.T) {
	ty := &typer{th: term.NewTheory(), names: map[string]string{}}
	a, b := nm("a"), nm("b")
	tests := []struct {
		name string
		x, y term.Term
		n    int // variables
		want []term.Term
	}{
		{"swap", term.Fn(term.FnExp, gexp(a), vr(0)), term.Fn(term.FnExp, gexp(b), a), 1, []term.Term{b}},
		{"direct", term.Fn(term.FnExp, gexp(a), vr(0)), term.Fn(term.FnExp, gexp(a), b), 1, []term.Term{b}},
		{"none", term.Fn(term.FnExp, gexp(a), vr(0)), term.Fn(term.FnExp, gexp(b), b), 1, nil},
		{"pair", term.Fn(term.FnPair, a, vr(0)), term.Fn(term.FnPair, b, a), 1, []term.Term{b}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sols := ty.unifiers(tc.n, tc.x, tc.y)
			for _, s := range sols {
				if !term.Equal(s.Resolve(tc.x), s.Resolve(tc.y)) {
					t.Errorf("unifier %v does not unify", s)
				}
			}
			for _, w := range tc.want {
				found := false
				for _, s := range sols {
					found = found || term.Equal(s.Resolve(vr(0)), w)
				}
				if !found {
					t.Errorf("no unifier binds v to %v (got %d unifiers)", w, len(sols))
				}
			}
			if tc.want == nil && len(sols) > 0 {
				t.Errorf("unifiers of non-unifiable terms: %v", sols)
			}
		})
	}
	// a variable bound to a DH pair inside a tuple: still both ways
	s := make(term.Subst, 2)
	s[1] = term.Fn(term.FnExp, gexp(a), b)
	var out []term.Subst
	ty.unify(s, [][2]term.Term{{term.Tuple(vr(1), a), term.Tuple(term.Fn(term.FnExp, gexp(b), vr(0)), a)}}, &out)
	found := false
	for _, u := range out {
		found = found || term.Equal(u.Resolve(vr(0)), a)
	}
	if !found {
		t.Errorf("missed the swapped unifier through a bound variable: %v", out)
	}
}

// TestSubsumesMultiset: a clause does not subsume its own resolvent when
// two of its hypotheses become one (multiset inclusion, Blanchet 2001); it
// does subsume an instance with more hypotheses.
func TestSubsumesMultiset(t *testing.T) {
	ty := &typer{th: term.NewTheory(), names: map[string]string{}}
	m := &matcher{ty: ty}
	k := nm("k")
	enc := func(x term.Term) term.Term { return term.Fn(term.FnSenc, nm("m"), term.Fn(term.FnHash, k, x)) }
	bad := Fact{Pred: predBad, Claim: "c"}
	// parent: att(senc(m, h(k, x0))) & att(senc(m, h(k, x1))) -> bad
	parent := simplify([]Fact{att(enc(vr(0))), att(enc(vr(1))), att(vr(0)), att(vr(1))}, bad, 2)
	// resolvent on the first: att(k) & att(x0) & att(senc(m, h(k, x1))) & att(x1) -> bad
	child := simplify([]Fact{att(k), att(vr(0)), att(enc(vr(1))), att(vr(1))}, bad, 2)
	if m.subsumes(parent, child) {
		t.Fatalf("the parent subsumes its resolvent:\n%v\n%v", parent, child)
	}
	// an instance with one more hypothesis is subsumed
	inst := simplify([]Fact{att(enc(nm("a"))), att(enc(nm("b"))), att(nm("a")), att(nm("b")), att(nm("z"))}, bad, 0)
	if !m.subsumes(parent, inst) {
		t.Errorf("%v does not subsume %v", parent, inst)
	}
	if m.subsumes(inst, parent) {
		t.Errorf("an instance subsumes the general clause")
	}
}

func parse(t *testing.T, src string) *proto.Protocol {
	t.Helper()
	p, err := lang.Parse("t.imp", src)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSaturationSmall: on small protocols the saturation proves what holds
// and refuses what leaks, for every claim kind it handles.
func TestSaturationSmall(t *testing.T) {
	const head = "protocol t\nsecret sk(X)\npublic pk(sk(X))\n"
	const tail = "scenario default { users a, b  dishonest e  sessions 2 }\n"
	tests := []struct {
		name, roles string
		want        map[string]Status
	}{
		{"encrypted", `role A(A: user, B: user) {
  knows A, B, pk(sk(B))
  fresh N: nonce
  event Sent(A, B, N)
  send m: aenc(<A, N>, pk(sk(B)))
  claim a_sec: secret N
}
role B(B: user, A: user) {
  knows A, B, sk(B)
  var N: nonce
  recv m: aenc(<A, N>, pk(sk(B)))
  claim b_agree: niagree Sent(A, B, N)
  claim b_alive: alive A
}
`, map[string]Status{"a_sec": Proved, "b_agree": NotProved, "b_alive": NotProved}},
		{"signed", `role A(A: user, B: user) {
  knows A, B, sk(A), pk(sk(B))
  fresh N: nonce
  event Sent(A, B, N)
  send m: <aenc(N, pk(sk(B))), sign(<B, aenc(N, pk(sk(B)))>, sk(A))>
  claim a_sec: secret N
}
role B(B: user, A: user) {
  knows A, B, sk(B), pk(sk(A))
  fresh M: nonce
  var N: nonce
  recv m: <aenc(N, pk(sk(B))), sign(<B, aenc(N, pk(sk(B)))>, sk(A))>
  claim b_agree: niagree Sent(A, B, N)
  claim b_inj: injagree Sent(A, B, N)
  claim b_alive: alive A
  claim b_weak: weakagree A
  claim b_sec: secret N
}
`, map[string]Status{"a_sec": Proved, "b_agree": Proved, "b_inj": NotApplicable, "b_alive": Proved, "b_weak": Proved, "b_sec": Proved}},
		{"clear", `role A(A: user, B: user) {
  knows A, B
  fresh N: nonce
  send m: <A, N>
  claim a_sec: secret N
}
role B(B: user, A: user) {
  knows A, B
  var N: nonce
  recv m: <A, N>
}
`, map[string]Status{"a_sec": NotProved}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := parse(t, head+tc.roles+tail)
			res := Scenario(context.Background(), p, p.Scenarios[0], DefaultBudget)
			if res.Exhausted {
				t.Fatalf("budget reached on a small protocol (%d steps)", res.Steps)
			}
			for _, c := range res.Claims {
				if w, ok := tc.want[c.Claim.ID]; ok && c.Status != w {
					t.Errorf("%s: status %d (%s), want %d", c.Claim.ID, c.Status, c.Reason, w)
				}
			}
		})
	}
}

// TestBudgetDeterministic: a saturation stopped by its budget stops at the
// same step every time, and says so for every open claim.
func TestBudgetDeterministic(t *testing.T) {
	p := load(t, "nsl")
	b := Budget{Steps: 50, Symbols: 1 << 20, Matches: 1 << 20, ClauseSymbols: 1000}
	r1 := Scenario(context.Background(), p, p.Scenarios[0], b)
	r2 := Scenario(context.Background(), p, p.Scenarios[0], b)
	if !r1.Exhausted || r1.Steps != r2.Steps || r1.Clauses != r2.Clauses {
		t.Fatalf("budget runs differ or did not stop: %+v %+v", r1, r2)
	}
	for _, c := range r1.Claims {
		if c.Status == Proved {
			t.Errorf("%s proved on a saturation cut short", c.Claim.ID)
		}
	}
}
