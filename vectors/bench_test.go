package vectors

import (
	"io"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/suite"
)

// BenchmarkGenerate is the cost of `make vectors` (every file), to be read
// beside BenchmarkHonestRunsFloor: the honest runs alone, one per protocol,
// suite and variant, which generation cannot do without (it runs each
// three times: clean, shadow seed, with injections).
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHonestRunsFloor(b *testing.B) {
	for b.Loop() {
		for _, name := range []string{"simp", "imke"} {
			p, err := harness.Lookup(name)
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range suite.All() {
				for _, v := range p.Variants() {
					if _, err := harness.RunHonest(p, harness.DefaultSetup(name, s, v)); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
}
