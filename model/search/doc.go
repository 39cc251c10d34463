// Package search is imcheck's bounded lazy-intruder search (docs/model.md,
// "Search"). Scenario explores every interleaving of up to N sessions of a
// scenario depth-first: the attacker's messages are patterns whose variables
// stay symbolic, constrained by "derivable from the first n observations"
// (solve.go), solved by unification with analysed knowledge
// (knowledge.go) or composition with public primitives. Claims are checked
// on every state (claims.go); receivers' replay caches prune impossible
// states (state.go). Six reductions keep the space small without changing
// a verdict or the length of a shortest attack, each switchable
// (Options.Off): early initiators (search.go), duplicate states
// (visited.go), instances, relevance, a partial-order reduction after
// OFMC's constraint differentiation, and symmetry of the first starts
// (reduce.go). Parallel tasks, deterministic: parallel.go. Analysed
// knowledge is cached per prefix of observations and kept across bindings
// that leave its variables free (knowledge.go); offline guessing is
// remembered per task (claims.go). What this reaches, measured:
// docs/model.md, "Reach".
//
// Diffie-Hellman and unordered pairs add unification modulo their
// equations, composition of exp the other way round and opening under an
// exponentiated key (dh.go); scenarios' session-value reveals are steps of
// their own, and "secret T unless revealed" is excused by them as
// docs/model.md says (reveal.go). Every scenario is also run without the
// attacker, to report which claims an honest run reaches (honest.go).
//
// Every attack is grounded (ground.go) and replayed by the independent
// checker (model/check) before it is reported. A verdict "no attack" holds
// only within the bound: it is not a proof.
package search
