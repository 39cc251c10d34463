package imke

import (
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// Sequenced is the body shared by 4.2, 4.3 and 4.7 (profile §3.5, §3.12):
//
//	{Data}_{K^s}, [Data]_{K^m}
//
// with the sequence number of goal G6 carried in clear and bound into both
// the AEAD associated data and the MAC.
type Sequenced struct {
	Suite  suite.ID
	Seq    uint64 // the sender's sequence number, from 1
	Sealed []byte // {Data}_{K^s}
	MAC    []byte // [Seq, Data]_{K^m}, 32 bytes
}

// ClientData is 4.2: A → S : {ClientData_A}_{K_AS^s}, [ClientData_A]_AS.
type ClientData struct{ Sequenced }

// ServerData is 4.3: A ← S : {ServerData}_{K_AS^s}, [ServerData]_AS.
type ServerData struct{ Sequenced }

// PeerData is 4.7: A → B : {ClientData_A}_{K_AB^s}, [ClientData_A]_AB.
type PeerData struct{ Sequenced }

// Marshal encodes 4.2: header || u64 seq || opaque32 sealed || opaque16 mac.
func (m *ClientData) Marshal() ([]byte, error) { return m.marshal(TypeClientData) }

// Marshal encodes 4.3 (layout as 4.2).
func (m *ServerData) Marshal() ([]byte, error) { return m.marshal(TypeServerData) }

// Marshal encodes 4.7 (layout as 4.2).
func (m *PeerData) Marshal() ([]byte, error) { return m.marshal(TypePeerData) }

// UnmarshalClientData decodes 4.2 strictly.
func UnmarshalClientData(b []byte) (*ClientData, error) {
	q, err := unmarshalSequenced(b, TypeClientData)
	if err != nil {
		return nil, err
	}
	return &ClientData{q}, nil
}

// UnmarshalServerData decodes 4.3 strictly.
func UnmarshalServerData(b []byte) (*ServerData, error) {
	q, err := unmarshalSequenced(b, TypeServerData)
	if err != nil {
		return nil, err
	}
	return &ServerData{q}, nil
}

// UnmarshalPeerData decodes 4.7 strictly.
func UnmarshalPeerData(b []byte) (*PeerData, error) {
	q, err := unmarshalSequenced(b, TypePeerData)
	if err != nil {
		return nil, err
	}
	return &PeerData{q}, nil
}

func (m *Sequenced) marshal(t uint8) ([]byte, error) {
	if m.Seq == 0 || !checkOpaque32(m.Sealed) || len(m.MAC) != digestSize {
		return nil, encodeError(labels[t], "field size or zero sequence number")
	}
	b := newMessage(t, m.Suite)
	b.AddUint64(m.Seq)
	wire.AddBytes32(b, m.Sealed)
	wire.AddBytes16(b, m.MAC)
	return build(b, labels[t])
}

func unmarshalSequenced(b []byte, t uint8) (Sequenced, error) {
	s, id, err := openMessage(b, t)
	if err != nil {
		return Sequenced{}, err
	}
	q := Sequenced{Suite: id}
	ok := s.ReadUint64(&q.Seq) && q.Seq != 0 && readOpaque32(&s, &q.Sealed) && readFixed16(&s, digestSize, &q.MAC)
	if err := finish(s, ok, labels[t]); err != nil {
		return Sequenced{}, err
	}
	return q, nil
}

// Unsequenced is the body shared by the as-published 4.4, 4.5 and b1/b2,
// which the paper gives no freshness (profile §3.6, §3.8):
//
//	{X}_{K^s}, [X]_{K^m}
type Unsequenced struct {
	Suite  suite.ID
	Sealed []byte // {X}_{K^s}
	MAC    []byte // [X]_{K^m}, 32 bytes
}

// RenewalKey is the as-published 4.4:
// A → S : {{K_AS1}_{E_S}}_{K_AS^s}, [{K_AS1}_{E_S}]_AS.
type RenewalKey struct{ Unsequenced }

// RenewalChallenge is the as-published 4.5:
// A ← S : {{R_S1}_{E_A}}_{K_AS^s}, [{R_S1}_{E_A}]_AS.
type RenewalChallenge struct{ Unsequenced }

// PeerKey is the as-published b1 (A ← S : {KU_B, ID_B}_{K_AS^s},
// [KU_B, ID_B]_AS) and b2 (the same to B with A's key); its plaintext is a
// PeerKeyInfo.
type PeerKey struct{ Unsequenced }

// Marshal encodes 4.4: header || opaque16 sealed || opaque16 mac.
func (m *RenewalKey) Marshal() ([]byte, error) { return m.marshal(TypeRenewalKey) }

// Marshal encodes 4.5 (layout as 4.4).
func (m *RenewalChallenge) Marshal() ([]byte, error) { return m.marshal(TypeRenewalChallenge) }

// Marshal encodes b1/b2 (layout as 4.4).
func (m *PeerKey) Marshal() ([]byte, error) { return m.marshal(TypePeerKey) }

// UnmarshalRenewalKey decodes 4.4 strictly.
func UnmarshalRenewalKey(b []byte) (*RenewalKey, error) {
	u, err := unmarshalUnsequenced(b, TypeRenewalKey)
	if err != nil {
		return nil, err
	}
	return &RenewalKey{u}, nil
}

// UnmarshalRenewalChallenge decodes 4.5 strictly.
func UnmarshalRenewalChallenge(b []byte) (*RenewalChallenge, error) {
	u, err := unmarshalUnsequenced(b, TypeRenewalChallenge)
	if err != nil {
		return nil, err
	}
	return &RenewalChallenge{u}, nil
}

// UnmarshalPeerKey decodes b1/b2 strictly.
func UnmarshalPeerKey(b []byte) (*PeerKey, error) {
	u, err := unmarshalUnsequenced(b, TypePeerKey)
	if err != nil {
		return nil, err
	}
	return &PeerKey{u}, nil
}

func (m *Unsequenced) marshal(t uint8) ([]byte, error) {
	if !checkOpaque16(m.Sealed) || len(m.MAC) != digestSize {
		return nil, encodeError(labels[t], "field size")
	}
	b := newMessage(t, m.Suite)
	wire.AddBytes16(b, m.Sealed)
	wire.AddBytes16(b, m.MAC)
	return build(b, labels[t])
}

func unmarshalUnsequenced(b []byte, t uint8) (Unsequenced, error) {
	s, id, err := openMessage(b, t)
	if err != nil {
		return Unsequenced{}, err
	}
	u := Unsequenced{Suite: id}
	ok := readOpaque16(&s, &u.Sealed) && readFixed16(&s, digestSize, &u.MAC)
	if err := finish(s, ok, labels[t]); err != nil {
		return Unsequenced{}, err
	}
	return u, nil
}
