package conformance

import (
	"bytes"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// simpMsg builds a SIMP message of type typ (modern suite) with index j
// and a sealed field starting with nonce.
func simpMsg(typ uint8, j uint16, nonce byte) []byte {
	b := wire.NewBuilder(wire.Header{Type: typ, Version: wire.Version, Suite: 2})
	b.AddUint16(j)
	wire.AddBytes16(b, append(bytes.Repeat([]byte{nonce}, 12), 1, 2, 3))
	return b.BytesOrPanic()
}

// TestInvariantsTable: each invariant fails a transcript that breaks it,
// naming the messages, and passes one that keeps it.
func TestInvariantsTable(t *testing.T) {
	l1 := func(j uint16, nonce byte) []byte {
		b := wire.NewBuilder(wire.Header{Type: 0x12, Version: wire.Version, Suite: 2})
		wire.AddString8(b, "alice")
		b.AddUint16(j)
		wire.AddBytes16(b, append(bytes.Repeat([]byte{nonce}, 12), 9))
		return b.BytesOrPanic()
	}
	msg := func(from, to, label string, b []byte) role.Message {
		return role.Message{From: from, To: to, Label: label, Bytes: b}
	}
	tests := []struct {
		name, variant, iut string
		msgs               []role.Message
		fromIUT            []bool
		want               string // "" passes
	}{
		{"L1 and L2 under one key, two nonces", "as-published", "S",
			[]role.Message{msg("alice", "S", "L1", l1(1, 7)), msg("S", "alice", "L2", simpMsg(0x13, 1, 8))}, []bool{false, true}, ""},
		{"L2 reuses L1's nonce under SK_AS1", "as-published", "S",
			[]role.Message{msg("alice", "S", "L1", l1(1, 7)), msg("S", "alice", "L2", simpMsg(0x13, 1, 7))}, []bool{false, true},
			"#1 L1 alice→S and #2 L2 S→alice seal under one key"},
		{"hardened L2 on an odd index", "hardened", "S",
			[]role.Message{msg("alice", "S", "L1", l1(1, 7)), msg("S", "alice", "L2", simpMsg(0x13, 3, 8))}, []bool{false, true},
			"other direction's parity"},
		{"hardened index not increasing", "hardened", "alice",
			[]role.Message{msg("alice", "bob", "E6", simpSecure6(3)), msg("alice", "bob", "E6", simpSecure6(1))}, []bool{true, true},
			"index j 1 in #2 E6 alice→bob does not follow 3 in #1 E6 alice→bob"},
		{"index beyond m", "as-published", "alice",
			[]role.Message{msg("alice", "bob", "E6", simpSecure6(33))}, []bool{true}, "outside 1..32"},
		{"other suite", "hardened", "alice",
			[]role.Message{msg("alice", "bob", "E6", append([]byte{0x19, 1, 0, 3}, simpSecure6(1)[4:]...))}, []bool{true}, "not the session's"},
		{"malformed", "hardened", "alice",
			[]role.Message{msg("alice", "bob", "E6", simpSecure6(1)[:20])}, []bool{true}, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := transcript{iut: tt.iut, protocol: "simp", variant: tt.variant, suite: 2}
			for i, m := range tt.msgs {
				tr.add(m, tt.fromIUT[i])
			}
			err := tr.check()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func simpSecure6(j uint16) []byte {
	b := wire.NewBuilder(wire.Header{Type: 0x19, Version: wire.Version, Suite: 2})
	b.AddUint16(j)
	wire.AddBytes16(b, append(bytes.Repeat([]byte{byte(j)}, 12), 5))
	wire.AddBytes16(b, bytes.Repeat([]byte{1}, 32))
	return b.BytesOrPanic()
}

// TestInvariantsCatchKeyReuse: the mutant that reuses its key index is
// named by the index invariant when it sends its next E6.
func TestInvariantsCatchKeyReuse(t *testing.T) {
	m, _ := MutantByName("simp-key-index-reused")
	o := Options{Run: []string{"SIMP/E6/keys-exhausted[modern,hardened]"}, Timeout: time.Minute}
	rep, err := Run(m.Factory(), o)
	require.NoError(t, err)
	require.Equal(t, Fail, rep.Results[0].Verdict)
	require.Contains(t, rep.Results[0].Detail, "invariant: ")
}

var _ = harness.Login
