package imke

// Deliberate defects for the conformance gate's self-test (docs/conformance.md, "The gate tests itself"):
// each breaks one check, so that the gate can show it catches it. They are
// selected by the harness option "testing-only-defect" and are never set
// by imcheck's own commands. "" is the correct implementation.
const (
	// testingOnlyF1IsF2: f2 is computed as f1 (the paper's caveat f1 ≠ f2).
	testingOnlyF1IsF2 = "imke-f1-is-f2"
	// testingOnlyF2Unchecked: the client does not compare a2's f2(P_A).
	testingOnlyF2Unchecked = "imke-f2-unchecked"
	// testingOnlyRelayedSeqUnchecked: a relayed 4.7's sequence number is
	// not checked.
	testingOnlyRelayedSeqUnchecked = "imke-relayed-seq-unchecked"
	// testingOnlyRogueWrongF2: an impostor server that does not know P_A
	// (it seals f2 over another value); used for the reference server
	// around an IUT client.
	testingOnlyRogueWrongF2 = "imke-rogue-wrong-f2"
	// testingOnlyRogueReRelay: a malicious server that relays every
	// relayed message twice, the second time under a fresh 4.3.
	testingOnlyRogueReRelay = "imke-rogue-re-relay"
	// testingOnlyHostileUser: a dishonest user's client, which sends what
	// an honest one refuses to: a peer request for itself or the server,
	// and, for a peer it shares no key with, a relay item carrying the
	// send's body as it is (any message type, to anyone).
	testingOnlyHostileUser = "imke-hostile-user"
)

// OptionTestingOnlyDefect is the harness option that selects a defect.
const OptionTestingOnlyDefect = "testing-only-defect"

// f2 is the client's f2, unless a defect replaces it.
func (c *Client) f2(w []byte, bind ...[]byte) []byte {
	if c.cfg.TestingOnlyDefect == testingOnlyF1IsF2 {
		return c.fn.f1(w, bind...)
	}
	return c.fn.f2(w, bind...)
}

// f2 is the server's f2, unless a defect replaces it.
func (s *Server) f2(w []byte, bind ...[]byte) []byte {
	switch s.cfg.TestingOnlyDefect {
	case testingOnlyF1IsF2:
		return s.fn.f1(w, bind...)
	case testingOnlyRogueWrongF2:
		return s.fn.f2(append(clone(w), " not the password"...), bind...)
	}
	return s.fn.f2(w, bind...)
}
