package wire

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
)

// Version is the profile version carried in every message.
const Version uint8 = 1

// Message type ranges: SIMP uses 0x10–0x1F and IMKE 0x20–0x3F, so that a
// message of one protocol never parses as the other's.
const (
	SIMPTypeMin uint8 = 0x10
	SIMPTypeMax uint8 = 0x1F
	IMKETypeMin uint8 = 0x20
	IMKETypeMax uint8 = 0x3F
)

// HeaderLen is the encoded size of a Header.
const HeaderLen = 4

// Header opens every message: type (u8), profile version (u8), suite id
// (u16, big-endian).
type Header struct {
	Type    uint8
	Version uint8
	Suite   uint16
}

// Errors returned by the readers; callers map them to a decode_error alert.
var (
	ErrTruncated = errors.New("wire: truncated or malformed field")
	ErrTrailing  = errors.New("wire: trailing bytes after message")
	ErrLength    = errors.New("wire: field has the wrong length")
)

// NewBuilder starts a message with header h.
func NewBuilder(h Header) *cryptobyte.Builder {
	b := cryptobyte.NewBuilder(make([]byte, 0, 256))
	b.AddUint8(h.Type)
	b.AddUint8(h.Version)
	b.AddUint16(h.Suite)
	return b
}

// ReadHeader reads the header at the start of s.
func ReadHeader(s *cryptobyte.String) (Header, error) {
	var h Header
	if !s.ReadUint8(&h.Type) || !s.ReadUint8(&h.Version) || !s.ReadUint16(&h.Suite) {
		return Header{}, fmt.Errorf("%w: header", ErrTruncated)
	}
	return h, nil
}

// PeekHeader reads the header of msg without consuming anything.
func PeekHeader(msg []byte) (Header, error) {
	s := cryptobyte.String(msg)
	return ReadHeader(&s)
}

// AddBytes16 appends v with a u16 length prefix. Values over 65535 bytes
// are a programming error and make b.Bytes fail.
func AddBytes16(b *cryptobyte.Builder, v []byte) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
}

// AddBytes32 appends v with a u32 length prefix.
func AddBytes32(b *cryptobyte.Builder, v []byte) {
	b.AddUint32LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
}

// AddString8 appends an identity or label with a u8 length prefix.
func AddString8(b *cryptobyte.Builder, v string) {
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(v)) })
}

// ReadBytes16 reads a u16-length-prefixed field into a fresh copy.
func ReadBytes16(s *cryptobyte.String, out *[]byte) bool {
	var v cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&v) {
		return false
	}
	*out = append([]byte(nil), v...)
	return true
}

// ReadBytes32 reads a u32-length-prefixed field into a fresh copy.
func ReadBytes32(s *cryptobyte.String, out *[]byte) bool {
	var n uint32
	var v []byte
	if !s.ReadUint32(&n) || !s.ReadBytes(&v, int(n)) {
		return false
	}
	*out = append([]byte(nil), v...)
	return true
}

// ReadFixed16 reads a u16-length-prefixed field that must be exactly n
// bytes long.
func ReadFixed16(s *cryptobyte.String, n int, out *[]byte) bool {
	var v []byte
	if !ReadBytes16(s, &v) || len(v) != n {
		return false
	}
	*out = v
	return true
}

// ReadString8 reads a u8-length-prefixed identity or label. Empty strings
// and bytes outside printable ASCII are rejected, so identities compare
// byte for byte.
func ReadString8(s *cryptobyte.String, out *string) bool {
	var v cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&v) || len(v) == 0 {
		return false
	}
	for _, c := range v {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	*out = string(v)
	return true
}

// ValidIdentity reports whether id can be carried by AddString8: 1 to 255
// bytes of printable ASCII without spaces.
func ValidIdentity(id string) bool {
	if len(id) == 0 || len(id) > 255 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// Finish checks that s is fully consumed.
func Finish(s cryptobyte.String) error {
	if !s.Empty() {
		return ErrTrailing
	}
	return nil
}
