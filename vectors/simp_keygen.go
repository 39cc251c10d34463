package vectors

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// SIMP key generation vectors (docs/spec/simp.md §"Key generation", paper
// §4): for each (m, rounds) the session keys SK_1..SK_m from K and DK.

type simpKeyGenGroup struct {
	Type   string `json:"type"` // "SimpKeyGen"
	M      int    `json:"m"`
	Rounds int    `json:"rounds"`
	// MidPositions are the 1-based positions p1, p2, p3 of the mid points
	// (only when m is in range).
	MidPositions []int            `json:"midPositions,omitempty"`
	Tests        []simpKeyGenTest `json:"tests"`
}

type simpKeyGenTest struct {
	TcID    int      `json:"tcId"`
	Comment string   `json:"comment"`
	Flags   []string `json:"flags"`
	K       Hex      `json:"k"`
	DK      Hex      `json:"dk"`
	// SessionKeys lists SK_j for every j when m ≤ 32, else for the first
	// three, the mid points and their neighbours, and the last three.
	SessionKeys []indexedKey `json:"sessionKeys"`
	// SessionKeysSha256 is SHA-256(SK_1 || … || SK_m).
	SessionKeysSha256 Hex    `json:"sessionKeysSha256,omitempty"`
	Result            Result `json:"result"`
}

type indexedKey struct {
	J   int `json:"j"`
	Key Hex `json:"key"`
}

var simpKeyGenNotes = map[string]Note{
	"Normal":           {BugBasic, "Random K and DK, parameters inside the allowed ranges."},
	"MinM":             {BugEdgeCase, "m is the smallest allowed number of session keys."},
	"MaxM":             {BugEdgeCase, "m is the largest allowed number of session keys."},
	"MinRounds":        {BugEdgeCase, "The smallest allowed number of intermediate-key rounds."},
	"MaxRounds":        {BugEdgeCase, "The largest allowed number of intermediate-key rounds."},
	"ExtremeKeys":      {BugEdgeCase, "K and DK are all zero bytes or all 0xff bytes."},
	"MOutOfRange":      {BugInvalidParameter, "m is outside the allowed range: key generation must refuse."},
	"RoundsOutOfRange": {BugInvalidParameter, "The number of rounds is outside the allowed range: key generation must refuse."},
	"WrongKeyLength":   {BugInvalidParameter, "K or DK is not 32 bytes: key generation must refuse."},
}

// vectorSeed is the seed of every random input the generator itself draws
// (K and DK of the key schedule vectors, run seeds).
var vectorSeed = []byte("imcheck vectors v1")

func drawn(label string, n int) []byte {
	b := make([]byte, n)
	suite.NewRand(vectorSeed, label).Read(b)
	return b
}

func genSimpKeyGen() (*File, error) {
	var ms []int
	for _, m := range []int{simp.MinM, simp.MinM + 1, 10, 15, 16, 17, 31, 32, 33, 63, 64, 65,
		100, 127, 128, 255, 256, 1000, 1024, simp.MaxM - 1, simp.MaxM} {
		if m >= simp.MinM && m <= simp.MaxM && !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	type params struct{ m, rounds int }
	var valid []params
	for _, m := range ms {
		for _, r := range []int{simp.MinRounds, simp.DefaultRounds, simp.MaxRounds} {
			valid = append(valid, params{m, r})
		}
	}
	for r := simp.MinRounds; r <= simp.MaxRounds; r++ {
		for _, m := range []int{simp.MinM, simp.DefaultM} {
			if p := (params{m, r}); !slices.Contains(valid, p) {
				valid = append(valid, p)
			}
		}
	}
	slices.SortFunc(valid, func(a, b params) int {
		if a.m != b.m {
			return a.m - b.m
		}
		return a.rounds - b.rounds
	})

	var n numberer
	flags := map[string]bool{}
	var groups []simpKeyGenGroup
	for _, p := range valid {
		g := simpKeyGenGroup{Type: "SimpKeyGen", M: p.m, Rounds: p.rounds}
		p1, p2, p3 := independentMidPositions(p.m)
		g.MidPositions = []int{p1, p2, p3}
		var fl []string
		if p.m == simp.MinM {
			fl = append(fl, "MinM")
		}
		if p.m == simp.MaxM {
			fl = append(fl, "MaxM")
		}
		if p.rounds == simp.MinRounds {
			fl = append(fl, "MinRounds")
		}
		if p.rounds == simp.MaxRounds {
			fl = append(fl, "MaxRounds")
		}
		if len(fl) == 0 {
			fl = []string{"Normal"}
		}
		label := fmt.Sprintf("simp keygen m=%d rounds=%d", p.m, p.rounds)
		inputs := []struct {
			comment string
			k, dk   []byte
			flags   []string
		}{{"random K and DK", drawn(label+" K", 32), drawn(label+" DK", 32), fl}}
		if p.m == simp.DefaultM && p.rounds == simp.DefaultRounds {
			inputs = append(inputs,
				struct {
					comment string
					k, dk   []byte
					flags   []string
				}{"K and DK all zero", make([]byte, 32), make([]byte, 32), []string{"ExtremeKeys"}},
				struct {
					comment string
					k, dk   []byte
					flags   []string
				}{"K and DK all 0xff", bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0xff}, 32), []string{"ExtremeKeys"}})
		}
		for _, in := range inputs {
			t, err := simpKeyGenCase(n.id(), in.comment, in.flags, in.k, in.dk, p.m, p.rounds)
			if err != nil {
				return nil, err
			}
			g.Tests = append(g.Tests, t)
			for _, f := range in.flags {
				flags[f] = true
			}
		}
		groups = append(groups, g)
	}

	// Invalid parameters: key generation must refuse them.
	type bad struct {
		m, rounds int
		k, dk     int
		flag      string
		comment   string
	}
	var bads []bad
	for _, m := range []int{0, 1, 5, 6, simp.MinM - 1, simp.MaxM + 1, 65535} {
		if m < simp.MinM || m > simp.MaxM {
			bads = append(bads, bad{m, simp.DefaultRounds, 32, 32, "MOutOfRange", fmt.Sprintf("m = %d", m)})
		}
	}
	for _, r := range []int{0, simp.MinRounds - 1, simp.MaxRounds + 1, 255} {
		if r < simp.MinRounds || r > simp.MaxRounds {
			b := bad{simp.DefaultM, r, 32, 32, "RoundsOutOfRange", fmt.Sprintf("rounds = %d", r)}
			if !slices.Contains(bads, b) {
				bads = append(bads, b)
			}
		}
	}
	for _, l := range [][2]int{{0, 32}, {31, 32}, {33, 32}, {32, 0}, {32, 16}, {32, 64}} {
		bads = append(bads, bad{simp.DefaultM, simp.DefaultRounds, l[0], l[1], "WrongKeyLength", fmt.Sprintf("K of %d bytes, DK of %d bytes", l[0], l[1])})
	}
	for _, b := range bads {
		label := fmt.Sprintf("simp keygen invalid m=%d rounds=%d k=%d dk=%d", b.m, b.rounds, b.k, b.dk)
		t := simpKeyGenTest{TcID: n.id(), Comment: b.comment, Flags: []string{b.flag},
			K: drawn(label+" K", b.k), DK: drawn(label+" DK", b.dk), SessionKeys: []indexedKey{}, Result: Invalid}
		if err := crossCheckRefusal(t.K, t.DK, b.m, b.rounds); err != nil {
			return nil, err
		}
		flags[b.flag] = true
		// Invalid cases join the group of their parameters, or open one.
		i := slices.IndexFunc(groups, func(g simpKeyGenGroup) bool { return g.M == b.m && g.Rounds == b.rounds })
		if i < 0 {
			groups = append(groups, simpKeyGenGroup{Type: "SimpKeyGen", M: b.m, Rounds: b.rounds})
			i = len(groups) - 1
		}
		groups[i].Tests = append(groups[i].Tests, t)
	}
	notes, err := usedNotes(simpKeyGenNotes, flags)
	if err != nil {
		return nil, err
	}
	return &File{
		Algorithm:        "SIMP-KeyGen",
		Schema:           "simp_keygen_test_schema.json",
		GeneratorVersion: GeneratorVersion,
		NumberOfTests:    n.next,
		Header: []string{
			"SIMP limited-use session key generation (paper §4, docs/spec/simp.md \"Key generation\").",
			"Each test gives K (K_0) and DK; a valid test lists SK_j = IK^rounds_j and the SHA-256 of all m keys concatenated.",
			"Invalid tests carry parameters the key generation must refuse.",
		},
		Notes:      notes,
		TestGroups: groups,
	}, nil
}

// simpKeyGenCase computes the keys twice, with the reference
// implementation and with the independent one, and fails if they differ.
func simpKeyGenCase(id int, comment string, flags []string, k, dk []byte, m, rounds int) (simpKeyGenTest, error) {
	ref, err := simp.GenerateSessionKeys(simp.KeyParams{K: bytes.Clone(k), DK: bytes.Clone(dk), M: m, Rounds: rounds})
	if err != nil {
		return simpKeyGenTest{}, fmt.Errorf("vectors: simp keygen m=%d rounds=%d: reference refused: %w", m, rounds, err)
	}
	ind := independentSessionKeys(k, dk, m, rounds)
	if len(ref) != len(ind) {
		return simpKeyGenTest{}, fmt.Errorf("vectors: simp keygen m=%d rounds=%d: reference gave %d keys, profile %d", m, rounds, len(ref), len(ind))
	}
	for j := range ref {
		if !bytes.Equal(ref[j], ind[j]) {
			return simpKeyGenTest{}, fmt.Errorf("vectors: simp keygen m=%d rounds=%d: SK_%d differs between the reference and the profile", m, rounds, j+1)
		}
	}
	t := simpKeyGenTest{TcID: id, Comment: comment, Flags: flags, K: k, DK: dk, Result: Valid}
	for _, j := range listedIndices(m) {
		t.SessionKeys = append(t.SessionKeys, indexedKey{J: j, Key: ind[j-1]})
	}
	t.SessionKeysSha256 = digestKeys(ind)
	return t, nil
}

func crossCheckRefusal(k, dk []byte, m, rounds int) error {
	if _, err := simp.GenerateSessionKeys(simp.KeyParams{K: bytes.Clone(k), DK: bytes.Clone(dk), M: m, Rounds: rounds}); err == nil {
		return fmt.Errorf("vectors: simp keygen accepted m=%d rounds=%d |K|=%d |DK|=%d, which the profile forbids", m, rounds, len(k), len(dk))
	}
	return nil
}

func digestKeys(keys [][]byte) Hex {
	h := sha256.New()
	for _, k := range keys {
		h.Write(k)
	}
	return h.Sum(nil)
}

// listedIndices are the j whose SK_j a test lists.
func listedIndices(m int) []int {
	if m <= 32 {
		out := make([]int, m)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	p1, p2, p3 := independentMidPositions(m)
	set := []int{1, 2, 3, p1 - 1, p1, p1 + 1, p2, p3, m - 2, m - 1, m}
	slices.Sort(set)
	return slices.Compact(set)
}

// The profile's key generation, written again from the text of
// docs/spec/simp.md §"Key generation" and the paper's §4, without using
// impl/simp or impl/suite, so that the vectors do not merely echo the
// reference implementation.

func independentMidPositions(m int) (int, int, int) {
	mid := func(a, b int) int { return (a + b) / 2 }
	p1 := mid(1, m)
	p2 := mid(p1, m)
	return p1, p2, mid(p2, m)
}

// independentHash is SHA-256(u8 len(label) || label || (u32 len(p) || p)...).
func independentHash(label string, parts ...[]byte) []byte {
	h := sha256.New()
	h.Write([]byte{byte(len(label))})
	h.Write([]byte(label))
	for _, p := range parts {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(p)))
		h.Write(l[:])
		h.Write(p)
	}
	return h.Sum(nil)
}

func independentSessionKeys(k, dk []byte, m, rounds int) [][]byte {
	pref := make([][]byte, m)
	prev := k
	for i := range pref {
		pref[i] = independentHash("simp keygen preference", prev, dk)
		prev = pref[i]
	}
	p1, p2, p3 := independentMidPositions(m)
	ik := pref
	for range rounds {
		next := make([][]byte, m)
		before := []byte{}
		for j := range next {
			next[j] = independentHash("simp keygen intermediate", ik[p1-1], ik[p2-1], ik[p3-1], before)
			before = next[j]
		}
		ik = next
	}
	return ik
}
