package imke

import (
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// peer is what a client knows about another user B.
type peer struct {
	id        string
	key       suite.PublicKey // KU_B from b1/b2
	keyBytes  []byte
	requested bool       // A asked S for B (4.2) and starts c1 on b1
	hs        *handshake // c1–c3 in progress

	keys             *channelKeys // K_AB^s, K_AB^m (4.6)
	sendSeq, recvSeq uint64       // 4.7 sent, 4.7 accepted
	relayed          bool         // the key transport ran through S
}

// handshake is one run of c1–c3.
type handshake struct {
	initiator   bool
	kab, ra, rb []byte // K_AB, R_A, R_B: wiped after c3
	relayed     bool
}

func (p *peer) wipe() {
	if p.hs != nil {
		wipe(p.hs.kab, p.hs.ra, p.hs.rb)
	}
	p.keys.wipe()
}

func (c *Client) peer(id string) *peer {
	p, ok := c.peers[id]
	if !ok {
		p = &peer{id: id}
		c.peers[id] = p
	}
	return p
}

// handlePeerKey opens the as-published b1/b2.
func (c *Client) handlePeerKey(msg []byte) step {
	if c.cfg.Variant.hardened() {
		return reject(alert(role.UnexpectedMessage, "b1/b2", "hardened peer keys come inside 4.3"))
	}
	m, err := UnmarshalPeerKey(msg)
	if err != nil {
		return reject(err)
	}
	data, err := unprotect(c.ctx, c.keys, bindFor(c.cfg.Variant, "", 0, "", ""), m.Sealed, m.MAC, "b1/b2")
	if err != nil {
		return reject(err)
	}
	info, err := UnmarshalPeerKeyInfo(data)
	if err != nil {
		return reject(err)
	}
	return c.acceptPeerKey(info.ID, info.Key, "b1/b2")
}

// acceptPeerKey records KU_B from S (b1/b2) and, if A asked for B, starts
// the session-key transport with c1.
func (c *Client) acceptPeerKey(id string, keyBytes []byte, label string) step {
	if id == c.cfg.Identity || id == c.cfg.Server {
		return reject(alert(role.UnexpectedMessage, label, "public key for %q", id))
	}
	pk, err := c.cfg.Suite.ParsePublicKey(keyBytes)
	if err != nil {
		return reject(alert(role.DecodeError, label, "public key: %v", err))
	}
	var out role.Output
	out.Emit(role.Event{Kind: role.PeerKeyAccepted, Role: c.cfg.Identity, Peer: id, Key: clone(keyBytes)})
	p := c.peers[id]
	var start step
	if p != nil && p.requested {
		start = c.keyTransport(id, pk)
		if start.err != nil {
			return start
		}
		out.Append(start.out)
	}
	return step{out: out, commit: func() {
		p := c.peer(id)
		p.key, p.keyBytes = pk, clone(keyBytes)
		if start.commit != nil {
			p.requested = false
			start.commit()
		}
	}}
}

// ids is the identity binding of c1–c3 and 4.6 when hardened: (ID_A,
// ID_B) with A the initiator.
func (c *Client) ids(initiator, responder string) [][]byte {
	if c.cfg.Variant.hardened() {
		return [][]byte{[]byte(initiator), []byte(responder)}
	}
	return nil
}

// sealAAD is the associated data of c1's and c2's seals under K_AB.
func (c *Client) sealAAD(initiator, responder string) [][]byte { return c.ids(initiator, responder) }

// c2AAD is the associated data of c2's seal: sealAAD, and when hardened
// also h(R_B) (H7), so that an R_B swapped in c2's public-key part no
// longer opens the seal.
func (c *Client) c2AAD(initiator, responder string, rb []byte) [][]byte {
	aad := c.sealAAD(initiator, responder)
	if c.cfg.Variant.hardened() {
		aad = append(aad, c.ctx.Hash(labelC2RB, rb))
	}
	return aad
}

// boundSecret is the plaintext of c1's and c2's public-key encryptions.
func (c *Client) boundSecret(secret []byte, sender, receiver string) ([]byte, error) {
	if !c.cfg.Variant.hardened() {
		return secret, nil
	}
	return (&BoundSecret{Secret: secret, Sender: sender, Receiver: receiver}).Marshal()
}

// openSecret decrypts c1's or c2's public-key part and, when hardened,
// checks the identities in it.
func (c *Client) openSecret(label, encLabel string, ct []byte, sender string) ([]byte, error) {
	pt, err := c.ctx.Decrypt(c.kr, encLabel, ct)
	if err != nil {
		return nil, alert(role.DecryptError, label, "cannot decrypt")
	}
	if !c.cfg.Variant.hardened() {
		if len(pt) != secretSize {
			return nil, alert(role.DecodeError, label, "secret of %d bytes", len(pt))
		}
		return pt, nil
	}
	bs, err := UnmarshalBoundSecret(pt)
	if err != nil {
		return nil, err
	}
	if bs.Sender != sender || bs.Receiver != c.cfg.Identity {
		return nil, alert(role.WrongIdentity, label, "bound to %s→%s, arrived %s→%s", bs.Sender, bs.Receiver, sender, c.cfg.Identity)
	}
	return bs.Secret, nil
}

// keyTransport builds c1 for B (paper §4.2 step 2).
func (c *Client) keyTransport(id string, pk suite.PublicKey) step {
	kab, err := c.ctx.Random(secretSize)
	if err != nil {
		return reject(alert(role.InternalError, "c1", "%v", err))
	}
	ra, err := c.ctx.Random(secretSize)
	if err != nil {
		return reject(alert(role.InternalError, "c1", "%v", err))
	}
	pt, err := c.boundSecret(kab, c.cfg.Identity, id)
	if err != nil {
		return reject(err)
	}
	enc, err := c.ctx.Encrypt(pk, labelEncKAB, pt)
	if err != nil {
		return reject(alert(role.InternalError, "c1", "encrypt K_AB: %v", err))
	}
	sealed, err := c.ctx.Seal(kab, labelSealC1, ra, c.sealAAD(c.cfg.Identity, id)...)
	if err != nil {
		return reject(alert(role.InternalError, "c1", "seal R_A: %v", err))
	}
	b, err := (&KeyTransport{Suite: c.suiteID(), EncryptedKey: enc, SealedChallenge: sealed}).Marshal()
	if err != nil {
		return reject(err)
	}
	msg, commitSend, err := c.toPeer(id, "c1", b, c.cfg.Relay)
	if err != nil {
		return reject(err)
	}
	var out role.Output
	out.Send(msg)
	out.Emit(role.Event{Kind: role.KeyExchangeStarted, Role: c.cfg.Identity, Peer: id, Note: relayNote(c.cfg.Relay)})
	relay := c.cfg.Relay
	return step{out: out, commit: func() {
		p := c.peer(id)
		if p.hs != nil {
			wipe(p.hs.kab, p.hs.ra, p.hs.rb)
		}
		p.hs = &handshake{initiator: true, kab: kab, ra: ra, relayed: relay}
		commitSend()
	}}
}

// StartKeyExchange sends c1 to a peer whose key the client already has.
func (c *Client) StartKeyExchange(id string) (role.Output, error) {
	if c.phase != clientLoggedIn {
		return role.Output{}, alert(role.UnexpectedMessage, "c1", "not logged in")
	}
	p := c.peers[id]
	if p == nil || p.key == nil {
		return role.Output{}, alert(role.UnknownPeer, "c1", "no public key for %q", id)
	}
	st := c.keyTransport(id, p.key)
	if st.err != nil {
		return role.Output{}, st.err
	}
	st.commit()
	return st.out, nil
}

// toPeer addresses a c1–c3 or 4.7 to a peer: directly, or inside a 4.2
// relay request (paper §4.2 caveat). commit advances the 4.2 counter.
func (c *Client) toPeer(id, label string, b []byte, relay bool) (role.Message, func(), error) {
	if !relay {
		return role.Message{From: c.cfg.Identity, To: id, Label: label, Bytes: b}, func() {}, nil
	}
	m, commit, err := c.sealToServer(&Item{Kind: ItemRelay, Peer: id, Body: b}, label+" (4.2)")
	return m, commit, err
}

// relayAsIs is the hostile user's relay (testingOnlyHostileUser): body,
// whatever it is, in a relay item to peer.
func (c *Client) relayAsIs(peer string, body []byte) (role.Output, error) {
	m, commit, err := c.toPeer(peer, "relay", body, true)
	if err != nil {
		return role.Output{}, err
	}
	commit()
	var out role.Output
	out.Send(m)
	return out, nil
}

func relayNote(relayed bool) string {
	if relayed {
		return "relayed"
	}
	return "direct"
}

// handlePeerMessage dispatches c1, c2, c3 and 4.7 from peer id, arriving
// directly or relayed inside a 4.3.
func (c *Client) handlePeerMessage(id string, msg []byte, relayed bool) step {
	h, err := checkHeader(msg, c.suiteID())
	if err != nil {
		return reject(err)
	}
	switch h.Type {
	case TypeKeyTransport:
		return c.handleKeyTransport(id, msg, relayed)
	case TypeKeyTransportReply:
		return c.handleKeyTransportReply(id, msg)
	case TypeKeyConfirm:
		return c.handleKeyConfirm(id, msg)
	case TypePeerData:
		return c.handlePeerData(id, msg, relayed)
	}
	return reject(alert(role.UnexpectedMessage, Label(h.Type), "not a peer message"))
}

// handleKeyTransport is B's side of c1: answer c2.
func (c *Client) handleKeyTransport(id string, msg []byte, relayed bool) step {
	p := c.peers[id]
	if p == nil || p.key == nil {
		return reject(alert(role.UnknownPeer, "c1", "no public key for %q from the server", id))
	}
	m, err := UnmarshalKeyTransport(msg)
	if err != nil {
		return reject(err)
	}
	kab, err := c.openSecret("c1", labelEncKAB, m.EncryptedKey, id)
	if err != nil {
		return reject(err)
	}
	ra, err := c.ctx.Open(kab, labelSealC1, m.SealedChallenge, c.sealAAD(id, c.cfg.Identity)...)
	if err != nil || len(ra) != secretSize {
		return reject(alert(role.DecryptError, "c1", "cannot open R_A under K_AB"))
	}
	rb, err := c.ctx.Random(secretSize)
	if err != nil {
		return reject(alert(role.InternalError, "c2", "%v", err))
	}
	pt, err := c.boundSecret(rb, c.cfg.Identity, id)
	if err != nil {
		return reject(err)
	}
	enc, err := c.ctx.Encrypt(p.key, labelEncRB, pt)
	if err != nil {
		return reject(alert(role.InternalError, "c2", "encrypt R_B: %v", err))
	}
	sealed, err := c.ctx.Seal(kab, labelSealC2, c.fn.f6(ra), c.c2AAD(id, c.cfg.Identity, rb)...)
	if err != nil {
		return reject(alert(role.InternalError, "c2", "seal: %v", err))
	}
	b, err := (&KeyTransportReply{Suite: c.suiteID(), EncryptedChallenge: enc, SealedProof: sealed}).Marshal()
	if err != nil {
		return reject(err)
	}
	out, commitSend, err := c.toPeer(id, "c2", b, relayed)
	if err != nil {
		return reject(err)
	}
	var o role.Output
	o.Send(out)
	return step{out: o, commit: func() {
		if p.hs != nil {
			wipe(p.hs.kab, p.hs.ra, p.hs.rb)
		}
		p.hs = &handshake{kab: kab, ra: ra, rb: rb, relayed: relayed}
		commitSend()
	}}
}

// handleKeyTransportReply is A's side of c2: check f6(R_A), answer c3 and
// derive K_AB^s, K_AB^m (4.6).
func (c *Client) handleKeyTransportReply(id string, msg []byte) step {
	p := c.peers[id]
	if p == nil || p.hs == nil || !p.hs.initiator {
		return reject(alert(role.UnexpectedMessage, "c2", "no c1 sent to %q", id))
	}
	m, err := UnmarshalKeyTransportReply(msg)
	if err != nil {
		return reject(err)
	}
	hs := p.hs
	rb, err := c.openSecret("c2", labelEncRB, m.EncryptedChallenge, id)
	if err != nil {
		return reject(err)
	}
	f6, err := c.ctx.Open(hs.kab, labelSealC2, m.SealedProof, c.c2AAD(c.cfg.Identity, id, rb)...)
	if err != nil {
		return reject(alert(role.DecryptError, "c2", "cannot open f6(R_A) under K_AB (hardened: or R_B is not the one B sealed)"))
	}
	if !suite.Equal(f6, c.fn.f6(hs.ra)) {
		return reject(alert(role.AuthFailed, "c2", "f6(R_A) does not match"))
	}
	ids := c.ids(c.cfg.Identity, id)
	b, err := (&KeyConfirm{Suite: c.suiteID(), F7: c.fn.f7(hs.ra, rb, ids...)}).Marshal()
	if err != nil {
		return reject(err)
	}
	keys := &channelKeys{enc: c.fn.f8(hs.kab, rb, ids...), mac: c.fn.f9(rb, hs.kab, ids...)}
	out, commitSend, err := c.toPeer(id, "c3", b, hs.relayed)
	if err != nil {
		return reject(err)
	}
	var o role.Output
	o.Send(out)
	o.Emit(role.Event{Kind: role.SessionKeyEstablished, Role: c.cfg.Identity, Peer: id, Key: clone(keys.enc), Note: "initiator"})
	return step{out: o, commit: func() {
		c.install(p, keys, hs.relayed)
		wipe(rb)
		commitSend()
	}}
}

// handleKeyConfirm is B's side of c3: check f7(R_A, R_B) and derive 4.6.
func (c *Client) handleKeyConfirm(id string, msg []byte) step {
	p := c.peers[id]
	if p == nil || p.hs == nil || p.hs.initiator {
		return reject(alert(role.UnexpectedMessage, "c3", "no c2 sent to %q", id))
	}
	m, err := UnmarshalKeyConfirm(msg)
	if err != nil {
		return reject(err)
	}
	hs := p.hs
	ids := c.ids(id, c.cfg.Identity)
	if !suite.Equal(m.F7, c.fn.f7(hs.ra, hs.rb, ids...)) {
		return reject(alert(role.AuthFailed, "c3", "f7(R_A, R_B) does not match"))
	}
	keys := &channelKeys{enc: c.fn.f8(hs.kab, hs.rb, ids...), mac: c.fn.f9(hs.rb, hs.kab, ids...)}
	var o role.Output
	o.Emit(role.Event{Kind: role.SessionKeyEstablished, Role: c.cfg.Identity, Peer: id, Key: clone(keys.enc), Note: "responder"})
	return step{out: o, commit: func() { c.install(p, keys, hs.relayed) }}
}

// install makes keys the session keys with p and wipes the handshake's
// ephemeral values (paper §4.2: "zero out R_A, R_B and K_AB").
func (c *Client) install(p *peer, keys *channelKeys, relayed bool) {
	p.keys.wipe()
	if p.hs != nil {
		wipe(p.hs.kab, p.hs.ra, p.hs.rb)
	}
	p.hs = nil
	p.keys = keys
	p.sendSeq, p.recvSeq = 0, 0
	p.relayed = relayed
}

// Send sends body to peer in a 4.7, directly unless the client is
// configured to relay.
func (c *Client) Send(peer string, body []byte) (role.Output, error) {
	return c.SendVia(peer, body, c.cfg.Relay)
}

// SendVia sends body to peer in a 4.7, relayed through S inside a 4.2 if
// relay is set.
func (c *Client) SendVia(peer string, body []byte, relay bool) (role.Output, error) {
	p := c.peers[peer]
	if c.cfg.TestingOnlyDefect == testingOnlyHostileUser && relay && c.phase == clientLoggedIn && (p == nil || p.keys == nil) {
		return c.relayAsIs(peer, body)
	}
	if c.phase != clientLoggedIn || p == nil || p.keys == nil {
		return role.Output{}, alert(role.UnexpectedMessage, "4.7", "no session key with %q", peer)
	}
	if len(body) == 0 {
		return role.Output{}, alert(role.InternalError, "4.7", "empty body")
	}
	seq := p.sendSeq + 1
	sealed, mac, err := protect(c.ctx, p.keys, bindFor(c.cfg.Variant, labelPeerData, seq, c.cfg.Identity, peer), body)
	if err != nil {
		return role.Output{}, alert(role.InternalError, "4.7", "seal: %v", err)
	}
	b, err := (&PeerData{Sequenced{Suite: c.suiteID(), Seq: seq, Sealed: sealed, MAC: mac}}).Marshal()
	if err != nil {
		return role.Output{}, err
	}
	m, commit, err := c.toPeer(peer, "4.7", b, relay)
	if err != nil {
		return role.Output{}, err
	}
	commit()
	p.sendSeq = seq
	var out role.Output
	out.Send(m)
	out.Emit(role.Event{Kind: role.MessageSent, Role: c.cfg.Identity, Peer: peer, Index: seq, Body: clone(body), Note: relayNote(relay)})
	return out, nil
}

// handlePeerData accepts a 4.7: open, check the MAC, then the sequence
// number (goal G6).
func (c *Client) handlePeerData(id string, msg []byte, relayed bool) step {
	p := c.peers[id]
	if p == nil || p.keys == nil {
		return reject(alert(role.UnexpectedMessage, "4.7", "no session key with %q", id))
	}
	m, err := UnmarshalPeerData(msg)
	if err != nil {
		return reject(err)
	}
	body, err := unprotect(c.ctx, p.keys, bindFor(c.cfg.Variant, labelPeerData, m.Seq, id, c.cfg.Identity), m.Sealed, m.MAC, "4.7")
	if err != nil {
		return reject(err)
	}
	if m.Seq <= p.recvSeq && !(relayed && c.cfg.TestingOnlyDefect == testingOnlyRelayedSeqUnchecked) {
		return reject(alert(role.Replay, "4.7", "sequence number %d, last accepted %d", m.Seq, p.recvSeq))
	}
	var o role.Output
	o.Emit(role.Event{Kind: role.MessageAccepted, Role: c.cfg.Identity, Peer: id, Index: m.Seq, Body: body, Note: relayNote(relayed)})
	seq := m.Seq
	return step{out: o, commit: func() { p.recvSeq = seq }}
}
