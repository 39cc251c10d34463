// Package wire is the byte layer shared by the SIMP and IMKE profiles: the
// common message header (type, profile version, suite id), length-prefixed
// field helpers built on golang.org/x/crypto/cryptobyte, and the TCP framing
// and routing envelope used by `imcheck serve` and `imcheck client`.
//
// Clauses: docs/spec/wire.md (header, fields, framing).
package wire
