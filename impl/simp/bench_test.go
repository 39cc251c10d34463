package simp

import (
	"runtime"
	"testing"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// Benchmarks of the as-published protocol per suite, and beside each the
// floor: the same primitive operations through suite.Ctx with no encoding,
// parsing or state (docs/spec/simp.md §"Performance").

var benchSuites = []string{"classic", "modern", "pq"}

// benchParties returns registered (and, with login, logged-in) parties with
// the largest key sets, so that a benchmark rarely has to rebuild them.
func benchParties(b *testing.B, name string, login, exchange bool) *Parties {
	b.Helper()
	p, err := NewParties(RunConfig{Suite: name, Seed: 1, M: MaxM, Rounds: DefaultRounds})
	if err != nil {
		b.Fatal(err)
	}
	steps := []func() error{p.Register}
	if login {
		steps = append(steps, p.Login)
	}
	if exchange {
		steps = append(steps, p.Exchange)
	}
	for _, s := range steps {
		if err := s(); err != nil {
			b.Fatal(err)
		}
	}
	return p
}

// deliverAll hands msgs to the roles directly (no transcript).
func deliverAll(b *testing.B, p *Parties, msgs []role.Message) {
	for len(msgs) > 0 {
		m := msgs[0]
		msgs = msgs[1:]
		out, err := p.Net.Roles[m.To].Handle(m.From, m.Bytes)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, out.Messages...)
	}
}

func BenchmarkLogin(b *testing.B) {
	for _, name := range benchSuites {
		b.Run(name, func(b *testing.B) {
			p := benchParties(b, name, false, false)
			runtime.GC() // setup garbage must not be collected on the clock
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i > 0 && i%(MaxM-1) == 0 {
					b.StopTimer()
					p = benchParties(b, name, false, false)
					runtime.GC()
					b.StartTimer()
				}
				out, err := p.A.Login()
				if err != nil {
					b.Fatal(err)
				}
				deliverAll(b, p, out.Messages)
			}
		})
	}
}

func BenchmarkKeyExchange(b *testing.B) {
	for _, name := range benchSuites {
		b.Run(name, func(b *testing.B) {
			p := benchParties(b, name, true, false)
			p.A.cfg.M = DefaultM // m2 as in the floor: the default key-set size
			runtime.GC()         // setup garbage must not be collected on the clock
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i > 0 && i%(MaxM-2) == 0 {
					b.StopTimer()
					p = benchParties(b, name, true, false)
					p.A.cfg.M = DefaultM
					runtime.GC()
					b.StartTimer()
				}
				out, err := p.A.RequestPeer("bob")
				if err != nil {
					b.Fatal(err)
				}
				deliverAll(b, p, out.Messages)
			}
		})
	}
}

func BenchmarkMessageE6(b *testing.B) {
	for _, name := range benchSuites {
		b.Run(name, func(b *testing.B) {
			p := benchParties(b, name, true, true)
			body := []byte("a typical instant message of some sixty bytes, give or take.")
			runtime.GC() // setup garbage must not be collected on the clock
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i > 0 && i%(MaxM-2) == 0 {
					b.StopTimer()
					p = benchParties(b, name, true, true)
					runtime.GC()
					b.StartTimer()
				}
				out, err := p.A.Send("bob", body)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.B.Handle("alice", out.Messages[0].Bytes); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKeyGen is the same in every suite (SHA-256 throughout).
func BenchmarkKeyGen(b *testing.B) {
	k, dk := make([]byte, 32), make([]byte, 32)
	for _, n := range []int{1, DefaultRounds} {
		b.Run("m=1000/rounds="+string(rune('0'+n)), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := GenerateSessionKeys(KeyParams{K: k, DK: dk, M: 1000, Rounds: n}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// floorKeys holds the long-lived keys the floor benchmarks need.
type floorKeys struct {
	ctx       *suite.Ctx
	serverKey suite.PrivateKey
	a, b      suite.PrivateKey
	sk        []byte
}

func newFloor(b *testing.B, name string) *floorKeys {
	st, err := suite.ByName(name)
	if err != nil {
		b.Fatal(err)
	}
	ctx := suite.NewCtx(st, suite.NewRand([]byte("floor"), name))
	ka, _ := st.NewPrivateKey(make([]byte, 32))
	kb, _ := st.NewPrivateKey(append(make([]byte, 31), 1))
	return &floorKeys{ctx: ctx, a: ka, b: kb, sk: make([]byte, 32)}
}

func BenchmarkFloor(b *testing.B) {
	for _, name := range benchSuites {
		f := newFloor(b, name)
		b.ResetTimer()
		c := f.ctx
		n := make([]byte, 32)
		pt := make([]byte, 120)
		b.Run("login/"+name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				priv, err := c.NewPrivateKey() // A's one-time key pair
				if err != nil {
					b.Fatal(err)
				}
				proof := c.Hash(labelL1Password, n, n)
				l1, _ := c.Seal(f.sk, labelL1, append(pt, priv.Public().Bytes()...))
				if _, err := c.Open(f.sk, labelL1, l1); err != nil { // S
					b.Fatal(err)
				}
				_ = suite.Equal(c.Hash(labelL1Password, n, n), proof)
				if _, err := c.Suite.ParsePublicKey(priv.Public().Bytes()); err != nil {
					b.Fatal(err)
				}
				l2, _ := c.Seal(f.sk, labelL2, pt[:64])
				if _, err := c.Open(f.sk, labelL2, l2); err != nil { // A
					b.Fatal(err)
				}
				_ = c.Hash(labelL2Proof, n, n)
				_ = c.Hash(labelL2Proof, n, n)
			}
		})
		b.Run("keyexchange/"+name, func(b *testing.B) {
			pubB, pubA := f.b.Public().Bytes(), f.a.Public().Bytes()
			for i := 0; i < b.N; i++ {
				_ = c.Hash(labelE2Evidence, f.sk) // S
				_ = c.Hash(labelE3Evidence, f.sk)
				e2, _ := c.Seal(f.sk, labelE2, append(pt[:40], pubB...))
				e3, _ := c.Seal(f.sk, labelE3, append(pt[:40], pubA...))
				if _, err := c.Open(f.sk, labelE2, e2); err != nil { // A
					b.Fatal(err)
				}
				pkB, _ := c.Suite.ParsePublicKey(pubB)
				kab, _ := c.Random(32)
				dk, _ := c.Random(32)
				ct, err := c.Encrypt(pkB, labelE4, pt[:110])
				if err != nil {
					b.Fatal(err)
				}
				sig, _ := c.Sign(f.a, labelE4Sig, kab, dk, u16(DefaultM))
				ka, _ := GenerateSessionKeys(KeyParams{K: kab, DK: dk, M: DefaultM, Rounds: DefaultRounds})
				if _, err := c.Open(f.sk, labelE3, e3); err != nil { // B
					b.Fatal(err)
				}
				pkA, _ := c.Suite.ParsePublicKey(pubA)
				if _, err := c.Decrypt(f.b, labelE4, ct); err != nil {
					b.Fatal(err)
				}
				if !c.Verify(pkA, sig, labelE4Sig, kab, dk, u16(DefaultM)) {
					b.Fatal("verify")
				}
				kb, _ := GenerateSessionKeys(KeyParams{K: kab, DK: dk, M: DefaultM, Rounds: DefaultRounds})
				conf := c.Hash(labelE5, n, kb[0])
				_ = suite.Equal(c.Hash(labelE5, n, ka[0]), conf) // A
			}
		})
		b.Run("message/"+name, func(b *testing.B) {
			body := pt[:96]
			for i := 0; i < b.N; i++ {
				sealed, _ := c.Seal(f.sk, labelMsg, body)
				tag := c.KeyedHash(f.sk, labelMsgMAC, n, body[:60])
				if _, err := c.Open(f.sk, labelMsg, sealed); err != nil {
					b.Fatal(err)
				}
				_ = suite.Equal(c.KeyedHash(f.sk, labelMsgMAC, n, body[:60]), tag)
			}
		})
	}
}
