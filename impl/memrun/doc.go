// Package memrun is the in-memory honest run of both protocols, behind
// `imcheck run` and `imcheck opcount`, the benchmarks and the tests that
// need a wired session (docs/dev/conventions.md §Roles, "an in-memory honest
// run").
//
// It wires a server and two users of the reference implementations in one
// process, delivers every message in order and records the transcript and
// each party's operation counts per phase: RunSIMP (the SIMP profile's
// registration, login, key exchange E1–E5 and messages E6/E7,
// docs/spec/simp.md) and RunIMKE (the honest script of the harness,
// docs/spec/harness.md §Actions, over impl/imke's Protocol). Parties are
// provisioned from a numeric seed as docs/spec/harness.md §"Provisioning"
// says (ServerKey, Password, RoleRand).
//
// It is a driver, not a role: no implementation under test has it, so it
// lives outside the role packages (impl/simp, impl/imke), which hold only
// roles, message codecs and their harness binding.
package memrun
