// Package simp is the reference implementation of SIMP, the Secure Instant
// Messaging Protocol of Kungpisdan and Moonviriyakit (2010), as profiled in
// docs/spec/simp.md.
//
// It owns:
//   - the messages R1, R2 (registration, paper §5 and profile §"Registration"),
//     L1, L2 (user login, §5) and E1–E7 (key exchange and user-to-user
//     communications, §5), each a struct with a strict cryptobyte codec
//     (messages.go, bodies.go; profile §"Messages");
//   - Kungpisdan's limited-use session key generation (paper §4; profile
//     §"Key generation") in keygen.go, and the key index discipline of the
//     profile §"Key index" in keyset.go;
//   - the server S and the client (users A and B are the same type) as
//     sans-IO state machines implementing role.Role (server.go, client.go);
//   - a key-less decoder for transcripts (Describe).
//
// The in-memory honest run that wires S, A and B is impl/memrun: a driver,
// not a role.
//
// Two variants exist (profile §"Variants"): AsPublished, as close to the
// paper as can be executed, keeping its weaknesses on purpose, and Hardened,
// where every change is listed in the profile with the weakness it removes.
package simp
