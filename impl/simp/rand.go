package simp

import "crypto/rand"

// cryptoRand is the real random source used when a configuration has none.
type cryptoRand struct{}

func (cryptoRand) Read(p []byte) (int, error) { return rand.Read(p) }
