package attacks

import (
	"maps"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/imcheck/imcheck/conformance"
	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/suite"
)

// The speed targets (docs/conformance.md, "Speed"): the whole catalogue,
// the attack cases of this package included (as imcheck conform runs it),
// against the built-in implementation in under 30 s on 2 cores, through
// the shim in under 60 s. The floor is the protocol work alone: one honest
// run with reference parties per instance, which every case performs at
// least once. Each benchmark also reports the CPU time of a run (the
// shims' included), which a loaded machine does not inflate as it does
// the wall time.

func wholeCatalogue(b *testing.B) []conformance.Instance {
	insts, err := conformance.Instances(conformance.Catalogue(), conformance.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(insts)), "cases")
	return insts
}

func benchCatalogue(b *testing.B, f func() conformance.Factory) {
	wholeCatalogue(b)
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		rep, err := conformance.Run(f(), conformance.Options{Timeout: 2 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Failed() {
			b.Fatalf("the reference failed: %s", rep.CountLine())
		}
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

func BenchmarkCatalogueBuiltin(b *testing.B) {
	benchCatalogue(b, func() conformance.Factory { return conformance.NewBuiltin })
}

func BenchmarkCatalogueShim(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "imcheck")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/imcheck").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	b.ResetTimer()
	benchCatalogue(b, func() conformance.Factory { return conformance.ShimFactory([]string{bin, "shim"}) })
}

// BenchmarkCatalogueFloor runs, for every instance, the honest run of its
// setup with reference parties only, on as many goroutines as the runner
// has jobs by default (one per CPU).
func BenchmarkCatalogueFloor(b *testing.B) {
	insts := wholeCatalogue(b)
	jobs := runtime.NumCPU()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		work := make(chan conformance.Instance)
		done := make(chan error)
		for j := 0; j < jobs; j++ {
			go func() {
				var first error
				for in := range work {
					if err := honestRun(in); err != nil && first == nil {
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
		for j := 0; j < jobs; j++ {
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

// honestRun is the instance's setup run honestly by reference parties.
func honestRun(in conformance.Instance) error {
	p, err := harness.Lookup(in.Case.Protocol)
	if err != nil {
		return err
	}
	s, err := suite.ByName(in.Suite)
	if err != nil {
		return err
	}
	setup := harness.DefaultSetup(in.Case.Protocol, s, in.Variant)
	if len(in.Case.Options) > 0 {
		setup.Options = maps.Clone(in.Case.Options)
	}
	if len(in.Case.Users) > 0 {
		setup.Users = in.Case.Users
	}
	_, err = harness.RunHonest(p, setup)
	return err
}
