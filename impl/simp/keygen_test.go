package simp

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"
)

func TestMidPositions(t *testing.T) {
	for _, c := range []struct{ m, p1, p2, p3 int }{
		{6, 3, 4, 5}, {8, 4, 6, 7}, {9, 5, 7, 8}, {32, 16, 24, 28}, {1000, 500, 750, 875}, {4096, 2048, 3072, 3584},
	} {
		p1, p2, p3 := MidPositions(c.m)
		if p1 != c.p1 || p2 != c.p2 || p3 != c.p3 {
			t.Errorf("MidPositions(%d) = %d,%d,%d, want %d,%d,%d", c.m, p1, p2, p3, c.p1, c.p2, c.p3)
		}
	}
	for m := MinM; m <= MaxM; m++ {
		if p1, p2, p3 := MidPositions(m); !(1 <= p1 && p1 < p2 && p2 < p3 && p3 <= m) {
			t.Fatalf("m=%d: mid points %d,%d,%d not distinct inside 1..m", m, p1, p2, p3)
		}
	}
	if p1, p2, p3 := MidPositions(5); p1 < p2 && p2 < p3 {
		t.Fatal("m=5 should not have distinct mid points (why MinM > 5)")
	}
}

func TestKeyGenLimits(t *testing.T) {
	k, dk := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	for _, c := range []struct {
		name string
		p    KeyParams
		want string // "" = ok
	}{
		{"min", KeyParams{k, dk, MinM, MinRounds}, ""},
		{"max", KeyParams{k, dk, MaxM, MaxRounds}, ""},
		{"m too small", KeyParams{k, dk, MinM - 1, 1}, "m = 7 outside"},
		{"m zero", KeyParams{k, dk, 0, 1}, "m = 0 outside"},
		{"m negative", KeyParams{k, dk, -5, 1}, "m = -5 outside"},
		{"m too large", KeyParams{k, dk, MaxM + 1, 1}, "m = 4097 outside"},
		{"rounds zero", KeyParams{k, dk, 8, 0}, "rounds = 0 outside"},
		{"rounds too many", KeyParams{k, dk, 8, MaxRounds + 1}, "rounds = 17 outside"},
		{"short K", KeyParams{k[:31], dk, 8, 1}, "32-byte K and DK"},
		{"nil DK", KeyParams{k, nil, 8, 1}, "32-byte K and DK"},
	} {
		t.Run(c.name, func(t *testing.T) {
			keys, err := GenerateSessionKeys(c.p)
			if c.want == "" {
				if err != nil || len(keys) != c.p.M {
					t.Fatalf("got %d keys, %v", len(keys), err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "simp: ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// refEncode is suite.Encode written out independently.
func refEncode(label string, parts ...[]byte) []byte {
	out := []byte{byte(len(label))}
	out = append(out, label...)
	for _, p := range parts {
		out = binary.BigEndian.AppendUint32(out, uint32(len(p)))
		out = append(out, p...)
	}
	return out
}

func refH(label string, parts ...[]byte) []byte {
	d := sha256.Sum256(refEncode(label, parts...))
	return d[:]
}

// refKeys is the profile's pseudocode written as plainly as possible, with
// positions computed from the prose (mid of 1 and rm = m, then mid of the
// previous mid and rm).
func refKeys(k, dk []byte, m, n int) [][]byte {
	K := make([][]byte, m+1)
	K[0] = k
	for i := 1; i <= m; i++ {
		K[i] = refH("simp keygen preference", K[i-1], dk)
	}
	prev := K // 1-based
	mid := func(a, b int) int { return (a + b) / 2 }
	for x := 1; x <= n; x++ {
		p1 := mid(1, m)
		p2 := mid(p1, m)
		p3 := mid(p2, m)
		ik := make([][]byte, m+1)
		ik[0] = nil
		for j := 1; j <= m; j++ {
			ik[j] = refH("simp keygen intermediate", prev[p1], prev[p2], prev[p3], ik[j-1])
		}
		prev = ik
	}
	return prev[1:]
}

func TestKeyGenMatchesReference(t *testing.T) {
	for _, c := range []struct{ m, n int }{{8, 1}, {8, 3}, {9, 2}, {33, 5}, {1000, 3}} {
		k := bytes.Repeat([]byte{0xAB}, 32)
		dk := bytes.Repeat([]byte{0xCD}, 32)
		got, err := GenerateSessionKeys(KeyParams{K: k, DK: dk, M: c.m, Rounds: c.n})
		if err != nil {
			t.Fatal(err)
		}
		want := refKeys(k, dk, c.m, c.n)
		for j := range want {
			if !bytes.Equal(got[j], want[j]) {
				t.Fatalf("m=%d n=%d: SK_%d differs from the reference", c.m, c.n, j+1)
			}
		}
		if !bytes.Equal(k, bytes.Repeat([]byte{0xAB}, 32)) {
			t.Fatal("generation altered the caller's K")
		}
		seen := map[string]bool{}
		for _, key := range got {
			if seen[string(key)] {
				t.Fatalf("m=%d n=%d: a session key repeats", c.m, c.n)
			}
			seen[string(key)] = true
		}
	}
}

func TestKeyGenSensitivity(t *testing.T) {
	k, dk := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	base, _ := GenerateSessionKeys(KeyParams{k, dk, 16, 3})
	for name, p := range map[string]KeyParams{
		"other K":      {bytes.Repeat([]byte{3}, 32), dk, 16, 3},
		"other DK":     {k, bytes.Repeat([]byte{3}, 32), 16, 3},
		"other rounds": {k, dk, 16, 4},
		"other m":      {k, dk, 17, 3},
	} {
		other, err := GenerateSessionKeys(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(base[0], other[0]) {
			t.Errorf("%s: SK_1 unchanged", name)
		}
	}
}
