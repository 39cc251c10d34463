package imke

import (
	"encoding/binary"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// Labels of the protected channels (profile §3.5). As published, the paper
// writes every {X}_{K^s}, [X]_{K^m} alike, so one label serves 4.2, 4.3,
// 4.4, 4.5, b1/b2 and 4.7 and nothing binds direction. Hardened gives each
// message its own label and binds (sender, receiver).
const (
	labelData         = "imke data"
	labelClientData   = "imke 4.2"
	labelServerData   = "imke 4.3"
	labelPeerData     = "imke 4.7"
	labelRenewConfirm = "imke renewal confirm"
)

// Labels of the public-key and login encryptions.
const (
	labelEncKAS  = "imke a1 K_AS"
	labelSealA1  = "imke a1"
	labelEncRS   = "imke a2 R_S"
	labelSealA2  = "imke a2"
	labelEncKAS1 = "imke 4.4 K_AS1"
	labelEncRS1  = "imke 4.5 R_S1"
	labelEncKAB  = "imke c1 K_AB"
	labelSealC1  = "imke c1"
	labelEncRB   = "imke c2 R_B"
	labelSealC2  = "imke c2"
	labelC2RB    = "imke c2 rb" // hardened: h(R_B) in c2's seal aad (H7)
)

// binding is what a protected message is bound to besides its data.
type binding struct {
	label    string
	seq      uint64 // 0: the message has no sequence number
	sender   string // hardened only
	receiver string // hardened only
}

func (b binding) parts() [][]byte {
	var p [][]byte
	if b.seq != 0 {
		p = append(p, binary.BigEndian.AppendUint64(nil, b.seq))
	}
	if b.sender != "" {
		p = append(p, []byte(b.sender), []byte(b.receiver))
	}
	return p
}

// bindFor returns the binding of a message with the given hardened label
// in variant v.
func bindFor(v Variant, hardenedLabel string, seq uint64, sender, receiver string) binding {
	if v.hardened() {
		return binding{label: hardenedLabel, seq: seq, sender: sender, receiver: receiver}
	}
	return binding{label: labelData, seq: seq}
}

// protect computes {data}_{K^s} and [data]_{K^m}: an AEAD seal whose
// associated data is the binding, and an HMAC over the binding and data.
func protect(ctx *suite.Ctx, k *channelKeys, b binding, data []byte) (sealed, mac []byte, err error) {
	parts := b.parts()
	sealed, err = ctx.Seal(k.enc, b.label, data, parts...)
	if err != nil {
		return nil, nil, err
	}
	mac = ctx.MAC(k.mac, b.label, append(parts, data)...)
	return sealed, mac, nil
}

// unprotect opens {data}_{K^s} and checks [data]_{K^m}. Errors are
// decrypt_error and bad_mac alerts labelled msgLabel.
func unprotect(ctx *suite.Ctx, k *channelKeys, b binding, sealed, mac []byte, msgLabel string) ([]byte, error) {
	parts := b.parts()
	data, err := ctx.Open(k.enc, b.label, sealed, parts...)
	if err != nil {
		return nil, alert(role.DecryptError, msgLabel, "cannot open under the session key")
	}
	if !suite.Equal(mac, ctx.MAC(k.mac, b.label, append(parts, data)...)) {
		return nil, alert(role.BadMAC, msgLabel, "MAC does not verify")
	}
	return data, nil
}
