package store

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

const (
	simpAccounts = "simp/accounts"
	simpUsers    = "simp/users"
)

// SIMPServer keeps a SIMP server's accounts. It is the netio.Durable of
// `imcheck serve simp`.
type SIMPServer struct {
	DB *DB
	S  *simp.Server
}

// Load imports every stored account into S and returns how many.
func (p *SIMPServer) Load() (int, error) {
	n := 0
	err := p.DB.ForEach(simpAccounts, func(id string, rec []byte) error {
		if err := p.S.ImportAccount(rec); err != nil {
			return fmt.Errorf("store: account %q: %w", id, err)
		}
		n++
		return nil
	})
	return n, err
}

// Remove deletes the stored account of id (before Load).
func (p *SIMPServer) Remove(id string) error { return p.DB.Delete(simpAccounts, id) }

// Commit writes, in one synced transaction, the record of every account
// the accepted message can have changed: its sender's and those of the
// users S answered or named in an event (R1, L1 and E1 change only
// these; docs/spec/simp.md §14).
func (p *SIMPServer) Commit(from string, out role.Output) error {
	touched := map[string]bool{from: true}
	for _, m := range out.Messages {
		touched[m.To] = true
	}
	for _, e := range out.Events {
		touched[e.Peer] = true
	}
	ids := make([]string, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var kvs []KV
	for _, id := range ids {
		if rec, ok := p.S.ExportAccount(id); ok {
			kvs = append(kvs, KV{id, rec})
		}
	}
	return p.DB.Put(simpAccounts, kvs...)
}

// SIMPUser keeps one SIMP user's own record (V_A and SK_AS), keyed by the
// server key it registered with, so that a client can log in again in a
// later run.
type SIMPUser struct {
	DB    *DB
	Key   string // the record's key: server key fingerprint and identity
	saved []byte
}

// UserKey is the key of user id's record at the server whose key has the
// given fingerprint.
func UserKey(fingerprint, id string) string { return fingerprint + "/" + id }

// ErrNoAccount is returned by Load when the user has no stored record.
var ErrNoAccount = errors.New("store: no SIMP account stored for this user and server")

// Load restores the stored record into c, a client that has not
// registered.
func (u *SIMPUser) Load(c *simp.Client) error {
	rec, ok, err := u.DB.Get(simpUsers, u.Key)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNoAccount
	}
	if err := c.ImportState(rec); err != nil {
		return err
	}
	u.saved = rec
	return nil
}

// Save writes c's record if it changed since the last Load or Save. Call
// it after every step that may have used a key of SK_AS and before the
// step's messages are sent, so that no index is used twice.
func (u *SIMPUser) Save(c *simp.Client) error {
	if !c.Registered() {
		return nil
	}
	rec, err := c.ExportState()
	if err != nil {
		return err
	}
	if bytes.Equal(rec, u.saved) {
		return nil
	}
	if err := u.DB.Put(simpUsers, KV{u.Key, rec}); err != nil {
		return err
	}
	u.saved = rec
	return nil
}
