package model

import (
	"context"
	"fmt"
	"path"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
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
// the textbook pair, IMKE c1 to c3 (the largest state space of the small
// models) and SIMP E4 to E6. Each well under a second (imke-c at 3
// sessions: about 4,000 states; 159,554 before the reductions of
// model/search/reduce.go).
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

// BenchmarkReach measures the engine's reach targets (docs/model.md,
// "Reach"): imke-c at 3 and 4 sessions, the composed SIMP and IMKE models
// (their default scenario) at 3, and NSPK's attack at its own bound, each
// on one worker and on two (the speed-up from the second core is the ratio
// of the two ns/op, on a machine with two idle cores), and, but for imke-c
// at 4 sessions, as before the reductions of model/search/reduce.go
// (instances, relevance, partial-order reduction, symmetry off; one
// worker). The collector is set as imcheck check sets it (GOGC 400).
// Reported: states, the largest heap seen (MB-heap, sampled every 10 ms)
// and the CPU time of the process per run (cpu-s/op: on a shared machine
// the time a run costs, where ns/op also counts the waits for a core).
func BenchmarkReach(b *testing.B) {
	old := debug.SetGCPercent(400)
	defer debug.SetGCPercent(old)
	before := ReduceInstances | ReduceRelevance | ReduceOrder | ReduceSymmetry
	runs := []struct {
		model    string
		scenario string
		sessions int
	}{{"imke-c", "", 3}, {"imke-c", "", 4}, {"simp-full", "default", 3}, {"imke-full", "default", 3}, {"nspk", "", 0}}
	for _, r := range runs {
		p := mustShipped(b, r.model)
		variants := []struct {
			name string
			opt  Options
		}{{"before", Options{Jobs: 1, Off: before}}, {"jobs=1", Options{Jobs: 1}}, {"jobs=2", Options{Jobs: 2}}}
		if r.sessions == 4 {
			variants = variants[1:]
		}
		for _, v := range variants {
			bound := fmt.Sprint(r.sessions)
			if r.sessions == 0 {
				bound = "own"
			}
			opt := v.opt
			opt.Sessions, opt.Scenario = r.sessions, r.scenario
			b.Run(r.model+"/"+bound+"/"+v.name, func(b *testing.B) {
				states := 0
				peak := heapPeak()
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					rep, err := Check(context.Background(), p, opt)
					if err != nil {
						b.Fatal(err)
					}
					states = 0
					for _, s := range rep.Scenarios {
						states += s.States
					}
				}
				b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(states), "states")
				b.ReportMetric(float64(peak())/(1<<20), "MB-heap")
			})
		}
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapPeak samples the heap until the returned function is called, which
// returns the largest value seen, in bytes.
func heapPeak() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}
