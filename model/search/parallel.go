package search

import (
	"context"
	"fmt"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imcheck/imcheck/model/proto"
)

// Both cores, deterministically.
//
// A search is cut into tasks the same way whatever the number of workers:
// the top of the tree is explored level by level (breadth first) until a
// level holds at least splitTasks states; each state of that level is then
// a task, searched depth first by an engine of its own, with its own
// duplicate-state table (the top's table is shared, read only) and its own
// best attacks (those found in the top to start with). The tasks never
// read each other's results, so what each one explores and finds does not
// depend on which worker ran it or when. The outcomes are merged in task
// order: per claim the shortest attack, the first task's of equally short
// ones; states and solves are summed. Jobs only sets how many tasks run at
// once: the verdicts, the traces, the state counts and so the output are
// the same byte for byte for every Jobs and GOMAXPROCS
// (TestParallelDeterministic).
//
// The price is what the tasks cannot share: a duplicate state reached in
// two tasks is expanded in both, and an attack found in one task does not
// cut another's search.

// splitTasks is the size of the level at which the search is cut into
// tasks. It is a constant, never derived from Jobs or the machine, so that
// the cut, and with it every count, is the same on every machine.
const splitTasks = 256

// shared is what the tasks of one search share: the stop signal and the
// totals for progress lines and limits. Nothing in it changes what a task
// explores, only whether it stops.
type shared struct {
	ctx       context.Context
	opt       Options
	label     string
	start     time.Time
	states    atomic.Int64
	solves    atomic.Int64
	depth     atomic.Int64 // deepest trace length seen
	stopped   atomic.Bool
	decided   []atomic.Bool // per claim: some task found an attack
	mu        sync.Mutex    // guards reason, last
	reason    string        // why the search stopped: "timeout", "interrupted", ...
	last      time.Time     // last progress line
	memSample []metrics.Sample
}

func newShared(ctx context.Context, opt Options, label string, claims int) *shared {
	sh := &shared{ctx: ctx, opt: opt, label: label, start: time.Now(), decided: make([]atomic.Bool, claims)}
	sh.last = sh.start
	sh.memSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	return sh
}

// halt stops every task of the search, keeping the first reason given.
func (sh *shared) halt(reason string) {
	sh.mu.Lock()
	if sh.reason == "" {
		sh.reason = reason
	}
	sh.mu.Unlock()
	sh.stopped.Store(true)
}

// stopReason says why the search stopped, "" if it ran to the end.
func (sh *shared) stopReason() string {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.reason
}

// tick is called by a task every tickStates states and as it starts: it
// adds the task's work to the totals, checks the limits and prints a
// progress line every few seconds.
func (e *engine) tick() {
	sh := e.sh
	states, _ := e.flush()
	if err := sh.ctx.Err(); err != nil {
		sh.halt(contextReason(sh.ctx))
	}
	if sh.opt.MaxStates > 0 && states >= int64(sh.opt.MaxStates) {
		sh.halt(fmt.Sprintf("state limit %d", sh.opt.MaxStates))
	}
	if sh.opt.MaxMemory > 0 {
		sh.mu.Lock()
		metrics.Read(sh.memSample)
		heap := sh.memSample[0].Value.Uint64()
		sh.mu.Unlock()
		if heap > sh.opt.MaxMemory/4*3 {
			sh.halt(fmt.Sprintf("memory limit %d MiB", sh.opt.MaxMemory>>20))
		}
	}
	if sh.stopped.Load() {
		e.stop = true
		return
	}
	if sh.opt.Progress == nil {
		return
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	every := sh.opt.ProgressEvery
	if every <= 0 {
		every = 2 * time.Second
	}
	if time.Since(sh.last) < every {
		return
	}
	sh.last = time.Now()
	decided := 0
	for i := range sh.decided {
		if sh.decided[i].Load() {
			decided++
		}
	}
	// the totals as of now, under the lock, so that the lines of two
	// tasks never go back
	fmt.Fprintf(sh.opt.Progress, "model: %s: %d states, depth %d, %d of %d claims attacked, %d solves, %s\n",
		sh.label, sh.states.Load(), sh.depth.Load(), decided, len(sh.decided), sh.solves.Load(), time.Since(sh.start).Round(time.Millisecond))
}

// contextReason names why ctx is done: its deadline passed, or it was
// cancelled (a signal, the caller).
func contextReason(ctx context.Context) string {
	if ctx.Err() == context.DeadlineExceeded {
		return "timeout"
	}
	if c := context.Cause(ctx); c != nil && c != context.Canceled {
		return c.Error()
	}
	return "interrupted"
}

// tickStates is how often (in states) a task reports to the shared totals.
const tickStates = 256

// run searches the whole bounded space: the top level by level, then the
// tasks on Jobs workers. The top, and each worker, holds a place of the
// pool while it runs.
func (e *engine) run() {
	pool := e.opt.Pool
	pool.Acquire(e.opt.Low)
	root := e.rootState()
	level := []*state{root}
	for len(level) > 0 && len(level) < splitTasks && !e.stop {
		var next []*state
		for _, st := range level {
			if e.stop {
				break
			}
			next = append(next, e.expand(st)...)
		}
		level = next
	}
	pool.Release()
	if e.stop || len(level) == 0 {
		return
	}
	e.flush()
	tasks := make([]*engine, len(level))
	var nextTask atomic.Int64
	var wg sync.WaitGroup
	jobs := min(max(e.opt.Jobs, 1), len(level))
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// a worker keeps its place from one task to the next,
			// unless it is speculative and a normal part waits
			pool.Acquire(e.opt.Low)
			defer pool.Release()
			for {
				i := int(nextTask.Add(1)) - 1
				if i >= len(level) {
					return
				}
				t := e.fork()
				tasks[i] = t
				if t.tick(); !t.stop {
					t.dfs(level[i])
				}
				t.flush()
				// only the outcome is merged: the task's tables go
				t.visited, t.guesses = nil, nil
				pool.Yield(e.opt.Low)
			}
		}()
	}
	wg.Wait()
	e.merge(tasks)
}

// expand is one state of the top: checked and, unless cut, expanded; it
// returns the successors worth a look.
func (e *engine) expand(st *state) []*state {
	if !e.enter(st) {
		return nil
	}
	var out []*state
	for _, next := range e.successors(st) {
		if e.useful(st, next) {
			out = append(out, next)
		}
	}
	return out
}

// fork makes the engine of one task: the same scenario, claims and
// reductions, the best attacks found so far, its own duplicate-state table
// over the top's (read only) and its own counts.
func (e *engine) fork() *engine {
	t := *e
	t.best = append([]*proto.Trace(nil), e.best...)
	t.reached = append([]bool(nil), e.reached...)
	t.top = e.visited
	t.visited = nil
	t.guesses = nil
	t.stats = stats{}
	t.ticked = stats{}
	return &t
}

// merge takes the tasks' outcomes in task order.
func (e *engine) merge(tasks []*engine) {
	for _, t := range tasks {
		if t == nil {
			continue
		}
		e.stats.add(t.stats)
		e.stop = e.stop || t.stop
		for k := range e.claims {
			e.reached[k] = e.reached[k] || t.reached[k]
			if b := t.best[k]; b != nil && (e.best[k] == nil || b.Length < e.best[k].Length) {
				e.best[k] = b
			}
		}
	}
	e.ticked = e.stats
}

// flush adds what the engine did since its last tick to the shared totals
// (and its deepest trace to the deepest seen), returning the new totals of
// states and solves.
func (e *engine) flush() (states, solves int64) {
	sh := e.sh
	states = sh.states.Add(int64(e.stats.states - e.ticked.states))
	solves = sh.solves.Add(int64(e.stats.solves - e.ticked.solves))
	e.ticked = e.stats
	for d := sh.depth.Load(); int64(e.stats.depth) > d && !sh.depth.CompareAndSwap(d, int64(e.stats.depth)); d = sh.depth.Load() {
	}
	return states, solves
}

func (s *stats) add(t stats) {
	s.states += t.states
	s.solves += t.solves
	s.rejected += t.rejected
	s.skipped += t.skipped
	s.pruned += t.pruned
	s.idle += t.idle
	s.subsumed += t.subsumed
	s.depth = max(s.depth, t.depth)
}
