package adversary

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// TestSIMPKeyDistributionDerivation (gopter, generated key-distribution
// parameters): for any m, round count n, K_AB and DK_AB, an adversary
// that holds the plaintext of an E4 carrying (K_AB, DK_AB, m) derives
// exactly the key set the parties use (paper §4: whoever has the
// parameters has every key), while one that holds only the E4 sealed to a
// key pair it does not know derives none of them.
func TestSIMPKeyDistributionDerivation(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 25
	params.Rng.Seed(1) // deterministic
	properties := gopter.NewProperties(params)
	s := mustSuite("modern")
	properties.Property("E4 parameters give the whole key set, the sealed E4 gives none", prop.ForAll(
		func(m, rounds int, k, dk []byte) string {
			setup := harness.DefaultSetup("simp", s, "as-published")
			setup.Options = map[string]string{"rounds": fmt.Sprint(rounds)}
			want, err := simp.GenerateSessionKeys(simp.KeyParams{K: bytes.Clone(k), DK: bytes.Clone(dk), M: m, Rounds: rounds})
			if err != nil {
				return err.Error()
			}
			body, err := (&simp.KeyTransportBody{N3: make([]byte, 32), K: k, DK: dk, M: uint16(m)}).Marshal()
			if err != nil {
				return err.Error()
			}
			ctx := suite.NewCtx(s, suite.NewRand(k, "gopter"))
			bob, err := ctx.NewPrivateKey()
			if err != nil {
				return err.Error()
			}
			ct, err := ctx.Encrypt(bob.Public(), simpLabelE4, body)
			if err != nil {
				return err.Error()
			}
			e4, err := (&simp.KeyTransport{Suite: s.ID, Ciphertext: ct, Signature: []byte("sig")}).Marshal()
			if err != nil {
				return err.Error()
			}
			for _, withKey := range []bool{false, true} {
				d, err := NewDissector(setup)
				if err != nil {
					return err.Error()
				}
				kn := NewKnowledge()
				kn.Add(e4, "seen E4")
				if withKey {
					kn.AddPrivateKey(bob, "bob's one-time key, revealed")
				}
				kn.Saturate(d)
				for j, sk := range want {
					if kn.Knows(sk) != withKey {
						return fmt.Sprintf("m=%d n=%d: with the key %v, SK_%d known = %v", m, rounds, withKey, j+1, kn.Knows(sk))
					}
				}
			}
			return ""
		},
		gen.IntRange(simp.MinM, 48),
		gen.IntRange(simp.MinRounds, 5),
		gen.SliceOfN(32, gen.UInt8()),
		gen.SliceOfN(32, gen.UInt8()),
	))
	properties.TestingRun(t)
}
