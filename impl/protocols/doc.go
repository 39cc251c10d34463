// Package protocols registers every reference implementation with
// impl/harness (docs/spec/harness.md). Import it for its side effect:
//
//	import _ "github.com/imcheck/imcheck/impl/protocols"
//
// IMKE registers itself (impl/imke/harness.go); SIMP's adapter lives here
// (simp.go) and maps a harness.Setup onto simp's configs.
package protocols

import (
	_ "github.com/imcheck/imcheck/impl/imke" // registers "imke"
)
