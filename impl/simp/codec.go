package simp

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"github.com/imcheck/imcheck/impl/wire"
)

// Marshal encodes R1: header, u16 ciphertext.
func (m *RegistrationRequest) Marshal() ([]byte, error) {
	if err := checkNonEmpty("R1", "ciphertext", m.Ciphertext); err != nil {
		return nil, err
	}
	return marshal(TypeR1, m.Suite, func(b *cryptobyte.Builder) { wire.AddBytes16(b, m.Ciphertext) })
}

// UnmarshalR1 decodes R1 strictly.
func UnmarshalR1(b []byte) (*RegistrationRequest, error) {
	var m RegistrationRequest
	id, err := parse(b, TypeR1, func(s *cryptobyte.String) bool { return readNonEmpty16(s, &m.Ciphertext) })
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}

// Marshal encodes R2: header, u16 sealed.
func (m *RegistrationGrant) Marshal() ([]byte, error) {
	if err := checkNonEmpty("R2", "sealed", m.Sealed); err != nil {
		return nil, err
	}
	return marshal(TypeR2, m.Suite, func(b *cryptobyte.Builder) { wire.AddBytes16(b, m.Sealed) })
}

// UnmarshalR2 decodes R2 strictly.
func UnmarshalR2(b []byte) (*RegistrationGrant, error) {
	var m RegistrationGrant
	id, err := parse(b, TypeR2, func(s *cryptobyte.String) bool { return readNonEmpty16(s, &m.Sealed) })
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}

// Marshal encodes L1: header, u8 ID_A, u16 j, u16 sealed.
func (m *LoginRequest) Marshal() ([]byte, error) {
	if !wire.ValidIdentity(m.User) {
		return nil, fmt.Errorf("simp: L1 user %q is not a valid identity", m.User)
	}
	if err := checkNonEmpty("L1", "sealed", m.Sealed); err != nil {
		return nil, err
	}
	return marshal(TypeL1, m.Suite, func(b *cryptobyte.Builder) {
		wire.AddString8(b, m.User)
		b.AddUint16(m.Index)
		wire.AddBytes16(b, m.Sealed)
	})
}

// UnmarshalL1 decodes L1 strictly.
func UnmarshalL1(b []byte) (*LoginRequest, error) {
	var m LoginRequest
	id, err := parse(b, TypeL1, func(s *cryptobyte.String) bool {
		return wire.ReadString8(s, &m.User) && s.ReadUint16(&m.Index) && readNonEmpty16(s, &m.Sealed)
	})
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}

// Marshal encodes L2: header, u16 j, u16 sealed.
func (m *LoginResponse) Marshal() ([]byte, error) {
	if err := checkNonEmpty("L2", "sealed", m.Sealed); err != nil {
		return nil, err
	}
	return marshal(TypeL2, m.Suite, func(b *cryptobyte.Builder) {
		b.AddUint16(m.Index)
		wire.AddBytes16(b, m.Sealed)
	})
}

// UnmarshalL2 decodes L2 strictly.
func UnmarshalL2(b []byte) (*LoginResponse, error) {
	var m LoginResponse
	id, err := parse(b, TypeL2, func(s *cryptobyte.String) bool {
		return s.ReadUint16(&m.Index) && readNonEmpty16(s, &m.Sealed)
	})
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}

// Marshal encodes E1: header, u8 ID_B, u16 j, u16 tag (0 or 32 bytes).
func (m *PeerRequest) Marshal() ([]byte, error) {
	if !wire.ValidIdentity(m.Peer) {
		return nil, fmt.Errorf("simp: E1 peer %q is not a valid identity", m.Peer)
	}
	if len(m.Tag) != 0 && len(m.Tag) != hashSize {
		return nil, fmt.Errorf("simp: E1 tag is %d bytes, want 0 or %d", len(m.Tag), hashSize)
	}
	return marshal(TypeE1, m.Suite, func(b *cryptobyte.Builder) {
		wire.AddString8(b, m.Peer)
		b.AddUint16(m.Index)
		wire.AddBytes16(b, m.Tag)
	})
}

// UnmarshalE1 decodes E1 strictly.
func UnmarshalE1(b []byte) (*PeerRequest, error) {
	var m PeerRequest
	id, err := parse(b, TypeE1, func(s *cryptobyte.String) bool {
		return wire.ReadString8(s, &m.Peer) && s.ReadUint16(&m.Index) &&
			wire.ReadBytes16(s, &m.Tag) && (len(m.Tag) == 0 || len(m.Tag) == hashSize)
	})
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}

// Marshal encodes E2 or E3: header, u16 j, u16 sealed.
func (m *PeerKeyGrant) Marshal() ([]byte, error) {
	if m.Type != TypeE2 && m.Type != TypeE3 {
		return nil, fmt.Errorf("simp: peer key grant of type 0x%02x, want E2 or E3", m.Type)
	}
	if err := checkNonEmpty(Label(m.Type), "sealed", m.Sealed); err != nil {
		return nil, err
	}
	return marshal(m.Type, m.Suite, func(b *cryptobyte.Builder) {
		b.AddUint16(m.Index)
		wire.AddBytes16(b, m.Sealed)
	})
}

// UnmarshalE2 decodes E2 strictly.
func UnmarshalE2(b []byte) (*PeerKeyGrant, error) { return unmarshalPeerKeyGrant(b, TypeE2) }

// UnmarshalE3 decodes E3 strictly.
func UnmarshalE3(b []byte) (*PeerKeyGrant, error) { return unmarshalPeerKeyGrant(b, TypeE3) }

func unmarshalPeerKeyGrant(b []byte, t uint8) (*PeerKeyGrant, error) {
	m := PeerKeyGrant{Type: t}
	id, err := parse(b, t, func(s *cryptobyte.String) bool {
		return s.ReadUint16(&m.Index) && readNonEmpty16(s, &m.Sealed)
	})
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}

// Marshal encodes E4: header, u16 ciphertext, u16 signature.
func (m *KeyTransport) Marshal() ([]byte, error) {
	if err := checkNonEmpty("E4", "ciphertext", m.Ciphertext); err != nil {
		return nil, err
	}
	if err := checkNonEmpty("E4", "signature", m.Signature); err != nil {
		return nil, err
	}
	return marshal(TypeE4, m.Suite, func(b *cryptobyte.Builder) {
		wire.AddBytes16(b, m.Ciphertext)
		wire.AddBytes16(b, m.Signature)
	})
}

// UnmarshalE4 decodes E4 strictly.
func UnmarshalE4(b []byte) (*KeyTransport, error) {
	var m KeyTransport
	id, err := parse(b, TypeE4, func(s *cryptobyte.String) bool {
		return readNonEmpty16(s, &m.Ciphertext) && readNonEmpty16(s, &m.Signature)
	})
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}

// Marshal encodes E5: header, u16 j, u16 confirmation (32 bytes).
func (m *KeyConfirmation) Marshal() ([]byte, error) {
	if err := checkLen("E5", "confirmation", m.Confirm, hashSize); err != nil {
		return nil, err
	}
	return marshal(TypeE5, m.Suite, func(b *cryptobyte.Builder) {
		b.AddUint16(m.Index)
		wire.AddBytes16(b, m.Confirm)
	})
}

// UnmarshalE5 decodes E5 strictly.
func UnmarshalE5(b []byte) (*KeyConfirmation, error) {
	var m KeyConfirmation
	id, err := parse(b, TypeE5, func(s *cryptobyte.String) bool {
		return s.ReadUint16(&m.Index) && wire.ReadFixed16(s, hashSize, &m.Confirm)
	})
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}

// Marshal encodes E6 or E7: header, u16 j, u16 sealed, u16 MAC (32 bytes).
func (m *SecureMessage) Marshal() ([]byte, error) {
	if m.Type != TypeE6 && m.Type != TypeE7 {
		return nil, fmt.Errorf("simp: secure message of type 0x%02x, want E6 or E7", m.Type)
	}
	if err := checkNonEmpty(Label(m.Type), "sealed", m.Sealed); err != nil {
		return nil, err
	}
	if err := checkLen(Label(m.Type), "MAC", m.MAC, hashSize); err != nil {
		return nil, err
	}
	return marshal(m.Type, m.Suite, func(b *cryptobyte.Builder) {
		b.AddUint16(m.Index)
		wire.AddBytes16(b, m.Sealed)
		wire.AddBytes16(b, m.MAC)
	})
}

// UnmarshalE6 decodes E6 strictly.
func UnmarshalE6(b []byte) (*SecureMessage, error) { return unmarshalSecureMessage(b, TypeE6) }

// UnmarshalE7 decodes E7 strictly.
func UnmarshalE7(b []byte) (*SecureMessage, error) { return unmarshalSecureMessage(b, TypeE7) }

func unmarshalSecureMessage(b []byte, t uint8) (*SecureMessage, error) {
	m := SecureMessage{Type: t}
	id, err := parse(b, t, func(s *cryptobyte.String) bool {
		return s.ReadUint16(&m.Index) && readNonEmpty16(s, &m.Sealed) && wire.ReadFixed16(s, hashSize, &m.MAC)
	})
	if err != nil {
		return nil, err
	}
	m.Suite = id
	return &m, nil
}
