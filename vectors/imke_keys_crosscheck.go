package vectors

import (
	"bytes"
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// crossCheckImkeKeys checks the derivations of imke_keys.go against the
// reference implementation without using its internals: in an honest
// modern run of each variant, every K^s a party reports (events
// session-key-established and keys-renewed) must be reproduced by the
// profile's f4 or f8 from two 32-byte windows of the parties' random
// inputs (the contributions are drawn there; harness.md). The search does
// not assume the order of draws, so it checks the functions, labels and
// identity bindings only.
func crossCheckImkeKeys() error {
	proto, err := harness.Lookup("imke")
	if err != nil {
		return err
	}
	s, err := suite.ByName("modern")
	if err != nil {
		return err
	}
	for _, v := range proto.Variants() {
		setup := sessionSetup("imke", s, v, runSeed)
		setup.RandLog = &harness.RandLog{}
		r, err := honestRun(proto, setup, nil)
		if err != nil {
			return err
		}
		drawn := drawnBy(setup)
		stream := map[string][]byte{}
		for name, n := range drawn {
			b := make([]byte, n)
			suite.NewRand(setup.Seed, "party "+name).Read(b)
			stream[name] = b
		}
		found := map[string]bool{}
		for _, st := range r.steps {
			for _, e := range st.events {
				if e.Kind != role.SessionKeyEstablished && e.Kind != role.KeysRenewed {
					continue
				}
				if e.Role == setup.Server {
					continue // each key is checked from the client's side
				}
				d, ok := findDerivation(v, setup.Server, e, stream)
				if !ok {
					return fmt.Errorf("vectors: imke %s: %s's %s key with %s is not f4/f8 of any two contributions in the random inputs: the profile's derivation and the reference disagree", v, e.Role, e.Kind, e.Peer)
				}
				found[d] = true
			}
		}
		for _, d := range []string{"4.1", "renewal", "4.6"} {
			if !found[d] {
				return fmt.Errorf("vectors: imke %s: the honest run shows no %s key to cross-check", v, d)
			}
		}
	}
	return nil
}

// findDerivation looks for (secret, random) windows, the secret drawn by
// one party and the random by the other, whose derivation gives e.Key.
func findDerivation(variant, server string, e role.Event, stream map[string][]byte) (string, bool) {
	peer := e.Peer
	derivation := "4.6"
	switch {
	case peer == server && e.Kind == role.KeysRenewed:
		derivation = "renewal"
	case peer == server:
		derivation = "4.1"
	}
	// The client contributes K_AS (K_AS1); the server R_S (R_S1). For 4.6
	// the initiator contributes K_AB, the responder R_B.
	secretBy, randomBy := e.Role, peer
	var ids [][]byte
	if derivation == "4.6" {
		if e.Note == "responder" {
			secretBy, randomBy = peer, e.Role
		}
		if variant == "hardened" {
			ids = [][]byte{[]byte(secretBy), []byte(randomBy)}
		}
	}
	sec, rnd := stream[secretBy], stream[randomBy]
	for _, i := range drawOffsets(len(sec)) {
		for _, j := range drawOffsets(len(rnd)) {
			k, r := sec[i:i+32], rnd[j:j+32]
			var got []byte
			if derivation == "4.6" {
				got = profileKDF(k, "imke f8", append([][]byte{r}, ids...)...)
			} else {
				got = profileKDF(k, "imke f4", r)
			}
			if bytes.Equal(got, e.Key) {
				return derivation, true
			}
		}
	}
	return "", false
}

// drawOffsets are the offsets at which a 32-byte value can start in a
// stream of n bytes made of 32-byte values and 12-byte nonces, the only
// sizes the profiles draw (suites.md §1: keys, challenges, seeds and
// ephemeral secrets are 32 bytes, AEAD nonces 12).
func drawOffsets(n int) []int {
	seen := map[int]bool{}
	var out []int
	for a := 0; 32*a+32 <= n; a++ {
		for b := 0; 32*a+12*b+32 <= n; b++ {
			if o := 32*a + 12*b; !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out
}
