// Package netio runs sans-IO protocol roles over TCP (docs/spec/wire.md
// §"Framing"). It owns sockets and goroutines so the roles need none: the
// server serialises every call into its role, and a client pumps frames
// into its role until an event it waits for.
//
// Routing: every frame carries an envelope {To, From, Payload}. A client
// sets From to its own identity; the server binds a connection to the
// first identity it sees and drops it if a later frame claims another.
// Frames addressed to the server's name go to the server role; frames
// addressed to another user are relayed unchanged, with From set to the
// sender's bound identity. The binding is routing only: authentication is
// the protocol's job.
package netio
