// Package netio runs sans-IO protocol roles over TCP (docs/spec/wire.md
// §4–§6). It owns sockets and goroutines so the roles need none.
//
// The server isolates clients: each connection has a reader and a writer
// with a bounded outgoing queue, and a client that stops reading is
// disconnected when its queue fills or a write deadline passes, never
// holding a lock that others need. Reads have deadlines (the first frame,
// between frames, within a frame), a frame body grows only as its bytes
// arrive and within a server-wide budget, connections are capped per
// address and in all, Accept errors are retried with back-off, and Serve
// closes every connection when its context ends. Every call into the role
// is serialised; an optional Durable commits each accepted change before
// any answer leaves; an optional LoginLimiter limits failed logins per
// account. A frame the server refuses is answered with an alert frame
// (wire.md §5) and summarised, not logged line by line.
//
// Routing: every frame carries an envelope {To, From, Payload}. A client
// sets From to its own identity; the server binds a connection to the
// first identity it sees and drops it if a later frame claims another.
// Frames addressed to the server's name go to the server role; frames
// addressed to another user are relayed unchanged, with From set to the
// sender's bound identity. The binding is routing only: authentication is
// the protocol's job.
package netio
