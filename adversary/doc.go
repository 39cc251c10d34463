// Package adversary is imcheck's Dolev-Yao attacker on running code
// (docs/adversary.md).
//
// It owns:
//   - Network (network.go): a simulated network that every message of every
//     party passes through. The adversary delivers, drops, delays and
//     reorders, duplicates and replays (across sessions too), redirects to
//     another party or session, and injects messages it builds itself.
//     Honest users are driven with harness.Action, so the same network runs
//     SIMP and IMKE.
//   - Knowledge (knowledge.go): the concrete values the adversary holds,
//     closed under what a Dissector (one per protocol) can take apart:
//     decryption and verification with known keys, field splitting with the
//     wire codec, key schedules run on known inputs, offline guessing of
//     weak passwords against verifiers it saw.
//   - compromise (compromise.go): a dishonest user (an insider), a dishonest
//     server, and the reveal of a long-term or session secret at a chosen
//     step, for forward secrecy.
//   - the property oracles (oracle.go) over the typed events the roles emit:
//     confidentiality, Lowe agreement, injective agreement (replay) and key
//     non-reuse, each violation naming the property, the parties and the
//     data.
//   - Trace (trace.go): the adversary's actions as JSON and as a Mermaid
//     sequence diagram, replayable step by step (replay.go).
//   - γ (gamma*.go), the general concretiser: every attack trace of a
//     shipped model (ModelTrace, read from the model's JSON report, at
//     most MaxModelTraceSteps steps) replayed on the code with the
//     scenario's compromises (reveals at the trace's point from the running
//     code's state: gamma_reveal.go; a dishonest server's messages:
//     gamma_server.go; SIMP's login as the user or as S once the
//     adversary holds the key set of registration, simp.md §5:
//     gamma_simp_login.go), a concrete session per
//     model session, and the attacker's messages built with the profile's
//     encoders; the verdict is the model claim's own oracle, for its own
//     claimant and peer, or the step, subterm and profile rule that make the
//     trace not realisable (Unrealisable). The conformance gate's entry
//     point is ModelAttackCases: each attack on its variant and on hardened,
//     with where hardened must block it (HardenedBlock). ConcreteVerdict
//     gives docs/claims.md's concrete column (gamma_verdict.go), falling
//     back to seeded random runs under the scenario's compromises
//     (claims_random.go) for claims without an attack;
//   - the attack catalogue (attack.go, attacks_*.go): named scripts for the
//     profiles' weaknesses, each with the violation it expects and where
//     hardened must block it; regression cases, never docs/claims.md's.
//   - Random (scheduler.go): the seeded random adversary the property
//     tests and benchmarks drive.
//
// Everything is deterministic: the parties' randomness comes from the
// Setup's seed and the adversary's own from Rand(seed, "adversary"); no map
// order reaches a result. docs/adversary.md defines the oracles exactly and
// says how to reproduce a failing seed.
package adversary
