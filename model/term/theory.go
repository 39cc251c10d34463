package term

// Names of the built-in primitives.
const (
	FnTuple = "tuple" // <x1, ..., xn>
	FnHash  = "h"     // n-ary one-way hash
	FnMAC   = "mac"   // keyed hash: mac(k, m)
	FnSenc  = "senc"  // symmetric encryption: senc(m, k)
	FnAenc  = "aenc"  // public-key encryption: aenc(m, pk(sk))
	FnSign  = "sign"  // signature: sign(m, sk)
	FnPK    = "pk"    // public key of a private key: pk(sk)
	FnExp   = "exp"   // Diffie-Hellman exponentiation: exp(b, x) is b^x
	FnBenc  = "benc"  // bijective (redundancy-free) symmetric encryption: benc(m, k)
	// FnPair is the unordered pair {x, y} = {y, x}: the argument of a
	// secret of two agents declared "secret k{X, Y}", so that k(a, b) is
	// k(b, a). It cannot be written in a file.
	FnPair = "{}"
)

// Prim is one row of the theory: everything the engine and the trace checker
// know about a primitive. Adding a primitive means adding a row.
type Prim struct {
	Name  string
	Arity int // -1: any arity of at least 1
	// Public: the attacker may apply it to terms it knows (composition).
	Public bool
	// Type is the type of its results for typed matching ("msg": none).
	Type string
	// Weak marks a password: a weak secret an attacker may guess offline.
	Weak bool
	// Open says what the attacker learns by opening a term of this
	// primitive (decomposition); nil for one-way primitives.
	Open *Opening
	// Bijective marks a cipher without redundancy: decrypting with a wrong
	// key gives a value as plausible as the right one, so opening a term
	// under a guessed key does not by itself test the guess (OfflineGuess).
	Bijective bool
	// Rule is the cancellation rule or check, as documentation.
	Rule string
}

// Opening is the decomposition part of a row.
type Opening struct {
	// Parts lists the argument positions learned; nil means all of them.
	Parts []int
	// Key returns the term needed to open f(args); nil means no key is
	// needed. ok is false when no key can open the term (aenc under a
	// term that is not pk(x)).
	Key func(args []Term) (key Term, ok bool)
	// Verify returns the term an honest receiver needs to check a term of
	// this primitive in a pattern; nil means it needs Key.
	Verify func(args []Term) Term
}

// Theory is the set of rows a protocol uses: the built-ins plus the
// functions the protocol file declares.
type Theory struct {
	rows  map[string]*Prim
	order []string
}

func inverseKey(args []Term) (Term, bool) {
	if p, ok := args[1].(*App); ok && p.Fn == FnPK && len(p.Args) == 1 {
		return p.Args[0], true
	}
	return nil, false
}

// builtins is the table of built-in primitives, one row each.
func builtins() []*Prim {
	return []*Prim{
		{Name: FnTuple, Arity: -1, Public: true, Type: "msg",
			Open: &Opening{}, Rule: "proj_i(<x1, ..., xn>) = xi"},
		{Name: FnHash, Arity: -1, Public: true, Type: "msg",
			Rule: "one-way; checked by recomputing h(x1, ..., xn)"},
		{Name: FnMAC, Arity: 2, Public: true, Type: "msg",
			Rule: "one-way; checked by recomputing mac(k, m) with k"},
		{Name: FnSenc, Arity: 2, Public: true, Type: "msg",
			Open: &Opening{Parts: []int{0}, Key: func(a []Term) (Term, bool) { return a[1], true }},
			Rule: "sdec(senc(m, k), k) = m"},
		{Name: FnAenc, Arity: 2, Public: true, Type: "msg",
			Open: &Opening{Parts: []int{0}, Key: inverseKey},
			Rule: "adec(aenc(m, pk(sk)), sk) = m"},
		{Name: FnSign, Arity: 2, Public: true, Type: "msg",
			Open: &Opening{Parts: []int{0},
				Verify: func(a []Term) Term { return Fn(FnPK, a[1]) }},
			Rule: "getmsg(sign(m, sk)) = m; verify(sign(m, sk), m, pk(sk)) = true"},
		{Name: FnPK, Arity: 1, Public: true, Type: "pkey",
			Rule: "one-way; pk(sk) opens aenc(m, pk(sk)) for the holder of sk"},
		{Name: FnExp, Arity: 2, Public: true, Type: "dh",
			Rule: "exp(exp(g, x), y) = exp(exp(g, y), x); no logarithm"},
		{Name: FnPair, Arity: 2, Public: true, Type: "msg",
			Rule: "{x, y} = {y, x}: the agents of a secret shared by an unordered pair"},
		{Name: FnBenc, Arity: 2, Public: true, Type: "msg", Bijective: true,
			Open: &Opening{Parts: []int{0}, Key: func(a []Term) (Term, bool) { return a[1], true }},
			Rule: "bdec(benc(m, k), k) = m; benc(bdec(m, k), k) = m: any key decrypts"},
	}
}

// NewTheory returns the built-in theory.
func NewTheory() *Theory {
	t := &Theory{rows: map[string]*Prim{}}
	for _, p := range builtins() {
		t.Add(p)
	}
	return t
}

func (t *Theory) Add(p *Prim) {
	t.rows[p.Name] = p
	t.order = append(t.order, p.Name)
}

// Prim returns the row for name, or nil.
func (t *Theory) Prim(name string) *Prim { return t.rows[name] }

// Rows returns the rows in declaration order (built-ins first).
func (t *Theory) Rows() []*Prim {
	out := make([]*Prim, len(t.order))
	for i, n := range t.order {
		out[i] = t.rows[n]
	}
	return out
}

// TypeOf is the type of a term for typed matching.
func (t *Theory) TypeOf(x Term) string {
	switch a := x.(type) {
	case *Name:
		return a.Type
	case *Var:
		return a.Type
	case *App:
		if p := t.rows[a.Fn]; p != nil && p.Type != "" {
			return p.Type
		}
	}
	return "msg"
}

// Builtin reports whether name is a built-in primitive.
func Builtin(name string) bool {
	for _, p := range builtins() {
		if p.Name == name {
			return true
		}
	}
	return false
}
