package adversary

import (
	"encoding/binary"
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/suite"
)

// NewDissector returns the dissector of setup's protocol.
func NewDissector(setup harness.Setup) (Dissector, error) {
	if setup.Suite == nil {
		return nil, fmt.Errorf("adversary: setup has no suite")
	}
	kit := newKit(setup)
	switch setup.Protocol {
	case "simp":
		return newSIMPDissector(kit)
	case "imke":
		return newIMKEDissector(kit), nil
	}
	return nil, fmt.Errorf("adversary: no dissector for protocol %q", setup.Protocol)
}

// kit is what every dissector shares: the adversary's crypto context,
// the setup (the variant and the identities are public) and helpers that
// try every known key.
type kit struct {
	setup    harness.Setup
	ctx      *suite.Ctx
	hardened bool
	names    []string // server first, then users
}

func newKit(setup harness.Setup) kit {
	return kit{
		setup:    setup,
		ctx:      suite.NewCtx(setup.Suite, suite.NewRand(setup.Seed, "adversary dissector")),
		hardened: setup.Variant == "hardened",
		names:    append([]string{setup.Server}, setup.Users...),
	}
}

// pairs lists every ordered pair of distinct identities.
func (t kit) pairs() [][2]string {
	var out [][2]string
	for _, a := range t.names {
		for _, b := range t.names {
			if a != b {
				out = append(out, [2]string{a, b})
			}
		}
	}
	return out
}

// open tries every known 32-byte value as the key of sealed, under label,
// with each of the candidate associated data. It returns the plaintext
// and the key.
func (t kit) open(k *Knowledge, label string, sealed []byte, aads [][][]byte) (pt, key []byte, ok bool) {
	if len(sealed) < t.setup.Suite.SealOverhead() {
		return nil, nil, false
	}
	for _, key := range k.OfSize(suite.KeySize) {
		for _, aad := range aads {
			if pt, err := t.ctx.Open(key, label, sealed, aad...); err == nil {
				return pt, key, true
			}
		}
	}
	return nil, nil, false
}

// decrypt tries every known private key on a public-key ciphertext.
func (t kit) decrypt(k *Knowledge, label string, ct []byte) ([]byte, bool) {
	for _, p := range k.PrivateKeys() {
		if pt, err := t.ctx.Decrypt(p.Key, label, ct); err == nil {
			return pt, true
		}
	}
	return nil, false
}

// noAAD is the candidate list of a field sealed without associated data.
var noAAD = [][][]byte{nil}

func u16(v int) []byte    { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func fact(b []byte, tag, note string) Fact { return Fact{Bytes: b, Tag: tag, Note: note} }
