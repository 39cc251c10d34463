package suite

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"
)

// rsaBits is the modulus size of the classic suite.
const rsaBits = 2048

func init() {
	register(&Suite{
		ID:          Classic,
		Name:        "classic",
		Description: "RSA-2048 (OAEP-SHA256, PSS-SHA256), AES-256-GCM, SHA-256, HMAC-SHA-256",
		keys:        rsaScheme{},
		aeadName:    "AES-256-GCM",
		newAEAD: func(key []byte) (cipher.AEAD, error) {
			if len(key) != KeySize {
				return nil, fmt.Errorf("suite: AES-256-GCM key of %d bytes", len(key))
			}
			b, err := aes.NewCipher(key)
			if err != nil {
				return nil, err
			}
			return cipher.NewGCM(b)
		},
	})
}

type rsaScheme struct{}

type rsaPrivate struct{ k *rsa.PrivateKey }
type rsaPublic struct {
	k   *rsa.PublicKey
	der []byte
}

// rsaCache memoises keys by seed: building a 2048-bit key from a seed costs
// tens of milliseconds and a run rebuilds the same keys often. The cache is
// bounded; keys are immutable after Precompute.
var rsaCache = struct {
	sync.Mutex
	m map[string]*rsa.PrivateKey
}{m: map[string]*rsa.PrivateKey{}}

const rsaCacheMax = 4096

func (rsaScheme) newPrivateKey(seed []byte) (PrivateKey, error) {
	id := hex.EncodeToString(seed)
	rsaCache.Lock()
	k, ok := rsaCache.m[id]
	rsaCache.Unlock()
	if !ok {
		var err error
		if k, err = rsaKeyFromSeed(seed); err != nil {
			return nil, err
		}
		rsaCache.Lock()
		if len(rsaCache.m) >= rsaCacheMax {
			clear(rsaCache.m)
		}
		rsaCache.m[id] = k
		rsaCache.Unlock()
	}
	return rsaPrivate{k}, nil
}

// rsaKeyFromSeed builds an RSA-2048 key with e = 65537 from seed: primes
// are found by incremental search from candidates drawn from
// NewRand(seed, "rsa-2048"), with the top two bits and the low bit set
// (docs/spec/suites.md §classic).
func rsaKeyFromSeed(seed []byte) (*rsa.PrivateKey, error) {
	r := NewRand(seed, "rsa-2048")
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for attempt := 0; attempt < 64; attempt++ {
		p, q := rsaPrime(r), rsaPrime(r)
		if p.Cmp(q) == 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != rsaBits {
			continue
		}
		pm1 := new(big.Int).Sub(p, one)
		qm1 := new(big.Int).Sub(q, one)
		phi := new(big.Int).Mul(pm1, qm1)
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		k := &rsa.PrivateKey{
			PublicKey: rsa.PublicKey{N: n, E: 65537},
			D:         d,
			Primes:    []*big.Int{p, q},
		}
		k.Precompute()
		if err := k.Validate(); err != nil {
			continue
		}
		return k, nil
	}
	return nil, errors.New("suite: no RSA key found for seed") // practically unreachable
}

func rsaPrime(r io.Reader) *big.Int {
	b := make([]byte, rsaBits/16)
	r.Read(b)
	b[0] |= 0xC0
	b[len(b)-1] |= 1
	c := new(big.Int).SetBytes(b)
	two := big.NewInt(2)
	e := big.NewInt(65537)
	m := new(big.Int)
	for {
		// p-1 must be prime to e; ProbablyPrime(20) is deterministic for a
		// given candidate.
		if m.Mod(c, e).Int64() != 1 && c.ProbablyPrime(20) {
			return c
		}
		c.Add(c, two)
	}
}

func (k rsaPrivate) Public() PublicKey {
	return rsaPublic{k: &k.k.PublicKey, der: x509.MarshalPKCS1PublicKey(&k.k.PublicKey)}
}

func (k rsaPrivate) decrypt(ct, info []byte) ([]byte, error) {
	return rsa.DecryptOAEP(sha256.New(), nil, k.k, ct, info)
}

func (k rsaPrivate) sign(rnd io.Reader, msg []byte) ([]byte, error) {
	d := sha256.Sum256(msg)
	return rsa.SignPSS(rnd, k.k, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
}

// parsePublicKey accepts exactly a PKCS#1 RSAPublicKey DER with a 2048-bit
// modulus and e = 65537.
func (rsaScheme) parsePublicKey(b []byte) (PublicKey, error) {
	k, err := x509.ParsePKCS1PublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("suite: classic public key: %w", err)
	}
	if k.N.BitLen() != rsaBits || k.E != 65537 {
		return nil, fmt.Errorf("suite: classic public key must be RSA-%d with e=65537", rsaBits)
	}
	der := x509.MarshalPKCS1PublicKey(k)
	if string(der) != string(b) {
		return nil, errors.New("suite: classic public key is not in canonical DER")
	}
	return rsaPublic{k: k, der: der}, nil
}

func (k rsaPublic) Bytes() []byte { return append([]byte(nil), k.der...) }

func (k rsaPublic) encrypt(rnd io.Reader, pt, info []byte) ([]byte, error) {
	return rsa.EncryptOAEP(sha256.New(), rnd, k.k, pt, info)
}

func (k rsaPublic) verify(msg, sig []byte) bool {
	d := sha256.Sum256(msg)
	return rsa.VerifyPSS(k.k, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
}
