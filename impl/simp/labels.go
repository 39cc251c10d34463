package simp

import (
	"encoding/binary"

	"github.com/imcheck/imcheck/impl/role"
)

// Domain-separation labels of every hash, keyed hash, MAC, KDF, signature,
// public-key encryption and AEAD input (docs/spec/simp.md §"Labels"). Each
// input is suite.Encode(label, parts...).
const (
	labelVerifier      = "simp pw"           // h(ID_A, P_A), S's stored verifier
	labelR1            = "simp R1"           // R1 public-key encryption
	labelR2            = "simp R2"           // R2 AEAD
	labelR2Check       = "simp R2 check"     // h(ID_A, P_A, DK_AS, K_AS, m)
	labelL1            = "simp L1"           // L1 AEAD
	labelL1Password    = "simp L1 pw"        // h(ID_A, P_A, n1) := H(h(ID_A, P_A), n1)
	labelL2            = "simp L2"           // L2 AEAD
	labelL2Proof       = "simp L2 proof"     // h(n1, n2)
	labelE1            = "simp E1"           // hardened E1 keyed hash
	labelE2            = "simp E2"           // E2 AEAD
	labelE3            = "simp E3"           // E3 AEAD
	labelE2Evidence    = "simp E2 evidence"  // h(SK_BSj)
	labelE3Evidence    = "simp E3 evidence"  // h(SK_ASj)
	labelE4            = "simp E4"           // E4 public-key encryption
	labelE4Sig         = "simp E4 sig"       // as published: sign h(K_AB, DK_AB, m2)
	labelE4SigHardened = "simp E4 sig bound" // hardened: sign ID_A, ID_B, ciphertext
	labelE5            = "simp E5"           // h(n3, SK_ABj) / hardened keyed hash
	labelMsg           = "simp msg"          // as published: E6/E7 AEAD (one label for both)
	labelMsgMAC        = "simp msg mac"      // as published: h(n, Message, SK_ABj)
	labelMsgEncKey     = "simp msg enc key"  // hardened: KDF(SK_ABj) → encryption key
	labelMsgMACKey     = "simp msg mac key"  // hardened: KDF(SK_ABj) → keyed-hash key
	labelE6            = "simp E6"           // hardened E6 AEAD
	labelE7            = "simp E7"           // hardened E7 AEAD
	labelE6MAC         = "simp E6 mac"       // hardened E6 keyed hash
	labelE7MAC         = "simp E7 mac"       // hardened E7 keyed hash
)

// u16 encodes an index or m as two big-endian bytes for hash inputs.
func u16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }

// alert builds the typed rejection every handler returns.
func alert(label string, c role.AlertClass, reason string) *role.Alert {
	return &role.Alert{Protocol: "simp", Class: c, Label: label, Reason: reason}
}

// decodeAlert maps a decoding error to its alert class.
func decodeAlert(label string, err error) *role.Alert {
	switch {
	case isErr(err, ErrVersion):
		return alert(label, role.BadVersion, err.Error())
	case isErr(err, ErrSuite):
		return alert(label, role.UnknownSuite, err.Error())
	}
	return alert(label, role.DecodeError, err.Error())
}
