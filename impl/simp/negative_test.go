package simp

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/imcheck/imcheck/impl/role"
)

// accepted marks a case where the message is accepted (a documented
// weakness of the as-published variant).
const accepted role.AlertClass = 0

// byVariant gives the expected outcome per variant.
type byVariant struct{ asPublished, hardened role.AlertClass }

func both(c role.AlertClass) byVariant { return byVariant{c, c} }

func (b byVariant) of(v Variant) role.AlertClass {
	if v == Hardened {
		return b.hardened
	}
	return b.asPublished
}

var sessionLabels = []string{"R1", "R2", "L1", "L2", "E1", "E2", "E3", "E4", "E5", "E6", "E7"}

// indexOffset is where j sits in a message, or -1 if it carries none.
func indexOffset(m role.Message) int {
	switch m.Label {
	case "L2", "E2", "E3", "E5", "E6", "E7":
		return 4
	case "L1", "E1":
		return 5 + int(m.Bytes[4])
	}
	return -1
}

func withIndex(b []byte, off, j int) []byte {
	out := append([]byte(nil), b...)
	binary.BigEndian.PutUint16(out[off:], uint16(j))
	return out
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x01
	return out
}

// tamperLast is the alert for flipping the last byte (inside the MAC,
// signature, tag or ciphertext).
var tamperLast = map[string]byVariant{
	"R1": both(role.DecryptError), "R2": both(role.DecryptError),
	"L1": both(role.DecryptError), "L2": both(role.DecryptError),
	"E1": {role.DecodeError, role.BadMAC}, // as published the last byte is the empty tag's length
	"E2": both(role.DecryptError), "E3": both(role.DecryptError),
	"E4": both(role.BadSignature), "E5": both(role.AuthFailed),
	"E6": both(role.BadMAC), "E7": both(role.BadMAC),
}

// replayed is the outcome of delivering a message a second time.
var replayed = map[string]byVariant{
	"R1": both(role.AuthFailed), "R2": both(role.UnexpectedMessage),
	"L1": {accepted, role.Replay}, // W1: S re-accepts a replayed login
	"L2": both(role.UnexpectedMessage),
	"E1": {accepted, role.Replay}, // W3: E1 is unauthenticated
	"E2": {role.UnexpectedMessage, role.Replay},
	"E3": {accepted, role.Replay}, // W8: a replayed E3 resets B's peer state
	"E4": both(role.UnexpectedMessage), "E5": both(role.UnexpectedMessage),
	"E6": {accepted, role.Replay}, "E7": {accepted, role.Replay}, // W5
}

// shiftedIndex is the outcome of rewriting j to j+2 (same direction, a key
// that exists but did not protect the message).
var shiftedIndex = map[string]byVariant{
	"L1": both(role.DecryptError), "L2": {role.BadIndex, role.DecryptError},
	"E1": {role.DecodeError, role.BadMAC},
	"E2": both(role.DecryptError), "E3": both(role.DecryptError),
	"E5": both(role.AuthFailed), "E6": both(role.DecryptError), "E7": both(role.DecryptError),
}

type mutation struct {
	name string
	// apply returns the altered message and its claimed sender and
	// recipient, or ok=false if the mutation does not apply to m.
	apply  func(s *script, m role.Message) (b []byte, to, from string, ok bool)
	expect func(label string) byVariant
}

func same(b []byte, m role.Message) ([]byte, string, string, bool) { return b, m.To, m.From, true }

var mutations = []mutation{
	{"tamper-last", func(s *script, m role.Message) ([]byte, string, string, bool) {
		return same(flip(m.Bytes, len(m.Bytes)-1), m)
	}, func(l string) byVariant { return tamperLast[l] }},
	{"truncated", func(s *script, m role.Message) ([]byte, string, string, bool) {
		return same(m.Bytes[:len(m.Bytes)-1], m)
	}, func(string) byVariant { return both(role.DecodeError) }},
	{"header-only", func(s *script, m role.Message) ([]byte, string, string, bool) {
		return same(m.Bytes[:4], m)
	}, func(string) byVariant { return both(role.DecodeError) }},
	{"trailing-byte", func(s *script, m role.Message) ([]byte, string, string, bool) {
		return same(append(append([]byte(nil), m.Bytes...), 0), m)
	}, func(string) byVariant { return both(role.DecodeError) }},
	{"bad-version", func(s *script, m role.Message) ([]byte, string, string, bool) {
		return same(flip(m.Bytes, 1), m)
	}, func(string) byVariant { return both(role.BadVersion) }},
	{"unknown-suite", func(s *script, m role.Message) ([]byte, string, string, bool) {
		b := append([]byte(nil), m.Bytes...)
		b[2], b[3] = 0x7f, 0x7f
		return same(b, m)
	}, func(string) byVariant { return both(role.UnknownSuite) }},
	{"other-suite", func(s *script, m role.Message) ([]byte, string, string, bool) {
		b := append([]byte(nil), m.Bytes...)
		b[3] = 1 // classic, while the script runs modern
		return same(b, m)
	}, func(string) byVariant { return both(role.UnknownSuite) }},
	{"unknown-type", func(s *script, m role.Message) ([]byte, string, string, bool) {
		b := append([]byte(nil), m.Bytes...)
		b[0] = 0x1F
		return same(b, m)
	}, func(string) byVariant { return both(role.DecodeError) }},
	{"replayed", func(s *script, m role.Message) ([]byte, string, string, bool) {
		s.deliver(m)
		return same(m.Bytes, m)
	}, func(l string) byVariant { return replayed[l] }},
	{"reflected", func(s *script, m role.Message) ([]byte, string, string, bool) {
		return m.Bytes, m.From, m.To, true
	}, func(string) byVariant { return both(role.UnexpectedMessage) }},
	{"retyped-reflection", func(s *script, m role.Message) ([]byte, string, string, bool) {
		b := append([]byte(nil), m.Bytes...)
		switch m.Label {
		case "E6":
			b[0] = TypeE7
		case "E7":
			b[0] = TypeE6
		default:
			return nil, "", "", false
		}
		s.deliver(m)
		return b, m.From, m.To, true
	}, func(string) byVariant { return byVariant{accepted, role.BadIndex} }}, // W6
	{"index-shifted", func(s *script, m role.Message) ([]byte, string, string, bool) {
		off := indexOffset(m)
		if off < 0 {
			return nil, "", "", false
		}
		j := int(binary.BigEndian.Uint16(m.Bytes[off:]))
		return same(withIndex(m.Bytes, off, j+2), m)
	}, func(l string) byVariant { return shiftedIndex[l] }},
	{"index-out-of-range", func(s *script, m role.Message) ([]byte, string, string, bool) {
		off := indexOffset(m)
		if off < 0 {
			return nil, "", "", false
		}
		return same(withIndex(m.Bytes, off, 0xFFFF), m)
	}, func(l string) byVariant {
		if l == "E1" {
			return byVariant{role.DecodeError, role.BadIndex}
		}
		return both(role.BadIndex)
	}},
	{"index-zero", func(s *script, m role.Message) ([]byte, string, string, bool) {
		off := indexOffset(m)
		if off < 0 || m.Label == "E1" {
			return nil, "", "", false
		}
		return same(withIndex(m.Bytes, off, 0), m)
	}, func(string) byVariant { return both(role.BadIndex) }},
	{"spoofed-sender", func(s *script, m role.Message) ([]byte, string, string, bool) {
		return m.Bytes, m.To, "mallory", true
	}, func(l string) byVariant {
		switch l {
		case "R1", "L1":
			return both(role.WrongIdentity)
		case "R2", "L2", "E2", "E3", "E4", "E5", "E6", "E7":
			return both(role.UnknownPeer)
		}
		return both(role.UnknownPeer) // E1: mallory is not logged in
	}},
}

// TestRejections holds each message of a session, delivers an altered copy,
// checks the alert class and that the receiver's state is unchanged, then
// delivers the original and checks that the session carries on. Where the
// paper's protocol genuinely accepts the altered message (as-published
// weaknesses W1–W8 in docs/spec/simp.md), the test asserts that it does and
// that the hardened variant rejects it.
func TestRejections(t *testing.T) {
	for _, v := range Variants() {
		for _, label := range sessionLabels {
			for _, mu := range mutations {
				name := fmt.Sprintf("%s/%s/%s", v, label, mu.name)
				t.Run(name, func(t *testing.T) {
					s := newScript(t, "modern", v)
					m := s.until(label, 0)
					b, to, from, ok := mu.apply(s, m)
					if !ok {
						t.Skip("does not apply")
					}
					want := mu.expect(label).of(v)
					if want == accepted {
						out := expectAccept(t, s, to, from, b)
						checkAcceptedWeakness(t, label, mu.name, out)
					} else {
						expectAlert(t, s, to, from, b, want)
					}
					if mu.name != "replayed" && mu.name != "retyped-reflection" {
						s.deliver(m)
					}
					s.finish()
				})
			}
		}
	}
}

// checkAcceptedWeakness checks that an accepted attack message had the
// effect the profile documents.
func checkAcceptedWeakness(t *testing.T, label, mutation string, out role.Output) {
	t.Helper()
	want := map[string]role.EventKind{"L1": role.LoginAccepted, "E3": role.PeerKeyAccepted, "E6": role.MessageAccepted, "E7": role.MessageAccepted}
	if label == "E1" {
		if len(out.Messages) != 2 {
			t.Fatalf("replayed E1: S sent %d messages, want E2 and E3 again", len(out.Messages))
		}
		return
	}
	k, ok := want[label]
	if !ok || len(out.Events) == 0 || out.Events[0].Kind != k {
		t.Fatalf("%s %s accepted with events %v, want %v", mutation, label, out.Events, k)
	}
}

// TestRejectionsClassic repeats the cryptographic rejections with RSA.
func TestRejectionsClassic(t *testing.T) {
	for _, v := range Variants() {
		for _, label := range sessionLabels {
			t.Run(fmt.Sprintf("%s/%s", v, label), func(t *testing.T) {
				s := newScript(t, "classic", v)
				m := s.until(label, 0)
				expectAlert(t, s, m.To, m.From, flip(m.Bytes, len(m.Bytes)-1), tamperLast[label].of(v))
				s.deliver(m)
				s.finish()
			})
		}
	}
}

// TestTooEarly delivers each message to a fresh copy of its recipient, one
// that has not reached the state the message belongs to (out of order).
func TestTooEarly(t *testing.T) {
	want := map[string]role.AlertClass{
		"R2": role.UnexpectedMessage, "L1": role.UnknownPeer, "L2": role.UnexpectedMessage,
		"E1": role.UnknownPeer, "E2": role.UnexpectedMessage, "E3": role.UnexpectedMessage,
		"E4": role.UnknownPeer, "E5": role.UnknownPeer, "E6": role.UnknownPeer, "E7": role.UnknownPeer,
	}
	for _, v := range Variants() {
		for _, label := range sessionLabels[1:] {
			t.Run(fmt.Sprintf("%s/%s", v, label), func(t *testing.T) {
				s := newScript(t, "modern", v)
				m := s.until(label, 0)
				fresh := newScript(t, "modern", v)
				expectAlert(t, fresh, m.To, m.From, m.Bytes, want[label])
				s.deliver(m)
				s.finish()
			})
		}
	}
}
