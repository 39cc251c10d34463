package simp

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// Describe decodes any SIMP message for a transcript, without keys:
// identities and indices in clear, ciphertexts as sizes.
func Describe(msg []byte) (label string, fields []role.Field, err error) {
	h, err := wire.PeekHeader(msg)
	if err != nil {
		return "", nil, fmt.Errorf("simp: %w", err)
	}
	label = Label(h.Type)
	if label == "" {
		return "", nil, fmt.Errorf("%w: unknown message type 0x%02x", ErrDecode, h.Type)
	}
	var id suite.ID
	f := func(name, format string, a ...any) {
		fields = append(fields, role.Field{Name: name, Value: fmt.Sprintf(format, a...)})
	}
	size := func(name string, b []byte) { f(name, "%d bytes", len(b)) }
	switch h.Type {
	case TypeR1:
		m, e := UnmarshalR1(msg)
		if err = e; e == nil {
			id = m.Suite
			size("{ID_A, P_A, RK}_Pub-S", m.Ciphertext)
		}
	case TypeR2:
		m, e := UnmarshalR2(msg)
		if err = e; e == nil {
			id = m.Suite
			size("{DK, K, m, h}_RK", m.Sealed)
		}
	case TypeL1:
		m, e := UnmarshalL1(msg)
		if err = e; e == nil {
			id = m.Suite
			f("ID_A", "%s", m.User)
			f("j", "%d", m.Index)
			size("{h(ID_A,P_A,n1), n1, Pub-A}_SKj", m.Sealed)
		}
	case TypeL2:
		m, e := UnmarshalL2(msg)
		if err = e; e == nil {
			id = m.Suite
			f("j", "%d", m.Index)
			size("{n2, h(n1,n2)}_SKj", m.Sealed)
		}
	case TypeE1:
		m, e := UnmarshalE1(msg)
		if err = e; e == nil {
			id = m.Suite
			f("ID_B", "%s", m.Peer)
			if len(m.Tag) > 0 {
				f("j", "%d", m.Index)
				size("keyed hash", m.Tag)
			}
		}
	case TypeE2, TypeE3:
		m, e := unmarshalPeerKeyGrant(msg, h.Type)
		if err = e; e == nil {
			id = m.Suite
			f("j", "%d", m.Index)
			size("{ID, Pub, h(SK)}_SKj", m.Sealed)
		}
	case TypeE4:
		m, e := UnmarshalE4(msg)
		if err = e; e == nil {
			id = m.Suite
			size("{n3, K_AB, DK_AB, m2}_Pub-B", m.Ciphertext)
			size("signature", m.Signature)
		}
	case TypeE5:
		m, e := UnmarshalE5(msg)
		if err = e; e == nil {
			id = m.Suite
			f("j", "%d", m.Index)
			f("confirmation", "%x…", m.Confirm[:8])
		}
	case TypeE6, TypeE7:
		m, e := unmarshalSecureMessage(msg, h.Type)
		if err = e; e == nil {
			id = m.Suite
			f("j", "%d", m.Index)
			size("{message, n}_SKABj", m.Sealed)
			f("keyed hash", "%x…", m.MAC[:8])
		}
	}
	if err != nil {
		return label, nil, err
	}
	s, _ := suite.ByID(id)
	fields = append([]role.Field{{Name: "suite", Value: s.Name}}, fields...)
	return label, fields, nil
}
