package search

import (
	"sync"
	"sync/atomic"
)

// Pool hands out the cores a check may use: every part of the work (a
// prover run, the top of a search tree, a task, the honest runs) holds a
// place while it runs and never waits for another place while holding
// one, so parts of several scenarios, and of several models, can share the
// cores without deadlock. Which part gets a free place first changes only
// the time taken, never a result: the parts do not read each other's
// outcomes (parallel.go).
//
// A part may ask as a low-priority one (a speculative search, model
// package): a freed place goes to the longest-waiting normal part first,
// so that speculation runs only on a core that would otherwise be idle.
type Pool struct {
	size    int
	mu      sync.Mutex
	free    int
	waiters []*waiter
}

type waiter struct {
	ready chan struct{}
	low   *atomic.Bool
}

// NewPool makes a pool of n places (at least one).
func NewPool(n int) *Pool { return &Pool{size: max(n, 1), free: max(n, 1)} }

// Size reports how many places the pool has in all.
func (p *Pool) Size() int { return p.size }

// Acquire waits for a place. A non-nil low that holds true makes the
// caller low priority; it is read again each time a place frees, so a
// speculative part raised to normal (low set to false) while it waits is
// served as a normal one from then on.
func (p *Pool) Acquire(low *atomic.Bool) {
	p.mu.Lock()
	if p.free > 0 {
		p.free--
		p.mu.Unlock()
		return
	}
	w := &waiter{ready: make(chan struct{}), low: low}
	p.waiters = append(p.waiters, w)
	p.mu.Unlock()
	<-w.ready
}

// Yield keeps the caller's place unless the caller is low priority and a
// normal part waits: then the place goes to that part and the caller
// waits for the next free one. A part that runs several pieces of work in
// a row (a search worker, one task after another) calls it between them,
// which spares a hand-over (and a colder cache) per piece.
func (p *Pool) Yield(low *atomic.Bool) {
	if low == nil || !low.Load() {
		return
	}
	p.mu.Lock()
	k := -1
	for i, w := range p.waiters {
		if w.low == nil || !w.low.Load() {
			k = i
			break
		}
	}
	if k < 0 {
		p.mu.Unlock()
		return
	}
	w := p.waiters[k]
	p.waiters = append(p.waiters[:k], p.waiters[k+1:]...)
	close(w.ready)
	me := &waiter{ready: make(chan struct{}), low: low}
	p.waiters = append(p.waiters, me)
	p.mu.Unlock()
	<-me.ready
}

// Release gives a place back: to the first normal waiter, else to the
// first low-priority one, else to the pool.
func (p *Pool) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.waiters) == 0 {
		p.free++
		return
	}
	k := 0
	for i, w := range p.waiters {
		if w.low == nil || !w.low.Load() {
			k = i
			break
		}
	}
	w := p.waiters[k]
	p.waiters = append(p.waiters[:k], p.waiters[k+1:]...)
	close(w.ready)
}
