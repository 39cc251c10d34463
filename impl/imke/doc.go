// Package imke is the reference implementation of IMKE, the Instant
// Messaging Key Exchange of Mannan and van Oorschot ("A Protocol for Secure
// Public Instant Messaging", FC 2006), as fixed by the profile
// docs/spec/imke.md.
//
// It owns:
//   - the messages of the paper's Table 2 and §4 (a1–a3, 4.2–4.5, b1/b2,
//     c1–c3, 4.7) as cryptobyte codecs (messages_*.go, profile §3);
//   - the functions f1–f9 (functions.go, profile §4);
//   - the server S and the clients as sans-IO state machines (server*.go,
//     client*.go, profile §5–§8): bytes in, bytes out, typed alerts, a
//     rejected message leaves the state as it was;
//   - the harness binding (harness.go) and Describe for transcripts (the
//     in-memory honest run that wires the parties is impl/memrun);
//   - the server-key fingerprint ("public password", paper §4.1, profile
//     §9).
//
// Two variants: AsPublished keeps the paper's flaws so that the model and
// the adversary can show them; Hardened removes them (profile §11).
package imke
