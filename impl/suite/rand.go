package suite

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"io"

	"golang.org/x/crypto/chacha20"
)

// Rand is a deterministic random source: the ChaCha20 keystream under a key
// derived from a seed and a label. Two Rands with the same seed and label
// produce the same bytes. It is not safe for concurrent use.
type Rand struct {
	c     *chacha20.Cipher
	drawn uint64
}

// NewRand returns the stream for seed and label. The key is
// HKDF-SHA256(ikm=seed, salt="", info="imcheck rand v1 "+label).
func NewRand(seed []byte, label string) *Rand {
	key, err := hkdf.Key(sha256.New, seed, nil, "imcheck rand v1 "+label, chacha20.KeySize)
	if err != nil {
		panic("suite: hkdf: " + err.Error()) // unreachable: fixed, valid length
	}
	c, err := chacha20.NewUnauthenticatedCipher(key, make([]byte, chacha20.NonceSize))
	if err != nil {
		panic("suite: chacha20: " + err.Error()) // unreachable: fixed sizes
	}
	return &Rand{c: c}
}

// SeedBytes turns a numeric seed, as given on the command line, into seed
// bytes.
func SeedBytes(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// Read fills p with keystream. It never fails.
func (r *Rand) Read(p []byte) (int, error) {
	clear(p)
	r.c.XORKeyStream(p, p)
	r.drawn += uint64(len(p))
	return len(p), nil
}

// Drawn reports how many bytes r has produced so far (the vector generator
// lists each party's random input).
func (r *Rand) Drawn() uint64 { return r.drawn }

// Fork draws a fresh 32-byte seed from r and returns an independent stream
// for label. Give each role its own fork so that one role's draws never
// shift another's.
func (r *Rand) Fork(label string) *Rand {
	seed := make([]byte, 32)
	r.Read(seed)
	return NewRand(seed, label)
}

// Bytes returns n fresh bytes from rnd.
func Bytes(rnd io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(rnd, b); err != nil {
		return nil, err
	}
	return b, nil
}
