// Package harness drives SIMP and IMKE the same way, so that the
// adversary, the conformance gate and the vector generator need no
// protocol-specific plumbing.
//
// A Protocol builds provisioned parties (a server and users) from a Setup,
// lists the actions of an honest run, and decodes messages. A Party is a
// role.Role a user can also drive with Actions (register, login, connect to
// a peer, send, renew). Network runs parties with honest, in-order
// delivery and records a transcript; the adversary replaces that network
// with one it controls.
//
// Provisioning is deterministic from the Setup (docs/spec/harness.md), so
// that an implementation under test, in any language, builds the same
// parties from the same Setup.
package harness
