// Package check is the independent trace checker of imcheck's symbolic
// model. Trace replays a ground attack trace on the term algebra alone:
// every session runs its role program, every message received must match the
// role's pattern and be deducible by the attacker (model/term, ground
// Dolev-Yao deduction) from what it has seen, every message sent must be
// exactly what the role sends, replay caches are enforced, session-value
// reveals happen only at their point and once (reveal.go), and the claim the
// trace names must be violated at the end, by the definitions of
// docs/model.md ("Claims"). Equality and deduction are modulo the
// Diffie-Hellman equation and unordered pairs (model/term).
//
// It shares no code with the search (model/search) beyond the term algebra
// and the compiled protocol, so a bug in the search cannot make it accept a
// trace: the search reports no trace that Trace rejects.
package check
