package imke

import (
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
	"golang.org/x/crypto/cryptobyte"
)

// LoginRequest is a1 (profile §3.2):
//
//	A → S : ID_A, {K_AS}_{E_S}, {KU_A, f1(P_A)}_{K_AS}
type LoginRequest struct {
	Suite suite.ID
	// ID is ID_A.
	ID string
	// EncryptedKey is {K_AS}_{E_S}.
	EncryptedKey []byte
	// SealedProof is {KU_A, f1(P_A)}_{K_AS}; its plaintext is a
	// LoginProof.
	SealedProof []byte
}

// Marshal encodes a1: header || id8 ID_A || opaque16 {K_AS}_{E_S} ||
// opaque16 {KU_A, f1(P_A)}_{K_AS}.
func (m *LoginRequest) Marshal() ([]byte, error) {
	if !wire.ValidIdentity(m.ID) {
		return nil, encodeError("a1", "identity %q", m.ID)
	}
	if !checkOpaque16(m.EncryptedKey) || !checkOpaque16(m.SealedProof) {
		return nil, encodeError("a1", "field size")
	}
	b := newMessage(TypeLoginRequest, m.Suite)
	wire.AddString8(b, m.ID)
	wire.AddBytes16(b, m.EncryptedKey)
	wire.AddBytes16(b, m.SealedProof)
	return build(b, "a1")
}

// UnmarshalLoginRequest decodes a1 strictly.
func UnmarshalLoginRequest(b []byte) (*LoginRequest, error) {
	s, id, err := openMessage(b, TypeLoginRequest)
	if err != nil {
		return nil, err
	}
	m := &LoginRequest{Suite: id}
	ok := wire.ReadString8(&s, &m.ID) && readOpaque16(&s, &m.EncryptedKey) && readOpaque16(&s, &m.SealedProof)
	if err := finish(s, ok, "a1"); err != nil {
		return nil, err
	}
	return m, nil
}

// LoginProof is the plaintext of a1's {KU_A, f1(P_A)}_{K_AS}:
// opaque16 KU_A || opaque16 f1(P_A) (32 bytes).
type LoginProof struct {
	PublicKey []byte // KU_A
	F1        []byte // f1(P_A)
}

// Marshal encodes the proof.
func (p *LoginProof) Marshal() ([]byte, error) {
	if !checkOpaque16(p.PublicKey) || len(p.F1) != digestSize {
		return nil, encodeError("a1", "proof field size")
	}
	b := cryptobyte.NewBuilder(nil)
	wire.AddBytes16(b, p.PublicKey)
	wire.AddBytes16(b, p.F1)
	return build(b, "a1")
}

// UnmarshalLoginProof decodes the plaintext of a1's sealed part.
func UnmarshalLoginProof(b []byte) (*LoginProof, error) {
	s := cryptobyte.String(b)
	p := &LoginProof{}
	ok := readOpaque16(&s, &p.PublicKey) && readFixed16(&s, digestSize, &p.F1)
	if err := finish(s, ok, "a1"); err != nil {
		return nil, err
	}
	return p, nil
}

// LoginChallenge is a2 (profile §3.3):
//
//	A ← S : {R_S}_{E_A}, {f2(P_A)}_{K_AS}
type LoginChallenge struct {
	Suite suite.ID
	// EncryptedChallenge is {R_S}_{E_A}.
	EncryptedChallenge []byte
	// SealedProof is {f2(P_A)}_{K_AS}.
	SealedProof []byte
}

// Marshal encodes a2: header || opaque16 {R_S}_{E_A} || opaque16
// {f2(P_A)}_{K_AS}.
func (m *LoginChallenge) Marshal() ([]byte, error) {
	return marshalPair(TypeLoginChallenge, m.Suite, m.EncryptedChallenge, m.SealedProof)
}

// UnmarshalLoginChallenge decodes a2 strictly.
func UnmarshalLoginChallenge(b []byte) (*LoginChallenge, error) {
	id, x, y, err := unmarshalPair(b, TypeLoginChallenge)
	if err != nil {
		return nil, err
	}
	return &LoginChallenge{Suite: id, EncryptedChallenge: x, SealedProof: y}, nil
}

// LoginResponse is a3 (profile §3.4):
//
//	A → S : f3(R_S)
type LoginResponse struct {
	Suite suite.ID
	F3    []byte // f3(R_S), 32 bytes
}

// Marshal encodes a3: header || opaque16 f3(R_S) (32 bytes).
func (m *LoginResponse) Marshal() ([]byte, error) {
	return marshalDigest(TypeLoginResponse, m.Suite, m.F3)
}

// UnmarshalLoginResponse decodes a3 strictly.
func UnmarshalLoginResponse(b []byte) (*LoginResponse, error) {
	id, d, err := unmarshalDigest(b, TypeLoginResponse)
	if err != nil {
		return nil, err
	}
	return &LoginResponse{Suite: id, F3: d}, nil
}

// marshalPair encodes header || opaque16 x || opaque16 y (a2, c1, c2).
func marshalPair(t uint8, id suite.ID, x, y []byte) ([]byte, error) {
	if !checkOpaque16(x) || !checkOpaque16(y) {
		return nil, encodeError(labels[t], "field size")
	}
	b := newMessage(t, id)
	wire.AddBytes16(b, x)
	wire.AddBytes16(b, y)
	return build(b, labels[t])
}

func unmarshalPair(b []byte, t uint8) (suite.ID, []byte, []byte, error) {
	s, id, err := openMessage(b, t)
	if err != nil {
		return 0, nil, nil, err
	}
	var x, y []byte
	ok := readOpaque16(&s, &x) && readOpaque16(&s, &y)
	if err := finish(s, ok, labels[t]); err != nil {
		return 0, nil, nil, err
	}
	return id, x, y, nil
}

// marshalDigest encodes header || opaque16 d, d 32 bytes (a3, c3).
func marshalDigest(t uint8, id suite.ID, d []byte) ([]byte, error) {
	if len(d) != digestSize {
		return nil, encodeError(labels[t], "digest of %d bytes", len(d))
	}
	b := newMessage(t, id)
	wire.AddBytes16(b, d)
	return build(b, labels[t])
}

func unmarshalDigest(b []byte, t uint8) (suite.ID, []byte, error) {
	s, id, err := openMessage(b, t)
	if err != nil {
		return 0, nil, err
	}
	var d []byte
	ok := readFixed16(&s, digestSize, &d)
	if err := finish(s, ok, labels[t]); err != nil {
		return 0, nil, err
	}
	return id, d, nil
}
