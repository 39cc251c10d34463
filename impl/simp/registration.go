package simp

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// Registration (paper §5 "Registration Protocol"; profile §"Registration").
// The paper runs R1/R2 over SSL. The profile replaces the tunnel with a
// one-shot channel: R1 is encrypted to S's long-term public key and carries
// a fresh registration key RK; R2 is sealed under RK. Both variants use it.

// Register starts registration: R1 to S.
func (c *Client) Register() (role.Output, error) {
	if c.as != nil {
		return role.Output{}, alert("R1", role.UnexpectedMessage, "already registered")
	}
	rk, err := c.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal("R1", err)
	}
	body, err := (&RegistrationSecret{User: c.cfg.ID, Password: c.cfg.Password, RegistrationKey: rk}).Marshal()
	if err != nil {
		return role.Output{}, internal("R1", err)
	}
	ct, err := c.ctx.Encrypt(c.cfg.ServerKey, labelR1, body)
	clear(body)
	if err != nil {
		return role.Output{}, internal("R1", err)
	}
	b, err := (&RegistrationRequest{Suite: c.cfg.Suite.ID, Ciphertext: ct}).Marshal()
	if err != nil {
		return role.Output{}, internal("R1", err)
	}
	clear(c.registration)
	c.registration = rk
	var out role.Output
	out.Send(c.send(c.cfg.Server, "R1", b))
	return out, nil
}

func (c *Client) handleR2(from string, msg []byte) (role.Output, error) {
	m, err := UnmarshalR2(msg)
	if err != nil {
		return role.Output{}, decodeAlert("R2", err)
	}
	if err := c.fromServer("R2", from, m.Suite); err != nil {
		return role.Output{}, err
	}
	if c.registration == nil {
		return role.Output{}, alert("R2", role.UnexpectedMessage, "no registration outstanding")
	}
	pt, err := c.ctx.Open(c.registration, labelR2, m.Sealed, []byte(c.cfg.ID))
	if err != nil {
		return role.Output{}, alert("R2", role.DecryptError, err.Error())
	}
	p, err := UnmarshalRegistrationParams(pt)
	clear(pt)
	if err != nil {
		return role.Output{}, decodeAlert("R2", err)
	}
	check := c.ctx.Hash(labelR2Check, []byte(c.cfg.ID), c.cfg.Password, p.DK, p.K, u16(int(p.M)))
	if !suite.Equal(check, p.Check) {
		return role.Output{}, alert("R2", role.AuthFailed, "h(ID_A, P_A, DK_AS, K_AS, m) does not match")
	}
	keys, err := GenerateSessionKeys(KeyParams{K: p.K, DK: p.DK, M: int(p.M), Rounds: c.cfg.Rounds})
	clear(p.K)
	clear(p.DK)
	if err != nil {
		return role.Output{}, alert("R2", role.DecodeError, err.Error())
	}
	// Commit.
	c.verifier = c.ctx.Hash(labelVerifier, []byte(c.cfg.ID), c.cfg.Password)
	clear(c.cfg.Password)
	c.cfg.Password = nil
	clear(c.registration)
	c.registration = nil
	c.as = newKeySet(keys, c.cfg.Variant, true)
	var out role.Output
	out.Emit(role.Event{Kind: role.Registered, Role: c.cfg.ID, Peer: c.cfg.Server, Index: uint64(p.M)})
	return out, nil
}

// account is what S holds about a registered user.
type account struct {
	id       string
	verifier []byte          // h(ID_A, P_A)
	as       *keySet         // SK_AS
	pub      suite.PublicKey // Pub-A of the current login
	loggedIn bool
	seenN1   map[string]bool // hardened: n1 replay cache
}

func (s *Server) handleR1(from string, msg []byte) (role.Output, error) {
	m, err := UnmarshalR1(msg)
	if err != nil {
		return role.Output{}, decodeAlert("R1", err)
	}
	if err := s.checkSuite("R1", m.Suite); err != nil {
		return role.Output{}, err
	}
	pt, err := s.ctx.Decrypt(s.cfg.Key, labelR1, m.Ciphertext)
	if err != nil {
		return role.Output{}, alert("R1", role.DecryptError, err.Error())
	}
	sec, err := UnmarshalRegistrationSecret(pt)
	clear(pt)
	if err != nil {
		return role.Output{}, decodeAlert("R1", err)
	}
	defer clear(sec.Password)
	defer clear(sec.RegistrationKey)
	if sec.User != from {
		return role.Output{}, alert("R1", role.WrongIdentity, fmt.Sprintf("R1 names %q but came from %q", sec.User, from))
	}
	if sec.User == s.cfg.ID {
		return role.Output{}, alert("R1", role.WrongIdentity, "a user cannot register the server's identity")
	}
	if _, dup := s.users[sec.User]; dup {
		return role.Output{}, alert("R1", role.AuthFailed, fmt.Sprintf("%q is already registered", sec.User))
	}
	dk, err := s.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal("R2", err)
	}
	k, err := s.ctx.Random(suite.KeySize)
	if err != nil {
		return role.Output{}, internal("R2", err)
	}
	defer clear(dk)
	defer clear(k)
	id := []byte(sec.User)
	check := s.ctx.Hash(labelR2Check, id, sec.Password, dk, k, u16(s.cfg.M))
	body, err := (&RegistrationParams{DK: dk, K: k, M: uint16(s.cfg.M), Check: check}).Marshal()
	if err != nil {
		return role.Output{}, internal("R2", err)
	}
	sealed, err := s.ctx.Seal(sec.RegistrationKey, labelR2, body, id)
	clear(body)
	if err != nil {
		return role.Output{}, internal("R2", err)
	}
	b, err := (&RegistrationGrant{Suite: s.cfg.Suite.ID, Sealed: sealed}).Marshal()
	if err != nil {
		return role.Output{}, internal("R2", err)
	}
	keys, err := GenerateSessionKeys(KeyParams{K: k, DK: dk, M: s.cfg.M, Rounds: s.cfg.Rounds})
	if err != nil {
		return role.Output{}, internal("R2", err)
	}
	// Commit.
	s.users[sec.User] = &account{
		id:       sec.User,
		verifier: s.ctx.Hash(labelVerifier, id, sec.Password),
		as:       newKeySet(keys, s.cfg.Variant, false),
		seenN1:   map[string]bool{},
	}
	var out role.Output
	out.Send(s.send(sec.User, "R2", b))
	out.Emit(role.Event{Kind: role.Registered, Role: s.cfg.ID, Peer: sec.User, Index: uint64(s.cfg.M)})
	return out, nil
}
