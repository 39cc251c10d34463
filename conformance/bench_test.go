package conformance

import (
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
)

// The speed targets (docs/conformance.md, "Speed"): the whole catalogue against the
// built-in implementation in under 30 s on 2 cores, through the shim in
// under 60 s. The floor is the protocol work alone: one honest run with
// reference parties per instance, which every case performs at least once.

func benchCatalogue(b *testing.B, f func() Factory) {
	insts, err := Instances(Catalogue(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(insts)), "cases")
	for i := 0; i < b.N; i++ {
		rep, err := Run(f(), Options{Timeout: 2 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Failed() {
			b.Fatalf("the reference failed: %s", rep.CountLine())
		}
	}
}

func BenchmarkCatalogueBuiltin(b *testing.B) {
	benchCatalogue(b, func() Factory { return NewBuiltin })
}

func BenchmarkCatalogueShim(b *testing.B) {
	bin := imcheckBinary(b)
	benchCatalogue(b, func() Factory { return ShimFactory([]string{bin, "shim"}) })
}

// BenchmarkCatalogueFloor runs, for every instance, the honest run of its
// setup with reference parties only, on as many goroutines as the runner.
func BenchmarkCatalogueFloor(b *testing.B) {
	insts, err := Instances(Catalogue(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		work := make(chan Instance)
		done := make(chan error)
		for j := 0; j < 2; j++ {
			go func() {
				var first error
				for in := range work {
					p, _ := harness.Lookup(in.Case.Protocol)
					setup, err := newSetup(in)
					if err == nil {
						_, err = harness.RunHonest(p, setup)
					}
					if err != nil && first == nil {
						first = err
					}
				}
				done <- first
			}()
		}
		for _, in := range insts {
			work <- in
		}
		close(work)
		for j := 0; j < 2; j++ {
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
	}
}
