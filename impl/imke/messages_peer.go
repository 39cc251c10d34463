package imke

import "github.com/imcheck/imcheck/impl/suite"

// KeyTransport is c1 (profile §3.9):
//
//	A → B : {K_AB}_{E_B}, {R_A}_{K_AB}
type KeyTransport struct {
	Suite suite.ID
	// EncryptedKey is {K_AB}_{E_B} (hardened: {K_AB, ID_A, ID_B}_{E_B}).
	EncryptedKey []byte
	// SealedChallenge is {R_A}_{K_AB}.
	SealedChallenge []byte
}

// Marshal encodes c1: header || opaque16 {K_AB}_{E_B} || opaque16
// {R_A}_{K_AB}.
func (m *KeyTransport) Marshal() ([]byte, error) {
	return marshalPair(TypeKeyTransport, m.Suite, m.EncryptedKey, m.SealedChallenge)
}

// UnmarshalKeyTransport decodes c1 strictly.
func UnmarshalKeyTransport(b []byte) (*KeyTransport, error) {
	id, x, y, err := unmarshalPair(b, TypeKeyTransport)
	if err != nil {
		return nil, err
	}
	return &KeyTransport{Suite: id, EncryptedKey: x, SealedChallenge: y}, nil
}

// KeyTransportReply is c2 (profile §3.10):
//
//	A ← B : {R_B}_{E_A}, {f6(R_A)}_{K_AB}
type KeyTransportReply struct {
	Suite suite.ID
	// EncryptedChallenge is {R_B}_{E_A} (hardened: {R_B, ID_B, ID_A}_{E_A}).
	EncryptedChallenge []byte
	// SealedProof is {f6(R_A)}_{K_AB}.
	SealedProof []byte
}

// Marshal encodes c2: header || opaque16 {R_B}_{E_A} || opaque16
// {f6(R_A)}_{K_AB}.
func (m *KeyTransportReply) Marshal() ([]byte, error) {
	return marshalPair(TypeKeyTransportReply, m.Suite, m.EncryptedChallenge, m.SealedProof)
}

// UnmarshalKeyTransportReply decodes c2 strictly.
func UnmarshalKeyTransportReply(b []byte) (*KeyTransportReply, error) {
	id, x, y, err := unmarshalPair(b, TypeKeyTransportReply)
	if err != nil {
		return nil, err
	}
	return &KeyTransportReply{Suite: id, EncryptedChallenge: x, SealedProof: y}, nil
}

// KeyConfirm is c3 (profile §3.11):
//
//	A → B : f7(R_A, R_B)
type KeyConfirm struct {
	Suite suite.ID
	F7    []byte // 32 bytes
}

// Marshal encodes c3: header || opaque16 f7(R_A, R_B) (32 bytes).
func (m *KeyConfirm) Marshal() ([]byte, error) {
	return marshalDigest(TypeKeyConfirm, m.Suite, m.F7)
}

// UnmarshalKeyConfirm decodes c3 strictly.
func UnmarshalKeyConfirm(b []byte) (*KeyConfirm, error) {
	id, d, err := unmarshalDigest(b, TypeKeyConfirm)
	if err != nil {
		return nil, err
	}
	return &KeyConfirm{Suite: id, F7: d}, nil
}
