package adversary

import (
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
)

// BenchmarkRandomRun measures random adversarial runs per second: one op
// is a whole run (maxSteps adversary actions, the honest rest, every
// oracle), on the hardened and as-published variants, modern suite.
// BenchmarkHonestFloor is the floor: the protocol's honest script over the
// same network without the adversary's choices or the oracles.
func BenchmarkRandomRun(b *testing.B) {
	for _, protocol := range []string{"simp", "imke"} {
		if _, err := harness.Lookup(protocol); err != nil {
			continue
		}
		for _, variant := range []string{"hardened", "as-published"} {
			b.Run(protocol+"/"+variant, func(b *testing.B) {
				seed := uint64(0)
				for b.Loop() {
					seed++
					n := protoNet(b, protocol, "modern", variant, 1)
					r := &Random{N: n, C: NewSeededChooser(seed), Plan: DefaultPlan(n.Protocol, n.Setup)}
					r.Run(maxSteps, true)
					n.Check(Scope{})
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
			})
		}
	}
}

func BenchmarkHonestFloor(b *testing.B) {
	for _, protocol := range []string{"simp", "imke"} {
		p, err := harness.Lookup(protocol)
		if err != nil {
			continue
		}
		b.Run(protocol, func(b *testing.B) {
			for b.Loop() {
				n := protoNet(b, protocol, "modern", "hardened", 1)
				for _, a := range p.Honest(n.Setup) {
					n.Act(a)
					n.Settle()
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}

// BenchmarkReplayEveryAttack measures the time to replay every attack of
// the catalogue on both variants (modern suite, seed 1).
func BenchmarkReplayEveryAttack(b *testing.B) {
	for b.Loop() {
		for _, a := range Attacks() {
			for _, v := range []string{"as-published", "hardened"} {
				if _, err := a.Run("modern", v, 1); err != nil {
					if _, lerr := harness.Lookup(a.Protocol); lerr == nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
}
