package simp

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"github.com/imcheck/imcheck/impl/wire"
)

// The bodies are the plaintexts inside the encrypted fields of the
// messages (docs/spec/simp.md §"Messages"). They carry no header; each is
// a sequence of length-prefixed fields and is parsed as strictly as a
// message.

// RegistrationSecret is R1's plaintext: ID_A, P_A and the fresh
// registration key RK that protects R2.
type RegistrationSecret struct {
	User            string // ID_A
	Password        []byte // P_A, 1..255 bytes
	RegistrationKey []byte // RK, 32 bytes
}

// RegistrationParams is R2's plaintext: DK_AS, K_AS, m and the check
// h(ID_A, P_A, DK_AS, K_AS, m).
type RegistrationParams struct {
	DK    []byte // DK_AS, 32 bytes
	K     []byte // K_AS, 32 bytes
	M     uint16 // m
	Check []byte // 32 bytes
}

// LoginProof is L1's plaintext: h(ID_A, P_A, n1), n1, Pub-A.
type LoginProof struct {
	PasswordProof []byte // 32 bytes
	N1            []byte // 32 bytes
	PublicKey     []byte // Pub-A, the one-time public key
}

// LoginConfirmation is L2's plaintext: n2, h(n1, n2).
type LoginConfirmation struct {
	N2    []byte // 32 bytes
	Proof []byte // 32 bytes
}

// PeerKeyBody is E2's or E3's plaintext: ID, Pub, h(SK_j) of the other
// user's key set.
type PeerKeyBody struct {
	Peer      string // ID_B in E2, ID_A in E3
	PublicKey []byte // Pub-B in E2, Pub-A in E3
	Evidence  []byte // h(SK_BSj) in E2, h(SK_ASj) in E3; 32 bytes
}

// KeyTransportBody is E4's plaintext: n3, K_AB, DK_AB, m2, and in the
// hardened variant ID_A and ID_B (empty as published).
type KeyTransportBody struct {
	Initiator string // ID_A, hardened only
	Responder string // ID_B, hardened only
	N3        []byte // 32 bytes
	K         []byte // K_AB, 32 bytes
	DK        []byte // DK_AB, 32 bytes
	M         uint16 // m2
}

// MessageBody is E6's or E7's plaintext: the user's message and n4 (n5).
type MessageBody struct {
	Text  []byte // 0..MaxBody bytes
	Nonce []byte // n4 or n5, 32 bytes
}

func buildBody(name string, f func(b *cryptobyte.Builder)) ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	f(b)
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("simp: marshal %s: %w", name, err)
	}
	return out, nil
}

func parseBody(name string, in []byte, f func(s *cryptobyte.String) bool) error {
	s := cryptobyte.String(in)
	if !f(&s) {
		return fmt.Errorf("%w: %s: truncated, malformed or wrong-length field", ErrDecode, name)
	}
	if !s.Empty() {
		return fmt.Errorf("%w: %s: %d trailing bytes", ErrDecode, name, len(s))
	}
	return nil
}

func fixed(s *cryptobyte.String, out *[]byte) bool { return wire.ReadFixed16(s, hashSize, out) }

func checkFixed(name string, fields ...[]byte) error {
	for i, f := range fields {
		if len(f) != hashSize {
			return fmt.Errorf("simp: %s field %d is %d bytes, want %d", name, i+1, len(f), hashSize)
		}
	}
	return nil
}

// Marshal encodes u8 ID_A, u8 P_A, u16 RK.
func (m *RegistrationSecret) Marshal() ([]byte, error) {
	if !wire.ValidIdentity(m.User) {
		return nil, fmt.Errorf("simp: R1 user %q is not a valid identity", m.User)
	}
	if len(m.Password) == 0 || len(m.Password) > maxPassword {
		return nil, fmt.Errorf("simp: password of %d bytes, want 1..%d", len(m.Password), maxPassword)
	}
	if err := checkFixed("R1 body", m.RegistrationKey); err != nil {
		return nil, err
	}
	return buildBody("R1 body", func(b *cryptobyte.Builder) {
		wire.AddString8(b, m.User)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Password) })
		wire.AddBytes16(b, m.RegistrationKey)
	})
}

// UnmarshalRegistrationSecret decodes R1's plaintext strictly.
func UnmarshalRegistrationSecret(in []byte) (*RegistrationSecret, error) {
	var m RegistrationSecret
	err := parseBody("R1 body", in, func(s *cryptobyte.String) bool {
		var pw cryptobyte.String
		if !wire.ReadString8(s, &m.User) || !s.ReadUint8LengthPrefixed(&pw) || len(pw) == 0 {
			return false
		}
		m.Password = append([]byte(nil), pw...)
		return fixed(s, &m.RegistrationKey)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Marshal encodes u16 DK, u16 K, u16 m, u16 check.
func (m *RegistrationParams) Marshal() ([]byte, error) {
	if err := checkFixed("R2 body", m.DK, m.K, m.Check); err != nil {
		return nil, err
	}
	return buildBody("R2 body", func(b *cryptobyte.Builder) {
		wire.AddBytes16(b, m.DK)
		wire.AddBytes16(b, m.K)
		b.AddUint16(m.M)
		wire.AddBytes16(b, m.Check)
	})
}

// UnmarshalRegistrationParams decodes R2's plaintext strictly.
func UnmarshalRegistrationParams(in []byte) (*RegistrationParams, error) {
	var m RegistrationParams
	err := parseBody("R2 body", in, func(s *cryptobyte.String) bool {
		return fixed(s, &m.DK) && fixed(s, &m.K) && s.ReadUint16(&m.M) && fixed(s, &m.Check)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Marshal encodes u16 proof, u16 n1, u16 Pub-A.
func (m *LoginProof) Marshal() ([]byte, error) {
	if err := checkFixed("L1 body", m.PasswordProof, m.N1); err != nil {
		return nil, err
	}
	if err := checkNonEmpty("L1 body", "public key", m.PublicKey); err != nil {
		return nil, err
	}
	return buildBody("L1 body", func(b *cryptobyte.Builder) {
		wire.AddBytes16(b, m.PasswordProof)
		wire.AddBytes16(b, m.N1)
		wire.AddBytes16(b, m.PublicKey)
	})
}

// UnmarshalLoginProof decodes L1's plaintext strictly.
func UnmarshalLoginProof(in []byte) (*LoginProof, error) {
	var m LoginProof
	err := parseBody("L1 body", in, func(s *cryptobyte.String) bool {
		return fixed(s, &m.PasswordProof) && fixed(s, &m.N1) && readNonEmpty16(s, &m.PublicKey)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Marshal encodes u16 n2, u16 h(n1, n2).
func (m *LoginConfirmation) Marshal() ([]byte, error) {
	if err := checkFixed("L2 body", m.N2, m.Proof); err != nil {
		return nil, err
	}
	return buildBody("L2 body", func(b *cryptobyte.Builder) {
		wire.AddBytes16(b, m.N2)
		wire.AddBytes16(b, m.Proof)
	})
}

// UnmarshalLoginConfirmation decodes L2's plaintext strictly.
func UnmarshalLoginConfirmation(in []byte) (*LoginConfirmation, error) {
	var m LoginConfirmation
	err := parseBody("L2 body", in, func(s *cryptobyte.String) bool {
		return fixed(s, &m.N2) && fixed(s, &m.Proof)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Marshal encodes u8 ID, u16 Pub, u16 evidence.
func (m *PeerKeyBody) Marshal() ([]byte, error) {
	if !wire.ValidIdentity(m.Peer) {
		return nil, fmt.Errorf("simp: E2/E3 peer %q is not a valid identity", m.Peer)
	}
	if err := checkNonEmpty("E2/E3 body", "public key", m.PublicKey); err != nil {
		return nil, err
	}
	if err := checkFixed("E2/E3 body", m.Evidence); err != nil {
		return nil, err
	}
	return buildBody("E2/E3 body", func(b *cryptobyte.Builder) {
		wire.AddString8(b, m.Peer)
		wire.AddBytes16(b, m.PublicKey)
		wire.AddBytes16(b, m.Evidence)
	})
}

// UnmarshalPeerKeyBody decodes E2's or E3's plaintext strictly.
func UnmarshalPeerKeyBody(in []byte) (*PeerKeyBody, error) {
	var m PeerKeyBody
	err := parseBody("E2/E3 body", in, func(s *cryptobyte.String) bool {
		return wire.ReadString8(s, &m.Peer) && readNonEmpty16(s, &m.PublicKey) && fixed(s, &m.Evidence)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Marshal encodes u8 ID_A (may be empty), u8 ID_B (may be empty), u16 n3,
// u16 K_AB, u16 DK_AB, u16 m2. Both identities are empty or both present.
func (m *KeyTransportBody) Marshal() ([]byte, error) {
	if (m.Initiator == "") != (m.Responder == "") {
		return nil, fmt.Errorf("simp: E4 body carries one identity without the other")
	}
	for _, id := range []string{m.Initiator, m.Responder} {
		if id != "" && !wire.ValidIdentity(id) {
			return nil, fmt.Errorf("simp: E4 identity %q is not valid", id)
		}
	}
	if err := checkFixed("E4 body", m.N3, m.K, m.DK); err != nil {
		return nil, err
	}
	return buildBody("E4 body", func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(m.Initiator)) })
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(m.Responder)) })
		wire.AddBytes16(b, m.N3)
		wire.AddBytes16(b, m.K)
		wire.AddBytes16(b, m.DK)
		b.AddUint16(m.M)
	})
}

// UnmarshalKeyTransportBody decodes E4's plaintext strictly.
func UnmarshalKeyTransportBody(in []byte) (*KeyTransportBody, error) {
	var m KeyTransportBody
	err := parseBody("E4 body", in, func(s *cryptobyte.String) bool {
		var a, b cryptobyte.String
		if !s.ReadUint8LengthPrefixed(&a) || !s.ReadUint8LengthPrefixed(&b) || (len(a) == 0) != (len(b) == 0) {
			return false
		}
		m.Initiator, m.Responder = string(a), string(b)
		if len(a) > 0 && (!wire.ValidIdentity(m.Initiator) || !wire.ValidIdentity(m.Responder)) {
			return false
		}
		return fixed(s, &m.N3) && fixed(s, &m.K) && fixed(s, &m.DK) && s.ReadUint16(&m.M)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Marshal encodes u16 text, u16 nonce.
func (m *MessageBody) Marshal() ([]byte, error) {
	if len(m.Text) > MaxBody {
		return nil, fmt.Errorf("simp: message of %d bytes exceeds %d", len(m.Text), MaxBody)
	}
	if err := checkFixed("E6/E7 body", m.Nonce); err != nil {
		return nil, err
	}
	return buildBody("E6/E7 body", func(b *cryptobyte.Builder) {
		wire.AddBytes16(b, m.Text)
		wire.AddBytes16(b, m.Nonce)
	})
}

// UnmarshalMessageBody decodes E6's or E7's plaintext strictly.
func UnmarshalMessageBody(in []byte) (*MessageBody, error) {
	var m MessageBody
	err := parseBody("E6/E7 body", in, func(s *cryptobyte.String) bool {
		return wire.ReadBytes16(s, &m.Text) && len(m.Text) <= MaxBody && fixed(s, &m.Nonce)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}
