package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"golang.org/x/crypto/cryptobyte"
)

func TestHeaderRoundTrip(t *testing.T) {
	b := NewBuilder(Header{Type: 0x12, Version: Version, Suite: 2})
	AddBytes16(b, []byte("field"))
	AddString8(b, "alice")
	AddBytes32(b, []byte("body"))
	msg, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	s := cryptobyte.String(msg)
	h, err := ReadHeader(&s)
	if err != nil || h != (Header{0x12, Version, 2}) {
		t.Fatalf("header = %+v, %v", h, err)
	}
	var f, body []byte
	var id string
	if !ReadBytes16(&s, &f) || !ReadString8(&s, &id) || !ReadBytes32(&s, &body) {
		t.Fatal("fields did not parse")
	}
	if string(f) != "field" || id != "alice" || string(body) != "body" || Finish(s) != nil {
		t.Fatalf("got %q %q %q", f, id, body)
	}
	// No strict prefix parses fully.
	for i := 0; i < len(msg); i++ {
		s := cryptobyte.String(msg[:i])
		_, err := ReadHeader(&s)
		ok := err == nil && ReadBytes16(&s, &f) && ReadString8(&s, &id) && ReadBytes32(&s, &body)
		if ok {
			t.Fatalf("prefix of %d bytes parsed", i)
		}
	}
}

func TestReadFixedAndIdentity(t *testing.T) {
	b := cryptobyte.NewBuilder(nil)
	AddBytes16(b, make([]byte, 31))
	s := cryptobyte.String(b.BytesOrPanic())
	var out []byte
	if ReadFixed16(&s, 32, &out) {
		t.Fatal("ReadFixed16 accepted 31 bytes for 32")
	}
	for _, id := range []string{"", "a b", "tab\t", string([]byte{0x80})} {
		b := cryptobyte.NewBuilder(nil)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(id)) })
		s := cryptobyte.String(b.BytesOrPanic())
		var got string
		if ReadString8(&s, &got) || ValidIdentity(id) {
			t.Errorf("identity %q accepted", id)
		}
	}
}

func TestFrames(t *testing.T) {
	var buf bytes.Buffer
	env := Envelope{To: "S", From: "alice", Payload: []byte{1, 2, 3}}
	body, err := env.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFrame(&buf, body); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFrame(&buf)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := ParseEnvelope(got)
	if err != nil || e2.To != "S" || e2.From != "alice" || !bytes.Equal(e2.Payload, env.Payload) {
		t.Fatalf("envelope = %+v, %v", e2, err)
	}
	if _, err := ReadFrame(&buf); !errors.Is(err, io.EOF) {
		t.Fatalf("empty stream: %v, want EOF", err)
	}
	if _, err := ReadFrame(bytes.NewReader([]byte{0, 0, 0, 5, 1})); err == nil {
		t.Fatal("truncated frame accepted")
	}
	if _, err := ReadFrame(bytes.NewReader([]byte{0xff, 0, 0, 0})); err == nil {
		t.Fatal("oversized frame accepted")
	}
	if _, err := (Envelope{To: ""}).Marshal(); err == nil {
		t.Fatal("envelope without recipient marshalled")
	}
}

func FuzzParseEnvelope(f *testing.F) {
	body, _ := Envelope{To: "S", From: "alice", Payload: []byte("x")}.Marshal()
	f.Add(body)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEnvelope(b)
		if err != nil {
			return
		}
		again, err := e.Marshal()
		if err != nil {
			t.Fatalf("parsed envelope does not marshal: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("re-marshal differs:\n%x\n%x", again, b)
		}
	})
}

func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 7})
	f.Fuzz(func(t *testing.T, b []byte) {
		body, err := ReadFrame(bytes.NewReader(b))
		if err == nil && len(body)+4 > len(b) {
			t.Fatalf("frame body longer than input")
		}
	})
}
