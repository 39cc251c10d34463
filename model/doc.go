// Package model is imcheck's symbolic (Dolev-Yao) model of the SIMP and IMKE
// instant-messaging protocols and the search engine that decides their
// security claims.
//
// It owns:
//
//   - the term algebra (term.go) and its theory, one row per cryptographic
//     primitive (theory.go): tuples, n-ary hash, keyed hash/MAC, symmetric
//     encryption, public-key encryption with pk(sk), signatures, private
//     long-term functions and passwords as weak secrets;
//   - the protocol language of model/protocols/*.imp (lexer.go, parser.go,
//     parser_role.go, parser_scenario.go; reference in docs/model.md);
//   - a bounded lazy-intruder search (solve.go, knowledge.go, search.go,
//     claims.go): the attacker's messages are variables constrained by
//     "derivable from what the attacker knew at that point", solved
//     symbolically, never enumerated; receivers' replay caches (state.go);
//     two reductions that keep every verdict and attack length (early
//     initiators in search.go, duplicate states in visited.go);
//   - an independent trace checker (checker.go) that replays every attack on
//     ground terms; the engine never reports a trace the checker rejects;
//   - text, JSON (schema.json) and Mermaid output (output.go, report.go).
//
// The papers are SIMP (Kungpisdan and Moonviriyakit, §5 and §6) and IMKE
// (Mannan and van Oorschot, §4 and §5); the shipped models follow the profiles
// docs/spec/simp.md and docs/spec/imke.md. A verdict "no attack" always holds
// only within the stated bound (sessions, agents, typing); it is not a proof.
package model
