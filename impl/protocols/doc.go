// Package protocols registers every reference implementation with
// impl/harness (docs/spec/harness.md). Import it for its side effect:
//
//	import _ "github.com/imcheck/imcheck/impl/protocols"
//
// IMKE registers itself (impl/imke/harness.go); SIMP's adapter lives here
// (simp.go) and maps a harness.Setup onto simp's configs; it is a
// harness.Restorer, saving and restoring what simp.md §14 says survives a
// restart (the gate's restart, shim.md §3.6).
package protocols

import (
	_ "github.com/imcheck/imcheck/impl/imke" // registers "imke"
)
