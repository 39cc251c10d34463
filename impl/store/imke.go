package store

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/wire"
)

const imkeAccounts = "imke/accounts"

// IMKEAccounts are the users an IMKE server knows, each with the record
// its password storage keeps (docs/spec/imke.md §10: P_A, or the image
// W_A). IMKE has no registration message: an operator adds accounts.
type IMKEAccounts struct{ DB *DB }

// Put adds or replaces accounts, in one synced transaction.
func (a IMKEAccounts) Put(records map[string][]byte) error {
	kvs := make([]KV, 0, len(records))
	for id, rec := range records {
		if !wire.ValidIdentity(id) || len(rec) == 0 {
			return fmt.Errorf("store: bad IMKE account %q", id)
		}
		kvs = append(kvs, KV{id, rec})
	}
	return a.DB.Put(imkeAccounts, kvs...)
}

// All returns every account.
func (a IMKEAccounts) All() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := a.DB.ForEach(imkeAccounts, func(id string, rec []byte) error {
		if !wire.ValidIdentity(id) || len(rec) == 0 {
			return fmt.Errorf("store: bad IMKE account %q", id)
		}
		out[id] = rec
		return nil
	})
	return out, err
}

// Delete removes an account.
func (a IMKEAccounts) Delete(id string) error { return a.DB.Delete(imkeAccounts, id) }
