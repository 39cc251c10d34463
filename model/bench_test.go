package model

import (
	"context"
	"path"
	"strings"
	"testing"
)

// BenchmarkModels decides every claim of each shipped model at its own
// bound and reports the states explored per run.
func BenchmarkModels(b *testing.B) {
	for _, f := range Shipped() {
		p := mustShipped(b, f)
		b.Run(strings.TrimSuffix(path.Base(f), ".imp"), func(b *testing.B) {
			states := 0
			for i := 0; i < b.N; i++ {
				rep, err := Check(context.Background(), p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				states = 0
				for _, s := range rep.Scenarios {
					states += s.States
				}
			}
			b.ReportMetric(float64(states), "states")
		})
	}
}

// BenchmarkSessions shows how the search grows from 1 to 3 sessions, for
// the textbook pair, IMKE c1 to c3 (the largest state space) and SIMP E4
// to E6. imke-c at 3 sessions (about 160,000 states) takes 10 to 20 s on a
// busy 2-core machine; everything else well under a second.
func BenchmarkSessions(b *testing.B) {
	for _, name := range []string{"nspk", "nsl", "imke-c", "simp"} {
		p := mustShipped(b, name)
		for _, n := range []int{1, 2, 3} {
			b.Run(name+"/"+string(rune('0'+n)), func(b *testing.B) {
				states := 0
				for i := 0; i < b.N; i++ {
					rep, err := Check(context.Background(), p, Options{Sessions: n})
					if err != nil {
						b.Fatal(err)
					}
					states = rep.Scenarios[0].States
				}
				b.ReportMetric(float64(states), "states")
			})
		}
	}
}
