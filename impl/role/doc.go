// Package role holds what every sans-IO protocol role in imcheck shares:
// the Message a role hands to the network, the typed Event it emits as
// ground truth, and the Alert it returns when it rejects a message.
//
// A role is a state machine: bytes in, bytes out. It has no goroutines and
// no sockets; the caller (a test, the adversary, the conformance gate or the
// TCP wrapper) owns the network. A rejected message must leave the role's
// state exactly as it was (docs/spec/simp.md §"Alerts", docs/spec/imke.md
// §"Alerts"). Network is the honest in-memory network of roles that the
// in-memory runs and the roles' own tests share.
package role
