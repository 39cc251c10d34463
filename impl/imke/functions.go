package imke

import (
	"github.com/imcheck/imcheck/impl/suite"
)

// Labels of the functions f1–f9 (profile §4). Every one is distinct, so
// f1 ≠ f2 as the paper's caveat (§4.1) requires, and no output of one can
// stand in for another's.
const (
	labelF1    = "imke f1"
	labelF2    = "imke f2"
	labelF3    = "imke f3"
	labelF4    = "imke f4"
	labelF5    = "imke f5"
	labelF6    = "imke f6"
	labelF7    = "imke f7"
	labelF8    = "imke f8"
	labelF9    = "imke f9"
	labelImage = "imke password image"
)

// functions computes f1–f9 through a role's counted suite context. bind,
// when set (hardened), is the identities (ID_A, ID_B) of the peer key
// transport, bound into f7, f8 and f9.
type functions struct{ ctx *suite.Ctx }

// f1 is f1(P_A [, K_AS, KU_A]) = SHA-256(Encode("imke f1", W, bind...)),
// W = P_A or its image; hardened binds K_AS and KU_A (H8).
func (f functions) f1(w []byte, bind ...[]byte) []byte {
	return f.ctx.Hash(labelF1, append([][]byte{w}, bind...)...)
}

// f2 is f2(P_A [, R_S]) = SHA-256(Encode("imke f2", W, bind...)); hardened
// binds R_S (H8).
func (f functions) f2(w []byte, bind ...[]byte) []byte {
	return f.ctx.Hash(labelF2, append([][]byte{w}, bind...)...)
}

// f3 is f3(R_S) = SHA-256(Encode("imke f3", R_S)).
func (f functions) f3(rs []byte) []byte { return f.ctx.Hash(labelF3, rs) }

// f4 is K^s = f4(K, R) = HKDF(ikm=K, info=Encode("imke f4", R)), 32 bytes
// (4.1 and renewal).
func (f functions) f4(k, r []byte) []byte { return f.ctx.KDF(k, secretSize, labelF4, r) }

// f5 is K^m = f5(R, K) = HKDF(ikm=R, info=Encode("imke f5", K)).
func (f functions) f5(r, k []byte) []byte { return f.ctx.KDF(r, secretSize, labelF5, k) }

// f6 is f6(R_A) = SHA-256(Encode("imke f6", R_A)).
func (f functions) f6(ra []byte) []byte { return f.ctx.Hash(labelF6, ra) }

// f7 is f7(R_A, R_B [, ID_A, ID_B]) = SHA-256(Encode("imke f7", R_A, R_B,
// ids...)); the identities only in the hardened variant.
func (f functions) f7(ra, rb []byte, ids ...[]byte) []byte {
	return f.ctx.Hash(labelF7, append([][]byte{ra, rb}, ids...)...)
}

// f8 is K_AB^s = f8(K_AB, R_B [, ID_A, ID_B]) (4.6).
func (f functions) f8(kab, rb []byte, ids ...[]byte) []byte {
	return f.ctx.KDF(kab, secretSize, labelF8, append([][]byte{rb}, ids...)...)
}

// f9 is K_AB^m = f9(R_B, K_AB [, ID_A, ID_B]) (4.6).
func (f functions) f9(rb, kab []byte, ids ...[]byte) []byte {
	return f.ctx.KDF(rb, secretSize, labelF9, append([][]byte{kab}, ids...)...)
}

// image is W_A = SHA-256(Encode("imke password image", ID_A, P_A)), what
// the server stores under StoreImage (paper footnote 5, profile §10).
func (f functions) image(id string, pw []byte) []byte {
	return f.ctx.Hash(labelImage, []byte(id), pw)
}

// PasswordRecord is what a server configured with storage keeps for user
// id: P_A itself, or its image W_A. It is computed outside any role's
// operation count (it is provisioning, not protocol).
func PasswordRecord(storage PasswordStorage, id string, pw []byte) []byte {
	if storage == StoreImage {
		return functions{ctx: &suite.Ctx{}}.image(id, pw)
	}
	return append([]byte(nil), pw...)
}

// channelKeys is a pair (K^s, K^m): K_AS^s/K_AS^m from 4.1 or
// K_AB^s/K_AB^m from 4.6.
type channelKeys struct {
	enc []byte // K^s
	mac []byte // K^m
}

func (k *channelKeys) wipe() {
	if k != nil {
		clear(k.enc)
		clear(k.mac)
	}
}

// wipe zeroes ephemeral secrets (K_AS, R_S, R_A, R_B, K_AB, K_AS1, R_S1)
// once they are used (paper §4.1, §4.2; M4). Go may have copied them
// elsewhere; this is as far as the language allows.
func wipe(bs ...[]byte) {
	for _, b := range bs {
		clear(b)
	}
}
