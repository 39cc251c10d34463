package imke

import (
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
	"golang.org/x/crypto/cryptobyte"
)

// Message types (docs/spec/imke.md §3.1), inside wire's IMKE range
// 0x20–0x3F.
const (
	TypeLoginRequest      uint8 = 0x20 // a1
	TypeLoginChallenge    uint8 = 0x21 // a2
	TypeLoginResponse     uint8 = 0x22 // a3
	TypeClientData        uint8 = 0x23 // 4.2
	TypeServerData        uint8 = 0x24 // 4.3
	TypeRenewalKey        uint8 = 0x25 // 4.4 (as-published)
	TypeRenewalChallenge  uint8 = 0x26 // 4.5 (as-published)
	TypePeerKey           uint8 = 0x27 // b1 / b2 (as-published)
	TypeKeyTransport      uint8 = 0x28 // c1
	TypeKeyTransportReply uint8 = 0x29 // c2
	TypeKeyConfirm        uint8 = 0x2A // c3
	TypePeerData          uint8 = 0x2B // 4.7
)

// labels maps a message type to the paper's label.
var labels = map[uint8]string{
	TypeLoginRequest:      "a1",
	TypeLoginChallenge:    "a2",
	TypeLoginResponse:     "a3",
	TypeClientData:        "4.2",
	TypeServerData:        "4.3",
	TypeRenewalKey:        "4.4",
	TypeRenewalChallenge:  "4.5",
	TypePeerKey:           "b1/b2",
	TypeKeyTransport:      "c1",
	TypeKeyTransportReply: "c2",
	TypeKeyConfirm:        "c3",
	TypePeerData:          "4.7",
}

// Label returns the paper's label of a message type, or "" if the type is
// not an IMKE message.
func Label(t uint8) string { return labels[t] }

// Sizes of fixed fields.
const (
	secretSize = suite.KeySize // K_AS, R_S, K_AB, R_A, R_B, K_AS1, R_S1
	digestSize = 32            // f1, f2, f3, f6, f7 (SHA-256) and MACs (HMAC-SHA-256)
)

// newMessage starts a message of type t in suite s.
func newMessage(t uint8, s suite.ID) *cryptobyte.Builder {
	return wire.NewBuilder(wire.Header{Type: t, Version: wire.Version, Suite: uint16(s)})
}

// openMessage reads and checks the header of b, which must be of type t.
// Errors are alerts: decode_error for a truncated header or another type,
// bad_version, unknown_suite.
func openMessage(b []byte, t uint8) (cryptobyte.String, suite.ID, error) {
	s := cryptobyte.String(b)
	label := labels[t]
	h, err := wire.ReadHeader(&s)
	if err != nil {
		return nil, 0, alert(role.DecodeError, label, "truncated header")
	}
	if h.Type != t {
		return nil, 0, alert(role.DecodeError, label, "message type 0x%02x, want 0x%02x", h.Type, t)
	}
	if h.Version != wire.Version {
		return nil, 0, alert(role.BadVersion, label, "profile version %d, want %d", h.Version, wire.Version)
	}
	if _, err := suite.ByID(suite.ID(h.Suite)); err != nil {
		return nil, 0, alert(role.UnknownSuite, label, "suite 0x%04x", h.Suite)
	}
	return s, suite.ID(h.Suite), nil
}

// finish checks that s is fully consumed and maps ok=false to a
// decode_error.
func finish(s cryptobyte.String, ok bool, label string) error {
	if !ok {
		return alert(role.DecodeError, label, "truncated or malformed field")
	}
	if !s.Empty() {
		return alert(role.DecodeError, label, "%d trailing bytes", len(s))
	}
	return nil
}

// build finishes a builder and wraps an error.
func build(b *cryptobyte.Builder, label string) ([]byte, error) {
	out, err := b.Bytes()
	if err != nil {
		return nil, alert(role.InternalError, label, "encode: %v", err)
	}
	return out, nil
}

// encodeError reports a field that cannot be encoded.
func encodeError(label, format string, args ...any) error {
	return alert(role.InternalError, label, "encode: "+format, args...)
}

// readFixed16 reads an opaque16 of exactly n bytes.
func readFixed16(s *cryptobyte.String, n int, out *[]byte) bool { return wire.ReadFixed16(s, n, out) }

// readOpaque16 reads a non-empty opaque16.
func readOpaque16(s *cryptobyte.String, out *[]byte) bool {
	return wire.ReadBytes16(s, out) && len(*out) > 0
}

// readOpaque32 reads a non-empty opaque32.
func readOpaque32(s *cryptobyte.String, out *[]byte) bool {
	return wire.ReadBytes32(s, out) && len(*out) > 0
}

// checkOpaque16 reports whether v can be an opaque16 field.
func checkOpaque16(v []byte) bool { return len(v) > 0 && len(v) <= 0xFFFF }

// checkOpaque32 reports whether v can be an opaque32 field within a frame.
func checkOpaque32(v []byte) bool { return len(v) > 0 && len(v) <= wire.MaxFrame }
