package conformance

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The gate's limits on what a shim may make it hold or wait for
// (docs/limits.md, section "Gate"). A shim that exceeds one fails the case
// in progress with a clear reason; nothing it sends can make the gate hang
// or grow without bound.
const (
	// maxShimLine bounds one line of the shim protocol, in either
	// direction (docs/spec/shim.md §2).
	maxShimLine = 1 << 20
	// maxReason bounds an alert, error or unsupported reason kept from a
	// shim's answer.
	maxReason = 1 << 10
	// maxDetail bounds a result's detail.
	maxDetail = 4 << 10
	// maxTraceLines and maxTraceLine bound a failing case's trace: the
	// first lines and the last ones are kept, with a line saying how many
	// were left out between them.
	maxTraceLines = 200
	maxTraceLine  = 512
	// stderrTail is how much of a shim's standard error is kept.
	stderrTail = 4 << 10
	// defaultTimeout is the case timeout when none is given, and the
	// deadline of a shim call made outside a case.
	defaultTimeout = 10 * time.Second
	// helloTimeout bounds a shim's start and its answer to hello.
	helloTimeout = 10 * time.Second
	// resetTimeout bounds the answer to reset (or the case timeout, if
	// shorter).
	resetTimeout = 5 * time.Second
	// closeTimeout is how long a shim has to exit after bye before the
	// gate kills its process group.
	closeTimeout = time.Second
	// waitDelay is how long the gate waits, after a shim exits, for
	// processes it left behind to release its standard error.
	waitDelay = time.Second
)

// truncate cuts s to at most n bytes, on a rune boundary, and says so.
// detail is err's text without this package's prefix, for a message that
// carries the prefix already, so that a person reads "conformance: " once.
func detail(err error) string { return strings.TrimPrefix(err.Error(), "conformance: ") }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "… (truncated)"
	cut := max(n-len(mark), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

// boundTrace keeps a trace within maxTraceLines lines of at most
// maxTraceLine bytes each.
func boundTrace(lines []string) []string {
	out := make([]string, 0, min(len(lines), maxTraceLines+1))
	keep := func(l string) { out = append(out, truncate(l, maxTraceLine)) }
	if len(lines) <= maxTraceLines {
		for _, l := range lines {
			keep(l)
		}
		return out
	}
	head := maxTraceLines / 4
	tail := maxTraceLines - head
	for _, l := range lines[:head] {
		keep(l)
	}
	out = append(out, fmt.Sprintf("… %d lines left out …", len(lines)-head-tail))
	for _, l := range lines[len(lines)-tail:] {
		keep(l)
	}
	return out
}

// oneLine makes text from a shim fit on one report line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
