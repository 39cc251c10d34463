package imke

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
	"golang.org/x/crypto/cryptobyte"
)

// ItemKind says what a ClientData (4.2) or ServerData (4.3) plaintext
// carries (profile §3.5).
type ItemKind uint8

const (
	// ItemText: free text between a client and the server (both ways).
	ItemText ItemKind = 0x01
	// ItemPeerRequest: A asks S to communicate with Peer (4.2; starts
	// b1/b2).
	ItemPeerRequest ItemKind = 0x02
	// ItemRelay: A asks S to relay Body, an IMKE c1, c2, c3 or 4.7
	// message, to Peer (4.2).
	ItemRelay ItemKind = 0x03
	// ItemRelayed: S delivers Body, relayed from Peer (4.3).
	ItemRelayed ItemKind = 0x04
	// ItemLoginAccepted: S tells A her login succeeded (4.3, paper §4.1
	// step 4).
	ItemLoginAccepted ItemKind = 0x05
	// ItemPeerKey: the hardened b1/b2, Peer's public key Key inside a
	// sequenced 4.3.
	ItemPeerKey ItemKind = 0x06
	// ItemRenewal: the hardened 4.4 (in 4.2) or 4.5 (in 4.3).
	ItemRenewal ItemKind = 0x07
)

var itemNames = map[ItemKind]string{
	ItemText: "text", ItemPeerRequest: "peer-request", ItemRelay: "relay", ItemRelayed: "relayed",
	ItemLoginAccepted: "login-accepted", ItemPeerKey: "peer-key", ItemRenewal: "renewal",
}

func (k ItemKind) String() string {
	if s, ok := itemNames[k]; ok {
		return s
	}
	return fmt.Sprintf("item(0x%02x)", uint8(k))
}

// Renewal phases of the hardened ItemRenewal.
const (
	RenewalInitiate uint8 = 1 // the first message of a renewal, no confirmation
	RenewalRespond  uint8 = 2 // the answer, with the key confirmation tag
)

// clientItems and serverItems are the kinds allowed in 4.2 and 4.3.
var (
	clientItems = map[ItemKind]bool{ItemText: true, ItemPeerRequest: true, ItemRelay: true, ItemRenewal: true}
	serverItems = map[ItemKind]bool{ItemText: true, ItemRelayed: true, ItemLoginAccepted: true, ItemPeerKey: true, ItemRenewal: true}
)

// Item is the plaintext of a 4.2 or 4.3: ClientData_A or ServerData.
//
//	text           kind || opaque32 body
//	peer-request   kind || id8 peer
//	relay/relayed  kind || id8 peer || opaque32 body (an IMKE message)
//	login-accepted kind || id8 peer (ID_A)
//	peer-key       kind || id8 peer || opaque16 key
//	renewal        kind || u8 phase || opaque16 key ({K_AS1}_{E_S} or {R_S1}_{E_A}) || opaque16 confirm (empty | 32)
type Item struct {
	Kind    ItemKind
	Peer    string
	Body    []byte
	Key     []byte
	Phase   uint8
	Confirm []byte
}

// Marshal encodes the item.
func (it *Item) Marshal() ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	b.AddUint8(uint8(it.Kind))
	peer := func() error {
		if !wire.ValidIdentity(it.Peer) {
			return encodeError("item", "identity %q", it.Peer)
		}
		wire.AddString8(b, it.Peer)
		return nil
	}
	switch it.Kind {
	case ItemText:
		if !checkOpaque32(it.Body) {
			return nil, encodeError("item", "text size")
		}
		wire.AddBytes32(b, it.Body)
	case ItemPeerRequest, ItemLoginAccepted:
		if err := peer(); err != nil {
			return nil, err
		}
	case ItemRelay, ItemRelayed:
		if err := peer(); err != nil {
			return nil, err
		}
		if !checkOpaque32(it.Body) {
			return nil, encodeError("item", "relayed message size")
		}
		wire.AddBytes32(b, it.Body)
	case ItemPeerKey:
		if err := peer(); err != nil {
			return nil, err
		}
		if !checkOpaque16(it.Key) {
			return nil, encodeError("item", "key size")
		}
		wire.AddBytes16(b, it.Key)
	case ItemRenewal:
		if !validRenewal(it.Phase, it.Confirm) || !checkOpaque16(it.Key) {
			return nil, encodeError("item", "renewal fields")
		}
		b.AddUint8(it.Phase)
		wire.AddBytes16(b, it.Key)
		wire.AddBytes16(b, it.Confirm)
	default:
		return nil, encodeError("item", "kind %s", it.Kind)
	}
	return build(b, "item")
}

func validRenewal(phase uint8, confirm []byte) bool {
	return (phase == RenewalInitiate && len(confirm) == 0) || (phase == RenewalRespond && len(confirm) == digestSize)
}

// UnmarshalClientItem decodes the plaintext of a 4.2.
func UnmarshalClientItem(b []byte) (*Item, error) { return unmarshalItem(b, clientItems, "4.2") }

// UnmarshalServerItem decodes the plaintext of a 4.3.
func UnmarshalServerItem(b []byte) (*Item, error) { return unmarshalItem(b, serverItems, "4.3") }

func unmarshalItem(b []byte, allowed map[ItemKind]bool, label string) (*Item, error) {
	s := cryptobyte.String(b)
	var k uint8
	if !s.ReadUint8(&k) || !allowed[ItemKind(k)] {
		return nil, alert(role.DecodeError, label, "item kind not allowed here")
	}
	it := &Item{Kind: ItemKind(k)}
	var ok bool
	switch it.Kind {
	case ItemText:
		ok = readOpaque32(&s, &it.Body)
	case ItemPeerRequest, ItemLoginAccepted:
		ok = wire.ReadString8(&s, &it.Peer)
	case ItemRelay, ItemRelayed:
		ok = wire.ReadString8(&s, &it.Peer) && readOpaque32(&s, &it.Body)
	case ItemPeerKey:
		ok = wire.ReadString8(&s, &it.Peer) && readOpaque16(&s, &it.Key)
	case ItemRenewal:
		var c []byte
		ok = s.ReadUint8(&it.Phase) && readOpaque16(&s, &it.Key) && wire.ReadBytes16(&s, &c) && validRenewal(it.Phase, c)
		if len(c) > 0 {
			it.Confirm = c
		}
	}
	if err := finish(s, ok, label); err != nil {
		return nil, err
	}
	return it, nil
}

// PeerKeyInfo is the plaintext of the as-published b1/b2:
// opaque16 KU_B || id8 ID_B.
type PeerKeyInfo struct {
	Key []byte // KU_B
	ID  string // ID_B
}

// Marshal encodes the info.
func (p *PeerKeyInfo) Marshal() ([]byte, error) {
	if !checkOpaque16(p.Key) || !wire.ValidIdentity(p.ID) {
		return nil, encodeError("b1/b2", "field")
	}
	b := cryptobyte.NewBuilder(nil)
	wire.AddBytes16(b, p.Key)
	wire.AddString8(b, p.ID)
	return build(b, "b1/b2")
}

// UnmarshalPeerKeyInfo decodes the plaintext of b1/b2.
func UnmarshalPeerKeyInfo(b []byte) (*PeerKeyInfo, error) {
	s := cryptobyte.String(b)
	p := &PeerKeyInfo{}
	ok := readOpaque16(&s, &p.Key) && wire.ReadString8(&s, &p.ID)
	if err := finish(s, ok, "b1/b2"); err != nil {
		return nil, err
	}
	return p, nil
}

// BoundSecret is the hardened plaintext of c1's and c2's public-key
// ciphertexts: opaque16 secret (32 bytes) || id8 sender || id8 receiver.
// The as-published plaintext is the 32-byte secret alone.
type BoundSecret struct {
	Secret   []byte
	Sender   string
	Receiver string
}

// Marshal encodes the bound secret.
func (p *BoundSecret) Marshal() ([]byte, error) {
	if len(p.Secret) != secretSize || !wire.ValidIdentity(p.Sender) || !wire.ValidIdentity(p.Receiver) {
		return nil, encodeError("c1/c2", "bound secret")
	}
	b := cryptobyte.NewBuilder(nil)
	wire.AddBytes16(b, p.Secret)
	wire.AddString8(b, p.Sender)
	wire.AddString8(b, p.Receiver)
	return build(b, "c1/c2")
}

// UnmarshalBoundSecret decodes a hardened c1/c2 plaintext.
func UnmarshalBoundSecret(b []byte) (*BoundSecret, error) {
	s := cryptobyte.String(b)
	p := &BoundSecret{}
	ok := readFixed16(&s, secretSize, &p.Secret) && wire.ReadString8(&s, &p.Sender) && wire.ReadString8(&s, &p.Receiver)
	if err := finish(s, ok, "c1/c2"); err != nil {
		return nil, err
	}
	return p, nil
}
