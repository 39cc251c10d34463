package simp

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// Message types (docs/spec/simp.md §"Messages"), in the SIMP range
// 0x10–0x1F of impl/wire.
const (
	TypeR1 uint8 = 0x10 + iota // RegistrationRequest
	TypeR2                     // RegistrationGrant
	TypeL1                     // LoginRequest
	TypeL2                     // LoginResponse
	TypeE1                     // PeerRequest
	TypeE2                     // PeerKeyGrant to the requester
	TypeE3                     // PeerKeyGrant to the requested user
	TypeE4                     // KeyTransport
	TypeE5                     // KeyConfirmation
	TypeE6                     // SecureMessage from the initiator
	TypeE7                     // SecureMessage from the responder
)

var typeLabels = map[uint8]string{
	TypeR1: "R1", TypeR2: "R2", TypeL1: "L1", TypeL2: "L2", TypeE1: "E1", TypeE2: "E2",
	TypeE3: "E3", TypeE4: "E4", TypeE5: "E5", TypeE6: "E6", TypeE7: "E7",
}

// Label returns the paper's label of a message type, or "" if unknown.
func Label(t uint8) string { return typeLabels[t] }

// Size limits.
const (
	MaxBody     = 16 << 10 // largest E6/E7 message text
	hashSize    = 32       // every hash, keyed hash and nonce
	maxField16  = 1<<16 - 1
	maxPassword = 255
)

// Decoding errors. The roles map ErrVersion to a bad_version alert,
// ErrSuite to unknown_suite and anything else to decode_error.
var (
	ErrType    = errors.New("simp: wrong message type")
	ErrVersion = errors.New("simp: unsupported profile version")
	ErrSuite   = errors.New("simp: unknown suite")
	ErrDecode  = errors.New("simp: malformed message")
)

// RegistrationRequest is R1: A → S: {ID_A, P_A, RK}_{Pub-S}.
type RegistrationRequest struct {
	Suite      suite.ID
	Ciphertext []byte // {RegistrationSecret}_{Pub-S}
}

// RegistrationGrant is R2: S → A: {DK_AS, K_AS, m, h(ID_A, P_A, DK_AS, K_AS, m)}_RK.
type RegistrationGrant struct {
	Suite  suite.ID
	Sealed []byte // Seal(RK, RegistrationParams)
}

// LoginRequest is L1: A → S: ID_A, j, {h(ID_A, P_A, n1), n1, Pub-A}_{SK_j}.
type LoginRequest struct {
	Suite  suite.ID
	User   string // ID_A, in clear so that S can find the key set
	Index  uint16 // j
	Sealed []byte // Seal(SK_ASj, LoginProof)
}

// LoginResponse is L2: S → A: j, {n2, h(n1, n2)}_{SK_j}.
type LoginResponse struct {
	Suite  suite.ID
	Index  uint16
	Sealed []byte // Seal(SK_ASj, LoginConfirmation)
}

// PeerRequest is E1: A → S: Request, ID_B. In the hardened variant it
// carries an index and a keyed hash under SK_ASj; as published both are
// absent (Index 0, empty Tag).
type PeerRequest struct {
	Suite suite.ID
	Peer  string // ID_B
	Index uint16
	Tag   []byte // empty or 32 bytes
}

// PeerKeyGrant is E2 (S → A: {ID_B, Pub-B, h(SK_BSj)}_{SK_ASj}) or E3
// (S → B: {ID_A, Pub-A, h(SK_ASj)}_{SK_BSj}); Type says which.
type PeerKeyGrant struct {
	Type   uint8 // TypeE2 or TypeE3
	Suite  suite.ID
	Index  uint16 // j of the recipient's key set
	Sealed []byte // Seal(SK_j, PeerKeyBody)
}

// KeyTransport is E4: A → B: {n3, K_AB, DK_AB, m2}_{Pub-B}, {h(K_AB, DK_AB, m2)}_{Pri-A}.
type KeyTransport struct {
	Suite      suite.ID
	Ciphertext []byte // {KeyTransportBody}_{Pub-B}
	Signature  []byte
}

// KeyConfirmation is E5: B → A: j, h(n3, SK_ABj).
type KeyConfirmation struct {
	Suite   suite.ID
	Index   uint16
	Confirm []byte // 32 bytes
}

// SecureMessage is E6 (A → B) or E7 (B → A):
// j, {Message, n}_{SK_ABj}, h(n, Message, SK_ABj).
type SecureMessage struct {
	Type   uint8 // TypeE6 or TypeE7
	Suite  suite.ID
	Index  uint16
	Sealed []byte // Seal(SK_ABj, MessageBody)
	MAC    []byte // 32 bytes
}

func marshal(t uint8, s suite.ID, f func(b *cryptobyte.Builder)) ([]byte, error) {
	b := wire.NewBuilder(wire.Header{Type: t, Version: wire.Version, Suite: uint16(s)})
	f(b)
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("simp: marshal %s: %w", Label(t), err)
	}
	return out, nil
}

// parse checks the header of msg against type t, runs f on the rest and
// rejects trailing bytes.
func parse(msg []byte, t uint8, f func(s *cryptobyte.String) bool) (suite.ID, error) {
	s := cryptobyte.String(msg)
	h, err := wire.ReadHeader(&s)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %v", ErrDecode, Label(t), err)
	}
	if h.Type != t {
		return 0, fmt.Errorf("%w: got 0x%02x, want %s", ErrType, h.Type, Label(t))
	}
	if h.Version != wire.Version {
		return 0, fmt.Errorf("%w: %d", ErrVersion, h.Version)
	}
	if _, err := suite.ByID(suite.ID(h.Suite)); err != nil {
		return 0, fmt.Errorf("%w: 0x%04x", ErrSuite, h.Suite)
	}
	if !f(&s) {
		return 0, fmt.Errorf("%w: %s: truncated, malformed or wrong-length field", ErrDecode, Label(t))
	}
	if !s.Empty() {
		return 0, fmt.Errorf("%w: %s: %d trailing bytes", ErrDecode, Label(t), len(s))
	}
	return suite.ID(h.Suite), nil
}

func readNonEmpty16(s *cryptobyte.String, out *[]byte) bool {
	return wire.ReadBytes16(s, out) && len(*out) > 0
}

func checkLen(label, field string, b []byte, n int) error {
	if len(b) != n {
		return fmt.Errorf("simp: %s %s is %d bytes, want %d", label, field, len(b), n)
	}
	return nil
}

func checkNonEmpty(label, field string, b []byte) error {
	if len(b) == 0 || len(b) > maxField16 {
		return fmt.Errorf("simp: %s %s has %d bytes, want 1..%d", label, field, len(b), maxField16)
	}
	return nil
}
