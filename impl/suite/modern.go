package suite

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hpke"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"crypto/cipher"
	"github.com/cloudflare/circl/kem/mlkem/mlkem768"
	"golang.org/x/crypto/chacha20poly1305"
)

func init() {
	chacha := func(key []byte) (cipher.AEAD, error) { return chacha20poly1305.New(key) }
	register(&Suite{
		ID:          Modern,
		Name:        "modern",
		Description: "HPKE DHKEM(X25519)/HKDF-SHA256/ChaCha20-Poly1305, Ed25519, ChaCha20-Poly1305, SHA-256, HMAC-SHA-256",
		keys:        hpkeScheme{kemID: kemX25519},
		aeadName:    "ChaCha20-Poly1305",
		newAEAD:     chacha,
	})
	register(&Suite{
		ID:          PQ,
		Name:        "pq",
		Description: "HPKE MLKEM768-X25519/HKDF-SHA256/ChaCha20-Poly1305, Ed25519, ChaCha20-Poly1305, SHA-256, HMAC-SHA-256",
		keys:        hpkeScheme{kemID: kemMLKEMX25519},
		aeadName:    "ChaCha20-Poly1305",
		newAEAD:     chacha,
	})
}

// hpkeScheme pairs an HPKE KEM key (for encryption) with an Ed25519 key
// (for signatures). The public key's wire form is the KEM public key
// followed by the 32-byte Ed25519 public key.
type hpkeScheme struct{ kemID uint16 }

func (s hpkeScheme) kem() hpke.KEM {
	if s.kemID == kemX25519 {
		return hpke.DHKEM(ecdh.X25519())
	}
	return hpke.MLKEM768X25519()
}

func (s hpkeScheme) kemPubSize() int {
	if s.kemID == kemX25519 {
		return 32
	}
	return mlkem768.PublicKeySize + 32
}

type hpkePrivate struct {
	scheme hpkeScheme
	kem    hpke.PrivateKey
	sig    ed25519.PrivateKey
	pub    hpkePublic
}

type hpkePublic struct {
	scheme hpkeScheme
	kemPub []byte
	sig    ed25519.PublicKey
}

// newPrivateKey derives the KEM key seed and the Ed25519 seed from seed
// with HKDF-SHA256 (info "imcheck kem v1" and "imcheck ed25519 v1").
func (s hpkeScheme) newPrivateKey(seed []byte) (PrivateKey, error) {
	kemSeed, err := hkdf.Key(sha256.New, seed, nil, "imcheck kem v1", 32)
	if err != nil {
		return nil, err
	}
	edSeed, err := hkdf.Key(sha256.New, seed, nil, "imcheck ed25519 v1", ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	k, err := s.kem().NewPrivateKey(kemSeed)
	if err != nil {
		return nil, fmt.Errorf("suite: kem key: %w", err)
	}
	ed := ed25519.NewKeyFromSeed(edSeed)
	return &hpkePrivate{
		scheme: s,
		kem:    k,
		sig:    ed,
		pub:    hpkePublic{scheme: s, kemPub: k.PublicKey().Bytes(), sig: ed.Public().(ed25519.PublicKey)},
	}, nil
}

func (s hpkeScheme) parsePublicKey(b []byte) (PublicKey, error) {
	n := s.kemPubSize()
	if len(b) != n+ed25519.PublicKeySize {
		return nil, fmt.Errorf("suite: public key of %d bytes, want %d", len(b), n+ed25519.PublicKeySize)
	}
	if _, err := s.kem().NewPublicKey(b[:n]); err != nil {
		return nil, fmt.Errorf("suite: kem public key: %w", err)
	}
	return hpkePublic{
		scheme: s,
		kemPub: append([]byte(nil), b[:n]...),
		sig:    append(ed25519.PublicKey(nil), b[n:]...),
	}, nil
}

func (k *hpkePrivate) Public() PublicKey { return k.pub }

func (k *hpkePrivate) decrypt(ct, info []byte) ([]byte, error) {
	n := k.scheme.encSize()
	if len(ct) < n {
		return nil, errors.New("suite: hpke ciphertext too short")
	}
	return hpkeOpen(k.kem, ct[:n], info, ct[n:])
}

func (k *hpkePrivate) sign(_ io.Reader, msg []byte) ([]byte, error) {
	return ed25519.Sign(k.sig, msg), nil
}

func (s hpkeScheme) encSize() int {
	if s.kemID == kemX25519 {
		return 32
	}
	return mlkem768.CiphertextSize + 32
}

func (k hpkePublic) Bytes() []byte {
	return append(append([]byte(nil), k.kemPub...), k.sig...)
}

// encrypt is HPKE base-mode single-shot Seal; the ciphertext is enc || ct.
func (k hpkePublic) encrypt(rnd io.Reader, pt, info []byte) ([]byte, error) {
	var ss, enc []byte
	var err error
	if k.scheme.kemID == kemX25519 {
		ss, enc, err = encapX25519(rnd, k.kemPub)
	} else {
		ss, enc, err = encapXWing(rnd, k.kemPub)
	}
	if err != nil {
		return nil, err
	}
	ct, err := hpkeSeal(k.scheme.kemID, ss, info, pt)
	if err != nil {
		return nil, err
	}
	return append(enc, ct...), nil
}

func (k hpkePublic) verify(msg, sig []byte) bool {
	return len(sig) == ed25519.SignatureSize && ed25519.Verify(k.sig, msg, sig)
}
