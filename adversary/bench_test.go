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

// BenchmarkConcretise measures γ: one op concretises every attack of every
// shipped SIMP and IMKE model (modern suite, seed 1) on the variant the
// model describes and, for an as-published model, on hardened, as the
// conformance gate and docs/claims.md do. The model checks that find the
// traces run once, before the timer. BenchmarkConcretiseFloor is the
// floor: per attack, a fresh network with the scenario's compromises and
// the users logged in, and only the trace's session starts and claims
// played (no message sent or received).
func BenchmarkConcretise(b *testing.B) {
	trs := shippedTraces(b)
	runs := 0
	for b.Loop() {
		for _, t := range trs {
			vs := []string{t.Variant()}
			if t.Variant() == "as-published" {
				vs = append(vs, "hardened")
			}
			for _, v := range vs {
				if _, err := t.Concretise("modern", v, 1); err != nil {
					b.Fatal(err)
				}
				runs++
			}
		}
	}
	b.ReportMetric(float64(len(trs)), "attacks")
	b.ReportMetric(float64(runs)/b.Elapsed().Seconds(), "replays/s")
}

func BenchmarkConcretiseFloor(b *testing.B) {
	trs := shippedTraces(b)
	runs := 0
	for b.Loop() {
		for _, t := range trs {
			floor := t
			floor.Steps = nil
			for _, s := range t.Steps {
				if s.Kind == "start" || s.Kind == "claim" {
					floor.Steps = append(floor.Steps, s)
				}
			}
			if _, err := floor.Concretise("modern", t.Variant(), 1); err != nil {
				b.Fatal(err)
			}
			runs++
		}
	}
	b.ReportMetric(float64(runs)/b.Elapsed().Seconds(), "replays/s")
}

// shippedTraces is every attack trace of every shipped SIMP and IMKE model.
func shippedTraces(b *testing.B) []ModelTrace {
	b.Helper()
	var trs []ModelTrace
	for _, name := range ShippedModels() {
		t, err := ShippedModelTraces(name)
		if err != nil {
			b.Fatal(err)
		}
		trs = append(trs, t...)
	}
	return trs
}
