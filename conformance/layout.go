package conformance

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"github.com/imcheck/imcheck/impl/wire"
)

// The gate's own description of each message's fields after the header,
// written from the profiles' message tables (docs/spec/simp.md §Messages,
// docs/spec/imke.md §3) rather than taken from the reference code, so that
// a field can be located and tampered with in any implementation's bytes.

// FieldKind is how a field is encoded (docs/spec/wire.md §1).
type FieldKind int

const (
	U16 FieldKind = iota + 1
	U64
	ID8      // u8 length, 1–255 bytes
	Opaque16 // u16 length
	Opaque32 // u32 length
)

// LayoutField is one field of a message.
type LayoutField struct {
	Name string
	Kind FieldKind
}

// Layout is a message's fields after the header.
type Layout []LayoutField

// span is where one field's value lies in a message.
type span struct {
	lenAt      int // offset of the length prefix, -1 for fixed-size fields
	start, end int // the value
}

// spans parses msg strictly against l and returns each field's span.
func (l Layout) spans(msg []byte) ([]span, error) {
	if len(msg) < wire.HeaderLen {
		return nil, errTooShort
	}
	s := cryptobyte.String(msg[wire.HeaderLen:])
	off := func() int { return len(msg) - len(s) }
	out := make([]span, 0, len(l))
	for _, f := range l {
		at := off()
		var v cryptobyte.String
		var ok bool
		switch f.Kind {
		case U16, U64:
			n := 2
			if f.Kind == U64 {
				n = 8
			}
			if !s.Skip(n) {
				return nil, fmt.Errorf("conformance: layout: field %s", f.Name)
			}
			out = append(out, span{lenAt: -1, start: at, end: off()})
			continue
		case ID8:
			ok = s.ReadUint8LengthPrefixed(&v)
		case Opaque16:
			ok = s.ReadUint16LengthPrefixed(&v)
		case Opaque32:
			var n uint32
			ok = s.ReadUint32(&n) && s.ReadBytes((*[]byte)(&v), int(n))
		}
		if !ok {
			return nil, fmt.Errorf("conformance: layout: field %s", f.Name)
		}
		out = append(out, span{lenAt: at, start: off() - len(v), end: off()})
	}
	if !s.Empty() {
		return nil, errors.New("conformance: layout: trailing bytes")
	}
	return out, nil
}

func (l Layout) index(name string) int {
	for i, f := range l {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// TamperField flips the lowest bit of the last byte of field name's value
// (an identity gets another printable character), leaving every length
// intact: the message still parses, only that field's value is wrong.
func TamperField(l Layout, name string) *Mutation {
	return &Mutation{Name: "field " + name + " tampered", Apply: func(m []byte) ([]byte, error) {
		i := l.index(name)
		sp, err := l.spans(m)
		if err != nil || i < 0 {
			return nil, fmt.Errorf("conformance: tamper %s: %v", name, err)
		}
		if sp[i].end == sp[i].start {
			return nil, fmt.Errorf("conformance: tamper %s: the field is empty", name)
		}
		out := clone(m)
		last := &out[sp[i].end-1]
		*last ^= 1
		if l[i].Kind == ID8 && (*last < 0x21 || *last > 0x7e) {
			*last ^= 3
		}
		return out, nil
	}}
}

// GrowField adds one to field name's length prefix, so that the field
// claims a byte more than the message holds for it: a truncated field.
func GrowField(l Layout, name string) *Mutation {
	return &Mutation{Name: "field " + name + " length overrun", Apply: func(m []byte) ([]byte, error) {
		i := l.index(name)
		sp, err := l.spans(m)
		if err != nil || i < 0 {
			return nil, fmt.Errorf("conformance: grow %s: %v", name, err)
		}
		at := sp[i].lenAt
		if at < 0 {
			return nil, fmt.Errorf("conformance: grow %s: fixed-size field", name)
		}
		out := clone(m)
		// Increment the big-endian length prefix in place.
		for j := sp[i].start - 1; j >= at; j-- {
			out[j]++
			if out[j] != 0 {
				break
			}
		}
		return out, nil
	}}
}

// ShrinkField cuts field name's value to n bytes and fixes its length
// prefix: the message still parses, but the field is too short for what
// it holds (a seal shorter than its nonce and tag).
func ShrinkField(l Layout, name string, n int) *Mutation {
	return &Mutation{Name: fmt.Sprintf("field %s cut to %d bytes", name, n), Apply: func(m []byte) ([]byte, error) {
		i := l.index(name)
		sp, err := l.spans(m)
		if err != nil || i < 0 {
			return nil, fmt.Errorf("conformance: shrink %s: %v", name, err)
		}
		at := sp[i].lenAt
		if at < 0 || sp[i].end-sp[i].start <= n {
			return nil, fmt.Errorf("conformance: shrink %s: not a longer variable-length field", name)
		}
		out := append(clone(m[:sp[i].start+n]), m[sp[i].end:]...)
		width := sp[i].start - at
		for j := 0; j < width; j++ {
			out[at+j] = byte(n >> (8 * (width - 1 - j)))
		}
		return out, nil
	}}
}
