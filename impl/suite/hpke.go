package suite

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/hpke"
	"crypto/sha256"
	"crypto/sha3"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/cloudflare/circl/kem/mlkem/mlkem768"
	"golang.org/x/crypto/chacha20poly1305"
)

// HPKE identifiers (RFC 9180 §7 and draft-ietf-hpke-pq).
const (
	kemX25519      uint16 = 0x0020 // DHKEM(X25519, HKDF-SHA256)
	kemMLKEMX25519 uint16 = 0x647a // MLKEM768-X25519 (X-Wing)
	kdfHKDFSHA256  uint16 = 0x0001
	aeadChaCha     uint16 = 0x0003
)

// xwingLabel is the X-Wing combiner label, as in crypto/hpke.
const xwingLabel = `\./` + `/^\`

// encapX25519 is DHKEM(X25519, HKDF-SHA256).Encap (RFC 9180 §4.1) with the
// ephemeral key drawn from rnd.
func encapX25519(rnd io.Reader, pkR []byte) (ss, enc []byte, err error) {
	dh, enc, err := x25519Ephemeral(rnd, pkR)
	if err != nil {
		return nil, nil, err
	}
	kemID := append([]byte("KEM"), byte(kemX25519>>8), byte(kemX25519))
	prk := labeledExtract(kemID, nil, "eae_prk", dh)
	ss = labeledExpand(kemID, prk, "shared_secret", append(append([]byte{}, enc...), pkR...), 32)
	return ss, enc, nil
}

// encapXWing is MLKEM768-X25519.Encap (draft-ietf-hpke-pq, as in
// crypto/hpke) with both the ML-KEM message and the X25519 ephemeral drawn
// from rnd. pkR is the ML-KEM-768 encapsulation key followed by the X25519
// public key.
func encapXWing(rnd io.Reader, pkR []byte) (ss, enc []byte, err error) {
	if len(pkR) != mlkem768.PublicKeySize+32 {
		return nil, nil, fmt.Errorf("suite: X-Wing public key of %d bytes", len(pkR))
	}
	var ek mlkem768.PublicKey
	if err := ek.Unpack(pkR[:mlkem768.PublicKeySize]); err != nil {
		return nil, nil, err
	}
	ekT := pkR[mlkem768.PublicKeySize:]
	m, err := Bytes(rnd, mlkem768.EncapsulationSeedSize)
	if err != nil {
		return nil, nil, err
	}
	ctPQ := make([]byte, mlkem768.CiphertextSize)
	ssPQ := make([]byte, mlkem768.SharedKeySize)
	ek.EncapsulateTo(ctPQ, ssPQ, m)

	ssT, ctT, err := x25519Ephemeral(rnd, ekT)
	if err != nil {
		return nil, nil, err
	}
	h := sha3.New256()
	h.Write(ssPQ)
	h.Write(ssT)
	h.Write(ctT)
	h.Write(ekT)
	h.Write([]byte(xwingLabel))
	return h.Sum(nil), append(ctPQ, ctT...), nil
}

// x25519Ephemeral draws an ephemeral X25519 key from rnd and returns its
// shared secret with the public key pkR and its own public key.
func x25519Ephemeral(rnd io.Reader, pkR []byte) (dh, pkE []byte, err error) {
	pub, err := ecdh.X25519().NewPublicKey(pkR)
	if err != nil {
		return nil, nil, err
	}
	seed, err := Bytes(rnd, 32)
	if err != nil {
		return nil, nil, err
	}
	skE, err := ecdh.X25519().NewPrivateKey(seed)
	if err != nil {
		return nil, nil, err
	}
	if dh, err = skE.ECDH(pub); err != nil {
		return nil, nil, err
	}
	return dh, skE.PublicKey().Bytes(), nil
}

// hpkeSeal is RFC 9180 base-mode single-shot Seal with HKDF-SHA256 and
// ChaCha20-Poly1305, given the KEM's shared secret; it returns the
// ciphertext of the first message (sequence number 0), with empty aad.
func hpkeSeal(kemID uint16, ss, info, plaintext []byte) ([]byte, error) {
	sid := make([]byte, 0, 10)
	sid = append(sid, "HPKE"...)
	sid = binary.BigEndian.AppendUint16(sid, kemID)
	sid = binary.BigEndian.AppendUint16(sid, kdfHKDFSHA256)
	sid = binary.BigEndian.AppendUint16(sid, aeadChaCha)

	pskIDHash := labeledExtract(sid, nil, "psk_id_hash", nil)
	infoHash := labeledExtract(sid, nil, "info_hash", info)
	ksContext := append(append([]byte{0}, pskIDHash...), infoHash...)
	secret := labeledExtract(sid, ss, "secret", nil)
	key := labeledExpand(sid, secret, "key", ksContext, chacha20poly1305.KeySize)
	nonce := labeledExpand(sid, secret, "base_nonce", ksContext, chacha20poly1305.NonceSize)
	a, err := chacha20poly1305.New(key)
	if err != nil {
		return nil, err
	}
	return a.Seal(nil, nonce, plaintext, nil), nil
}

// hpkeOpen opens a single-shot ciphertext with crypto/hpke's recipient, so
// that every decryption cross-checks our sender against the standard
// library.
func hpkeOpen(sk hpke.PrivateKey, enc, info, ct []byte) ([]byte, error) {
	r, err := hpke.NewRecipient(enc, sk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), info)
	if err != nil {
		return nil, err
	}
	return r.Open(nil, ct)
}

func labeledExtract(sid, salt []byte, label string, ikm []byte) []byte {
	in := append([]byte("HPKE-v1"), sid...)
	in = append(in, label...)
	in = append(in, ikm...)
	prk, err := hkdf.Extract(sha256.New, in, salt)
	if err != nil {
		panic("suite: hkdf extract: " + err.Error()) // unreachable
	}
	return prk
}

func labeledExpand(sid, prk []byte, label string, info []byte, n int) []byte {
	in := binary.BigEndian.AppendUint16(nil, uint16(n))
	in = append(in, "HPKE-v1"...)
	in = append(in, sid...)
	in = append(in, label...)
	in = append(in, info...)
	out, err := hkdf.Expand(sha256.New, prk, string(in), n)
	if err != nil {
		panic("suite: hkdf expand: " + err.Error()) // unreachable: n is small
	}
	return out
}
