package imke

import "github.com/imcheck/imcheck/impl/suite"

// The derivations below are exported for the interop vectors (vectors/README.md,
// testvectors/imke_keys_test.json), so that `imcheck vectors check` runs the
// package's own f4, f5, f8, f9 and renewal confirmation. They compute
// outside any role's operation count.

// ClientServerKeys returns (K^s, K^m) = (f4(k, r), f5(r, k)): 4.1 with
// (K_AS, R_S), a renewal with (K_AS1, R_S1) (profile §3.7, §7.1).
func ClientServerKeys(k, r []byte) (enc, mac []byte) {
	keys := renewedKeys(functions{ctx: &suite.Ctx{}}, k, r)
	return keys.enc, keys.mac
}

// PeerKeys returns (K_AB^s, K_AB^m) = (f8(K_AB, R_B [, ID_A, ID_B]),
// f9(R_B, K_AB [, ID_A, ID_B])) of 4.6; the identities (initiator first)
// are bound in the hardened variant only (profile §3.12).
func PeerKeys(v Variant, kab, rb []byte, initiator, responder string) (enc, mac []byte) {
	fn := functions{ctx: &suite.Ctx{}}
	ids := (&Client{cfg: ClientConfig{Variant: v}}).ids(initiator, responder)
	return fn.f8(kab, rb, ids...), fn.f9(rb, kab, ids...)
}

// RenewalConfirm is the hardened renewal confirmation MAC(K^m, "imke
// renewal confirm", {K_AS1}_{E_S}, {R_S1}_{E_A}) under the new MAC key
// (profile §7.4).
func RenewalConfirm(mac, encKAS1, encRS1 []byte) []byte {
	return renewalConfirm(&suite.Ctx{}, &channelKeys{mac: mac}, encKAS1, encRS1)
}
