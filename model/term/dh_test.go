package term

import "testing"

func name(s string) *Name { return &Name{Text: s, Kind: KindFresh, Type: "nonce"} }

func dh(x, y Term) Term { return Fn(FnExp, Fn(FnExp, Generator(), x), y) }

// TestDHEquation: a DH pair equals, hashes and prints as its swap; other
// exponentiations stay syntactic.
func TestDHEquation(t *testing.T) {
	x, y, z := name("x"), name("y"), name("z")
	cases := []struct {
		a, b  Term
		equal bool
	}{
		{dh(x, y), dh(y, x), true},
		{dh(x, y), dh(x, y), true},
		{dh(x, y), dh(x, z), false},
		{Fn(FnExp, Fn(FnExp, z, x), y), Fn(FnExp, Fn(FnExp, z, y), x), false}, // base is not g
		{Fn(FnExp, dh(x, y), z), Fn(FnExp, dh(y, x), z), true},                // below an exponentiation
		{Fn(FnExp, dh(x, y), z), Fn(FnExp, dh(x, z), y), false},               // three exponents: no equation
		{Fn(FnSenc, x, dh(x, y)), Fn(FnSenc, x, dh(y, x)), true},
	}
	for i, c := range cases {
		if got := Equal(c.a, c.b); got != c.equal {
			t.Errorf("%d: Equal(%v, %v) = %v", i, c.a, c.b, got)
		}
		if c.equal && (HashTerm(c.a) != HashTerm(c.b) || c.a.String() != c.b.String()) {
			t.Errorf("%d: %v and %v hash or print differently", i, c.a, c.b)
		}
	}
}

// TestUnifyAll: two exponentiations unify directly or swapped.
func TestUnifyAll(t *testing.T) {
	m := Matcher{Th: NewTheory()}
	x, y := name("x"), name("y")
	A := &Var{ID: 0, Text: "A", Type: "msg"}
	C := &Var{ID: 1, Text: "C", Type: "msg"}
	B := &Var{ID: 2, Text: "B", Type: "msg"}
	cases := []struct {
		a, b Term
		n    int
	}{
		{Fn(FnExp, A, x), Fn(FnExp, C, y), 1},           // swapped only: A = exp(g, y), C = exp(g, x)
		{Fn(FnExp, A, x), dh(y, x), 1},                  // directly: A = exp(g, y)
		{Fn(FnExp, A, B), dh(x, y), 2},                  // A = exp(g, x), B = y; or A = exp(g, y), B = x
		{Fn(FnExp, A, x), Fn(FnExp, Generator(), x), 1}, // A = g
		{Fn(FnSenc, B, Fn(FnExp, A, x)), Fn(FnSenc, y, dh(x, y)), 1},
		{Fn(FnExp, Generator(), x), Fn(FnExp, Generator(), y), 0},
		{Fn(FnSenc, A, x), Fn(FnSenc, y, x), 1},
	}
	for i, c := range cases {
		subs := m.UnifyAll(nil, c.a, c.b)
		if len(subs) != c.n {
			t.Errorf("%d: %d unifiers of %v and %v, want %d", i, len(subs), c.a, c.b, c.n)
		}
		for _, s := range subs {
			if !Equal(s.Resolve(c.a), s.Resolve(c.b)) {
				t.Errorf("%d: %v and %v differ under a unifier", i, s.Resolve(c.a), s.Resolve(c.b))
			}
		}
	}
}

// TestDHDeduction: the attacker builds a DH key from one half key and its
// own exponent, either way round, but not from the two half keys.
func TestDHDeduction(t *testing.T) {
	th := NewTheory()
	x, y := name("x"), name("y")
	e := &Name{Text: "e", Kind: KindAttacker, Type: "nonce"}
	know := []Term{Generator(), Fn(FnExp, Generator(), x), Fn(FnExp, Generator(), y)}
	if !Deduce(th, know, dh(x, e)) || !Deduce(th, know, dh(e, x)) {
		t.Error("cannot build exp(exp(g, x), e) from exp(g, x)")
	}
	if Deduce(th, know, dh(x, y)) {
		t.Error("built exp(exp(g, x), y) from the two half keys")
	}
}

// TestBijectiveGuess: a password under a bijective cipher is tested only
// when the plaintext is recognisable.
func TestBijectiveGuess(t *testing.T) {
	th := NewTheory()
	th.Add(&Prim{Name: "pw", Arity: 1, Type: "pw", Weak: true})
	pw := Fn("pw", &Name{Text: "a", Kind: KindAgent, Type: "agent"})
	ea, n := name("ea"), name("n")
	cases := []struct {
		know  []Term
		guess bool
	}{
		{[]Term{Fn(FnBenc, Fn(FnPK, ea), pw)}, false},                      // a public key looks random
		{[]Term{Fn(FnSenc, Fn(FnPK, ea), pw)}, true},                       // redundancy
		{[]Term{Fn(FnBenc, Tuple(n, ea), pw)}, true},                       // a tuple has structure
		{[]Term{Fn(FnBenc, n, pw), n}, true},                               // a known value: compare
		{[]Term{Fn(FnBenc, Fn(FnAenc, n, Fn(FnPK, ea)), pw)}, false},       // a ciphertext it cannot open
		{[]Term{Fn(FnBenc, Fn(FnPK, ea), pw), n, Fn(FnHash, pw, n)}, true}, // h(pw, n) in clear
	}
	for i, c := range cases {
		if got := OfflineGuess(th, c.know, pw); got != c.guess {
			t.Errorf("%d: OfflineGuess(%v) = %v, want %v", i, c.know, got, c.guess)
		}
	}
}
