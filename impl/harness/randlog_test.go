package harness

import (
	"testing"

	"github.com/imcheck/imcheck/impl/suite"
)

func TestRandLogCountsPerParty(t *testing.T) {
	s := DefaultSetup("simp", nil, "hardened")
	s.RandLog = &RandLog{}
	a1, b := s.PartyRand("alice"), s.PartyRand("bob")
	a2 := s.PartyRand("alice")
	a1.Read(make([]byte, 5))
	a2.Read(make([]byte, 3))
	b.Read(make([]byte, 11))
	if got := s.RandLog.Drawn("alice"); got != 8 {
		t.Errorf("alice drew %d, want 8", got)
	}
	if got := s.RandLog.Drawn("bob"); got != 11 {
		t.Errorf("bob drew %d, want 11", got)
	}
	if got := s.RandLog.Drawn("S"); got != 0 {
		t.Errorf("S drew %d, want 0", got)
	}
	var _ *suite.Rand = a1
}
