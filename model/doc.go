// Package model is imcheck's symbolic (Dolev-Yao) model of the SIMP and IMKE
// instant-messaging protocols: the facade that decides every claim of a
// protocol file and reports the verdicts.
//
// The parts, each its own package:
//
//   - model/term: the term algebra and its theory, one row per primitive;
//   - model/proto: the compiled protocol (roles, claims, scenarios, the
//     world) and attack traces;
//   - model/lang: the protocol language of model/protocols/*.imp
//     (reference in docs/model.md);
//   - model/prove: the unbounded prover (Horn clauses and resolution,
//     Blanchet 2001), tried first on every claim it applies to;
//   - model/search: the bounded lazy-intruder search, for the claims the
//     prover did not prove;
//   - model/check: the independent trace checker; no trace it rejects is
//     ever reported.
//
// This package runs them (engine.go), names the verdicts and their strength
// (proved, attack, no-attack-within-bound, timeout, unreached), ships the
// models (embed.go) and writes text, JSON (schema.json, imcheck.model/v3)
// and Mermaid (report.go, output.go).
//
// The papers are SIMP (Kungpisdan and Moonviriyakit, §5 and §6) and IMKE
// (Mannan and van Oorschot, §4 and §5); the shipped models follow the
// profiles docs/spec/simp.md and docs/spec/imke.md. A verdict other than
// "proved" holds only within the stated bound (sessions, agents, typing).
package model
