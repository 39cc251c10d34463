package adversary

import (
	"strings"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// runningKeys lists the session keys party derived with peer while
// running a key exchange it has not finished: IMKE's responder derives
// K_AB^s = f8(K_AB, R_B) when it sends c2, but emits its event only on
// c3. An observer holding every party's dynamic private key (rebuilt
// from their randomness, as for corruption: compromise.go) reads K_AB
// from the c1 the responder accepted and R_B from the c2 it sent; a c1 or
// c2 relayed through S (paper §4.2 caveat) is read inside the 4.3 the
// responder accepted and the 4.2 it sent, opened with the session keys
// the responder held with S (its own events say which). decided
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
		if p.Injected || p.Msg.From != party {
			continue
		}
		c2 := p.Msg.Bytes
		switch {
		case p.Msg.To == peer && p.Msg.Label == "c2":
		case p.Msg.To == n.Setup.Server && p.Msg.Label == "c2 (4.2)":
			if c2 = n.unrelay(party, peer, c2); c2 == nil {
				decided = false
				continue
			}
		default:
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
		kr, err2 := imke.UnmarshalKeyTransportReply(c2)
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
// from peer by step, directly or relayed by S inside a 4.3, or nil.
func (n *Network) acceptedBefore(party, peer, label string, step int) []byte {
	var b []byte
	for _, e := range n.Trace.Entries {
		if e.Step > step || e.To != party || e.Alert != "" || e.Error != "" || len(e.Bytes) == 0 {
			continue
		}
		switch {
		case e.From == peer && e.Label == label:
			b = e.Bytes
		case e.From == n.Setup.Server && strings.HasPrefix(e.Label, label+" (4.3)"):
			if inner := n.unrelay(party, peer, e.Bytes); inner != nil {
				b = inner
			}
		}
	}
	return b
}

// unrelay opens a 4.2 that party sent or a 4.3 it was sent with every
// session key party established with S, and returns the message inside
// when it is a relay item to peer (4.2) or relayed from peer (4.3), or nil.
func (n *Network) unrelay(party, peer string, msg []byte) []byte {
	d, ok := n.Dissector.(*imkeDissector)
	if !ok {
		return nil
	}
	k := NewKnowledge()
	for _, e := range n.Events {
		if e.Event.Kind == role.SessionKeyEstablished && e.Event.Role == party && e.Event.Peer == n.Setup.Server {
			k.Add(e.Event.Key, "session key of "+party+" with the server")
		}
	}
	h, err := wire.PeekHeader(msg)
	if err != nil {
		return nil
	}
	var q imke.Sequenced
	var label string
	var parse func([]byte) (*imke.Item, error)
	var want imke.ItemKind
	switch h.Type {
	case imke.TypeClientData:
		m, err := imke.UnmarshalClientData(msg)
		if err != nil {
			return nil
		}
		q, label, parse, want = m.Sequenced, imkeLabel42, imke.UnmarshalClientItem, imke.ItemRelay
	case imke.TypeServerData:
		m, err := imke.UnmarshalServerData(msg)
		if err != nil {
			return nil
		}
		q, label, parse, want = m.Sequenced, imkeLabel43, imke.UnmarshalServerItem, imke.ItemRelayed
	default:
		return nil
	}
	if !d.hardened {
		label = imkeLabelData
	}
	pt, _, ok := d.open(k, label, q.Sealed, d.pairAADs(u64(q.Seq)))
	if !ok {
		return nil
	}
	it, err := parse(pt)
	if err != nil || it.Kind != want || it.Peer != peer {
		return nil
	}
	return it.Body
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
