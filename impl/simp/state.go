package simp

import (
	"errors"
	"fmt"
	"sort"

	"golang.org/x/crypto/cryptobyte"

	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// The state that must survive a restart (docs/spec/simp.md §14): for S,
// each registered user's verifier V_A, key set SK_AS with its index state,
// and (hardened, H9) the n1 of every accepted L1; for a user, V_A and its
// SK_AS. A login (Pub-A, Pri-A) and every SK_AB end with the process: the
// user logs in again. The encodings below are strict (cryptobyte, no
// trailing bytes) and versioned by their first byte.

const (
	stateAccount uint8 = 1 // S's record of one user
	stateClient  uint8 = 2 // a user's own record
)

// appendKeySet encodes k: u8 flags (1 hardened, 2 sends odd), u16 m,
// u16 next, u16 last sent, u16 last received, then m keys of 32 bytes
// (zero where used, hardened).
func appendKeySet(b *cryptobyte.Builder, k *keySet) {
	var flags uint8
	if k.hardened {
		flags |= 1
	}
	if k.sendsOdd {
		flags |= 2
	}
	b.AddUint8(flags)
	b.AddUint16(uint16(k.size()))
	b.AddUint16(uint16(k.next))
	b.AddUint16(uint16(k.lastSent))
	b.AddUint16(uint16(k.lastRecv))
	for _, key := range k.keys {
		b.AddBytes(key)
	}
}

func readKeySet(s *cryptobyte.String, v Variant) (*keySet, error) {
	var flags uint8
	var m, next, sent, recv uint16
	if !s.ReadUint8(&flags) || !s.ReadUint16(&m) || !s.ReadUint16(&next) || !s.ReadUint16(&sent) || !s.ReadUint16(&recv) {
		return nil, errors.New("simp: state: truncated key set")
	}
	if flags > 3 {
		return nil, fmt.Errorf("simp: state: unknown key-set flags 0x%02x", flags)
	}
	if flags&1 == 1 != v.hardened() {
		return nil, fmt.Errorf("simp: state: key set of the other variant, not %s", v)
	}
	if err := CheckM(int(m)); err != nil {
		return nil, fmt.Errorf("simp: state: %w", err)
	}
	if next < 1 || int(next) > int(m)+1 || sent > m || recv > m {
		return nil, fmt.Errorf("simp: state: key indices (%d, %d, %d) outside a set of %d", next, sent, recv, m)
	}
	k := &keySet{hardened: flags&1 == 1, sendsOdd: flags&2 == 2, next: int(next), lastSent: int(sent), lastRecv: int(recv)}
	if k.hardened && ((sent > 0 && !k.ownParity(int(sent))) || (recv > 0 && k.ownParity(int(recv)))) {
		return nil, errors.New("simp: state: key indices of the wrong parity")
	}
	k.keys = make([][]byte, m)
	for i := range k.keys {
		if !s.ReadBytes(&k.keys[i], suite.KeySize) {
			return nil, errors.New("simp: state: truncated key set")
		}
		k.keys[i] = append([]byte(nil), k.keys[i]...)
	}
	return k, nil
}

// ExportAccount encodes what S must keep about user id across a restart;
// ok is false if id is not registered.
func (s *Server) ExportAccount(id string) (b []byte, ok bool) {
	a := s.users[id]
	if a == nil {
		return nil, false
	}
	bd := cryptobyte.NewBuilder(nil)
	bd.AddUint8(stateAccount)
	wire.AddString8(bd, a.id)
	bd.AddBytes(a.verifier)
	appendKeySet(bd, a.as)
	seen := make([]string, 0, len(a.seenN1))
	for n := range a.seenN1 {
		seen = append(seen, n)
	}
	sort.Strings(seen)
	bd.AddUint16(uint16(len(seen)))
	for _, n := range seen {
		bd.AddBytes([]byte(n))
	}
	return bd.BytesOrPanic(), true
}

// ImportAccount restores a user exported by ExportAccount (of a server
// with the same variant). The user is registered and not logged in.
func (s *Server) ImportAccount(b []byte) error {
	a, err := parseAccount(b, s.cfg.Variant)
	if err != nil {
		return err
	}
	if a.id == s.cfg.ID {
		return errors.New("simp: state: an account with the server's identity")
	}
	if _, dup := s.users[a.id]; dup {
		return fmt.Errorf("simp: state: %q is already registered", a.id)
	}
	s.users[a.id] = a
	return nil
}

func parseAccount(b []byte, v Variant) (*account, error) {
	st := cryptobyte.String(b)
	var kind uint8
	a := &account{seenN1: map[string]bool{}}
	if !st.ReadUint8(&kind) || kind != stateAccount {
		return nil, errors.New("simp: state: not an account record")
	}
	if !wire.ReadString8(&st, &a.id) || !st.ReadBytes(&a.verifier, suite.KeySize) {
		return nil, errors.New("simp: state: truncated account")
	}
	a.verifier = append([]byte(nil), a.verifier...)
	var err error
	if a.as, err = readKeySet(&st, v); err != nil {
		return nil, err
	}
	if a.as.sendsOdd {
		return nil, errors.New("simp: state: S sends on even indices")
	}
	var n uint16
	if !st.ReadUint16(&n) {
		return nil, errors.New("simp: state: truncated account")
	}
	prev := ""
	for range n {
		var n1 []byte
		if !st.ReadBytes(&n1, suite.KeySize) {
			return nil, errors.New("simp: state: truncated account")
		}
		if string(n1) <= prev {
			return nil, errors.New("simp: state: n1 cache not sorted or repeated")
		}
		prev = string(n1)
		a.seenN1[prev] = true
	}
	if !v.hardened() && n > 0 {
		return nil, errors.New("simp: state: an n1 cache in an as-published account")
	}
	if err := wire.Finish(st); err != nil {
		return nil, fmt.Errorf("simp: state: %w", err)
	}
	return a, nil
}

// Accounts lists the registered users, sorted.
func (s *Server) Accounts() []string {
	out := make([]string, 0, len(s.users))
	for id := range s.users {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// ExportState encodes what this user must keep to log in again after a
// restart: its identity, S's, V_A and SK_AS with its index state.
func (c *Client) ExportState() ([]byte, error) {
	if c.as == nil {
		return nil, errors.New("simp: not registered: nothing to keep")
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddUint8(stateClient)
	wire.AddString8(b, c.cfg.ID)
	wire.AddString8(b, c.cfg.Server)
	b.AddBytes(c.verifier)
	appendKeySet(b, c.as)
	return b.BytesOrPanic(), nil
}

// ErrStatePassword is returned by ImportState when the configured password
// is not the one the state was registered with.
var ErrStatePassword = errors.New("simp: the password does not match the registered account")

// ImportState restores a user exported by ExportState into a client that
// has not registered. The configured password must be the registered one
// (checked against V_A, ErrStatePassword otherwise); it is then forgotten.
func (c *Client) ImportState(b []byte) error {
	if c.as != nil || c.registration != nil {
		return errors.New("simp: state: this client has registered already")
	}
	st := cryptobyte.String(b)
	var kind uint8
	var id, server string
	var verifier []byte
	if !st.ReadUint8(&kind) || kind != stateClient {
		return errors.New("simp: state: not a user record")
	}
	if !wire.ReadString8(&st, &id) || !wire.ReadString8(&st, &server) || !st.ReadBytes(&verifier, suite.KeySize) {
		return errors.New("simp: state: truncated user record")
	}
	ks, err := readKeySet(&st, c.cfg.Variant)
	if err != nil {
		return err
	}
	if err := wire.Finish(st); err != nil {
		return fmt.Errorf("simp: state: %w", err)
	}
	if !ks.sendsOdd {
		return errors.New("simp: state: a user sends on odd indices")
	}
	if id != c.cfg.ID || server != c.cfg.Server {
		return fmt.Errorf("simp: state: record of %s at %s, not %s at %s", id, server, c.cfg.ID, c.cfg.Server)
	}
	if !suite.Equal(c.ctx.Hash(labelVerifier, []byte(c.cfg.ID), c.cfg.Password), verifier) {
		return ErrStatePassword
	}
	// Commit.
	c.verifier = append([]byte(nil), verifier...)
	c.as = ks
	clear(c.cfg.Password)
	c.cfg.Password = nil
	return nil
}
