// Package store keeps a server's durable state in an embedded database
// (go.etcd.io/bbolt): the deployment a database was made for, each SIMP
// user's record as the profile says S must keep it (docs/spec/simp.md §14:
// V_A, SK_AS with its index state, the hardened n1 cache), each IMKE
// account's password record (docs/spec/imke.md §10), and a SIMP user's own
// record on the client side. Every write is one transaction, synced to
// disk before it returns, so an answer the server sends after a commit
// is never lost by a crash (docs/serve.md §"State").
package store
