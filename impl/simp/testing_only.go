package simp

// Deliberate defects for the conformance gate's self-test (docs/conformance.md, "The gate tests itself"):
// each breaks one check of the client, so that the gate can show it
// catches it. They are selected by the harness option
// "testing-only-defect" (impl/protocols) and never by imcheck's own
// commands. "" is the correct implementation.
const (
	// testingOnlyMACUnchecked: E6/E7's keyed hash is not verified.
	testingOnlyMACUnchecked = "simp-mac-unchecked"
	// testingOnlyKeyIndexReused: a sender does not consume its index, so
	// the next message is protected under the same SK_ABj.
	testingOnlyKeyIndexReused = "simp-key-index-reused"
	// testingOnlyE4SignatureUnchecked: B does not verify E4's signature.
	testingOnlyE4SignatureUnchecked = "simp-e4-signature-unchecked"
	// testingOnlyHostileUser: a dishonest user's client, which sends the
	// requests an honest one refuses to make (E1 for itself or for the
	// server), so that the gate can see what a server does with them.
	testingOnlyHostileUser = "simp-hostile-user"
)
