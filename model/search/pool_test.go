package search

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// waitQueued waits until n callers wait for a place.
func waitQueued(p *Pool, n int) {
	for {
		p.mu.Lock()
		k := len(p.waiters)
		p.mu.Unlock()
		if k == n {
			return
		}
		runtime.Gosched()
	}
}

// TestPoolOrder: a freed place goes to the first normal waiter before any
// low-priority one, and a low waiter raised to normal while it waits is
// served as a normal one.
func TestPoolOrder(t *testing.T) {
	tests := []struct {
		name  string
		low   []bool // per waiter, in the order they queue
		raise int    // index of a low waiter raised before the first release, or -1
		want  []int  // the order in which they get the place
	}{
		{"fifo", []bool{false, false, false}, -1, []int{0, 1, 2}},
		{"normal first", []bool{true, false, true, false}, -1, []int{1, 3, 0, 2}},
		{"raised", []bool{true, true, false}, 1, []int{1, 2, 0}},
		{"all low", []bool{true, true}, -1, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPool(1)
			p.Acquire(nil)
			got := make(chan int, len(tt.low))
			flags := make([]*atomic.Bool, len(tt.low))
			for i, low := range tt.low {
				flags[i] = new(atomic.Bool)
				flags[i].Store(low)
				go func() {
					p.Acquire(flags[i])
					got <- i
				}()
				waitQueued(p, i+1)
			}
			if tt.raise >= 0 {
				flags[tt.raise].Store(false)
			}
			for k := range tt.want {
				p.Release()
				if g := <-got; g != tt.want[k] {
					t.Fatalf("place %d went to waiter %d, want %d", k, g, tt.want[k])
				}
			}
			p.Release()
			if p.free != 1 {
				t.Errorf("%d places free at the end, want 1", p.free)
			}
		})
	}
}

// TestPoolSize: a pool never has fewer than one place, and lets that many
// callers in at once.
func TestPoolSize(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 3} {
		p := NewPool(n)
		want := max(n, 1)
		if p.Size() != want {
			t.Errorf("NewPool(%d).Size() = %d, want %d", n, p.Size(), want)
		}
		for i := 0; i < want; i++ {
			p.Acquire(nil) // would block forever past the size
		}
		if p.free != 0 {
			t.Errorf("NewPool(%d): %d free after %d acquired", n, p.free, want)
		}
	}
}

// TestPoolYield: a low-priority holder gives its place to a normal waiter
// and gets it back after; it keeps it when only low waiters wait, and a
// normal holder always keeps it.
func TestPoolYield(t *testing.T) {
	p := NewPool(1)
	low := new(atomic.Bool)
	low.Store(true)
	p.Acquire(low)
	other := new(atomic.Bool)
	other.Store(true)
	gotLow := make(chan struct{})
	go func() { p.Acquire(other); close(gotLow) }()
	waitQueued(p, 1)
	p.Yield(low) // only a low waiter: keeps the place
	p.Yield(nil) // a normal holder: keeps it
	gotNormal := make(chan struct{})
	done := make(chan struct{})
	go func() { p.Acquire(nil); close(gotNormal); <-done; p.Release() }()
	waitQueued(p, 2)
	yielded := make(chan struct{})
	go func() { p.Yield(low); close(yielded) }()
	<-gotNormal      // the yielder's place went to the normal waiter
	waitQueued(p, 2) // the low waiter, then the yielder
	close(done)      // the normal part releases: the first low waiter gets it
	<-gotLow
	waitQueued(p, 1)
	p.Release() // the low waiter's place: now the yielder's
	<-yielded
	p.Release()
	if p.free != 1 || len(p.waiters) != 0 {
		t.Errorf("%d free, %d waiting at the end, want 1 and 0", p.free, len(p.waiters))
	}
}
