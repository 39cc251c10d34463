package adversary

import (
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/suite"
)

// runningKeys lists the session keys party derived with peer while
// running a key exchange it has not finished: IMKE's responder derives
// K_AB^s = f8(K_AB, R_B) when it sends c2, but emits its event only on
// c3. An observer holding every party's dynamic private key (rebuilt
// from their randomness, as for corruption: compromise.go) reads K_AB
// from the c1 the responder accepted and R_B from the c2 it sent. decided
// is false when some such c2 cannot be read (the classic suite, where
// the keys are not rebuilt): the oracle then says nothing.
func (n *Network) runningKeys(party, peer string) (keys [][]byte, decided bool) {
	if n.Protocol.Name() != "imke" {
		return nil, true
	}
	ctx := suite.NewCtx(n.Setup.Suite, nil)
	var own, theirs []suite.PrivateKey
	loaded := false
	decided = true
	for _, p := range n.History {
		if p.Injected || p.Msg.From != party || p.Msg.To != peer || p.Msg.Label != "c2" {
			continue
		}
		if !loaded {
			loaded = true
			own = n.dynamicKeys(party)
			theirs = n.dynamicKeys(peer)
			for _, k := range n.Knowledge.PrivateKeys() {
				theirs = append(theirs, k.Key)
			}
		}
		c1 := n.acceptedBefore(party, peer, "c1", p.Step)
		kt, err1 := imke.UnmarshalKeyTransport(c1)
		kr, err2 := imke.UnmarshalKeyTransportReply(p.Msg.Bytes)
		if err1 != nil || err2 != nil {
			decided = false
			continue
		}
		kab, ok1 := openSecret(ctx, own, imkeLabelEncKAB, kt.EncryptedKey, n.Setup.Variant)
		rb, ok2 := openSecret(ctx, theirs, imkeLabelEncRB, kr.EncryptedChallenge, n.Setup.Variant)
		if !ok1 || !ok2 {
			decided = false
			continue
		}
		var ids [][]byte
		if n.Setup.Variant == string(imke.Hardened) {
			ids = [][]byte{[]byte(peer), []byte(party)} // f8(K_AB, R_B, ID_A, ID_B): peer initiated
		}
		keys = append(keys, ctx.KDF(kab, suite.KeySize, imkeLabelF8, append([][]byte{rb}, ids...)...))
	}
	return keys, decided
}

// acceptedBefore is the last message with label that party accepted as
// from peer by step, or nil.
func (n *Network) acceptedBefore(party, peer, label string, step int) []byte {
	var b []byte
	for _, e := range n.Trace.Entries {
		if e.Step <= step && e.To == party && e.From == peer && e.Label == label && e.Alert == "" && e.Error == "" && len(e.Bytes) > 0 {
			b = e.Bytes
		}
	}
	return b
}

// openSecret decrypts a c1/c2 secret with any of keys (hardened: the
// secret inside {secret, sender, receiver}).
func openSecret(ctx *suite.Ctx, keys []suite.PrivateKey, label string, ct []byte, variant string) ([]byte, bool) {
	for _, k := range keys {
		pt, err := ctx.Decrypt(k, label, ct)
		if err != nil {
			continue
		}
		if variant != string(imke.Hardened) {
			return pt, true
		}
		if b, err := imke.UnmarshalBoundSecret(pt); err == nil {
			return b.Secret, true
		}
	}
	return nil, false
}
