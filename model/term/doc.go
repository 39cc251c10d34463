// Package term is the term algebra of imcheck's symbolic model and its
// equational theory: atoms, variables and applications of primitives
// (term.go), one row of the theory per primitive (theory.go: tuples, n-ary
// hash, MAC, symmetric and public-key encryption, signatures, public keys,
// declared one-way functions, long-term secrets and passwords),
// substitutions and syntactic unification, typed or untyped (subst.go),
// ground Dolev-Yao deduction and the offline-guessing test for weak
// secrets (deduce.go), and a structural hash (hash.go).
//
// Diffie-Hellman exponentiation exp with ProVerif's equation
// exp(exp(g, x), y) = exp(exp(g, y), x), and the unordered pair of a secret
// k{X, Y}, are handled without rewriting (dh.go): Equal, HashTerm and
// String treat both sides alike, Matcher.UnifyAll returns every unifier
// modulo them (Unify stays syntactic), Compose builds a DH pair either way.
// The bijective cipher benc has no redundancy: OfflineGuess counts its
// opening under a guessed key as a test only if the plaintext is
// recognisable. The API only grows: existing functions keep their meaning
// on terms without these symbols.
//
// Everything else in model/ shares it: the language (model/lang) builds
// terms, the bounded search (model/search) solves constraints over them,
// the trace checker (model/check) and the prover decide on them. Adding a
// primitive means adding a row to the theory (docs/model.md, "Terms and
// theory").
package term
