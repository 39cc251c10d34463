package wire

import (
	"bytes"
	"io"
	"testing"
)

func TestAlertRoundTrip(t *testing.T) {
	a := AlertMessage{Suite: 2, Code: 8, About: 0x20}
	b := a.Marshal()
	if !bytes.Equal(b, []byte{TypeAlert, Version, 0, 2, 8, 0x20}) || len(b) != AlertLen {
		t.Fatalf("encoding %x", b)
	}
	got, err := ParseAlert(b)
	if err != nil || got != a {
		t.Fatalf("ParseAlert = %+v, %v", got, err)
	}
	for _, bad := range [][]byte{
		b[:5], append(append([]byte(nil), b...), 0), // short, trailing
		{0x10, 1, 0, 2, 8, 0},        // not the alert type
		{TypeAlert, 2, 0, 2, 8, 0},   // version
		{TypeAlert, 1, 0, 2, 0, 0},   // code 0
		{TypeAlert, 1, 0, 2, 128, 0}, // code out of range
	} {
		if _, err := ParseAlert(bad); err == nil {
			t.Errorf("%x parsed", bad)
		}
	}
}

func FuzzParseAlert(f *testing.F) {
	f.Add(AlertMessage{Suite: 1, Code: 64, About: 0x12}.Marshal())
	f.Add([]byte{TypeAlert, 1, 0, 3, 12})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseAlert(b)
		if err != nil {
			return
		}
		if !bytes.Equal(a.Marshal(), b) {
			t.Fatalf("%x parsed but re-encodes as %x", b, a.Marshal())
		}
	})
}

// dribble yields its bytes a few at a time.
type dribble struct{ b []byte }

func (d *dribble) Read(p []byte) (int, error) {
	if len(d.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), 3, len(d.b))
	copy(p, d.b[:n])
	d.b = d.b[n:]
	return n, nil
}

// TestReadBodyGrowsAsBytesArrive: a body grows by what has arrived, not
// by what was announced, and the grow hook can refuse.
func TestReadBodyGrowsAsBytesArrive(t *testing.T) {
	var caps []int
	_, err := ReadBody(&dribble{make([]byte, 10)}, MaxFrame, func(c int) error { caps = append(caps, c); return nil })
	if err != io.ErrUnexpectedEOF {
		t.Fatalf("err = %v, want unexpected EOF", err)
	}
	if len(caps) != 1 || caps[0] != 1024 {
		t.Fatalf("capacities %v for 10 bytes of an announced 1 MiB, want [1024]", caps)
	}
	want := bytes.Repeat([]byte("x"), 5000)
	caps = nil
	got, err := ReadBody(&dribble{append([]byte(nil), want...)}, len(want), func(c int) error { caps = append(caps, c); return nil })
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("ReadBody: %v", err)
	}
	if len(caps) != 4 || caps[3] != 5000 {
		t.Fatalf("capacities %v, want doubling from 1 KiB to 5000", caps)
	}
	refuse := io.ErrShortBuffer
	if _, err := ReadBody(&dribble{want}, len(want), func(c int) error {
		if c > 2048 {
			return refuse
		}
		return nil
	}); err != refuse {
		t.Fatalf("refused growth: %v", err)
	}
	if b, err := ReadBody(&dribble{}, 0, nil); err != nil || b == nil || len(b) != 0 {
		t.Fatalf("empty body: %v %v", b, err)
	}
}
