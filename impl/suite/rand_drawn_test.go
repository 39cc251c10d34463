package suite

import "testing"

func TestRandDrawnCountsEveryByte(t *testing.T) {
	r := NewRand([]byte("seed"), "label")
	if r.Drawn() != 0 {
		t.Fatalf("fresh Rand drew %d bytes", r.Drawn())
	}
	r.Read(make([]byte, 7))
	r.Fork("child")
	if got := r.Drawn(); got != 7+32 {
		t.Fatalf("Drawn() = %d, want 39", got)
	}
}
