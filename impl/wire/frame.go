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
	body, err := ReadBody(r, int(n), nil)
	if err != nil {
		return nil, fmt.Errorf("wire: truncated frame body: %w", err)
	}
	return body, nil
}

// firstChunk is the size ReadBody's buffer starts at.
const firstChunk = 1 << 10

// ReadBody reads exactly n bytes from r into a buffer that grows (from
// 1 KiB, doubling) as bytes arrive, never by what a header announces: a
// peer that announces 1 MiB and sends nothing costs 1 KiB. grow, if not
// nil, is told each new capacity before the buffer takes it and may
// refuse; its error is returned.
func ReadBody(r io.Reader, n int, grow func(capacity int) error) ([]byte, error) {
	var body []byte
	for len(body) < n {
		if len(body) == cap(body) {
			c := min(n, max(2*cap(body), firstChunk))
			if grow != nil {
				if err := grow(c); err != nil {
					return nil, err
				}
			}
			body = append(make([]byte, 0, c), body...)
		}
		m, err := r.Read(body[len(body):cap(body)])
		body = body[:len(body)+m]
		if err != nil && len(body) == n {
			err = nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	if body == nil {
		body = []byte{}
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
