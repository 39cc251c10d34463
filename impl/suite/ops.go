package suite

import "fmt"

// Ops counts the cryptographic operations one role performed, in the
// categories of the SIMP paper's Table 1 (plus key derivation, which the
// paper folds into hashing).
type Ops struct {
	PKEncrypt int `json:"pk_encrypt"`
	PKDecrypt int `json:"pk_decrypt"`
	SigGen    int `json:"sig_gen"`
	SigVerify int `json:"sig_verify"`
	Symmetric int `json:"symmetric"`
	Hash      int `json:"hash"`
	KeyedHash int `json:"keyed_hash"`
	MAC       int `json:"mac"`
	KDF       int `json:"kdf"`
}

// Add adds o2 to o.
func (o *Ops) Add(o2 Ops) {
	o.PKEncrypt += o2.PKEncrypt
	o.PKDecrypt += o2.PKDecrypt
	o.SigGen += o2.SigGen
	o.SigVerify += o2.SigVerify
	o.Symmetric += o2.Symmetric
	o.Hash += o2.Hash
	o.KeyedHash += o2.KeyedHash
	o.MAC += o2.MAC
	o.KDF += o2.KDF
}

// Sub returns o minus o2, for counting what one phase cost.
func (o Ops) Sub(o2 Ops) Ops {
	return Ops{
		PKEncrypt: o.PKEncrypt - o2.PKEncrypt,
		PKDecrypt: o.PKDecrypt - o2.PKDecrypt,
		SigGen:    o.SigGen - o2.SigGen,
		SigVerify: o.SigVerify - o2.SigVerify,
		Symmetric: o.Symmetric - o2.Symmetric,
		Hash:      o.Hash - o2.Hash,
		KeyedHash: o.KeyedHash - o2.KeyedHash,
		MAC:       o.MAC - o2.MAC,
		KDF:       o.KDF - o2.KDF,
	}
}

// OpRow is one category of Ops with its name as in the paper's Table 1.
type OpRow struct {
	Name  string
	Count int
}

// Rows lists o in Table 1's order.
func (o Ops) Rows() []OpRow {
	return []OpRow{
		{"Public-key encryption", o.PKEncrypt},
		{"Public-key decryption", o.PKDecrypt},
		{"Signature generation", o.SigGen},
		{"Signature verification", o.SigVerify},
		{"Symmetric operations", o.Symmetric},
		{"Hash operations", o.Hash},
		{"Keyed-hash operations", o.KeyedHash},
		{"MAC operations", o.MAC},
		{"Key derivations", o.KDF},
	}
}

func (o Ops) String() string {
	return fmt.Sprintf("pkenc=%d pkdec=%d sig=%d ver=%d sym=%d hash=%d khash=%d mac=%d kdf=%d",
		o.PKEncrypt, o.PKDecrypt, o.SigGen, o.SigVerify, o.Symmetric, o.Hash, o.KeyedHash, o.MAC, o.KDF)
}
