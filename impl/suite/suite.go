package suite

import (
	"crypto/cipher"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"sort"
)

// ID is a suite's identifier on the wire (the u16 in every header).
type ID uint16

// The registered suites.
const (
	Classic ID = 0x0001 // RSA-2048 OAEP/PSS, AES-256-GCM, SHA-256, HMAC-SHA-256
	Modern  ID = 0x0002 // HPKE X25519/HKDF-SHA256/ChaCha20-Poly1305, Ed25519, ChaCha20-Poly1305
	PQ      ID = 0x0003 // HPKE ML-KEM-768+X25519, Ed25519, ChaCha20-Poly1305
)

// KeySize is the size of every symmetric key, nonce and random challenge
// the profiles draw (256 bits).
const KeySize = 32

// Suite is one registered cipher suite.
type Suite struct {
	ID   ID
	Name string
	// Description is a one-line summary for listings.
	Description string

	keys     keyScheme
	aeadName string
	newAEAD  func(key []byte) (cipher.AEAD, error)
}

// keyScheme builds and parses the key pairs of a suite. A key pair can both
// decrypt and sign, as each party in the papers has one "public key".
type keyScheme interface {
	newPrivateKey(seed []byte) (PrivateKey, error)
	parsePublicKey(b []byte) (PublicKey, error)
}

// PrivateKey is a party's private key: it decrypts and signs.
type PrivateKey interface {
	Public() PublicKey
	decrypt(ciphertext, info []byte) ([]byte, error)
	sign(rnd io.Reader, msg []byte) ([]byte, error)
}

// PublicKey is a party's public key: it encrypts and verifies.
type PublicKey interface {
	// Bytes is the key's wire encoding (docs/spec/suites.md).
	Bytes() []byte
	encrypt(rnd io.Reader, plaintext, info []byte) ([]byte, error)
	verify(msg, sig []byte) bool
}

var registry = map[ID]*Suite{}

func register(s *Suite) { registry[s.ID] = s }

// ByID returns the suite with the given id.
func ByID(id ID) (*Suite, error) {
	if s, ok := registry[id]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("suite: unknown suite id 0x%04x", uint16(id))
}

// ByName returns the suite with the given name.
func ByName(name string) (*Suite, error) {
	for _, s := range registry {
		if s.Name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("suite: unknown suite %q (known: %v)", name, Names())
}

// All returns every registered suite, ordered by id.
func All() []*Suite {
	out := make([]*Suite, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Names returns the registered suite names, ordered by id.
func Names() []string {
	var out []string
	for _, s := range All() {
		out = append(out, s.Name)
	}
	return out
}

func (s *Suite) String() string { return s.Name }

// NewPrivateKey builds a private key deterministically from seed (at least
// 32 bytes). The same seed always gives the same key.
func (s *Suite) NewPrivateKey(seed []byte) (PrivateKey, error) {
	if len(seed) < 32 {
		return nil, fmt.Errorf("suite: key seed of %d bytes, want at least 32", len(seed))
	}
	return s.keys.newPrivateKey(seed)
}

// ParsePublicKey parses a public key's wire encoding strictly.
func (s *Suite) ParsePublicKey(b []byte) (PublicKey, error) {
	return s.keys.parsePublicKey(b)
}

// AEADName names the suite's symmetric cipher.
func (s *Suite) AEADName() string { return s.aeadName }

func newHash() hash.Hash { return sha256.New() }
