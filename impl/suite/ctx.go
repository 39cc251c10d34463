package suite

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrOpen is returned when a symmetric ciphertext fails to decrypt or
// authenticate. It says nothing about why, on purpose.
var ErrOpen = errors.New("suite: symmetric decryption failed")

// ErrDecrypt is returned when a public-key ciphertext fails to decrypt.
var ErrDecrypt = errors.New("suite: public-key decryption failed")

// Ctx is one role's handle on a suite: its random source and its operation
// counter. A Ctx is not safe for concurrent use; each role owns one.
type Ctx struct {
	Suite *Suite
	Rand  io.Reader
	Ops   Ops
}

// NewCtx returns a context for s drawing randomness from rnd.
func NewCtx(s *Suite, rnd io.Reader) *Ctx {
	return &Ctx{Suite: s, Rand: rnd}
}

// Encode is the input encoding of every hash, keyed hash, MAC, signature,
// KDF and AEAD associated data: u8 len(label) || label, then for each part
// u32 len(part) || part. Lengths are big-endian. The label gives domain
// separation; the prefixes make the encoding injective.
func Encode(label string, parts ...[]byte) []byte {
	n := 1 + len(label)
	for _, p := range parts {
		n += 4 + len(p)
	}
	out := make([]byte, 0, n)
	out = append(out, byte(len(label)))
	out = append(out, label...)
	for _, p := range parts {
		out = binary.BigEndian.AppendUint32(out, uint32(len(p)))
		out = append(out, p...)
	}
	return out
}

// Random draws n bytes from the role's random source.
func (c *Ctx) Random(n int) ([]byte, error) {
	b, err := Bytes(c.Rand, n)
	if err != nil {
		return nil, fmt.Errorf("suite: random source: %w", err)
	}
	return b, nil
}

// NewPrivateKey draws a 32-byte seed from the role's random source and
// builds a key pair from it (the papers' per-login "dynamic" key pairs).
func (c *Ctx) NewPrivateKey() (PrivateKey, error) {
	seed, err := c.Random(KeySize)
	if err != nil {
		return nil, err
	}
	return c.Suite.NewPrivateKey(seed)
}

// Encrypt encrypts plaintext to pk; label binds the ciphertext to its use.
func (c *Ctx) Encrypt(pk PublicKey, label string, plaintext []byte) ([]byte, error) {
	c.Ops.PKEncrypt++
	return pk.encrypt(c.Rand, plaintext, []byte(label))
}

// Decrypt decrypts a ciphertext made by Encrypt with the same label.
func (c *Ctx) Decrypt(sk PrivateKey, label string, ciphertext []byte) ([]byte, error) {
	c.Ops.PKDecrypt++
	pt, err := sk.decrypt(ciphertext, []byte(label))
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// Sign signs Encode(label, parts...).
func (c *Ctx) Sign(sk PrivateKey, label string, parts ...[]byte) ([]byte, error) {
	c.Ops.SigGen++
	return sk.sign(c.Rand, Encode(label, parts...))
}

// Verify checks a signature made by Sign.
func (c *Ctx) Verify(pk PublicKey, sig []byte, label string, parts ...[]byte) bool {
	c.Ops.SigVerify++
	return pk.verify(Encode(label, parts...), sig)
}

// Seal encrypts plaintext under a 32-byte key with the suite's AEAD. The
// output is nonce || ciphertext; the nonce is drawn from the random
// source; the associated data is Encode(label, aad...).
func (c *Ctx) Seal(key []byte, label string, plaintext []byte, aad ...[]byte) ([]byte, error) {
	c.Ops.Symmetric++
	a, err := c.Suite.newAEAD(key)
	if err != nil {
		return nil, fmt.Errorf("suite: %s key: %w", c.Suite.aeadName, err)
	}
	nonce, err := c.Random(a.NonceSize())
	if err != nil {
		return nil, err
	}
	return a.Seal(nonce, nonce, plaintext, Encode(label, aad...)), nil
}

// Open decrypts and authenticates the output of Seal. Any failure is
// ErrOpen.
func (c *Ctx) Open(key []byte, label string, sealed []byte, aad ...[]byte) ([]byte, error) {
	c.Ops.Symmetric++
	a, err := c.Suite.newAEAD(key)
	if err != nil {
		return nil, ErrOpen
	}
	if len(sealed) < a.NonceSize()+a.Overhead() {
		return nil, ErrOpen
	}
	pt, err := a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], Encode(label, aad...))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// SealOverhead is how many bytes Seal adds to a plaintext.
func (s *Suite) SealOverhead() int {
	a, _ := s.newAEAD(make([]byte, KeySize))
	return a.NonceSize() + a.Overhead()
}

// Hash is SHA-256 over Encode(label, parts...): the papers' h(…) and f_i.
func (c *Ctx) Hash(label string, parts ...[]byte) []byte {
	c.Ops.Hash++
	h := newHash()
	h.Write(Encode(label, parts...))
	return h.Sum(nil)
}

// KeyedHash is HMAC-SHA-256(key, Encode(label, parts...)), counted as a
// keyed-hash operation (the SIMP paper's h(m, K)).
func (c *Ctx) KeyedHash(key []byte, label string, parts ...[]byte) []byte {
	c.Ops.KeyedHash++
	return hmacSum(key, label, parts)
}

// MAC is HMAC-SHA-256(key, Encode(label, parts...)), counted as a MAC
// operation (IMKE's [X]_AS).
func (c *Ctx) MAC(key []byte, label string, parts ...[]byte) []byte {
	c.Ops.MAC++
	return hmacSum(key, label, parts)
}

func hmacSum(key []byte, label string, parts [][]byte) []byte {
	m := hmac.New(newHash, key)
	m.Write(Encode(label, parts...))
	return m.Sum(nil)
}

// KDF derives n bytes: HKDF-SHA256(ikm=secret, salt="",
// info=Encode(label, info...)).
func (c *Ctx) KDF(secret []byte, n int, label string, info ...[]byte) []byte {
	c.Ops.KDF++
	out, err := hkdf.Key(newHash, secret, nil, string(Encode(label, info...)), n)
	if err != nil {
		panic("suite: hkdf: " + err.Error()) // only for n > 255*32, a programming error
	}
	return out
}

// Equal compares two secrets in constant time.
func Equal(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}
