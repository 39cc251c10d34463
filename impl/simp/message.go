package simp

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// User-to-user messages (paper §5, E6 and E7; profile §"E6/E7").

// msgKeys returns the encryption key, the keyed-hash key and the labels for
// a message under SK_ABj. As published both are SK_ABj itself and E6 and
// E7 share one label; hardened, two subkeys are derived and the labels name
// the direction.
func (c *Client) msgKeys(sk []byte, t uint8) (enc, mac []byte, aeadLabel, macLabel string) {
	if !c.cfg.Variant.hardened() {
		return sk, sk, labelMsg, labelMsgMAC
	}
	enc = c.ctx.KDF(sk, suite.KeySize, labelMsgEncKey)
	mac = c.ctx.KDF(sk, suite.KeySize, labelMsgMACKey)
	if t == TypeE6 {
		return enc, mac, labelE6, labelE6MAC
	}
	return enc, mac, labelE7, labelE7MAC
}

// Send protects body for peer id under the next SK_ABj: E6 from the
// initiator, E7 from the responder.
func (c *Client) Send(id string, body []byte) (role.Output, error) {
	p := c.peers[id]
	t := TypeE6
	if p != nil && !p.initiator {
		t = TypeE7
	}
	label := Label(t)
	if p == nil || p.ab == nil {
		return role.Output{}, alert(label, role.UnknownPeer, fmt.Sprintf("no session keys with %q", id))
	}
	if len(body) > MaxBody {
		return role.Output{}, alert(label, role.InternalError, fmt.Sprintf("message of %d bytes exceeds %d", len(body), MaxBody))
	}
	j, err := p.ab.peekSend()
	if err != nil {
		return role.Output{}, alert(label, role.KeysExhausted, err.Error()+"; exchange keys again")
	}
	n, err := c.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal(label, err)
	}
	pt, err := (&MessageBody{Text: body, Nonce: n}).Marshal()
	if err != nil {
		return role.Output{}, internal(label, err)
	}
	sk := p.ab.key(j)
	sender, receiver := c.cfg.ID, id
	enc, mac, aeadLabel, macLabel := c.msgKeys(sk, t)
	bind := c.cfg.Variant.aad([]byte(sender), []byte(receiver), u16(j))
	sealed, err := c.ctx.Seal(enc, aeadLabel, pt, bind...)
	if err != nil {
		return role.Output{}, internal(label, err)
	}
	tag := c.ctx.KeyedHash(mac, macLabel, append(bind, n, body)...)
	b, err := (&SecureMessage{Type: t, Suite: c.cfg.Suite.ID, Index: uint16(j), Sealed: sealed, MAC: tag}).Marshal()
	if err != nil {
		return role.Output{}, internal(label, err)
	}
	var out role.Output
	out.Send(c.send(id, label, b))
	out.Emit(role.Event{Kind: role.MessageSent, Role: c.cfg.ID, Peer: id, Index: uint64(j), Body: append([]byte(nil), body...)})
	out.Emit(keyUsed(c.cfg.ID, id, j, sk, "AB "+label))
	// Commit.
	if c.cfg.Variant.hardened() {
		clear(enc)
		clear(mac)
	}
	if c.cfg.TestingOnlyDefect != testingOnlyKeyIndexReused {
		p.ab.commitSend(j)
	}
	return out, nil
}

// handleMessage accepts E6 (at the responder) or E7 (at the initiator).
func (c *Client) handleMessage(from string, msg []byte, t uint8) (role.Output, error) {
	label := Label(t)
	m, err := unmarshalSecureMessage(msg, t)
	if err != nil {
		return role.Output{}, decodeAlert(label, err)
	}
	if err := c.checkSuite(label, m.Suite); err != nil {
		return role.Output{}, err
	}
	p := c.peers[from]
	if p == nil || p.ab == nil {
		return role.Output{}, alert(label, role.UnknownPeer, fmt.Sprintf("no session keys with %q", from))
	}
	if (t == TypeE6) == p.initiator {
		return role.Output{}, alert(label, role.UnexpectedMessage, fmt.Sprintf("%s is not for the %s", label, map[bool]string{true: "initiator", false: "responder"}[p.initiator]))
	}
	if !p.confirmed {
		return role.Output{}, alert(label, role.UnexpectedMessage, "key confirmation (E5) outstanding")
	}
	j := int(m.Index)
	sk, err := p.ab.checkRecv(label, j)
	if err != nil {
		return role.Output{}, err
	}
	enc, mac, aeadLabel, macLabel := c.msgKeys(sk, t)
	if c.cfg.Variant.hardened() {
		defer clear(enc)
		defer clear(mac)
	}
	bind := c.cfg.Variant.aad([]byte(from), []byte(c.cfg.ID), u16(j))
	pt, err := c.ctx.Open(enc, aeadLabel, m.Sealed, bind...)
	if err != nil {
		return role.Output{}, alert(label, role.DecryptError, err.Error())
	}
	body, err := UnmarshalMessageBody(pt)
	if err != nil {
		return role.Output{}, decodeAlert(label, err)
	}
	if !suite.Equal(c.ctx.KeyedHash(mac, macLabel, append(bind, body.Nonce, body.Text)...), m.MAC) && c.cfg.TestingOnlyDefect != testingOnlyMACUnchecked {
		return role.Output{}, alert(label, role.BadMAC, "keyed hash does not verify")
	}
	var out role.Output
	out.Emit(role.Event{Kind: role.MessageAccepted, Role: c.cfg.ID, Peer: from, Index: uint64(j), Body: body.Text})
	// Commit.
	p.ab.commitRecv(j)
	return out, nil
}
