package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
)

// MaxFrame is the largest frame body a reader accepts (1 MiB).
const MaxFrame = 1 << 20

// WriteFrame writes body as one frame: a u32 big-endian length, then body.
func WriteFrame(w io.Writer, body []byte) error {
	if len(body) > MaxFrame {
		return fmt.Errorf("wire: frame of %d bytes exceeds %d", len(body), MaxFrame)
	}
	buf := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	_, err := w.Write(buf)
	return err
}

// ReadFrame reads one frame written by WriteFrame. It returns io.EOF only
// when the stream ends cleanly between frames.
func ReadFrame(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("wire: truncated frame header: %w", err)
		}
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > MaxFrame {
		return nil, fmt.Errorf("wire: frame of %d bytes exceeds %d", n, MaxFrame)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("wire: truncated frame body: %w", err)
	}
	return body, nil
}

// Envelope routes a protocol message over a client's TCP connection to the
// server. To names the recipient: the server's name for client–server
// messages, a user's identity for messages the server relays. From is
// filled in by the server when it relays; a client sends it empty.
type Envelope struct {
	To      string
	From    string
	Payload []byte
}

// Marshal encodes e: u8-prefixed To, u8-prefixed From (may be empty), then
// the payload to the end of the frame.
func (e Envelope) Marshal() ([]byte, error) {
	if !ValidIdentity(e.To) {
		return nil, fmt.Errorf("wire: envelope recipient %q is not a valid identity", e.To)
	}
	if e.From != "" && !ValidIdentity(e.From) {
		return nil, fmt.Errorf("wire: envelope sender %q is not a valid identity", e.From)
	}
	b := cryptobyte.NewBuilder(nil)
	AddString8(b, e.To)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(e.From)) })
	b.AddBytes(e.Payload)
	return b.Bytes()
}

// ParseEnvelope decodes a frame body into an Envelope.
func ParseEnvelope(body []byte) (Envelope, error) {
	s := cryptobyte.String(body)
	var e Envelope
	var from cryptobyte.String
	if !ReadString8(&s, &e.To) || !s.ReadUint8LengthPrefixed(&from) {
		return Envelope{}, fmt.Errorf("%w: envelope", ErrTruncated)
	}
	e.From = string(from)
	if e.From != "" && !ValidIdentity(e.From) {
		return Envelope{}, fmt.Errorf("wire: envelope sender is not a valid identity")
	}
	e.Payload = append([]byte(nil), s...)
	return e, nil
}
