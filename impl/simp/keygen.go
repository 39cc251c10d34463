package simp

import (
	"crypto/sha256"
	"fmt"

	"github.com/imcheck/imcheck/impl/suite"
)

// Limits of the key-distribution parameters (docs/spec/simp.md §"Key
// generation"). m is carried on the wire as a u16 and every index j as a u16.
const (
	// MinM is the smallest number of session keys in a set. The paper's three
	// mid points are distinct only from m = 6 on; 8 leaves at least four keys
	// per direction in the hardened variant.
	MinM = 8
	// MaxM bounds generation at MaxM*(MaxRounds+1) hashes (about 70 000,
	// a few milliseconds) and 128 KiB of keys per set.
	MaxM = 4096
	// MinRounds and MaxRounds bound n, the number of intermediate-key rounds.
	MinRounds = 1
	MaxRounds = 16
	// DefaultM and DefaultRounds are used when a configuration leaves them 0.
	DefaultM      = 32
	DefaultRounds = 3
)

// Key generation labels (profile §"Labels").
const (
	labelPreferenceKey   = "simp keygen preference"
	labelIntermediateKey = "simp keygen intermediate"
)

// KeyParams are the key-distribution parameters {K, DK, m} of a pair of
// parties plus the deployment's round count n.
type KeyParams struct {
	K      []byte // K_AS or K_AB, the long-term key (K_0)
	DK     []byte // DK_AS or DK_AB, the distributed key
	M      int    // m, the number of session keys
	Rounds int    // n, the number of intermediate-key rounds
}

// CheckM reports whether m is an allowed number of session keys.
func CheckM(m int) error {
	if m < MinM || m > MaxM {
		return fmt.Errorf("simp: m = %d outside the allowed range [%d, %d]", m, MinM, MaxM)
	}
	return nil
}

// CheckRounds reports whether n is an allowed number of rounds.
func CheckRounds(n int) error {
	if n < MinRounds || n > MaxRounds {
		return fmt.Errorf("simp: rounds = %d outside the allowed range [%d, %d]", n, MinRounds, MaxRounds)
	}
	return nil
}

// MidPositions returns the 1-based positions of the three mid points of a
// set of m keys: p1 = mid(1, rm), p2 = mid(p1, rm), p3 = mid(p2, rm) with
// mid(a, b) = ⌊(a+b)/2⌋ and rm = m (profile §"Key generation", ambiguity
// A3).
func MidPositions(m int) (p1, p2, p3 int) {
	p1 = (1 + m) / 2
	p2 = (p1 + m) / 2
	p3 = (p2 + m) / 2
	return
}

// KeyGenHashes is the number of hash evaluations GenerateSessionKeys
// performs for m keys and n rounds.
func KeyGenHashes(m, rounds int) int { return m * (rounds + 1) }

// GenerateSessionKeys runs Kungpisdan's offline key generation (paper §4):
//
//	K_0 = K;  K_i = H(pref, K_{i-1}, DK)                      i = 1..m
//	IK^0 = (K_1..K_m)
//	for x = 1..n:
//	    (a, b, c) = IK^{x-1} at MidPositions(m)
//	    IK^x_0 = ""               (φ, the empty string)
//	    IK^x_j = H(inter, a, b, c, IK^x_{j-1})                j = 1..m
//	SK_j = IK^n_j
//
// H is SHA-256 over suite.Encode. The preference and intermediate keys are
// zeroed before it returns; the caller owns p.K and p.DK. It returns an
// error, never panics, for a bad m, round count or key length.
func GenerateSessionKeys(p KeyParams) ([][]byte, error) {
	if err := CheckM(p.M); err != nil {
		return nil, err
	}
	if err := CheckRounds(p.Rounds); err != nil {
		return nil, err
	}
	if len(p.K) != suite.KeySize || len(p.DK) != suite.KeySize {
		return nil, fmt.Errorf("simp: key generation needs %d-byte K and DK, got %d and %d", suite.KeySize, len(p.K), len(p.DK))
	}
	m := p.M
	prev := make([][]byte, m)
	last := p.K
	for i := range m {
		prev[i] = h(labelPreferenceKey, last, p.DK)
		last = prev[i]
	}
	p1, p2, p3 := MidPositions(m)
	for range p.Rounds {
		a, b, c := prev[p1-1], prev[p2-1], prev[p3-1]
		next := make([][]byte, m)
		var before []byte // IK^x_0 = φ
		for j := range m {
			next[j] = h(labelIntermediateKey, a, b, c, before)
			before = next[j]
		}
		zeroKeys(prev)
		prev = next
	}
	return prev, nil
}

func h(label string, parts ...[]byte) []byte {
	d := sha256.Sum256(suite.Encode(label, parts...))
	return d[:]
}

// zeroKeys overwrites every key in ks.
func zeroKeys(ks [][]byte) {
	for _, k := range ks {
		clear(k)
	}
}
