package imke

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/imcheck/imcheck/impl/suite"
)

// labelFingerprint separates the fingerprint hash from every other hash.
const labelFingerprint = "imke server key fingerprint"

// Fingerprint is what a person compares to verify KU_S online (the
// paper's "public password" method, §4.1 and M5; profile §9).
type Fingerprint struct {
	// Digest is SHA-256(Encode("imke server key fingerprint", suite id,
	// KU_S)).
	Digest []byte
	// Words renders the first 8 bytes of Digest (64 bits), one word per
	// byte.
	Words []string
	// Hex is the whole digest in groups of four hex digits.
	Hex string
}

// FingerprintOf computes the fingerprint of a server public key in suite s.
func FingerprintOf(s *suite.Suite, pub suite.PublicKey) Fingerprint {
	id := []byte{byte(s.ID >> 8), byte(s.ID)}
	d := sha256.Sum256(suite.Encode(labelFingerprint, id, pub.Bytes()))
	f := Fingerprint{Digest: d[:]}
	for _, b := range d[:8] {
		f.Words = append(f.Words, fingerprintWords[b])
	}
	h := hex.EncodeToString(d[:])
	var groups []string
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	f.Hex = strings.Join(groups, " ")
	return f
}

// String is the words, then the hex groups.
func (f Fingerprint) String() string {
	return strings.Join(f.Words, " ") + "\n" + f.Hex
}
