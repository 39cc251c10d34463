package simp

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// Key exchange (paper §5 "Key Exchange and User-to-User Communications
// Protocol", E1–E5; profile §"E1"–§"E5").

// RequestPeer asks S for id's public key: E1.
func (c *Client) RequestPeer(id string) (role.Output, error) {
	if !c.loggedIn {
		return role.Output{}, alert("E1", role.UnexpectedMessage, "not logged in")
	}
	if !wire.ValidIdentity(id) || (id == c.cfg.ID || id == c.cfg.Server) && c.cfg.TestingOnlyDefect != testingOnlyHostileUser {
		return role.Output{}, alert("E1", role.UnknownPeer, fmt.Sprintf("cannot request %q", id))
	}
	m := &PeerRequest{Suite: c.cfg.Suite.ID, Peer: id}
	var out role.Output
	j := 0
	if c.cfg.Variant.hardened() {
		var err error
		if j, err = c.as.peekSend(); err != nil {
			return role.Output{}, alert("E1", role.KeysExhausted, err.Error())
		}
		key := c.as.key(j)
		m.Index = uint16(j)
		m.Tag = c.ctx.KeyedHash(key, labelE1, []byte(c.cfg.ID), []byte(id), u16(j))
		out.Emit(keyUsed(c.cfg.ID, c.cfg.Server, j, key, "AS E1"))
	}
	b, err := m.Marshal()
	if err != nil {
		return role.Output{}, internal("E1", err)
	}
	out.Send(c.send(c.cfg.Server, "E1", b))
	// Commit.
	if j != 0 {
		c.as.commitSend(j)
	}
	p := c.peers[id]
	if p == nil {
		p = &peer{id: id}
		c.peers[id] = p
	}
	p.requested = true
	return out, nil
}

// openGrant checks and opens E2 or E3 under the user's SK_AS set.
func (c *Client) openGrant(from string, msg []byte, t uint8) (*PeerKeyGrant, *PeerKeyBody, suite.PublicKey, error) {
	label := Label(t)
	m, err := unmarshalPeerKeyGrant(msg, t)
	if err != nil {
		return nil, nil, nil, decodeAlert(label, err)
	}
	if err := c.fromServer(label, from, m.Suite); err != nil {
		return nil, nil, nil, err
	}
	if !c.loggedIn {
		return nil, nil, nil, alert(label, role.UnexpectedMessage, "not logged in")
	}
	j := int(m.Index)
	key, err := c.as.checkRecv(label, j)
	if err != nil {
		return nil, nil, nil, err
	}
	aeadLabel := labelE2
	if t == TypeE3 {
		aeadLabel = labelE3
	}
	pt, err := c.ctx.Open(key, aeadLabel, m.Sealed, c.cfg.Variant.aad([]byte(c.cfg.Server), []byte(c.cfg.ID), u16(j))...)
	if err != nil {
		return nil, nil, nil, alert(label, role.DecryptError, err.Error())
	}
	body, err := UnmarshalPeerKeyBody(pt)
	if err != nil {
		return nil, nil, nil, decodeAlert(label, err)
	}
	if body.Peer == c.cfg.ID || body.Peer == c.cfg.Server {
		return nil, nil, nil, alert(label, role.WrongIdentity, fmt.Sprintf("%s names %q", label, body.Peer))
	}
	pub, err := c.cfg.Suite.ParsePublicKey(body.PublicKey)
	if err != nil {
		return nil, nil, nil, alert(label, role.DecodeError, err.Error())
	}
	return m, body, pub, nil
}

// handleE2 accepts Pub-B and, as initiator, sends E4.
func (c *Client) handleE2(from string, msg []byte) (role.Output, error) {
	m, body, pub, err := c.openGrant(from, msg, TypeE2)
	if err != nil {
		return role.Output{}, err
	}
	p := c.peers[body.Peer]
	if p == nil || !p.requested {
		return role.Output{}, alert("E2", role.UnexpectedMessage, fmt.Sprintf("no request outstanding for %q", body.Peer))
	}
	n3, err := c.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal("E4", err)
	}
	kab, err := c.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal("E4", err)
	}
	dkab, err := c.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal("E4", err)
	}
	defer clear(kab)
	defer clear(dkab)
	kt := &KeyTransportBody{N3: n3, K: kab, DK: dkab, M: uint16(c.cfg.M)}
	hard := c.cfg.Variant.hardened()
	if hard {
		kt.Initiator, kt.Responder = c.cfg.ID, body.Peer
	}
	pt, err := kt.Marshal()
	if err != nil {
		return role.Output{}, internal("E4", err)
	}
	ct, err := c.ctx.Encrypt(pub, labelE4, pt)
	clear(pt)
	if err != nil {
		return role.Output{}, internal("E4", err)
	}
	var sig []byte
	if hard {
		sig, err = c.ctx.Sign(c.priv, labelE4SigHardened, []byte(c.cfg.ID), []byte(body.Peer), ct)
	} else {
		sig, err = c.ctx.Sign(c.priv, labelE4Sig, kab, dkab, u16(c.cfg.M))
	}
	if err != nil {
		return role.Output{}, internal("E4", err)
	}
	e4, err := (&KeyTransport{Suite: c.cfg.Suite.ID, Ciphertext: ct, Signature: sig}).Marshal()
	if err != nil {
		return role.Output{}, internal("E4", err)
	}
	keys, err := GenerateSessionKeys(KeyParams{K: kab, DK: dkab, M: c.cfg.M, Rounds: c.cfg.Rounds})
	if err != nil {
		return role.Output{}, internal("E4", err)
	}
	var out role.Output
	out.Emit(role.Event{Kind: role.PeerKeyAccepted, Role: c.cfg.ID, Peer: body.Peer, Key: pub.Bytes(), Note: "E2"})
	out.Emit(role.Event{Kind: role.KeyExchangeStarted, Role: c.cfg.ID, Peer: body.Peer, Key: append([]byte(nil), kab...), Note: "initiator"})
	out.Send(c.send(body.Peer, "E4", e4))
	// Commit.
	c.as.commitRecv(int(m.Index))
	c.replacePeer(&peer{id: body.Peer, pub: pub, initiator: true, n3: n3, secret: append([]byte(nil), kab...), ab: newKeySet(keys, c.cfg.Variant, true)})
	return out, nil
}

// handleE3 accepts Pub-A; the user now waits for A's E4.
func (c *Client) handleE3(from string, msg []byte) (role.Output, error) {
	m, body, pub, err := c.openGrant(from, msg, TypeE3)
	if err != nil {
		return role.Output{}, err
	}
	var out role.Output
	out.Emit(role.Event{Kind: role.PeerKeyAccepted, Role: c.cfg.ID, Peer: body.Peer, Key: pub.Bytes(), Note: "E3"})
	// Commit.
	c.as.commitRecv(int(m.Index))
	c.replacePeer(&peer{id: body.Peer, pub: pub})
	return out, nil
}

func (c *Client) replacePeer(p *peer) {
	if old := c.peers[p.id]; old != nil {
		clear(old.n3)
		clear(old.secret)
		if old.ab != nil {
			old.ab.zero()
		}
	}
	c.peers[p.id] = p
}

// handleE4 is B's side of the key transport: decrypt, verify, generate
// SK_AB and confirm with E5.
func (c *Client) handleE4(from string, msg []byte) (role.Output, error) {
	m, err := UnmarshalE4(msg)
	if err != nil {
		return role.Output{}, decodeAlert("E4", err)
	}
	if err := c.checkSuite("E4", m.Suite); err != nil {
		return role.Output{}, err
	}
	p := c.peers[from]
	if p == nil || p.pub == nil {
		return role.Output{}, alert("E4", role.UnknownPeer, fmt.Sprintf("no public key for %q (no E3)", from))
	}
	if p.initiator || p.ab != nil || c.priv == nil {
		return role.Output{}, alert("E4", role.UnexpectedMessage, fmt.Sprintf("no key transport expected from %q", from))
	}
	pt, err := c.ctx.Decrypt(c.priv, labelE4, m.Ciphertext)
	if err != nil {
		return role.Output{}, alert("E4", role.DecryptError, err.Error())
	}
	kt, err := UnmarshalKeyTransportBody(pt)
	clear(pt)
	if err != nil {
		return role.Output{}, decodeAlert("E4", err)
	}
	defer clear(kt.K)
	defer clear(kt.DK)
	if c.cfg.Variant.hardened() {
		if kt.Initiator != from || kt.Responder != c.cfg.ID {
			return role.Output{}, alert("E4", role.WrongIdentity, fmt.Sprintf("E4 binds %q → %q, received %q → %q", kt.Initiator, kt.Responder, from, c.cfg.ID))
		}
		if !c.ctx.Verify(p.pub, m.Signature, labelE4SigHardened, []byte(from), []byte(c.cfg.ID), m.Ciphertext) && c.cfg.TestingOnlyDefect != testingOnlyE4SignatureUnchecked {
			return role.Output{}, alert("E4", role.BadSignature, "signature does not verify")
		}
	} else {
		if kt.Initiator != "" {
			return role.Output{}, alert("E4", role.DecodeError, "as-published E4 carries no identities")
		}
		if !c.ctx.Verify(p.pub, m.Signature, labelE4Sig, kt.K, kt.DK, u16(int(kt.M))) && c.cfg.TestingOnlyDefect != testingOnlyE4SignatureUnchecked {
			return role.Output{}, alert("E4", role.BadSignature, "signature does not verify")
		}
	}
	if c.cfg.Variant.hardened() && c.seenN3[string(kt.N3)] {
		return role.Output{}, alert("E4", role.Replay, "n3 of an E4 already accepted (H11)")
	}
	keys, err := GenerateSessionKeys(KeyParams{K: kt.K, DK: kt.DK, M: int(kt.M), Rounds: c.cfg.Rounds})
	if err != nil {
		return role.Output{}, alert("E4", role.DecodeError, err.Error())
	}
	ab := newKeySet(keys, c.cfg.Variant, false)
	j, err := ab.peekSend()
	if err != nil {
		return role.Output{}, alert("E5", role.KeysExhausted, err.Error())
	}
	key := ab.key(j)
	conf := c.confirmation(key, from, c.cfg.ID, kt.N3, j)
	e5, err := (&KeyConfirmation{Suite: c.cfg.Suite.ID, Index: uint16(j), Confirm: conf}).Marshal()
	if err != nil {
		return role.Output{}, internal("E5", err)
	}
	var out role.Output
	out.Send(c.send(from, "E5", e5))
	out.Emit(role.Event{Kind: role.SessionKeyEstablished, Role: c.cfg.ID, Peer: from, Key: append([]byte(nil), kt.K...), Note: "responder"})
	out.Emit(keyUsed(c.cfg.ID, from, j, key, "AB E5"))
	// Commit.
	if c.cfg.Variant.hardened() {
		if c.seenN3 == nil {
			c.seenN3 = map[string]bool{}
		}
		c.seenN3[string(kt.N3)] = true
	}
	clear(kt.N3)
	ab.commitSend(j)
	p.ab, p.confirmed = ab, true
	return out, nil
}

// confirmation is E5's value: h(n3, SK_ABj) as published; hardened a keyed
// hash under SK_ABj bound to both identities and j.
func (c *Client) confirmation(key []byte, initiator, responder string, n3 []byte, j int) []byte {
	if c.cfg.Variant.hardened() {
		return c.ctx.KeyedHash(key, labelE5, []byte(initiator), []byte(responder), n3, u16(j))
	}
	return c.ctx.Hash(labelE5, n3, key)
}

// handleE5 is A's check of B's key confirmation.
func (c *Client) handleE5(from string, msg []byte) (role.Output, error) {
	m, err := UnmarshalE5(msg)
	if err != nil {
		return role.Output{}, decodeAlert("E5", err)
	}
	if err := c.checkSuite("E5", m.Suite); err != nil {
		return role.Output{}, err
	}
	p := c.peers[from]
	if p == nil {
		return role.Output{}, alert("E5", role.UnknownPeer, fmt.Sprintf("no key exchange with %q", from))
	}
	if !p.initiator || p.confirmed {
		return role.Output{}, alert("E5", role.UnexpectedMessage, fmt.Sprintf("no key confirmation expected from %q", from))
	}
	j := int(m.Index)
	key, err := p.ab.checkRecv("E5", j)
	if err != nil {
		return role.Output{}, err
	}
	if !suite.Equal(c.confirmation(key, c.cfg.ID, from, p.n3, j), m.Confirm) {
		return role.Output{}, alert("E5", role.AuthFailed, "key confirmation does not match")
	}
	var out role.Output
	out.Emit(role.Event{Kind: role.SessionKeyEstablished, Role: c.cfg.ID, Peer: from, Key: p.secret, Note: "initiator"})
	// Commit.
	p.ab.commitRecv(j)
	clear(p.n3)
	p.n3, p.secret = nil, nil // the event owns the copy of K_AB
	p.confirmed = true
	return out, nil
}
