package imke_test

import (
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/suite"
)

// BenchmarkSIMPvsIMKE measures, per suite and in one run, both users'
// logins and one key exchange of SIMP (L1/L2 twice; E1–E5) and of IMKE
// (a1–a3 twice; 4.2, b1/b2, c1–c3). Every iteration uses a fresh seed, so
// each login really draws a new key pair in both protocols; setup
// (parties, SIMP registration, and the logins before a key exchange) is
// not timed.
func BenchmarkSIMPvsIMKE(b *testing.B) {
	for _, st := range suite.All() {
		b.Run(st.Name+"/simp-login", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				p := simpParties(b, st, i)
				b.StartTimer()
				if err := p.Login(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(st.Name+"/imke-login", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				n := imkeNetwork(b, st, i)
				b.StartTimer()
				imkeDo(b, n, harness.Action{Party: "alice", Verb: harness.Login}, harness.Action{Party: "bob", Verb: harness.Login})
			}
		})
		b.Run(st.Name+"/simp-key-exchange", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				p := simpParties(b, st, i)
				if err := p.Login(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := p.Exchange(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(st.Name+"/imke-key-exchange", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				n := imkeNetwork(b, st, i)
				imkeDo(b, n, harness.Action{Party: "alice", Verb: harness.Login}, harness.Action{Party: "bob", Verb: harness.Login})
				b.StartTimer()
				imkeDo(b, n, harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"})
			}
		})
	}
}

func simpParties(b *testing.B, st *suite.Suite, i int) *memrun.SIMPParties {
	p, err := memrun.NewSIMPParties(memrun.SIMPConfig{Suite: st.Name, Seed: uint64(1000 + i)})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Register(); err != nil {
		b.Fatal(err)
	}
	return p
}

func imkeNetwork(b *testing.B, st *suite.Suite, i int) *harness.Network {
	setup := harness.DefaultSetup("imke", st, string(imke.AsPublished))
	setup.Seed = suite.SeedBytes(uint64(1000 + i))
	parties, err := imke.Protocol{}.NewParties(setup)
	if err != nil {
		b.Fatal(err)
	}
	return &harness.Network{Parties: parties, MaxSteps: 100}
}

func imkeDo(b *testing.B, n *harness.Network, acts ...harness.Action) {
	for _, a := range acts {
		if err := n.Do(a); err != nil {
			b.Fatal(err)
		}
	}
}
