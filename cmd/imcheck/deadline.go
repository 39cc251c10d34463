package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// withDeadline runs a command's work under --timeout: the whole command,
// reading its input included (docs/limits.md). work gets stdout and stderr
// wrapped so that nothing it writes after the deadline reaches the real
// ones; when d passes first, withDeadline calls each stop function (ending
// a shim, say), prints one line on stderr and returns exitUndecided,
// leaving work to be abandoned (the process exits with the status). d <= 0
// means no limit.
func withDeadline(name string, d time.Duration, stdout, stderr io.Writer, work func(stdout, stderr io.Writer, onStop func(func())) int) int {
	if d <= 0 {
		return work(stdout, stderr, func(func()) {})
	}
	g := &gate{}
	out, errw := &gatedWriter{g: g, w: stdout}, &gatedWriter{g: g, w: stderr}
	var stops []func()
	onStop := func(f func()) {
		g.mu.Lock()
		defer g.mu.Unlock()
		stops = append(stops, f)
	}
	done := make(chan int, 1)
	go func() { done <- work(out, errw, onStop) }()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case st := <-done:
		return st
	case <-timer.C:
	}
	g.mu.Lock()
	g.closed = true
	fs := stops
	g.mu.Unlock()
	for _, f := range fs {
		f()
	}
	fmt.Fprintf(stderr, "imcheck %s: stopped: --timeout %v reached (undecided)\n", name, d)
	return exitUndecided
}

// gate is shared by a command's writers: once closed, they drop writes.
type gate struct {
	mu     sync.Mutex
	closed bool
}

type gatedWriter struct {
	g *gate
	w io.Writer
}

func (w *gatedWriter) Write(p []byte) (int, error) {
	w.g.mu.Lock()
	defer w.g.mu.Unlock()
	if w.g.closed {
		return len(p), nil
	}
	return w.w.Write(p)
}
