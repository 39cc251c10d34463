package wire

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"
)

// TypeAlert is the message type of a server alert (wire.md §5). It lies
// outside both protocols' ranges, so no SIMP or IMKE role ever parses one.
const TypeAlert uint8 = 0x01

// AlertMessage is what the reference server sends to a connection whose
// frame it did not accept: the reason as a code and the type of the
// message it refused. It is advisory and unauthenticated (wire.md §5).
type AlertMessage struct {
	Suite uint16 // the server's suite
	Code  uint8  // role alert class (1–63) or a server code (64–127)
	About uint8  // type byte of the refused message; 0 when unknown
}

// AlertLen is the encoded size of an AlertMessage.
const AlertLen = HeaderLen + 2

// Marshal encodes a: header(0x01) || u8 code || u8 about.
func (a AlertMessage) Marshal() []byte {
	b := NewBuilder(Header{Type: TypeAlert, Version: Version, Suite: a.Suite})
	b.AddUint8(a.Code)
	b.AddUint8(a.About)
	return b.BytesOrPanic()
}

// ParseAlert decodes an alert message strictly: type 0x01, version 1, a
// non-zero code and nothing after the last field.
func ParseAlert(msg []byte) (AlertMessage, error) {
	s := cryptobyte.String(msg)
	h, err := ReadHeader(&s)
	if err != nil {
		return AlertMessage{}, err
	}
	if h.Type != TypeAlert {
		return AlertMessage{}, fmt.Errorf("wire: type 0x%02x is not an alert", h.Type)
	}
	if h.Version != Version {
		return AlertMessage{}, fmt.Errorf("wire: alert version %d, want %d", h.Version, Version)
	}
	a := AlertMessage{Suite: h.Suite}
	if !s.ReadUint8(&a.Code) || !s.ReadUint8(&a.About) {
		return AlertMessage{}, fmt.Errorf("%w: alert", ErrTruncated)
	}
	if err := Finish(s); err != nil {
		return AlertMessage{}, err
	}
	if a.Code == 0 || a.Code > 127 {
		return AlertMessage{}, fmt.Errorf("wire: alert code %d outside 1..127", a.Code)
	}
	return a, nil
}
