// Package mutation runs the conformance gate as the test command of a
// mutation-testing tool (make mutation; docs/conformance.md, "The gate
// tests itself"). The tool (go-gremlins/gremlins) mutates one statement of
// impl/simp, impl/imke or impl/suite at a time and runs that package's
// tests built with the tag imcheck_gate, whose only test is Gate: it builds
// the reference shim (refshim) from the mutated tree and runs an imcheck
// built from the unmutated tree against it. A mutant the gate fails is
// killed; one it passes survived.
//
// The gate's reference parties must not share the mutation, or a defect
// common to both sides (a wrong key derivation, say) would go unseen: so
// the gate is the binary named by IMCHECK_GATE, built before any
// mutation, and only the shim is built from the mutated sources. When the
// tool measures coverage (go test -cover) the gate runs in process
// instead, so that the coverage profile shows what the gate exercises.
package mutation
