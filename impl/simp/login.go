package simp

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// User login (paper §5 "User Login Protocol"; profile §"L1", §"L2").

// aad returns the associated-data parts of an AEAD or keyed-hash input:
// none as published, the given bindings (identities, index) hardened.
func (v Variant) aad(parts ...[]byte) [][]byte {
	if v.hardened() {
		return parts
	}
	return nil
}

// Login starts a login: a fresh one-time key pair and n1, then L1 under the
// next SK_ASj.
func (c *Client) Login() (role.Output, error) {
	if c.as == nil {
		return role.Output{}, alert("L1", role.UnexpectedMessage, "not registered")
	}
	j, err := c.as.peekSend()
	if err != nil {
		return role.Output{}, alert("L1", role.KeysExhausted, err.Error()+"; register again")
	}
	priv, err := c.ctx.NewPrivateKey()
	if err != nil {
		return role.Output{}, internal("L1", err)
	}
	n1, err := c.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal("L1", err)
	}
	body, err := (&LoginProof{
		PasswordProof: c.ctx.Hash(labelL1Password, c.verifier, n1),
		N1:            n1,
		PublicKey:     priv.Public().Bytes(),
	}).Marshal()
	if err != nil {
		return role.Output{}, internal("L1", err)
	}
	key := c.as.key(j)
	id := []byte(c.cfg.ID)
	sealed, err := c.ctx.Seal(key, labelL1, body, c.cfg.Variant.aad(id, []byte(c.cfg.Server), u16(j))...)
	clear(body)
	if err != nil {
		return role.Output{}, internal("L1", err)
	}
	b, err := (&LoginRequest{Suite: c.cfg.Suite.ID, User: c.cfg.ID, Index: uint16(j), Sealed: sealed}).Marshal()
	if err != nil {
		return role.Output{}, internal("L1", err)
	}
	var out role.Output
	out.Send(c.send(c.cfg.Server, "L1", b))
	out.Emit(c.event(role.LoginStarted, c.cfg.Server))
	out.Emit(keyUsed(c.cfg.ID, c.cfg.Server, j, key, "AS L1"))
	// Commit.
	if c.login != nil {
		clear(c.login.n1)
	}
	c.login = &pendingLogin{n1: n1, index: j, priv: priv}
	c.as.commitSend(j)
	return out, nil
}

func (c *Client) handleL2(from string, msg []byte) (role.Output, error) {
	m, err := UnmarshalL2(msg)
	if err != nil {
		return role.Output{}, decodeAlert("L2", err)
	}
	if err := c.fromServer("L2", from, m.Suite); err != nil {
		return role.Output{}, err
	}
	if c.login == nil {
		return role.Output{}, alert("L2", role.UnexpectedMessage, "no login outstanding")
	}
	j := int(m.Index)
	var key []byte
	if c.cfg.Variant.hardened() {
		if key, err = c.as.checkRecv("L2", j); err != nil {
			return role.Output{}, err
		}
	} else {
		// As published, L2 is under the same SK_j as L1.
		if j != c.login.index {
			return role.Output{}, alert("L2", role.BadIndex, fmt.Sprintf("L2 under index %d, L1 used %d", j, c.login.index))
		}
		key = c.as.key(j)
	}
	pt, err := c.ctx.Open(key, labelL2, m.Sealed, c.cfg.Variant.aad([]byte(c.cfg.Server), []byte(c.cfg.ID), u16(j))...)
	if err != nil {
		return role.Output{}, alert("L2", role.DecryptError, err.Error())
	}
	conf, err := UnmarshalLoginConfirmation(pt)
	if err != nil {
		return role.Output{}, decodeAlert("L2", err)
	}
	if !suite.Equal(c.ctx.Hash(labelL2Proof, c.login.n1, conf.N2), conf.Proof) {
		return role.Output{}, alert("L2", role.AuthFailed, "h(n1, n2) does not match")
	}
	// Commit.
	if c.cfg.Variant.hardened() {
		c.as.commitRecv(j)
	}
	c.priv = c.login.priv
	clear(c.login.n1)
	c.login = nil
	c.loggedIn = true
	var out role.Output
	out.Emit(c.event(role.LoginAccepted, c.cfg.Server))
	return out, nil
}

func (s *Server) handleL1(from string, msg []byte) (role.Output, error) {
	m, err := UnmarshalL1(msg)
	if err != nil {
		return role.Output{}, decodeAlert("L1", err)
	}
	if err := s.checkSuite("L1", m.Suite); err != nil {
		return role.Output{}, err
	}
	if m.User != from {
		return role.Output{}, alert("L1", role.WrongIdentity, fmt.Sprintf("L1 names %q but came from %q", m.User, from))
	}
	a := s.users[m.User]
	if a == nil {
		return role.Output{}, alert("L1", role.UnknownPeer, fmt.Sprintf("%q is not registered", m.User))
	}
	j := int(m.Index)
	key, err := a.as.checkRecv("L1", j)
	if err != nil {
		return role.Output{}, err
	}
	id, sid := []byte(a.id), []byte(s.cfg.ID)
	pt, err := s.ctx.Open(key, labelL1, m.Sealed, s.cfg.Variant.aad(id, sid, u16(j))...)
	if err != nil {
		return role.Output{}, alert("L1", role.DecryptError, err.Error())
	}
	proof, err := UnmarshalLoginProof(pt)
	if err != nil {
		return role.Output{}, decodeAlert("L1", err)
	}
	if !suite.Equal(s.ctx.Hash(labelL1Password, a.verifier, proof.N1), proof.PasswordProof) {
		return role.Output{}, alert("L1", role.AuthFailed, "h(ID_A, P_A, n1) does not match")
	}
	pub, err := s.cfg.Suite.ParsePublicKey(proof.PublicKey)
	if err != nil {
		return role.Output{}, alert("L1", role.DecodeError, err.Error())
	}
	if s.cfg.Variant.hardened() && a.seenN1[string(proof.N1)] {
		return role.Output{}, alert("L1", role.Replay, "n1 seen before")
	}
	// L2: as published under the same SK_j; hardened under S's next index.
	j2 := j
	if s.cfg.Variant.hardened() {
		if j2, err = a.as.peekSend(); err != nil {
			return role.Output{}, alert("L2", role.KeysExhausted, err.Error())
		}
	}
	n2, err := s.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal("L2", err)
	}
	body, err := (&LoginConfirmation{N2: n2, Proof: s.ctx.Hash(labelL2Proof, proof.N1, n2)}).Marshal()
	if err != nil {
		return role.Output{}, internal("L2", err)
	}
	key2 := a.as.key(j2)
	sealed, err := s.ctx.Seal(key2, labelL2, body, s.cfg.Variant.aad(sid, id, u16(j2))...)
	if err != nil {
		return role.Output{}, internal("L2", err)
	}
	b, err := (&LoginResponse{Suite: s.cfg.Suite.ID, Index: uint16(j2), Sealed: sealed}).Marshal()
	if err != nil {
		return role.Output{}, internal("L2", err)
	}
	var out role.Output
	out.Send(s.send(a.id, "L2", b))
	out.Emit(role.Event{Kind: role.LoginAccepted, Role: s.cfg.ID, Peer: a.id})
	out.Emit(keyUsed(s.cfg.ID, a.id, j2, key2, "AS L2"))
	// Commit.
	a.as.commitRecv(j)
	if s.cfg.Variant.hardened() {
		a.as.commitSend(j2)
		a.seenN1[string(proof.N1)] = true
	}
	a.pub = pub
	a.loggedIn = true
	return out, nil
}
