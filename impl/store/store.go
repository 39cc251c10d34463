package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Memory is the path that opens a throw-away database: a file in a fresh
// temporary directory, removed by Close.
const Memory = ":memory:"

// DB is an open database. Its methods are safe for concurrent use.
type DB struct {
	db   *bolt.DB
	path string
	temp string // directory to remove on Close
}

// Open opens or creates the database at path, creating its directory. It
// waits up to a second for another process holding the file to let go.
func Open(path string) (*DB, error) {
	d := &DB{path: path}
	if path == Memory {
		dir, err := os.MkdirTemp("", "imcheck-db-")
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		d.temp, d.path = dir, filepath.Join(dir, "state.db")
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db, err := bolt.Open(d.path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if d.temp != "" {
			os.RemoveAll(d.temp)
		}
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("store: %s is in use by another process", path)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	d.db = db
	return d, nil
}

// Path is where the database lives (the temporary file for Memory).
func (d *DB) Path() string { return d.path }

// Close closes the database; a Memory database is deleted.
func (d *DB) Close() error {
	err := d.db.Close()
	if d.temp != "" {
		os.RemoveAll(d.temp)
	}
	return err
}

// KV is one key and its value.
type KV struct {
	Key   string
	Value []byte
}

// Put writes every pair into bucket in one transaction, synced to disk
// when Put returns.
func (d *DB) Put(bucket string, kvs ...KV) error {
	if len(kvs) == 0 {
		return nil
	}
	err := d.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		for _, kv := range kvs {
			if err := b.Put([]byte(kv.Key), kv.Value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: write %s: %w", bucket, err)
	}
	return nil
}

// Get reads one value; ok is false if it is not there.
func (d *DB) Get(bucket, key string) (value []byte, ok bool, err error) {
	err = d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(key)); v != nil {
			value, ok = append([]byte(nil), v...), true
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: read %s: %w", bucket, err)
	}
	return value, ok, nil
}

// ForEach calls fn for every pair of bucket in key order.
func (d *DB) ForEach(bucket string, fn func(key string, value []byte) error) error {
	return d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			return fn(string(k), append([]byte(nil), v...))
		})
	})
}

// Delete removes one key; removing a missing key is not an error.
func (d *DB) Delete(bucket, key string) error {
	return d.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		return b.Delete([]byte(key))
	})
}

// KeyID names a server key in records and file keys: the hex of the first
// 16 bytes of SHA-256(suite id (u16) || the public key's encoding).
func KeyID(suiteID uint16, pub []byte) string {
	h := sha256.New()
	h.Write([]byte{byte(suiteID >> 8), byte(suiteID)})
	h.Write(pub)
	return hex.EncodeToString(h.Sum(nil)[:16])
}
