package imke

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// Describe decodes any IMKE message for a transcript, without keys:
// ciphertexts are shown by size (conventions §Roles).
func Describe(msg []byte) (string, []role.Field, error) {
	h, err := wire.PeekHeader(msg)
	if err != nil {
		return "", nil, alert(role.DecodeError, "", "truncated header")
	}
	label := Label(h.Type)
	if label == "" {
		return "", nil, alert(role.DecodeError, "", "message type 0x%02x is not IMKE", h.Type)
	}
	// The suite by name, as SIMP's transcripts show it; an unknown id in hex.
	suiteName := fmt.Sprintf("0x%04x", h.Suite)
	if s, err := suite.ByID(suite.ID(h.Suite)); err == nil {
		suiteName = s.Name
	}
	f := []role.Field{{Name: "suite", Value: suiteName}}
	size := func(name string, b []byte) role.Field {
		return role.Field{Name: name, Value: fmt.Sprintf("%d bytes", len(b))}
	}
	hexf := func(name string, b []byte) role.Field { return role.Field{Name: name, Value: fmt.Sprintf("%x", b)} }
	switch h.Type {
	case TypeLoginRequest:
		m, err := UnmarshalLoginRequest(msg)
		if err != nil {
			return label, nil, err
		}
		f = append(f, role.Field{Name: "ID_A", Value: m.ID}, size("{K_AS}E_S", m.EncryptedKey), size("{KU_A,f1}K_AS", m.SealedProof))
	case TypeLoginChallenge:
		m, err := UnmarshalLoginChallenge(msg)
		if err != nil {
			return label, nil, err
		}
		f = append(f, size("{R_S}E_A", m.EncryptedChallenge), size("{f2}K_AS", m.SealedProof))
	case TypeLoginResponse:
		m, err := UnmarshalLoginResponse(msg)
		if err != nil {
			return label, nil, err
		}
		f = append(f, hexf("f3(R_S)", m.F3))
	case TypeClientData, TypeServerData, TypePeerData:
		q, err := unmarshalSequenced(msg, h.Type)
		if err != nil {
			return label, nil, err
		}
		f = append(f, role.Field{Name: "seq", Value: fmt.Sprint(q.Seq)}, size("{data}K^s", q.Sealed), hexf("[data]K^m", q.MAC[:8]))
	case TypeRenewalKey, TypeRenewalChallenge, TypePeerKey:
		u, err := unmarshalUnsequenced(msg, h.Type)
		if err != nil {
			return label, nil, err
		}
		f = append(f, size("{data}K^s", u.Sealed), hexf("[data]K^m", u.MAC[:8]))
	case TypeKeyTransport:
		m, err := UnmarshalKeyTransport(msg)
		if err != nil {
			return label, nil, err
		}
		f = append(f, size("{K_AB}E_B", m.EncryptedKey), size("{R_A}K_AB", m.SealedChallenge))
	case TypeKeyTransportReply:
		m, err := UnmarshalKeyTransportReply(msg)
		if err != nil {
			return label, nil, err
		}
		f = append(f, size("{R_B}E_A", m.EncryptedChallenge), size("{f6}K_AB", m.SealedProof))
	case TypeKeyConfirm:
		m, err := UnmarshalKeyConfirm(msg)
		if err != nil {
			return label, nil, err
		}
		f = append(f, hexf("f7(R_A,R_B)", m.F7))
	}
	return label, f, nil
}
