package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// hostileSearch writes a model within every language limit whose search is
// hopeless: two roles of 64 messages each (the most a role may have) at 8
// sessions, every message one the attacker can build. With leak, A also
// claims its nonce secret right after its first message even when its
// peer is dishonest (claim leak): an attack of one step, found at once,
// while the rest of the search goes on.
func hostileSearch(t *testing.T, leak bool) string {
	var b strings.Builder
	b.WriteString("protocol big\nsecret sk(X)\npublic pk(sk(X))\n")
	role := func(name, me, peer, fresh, v string) {
		fmt.Fprintf(&b, "role %s(%s: user, %s: user) {\n  knows A, B, sk(%s), pk(sk(%s))\n  fresh %s: nonce\n  var ", name, me, peer, me, peer, fresh)
		for i := 0; i < 32; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s%d: nonce", v, i)
		}
		b.WriteString("\n")
		for i := 0; i < 32; i++ {
			if name == "A" {
				fmt.Fprintf(&b, "  send a%d: aenc(<A, %s>, pk(sk(B)))\n", i, fresh)
				if i == 0 && leak {
					b.WriteString("  claim leak: secret N if honest A\n")
				}
				fmt.Fprintf(&b, "  recv b%d: aenc(<B, %s%d>, pk(sk(A)))\n", i, v, i)
			} else {
				fmt.Fprintf(&b, "  recv a%d: aenc(<A, %s%d>, pk(sk(B)))\n  send b%d: aenc(<B, %s>, pk(sk(A)))\n", i, v, i, i, fresh)
			}
		}
		if name == "A" {
			b.WriteString("  claim s: secret N\n")
		}
		b.WriteString("}\n")
	}
	role("A", "A", "B", "N", "X")
	role("B", "B", "A", "M", "Y")
	b.WriteString("scenario default { users a, b  dishonest e  sessions 8 }\n")
	path := filepath.Join(t.TempDir(), "big.imp")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSearchLimitsCLI: a search that cannot finish stops at --timeout and
// at --max-memory (docs/limits.md, "Search"), prints what it decided with
// the reason, exits 3, and keeps the heap bounded.
func TestSearchLimitsCLI(t *testing.T) {
	path := hostileSearch(t, false)
	cases := []struct {
		args   []string
		reason string
		within time.Duration
	}{
		{[]string{"--timeout", "1s"}, "(stopped: timeout)", 10 * time.Second},
		{[]string{"--max-memory", "64MiB", "--timeout", "2m"}, "(stopped: memory limit 64 MiB)", time.Minute},
	}
	for _, c := range cases {
		peak := sampleHeap()
		t0 := time.Now()
		var out, errb strings.Builder
		st := run(append([]string{"check", "--quiet", path}, c.args...), &out, &errb)
		took, heap := time.Since(t0), peak()
		if st != exitUndecided {
			t.Errorf("%v: exit %d, want %d (stderr %s)", c.args, st, exitUndecided, errb.String())
		}
		if !strings.Contains(out.String(), c.reason) {
			t.Errorf("%v: output lacks %q:\n%s", c.args, c.reason, out.String())
		}
		if took > c.within {
			t.Errorf("%v: took %v, want under %v", c.args, took, c.within)
		}
		if heap > 1<<30 {
			t.Errorf("%v: the heap reached %d MiB", c.args, heap>>20)
		}
	}
}

// sampleHeap samples the heap every 10 ms until the returned function is
// called, which returns the largest value seen.
func sampleHeap() func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}

// TestStoppedSearchPrintsDecided: a long search stopped by --timeout, or by
// SIGINT once its progress lines on standard error count an attack,
// still prints what it decided: the attack found (exit 1), the claim it
// did not decide as UNDECIDED, and why it stopped.
func TestStoppedSearchPrintsDecided(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the built binary for a few seconds")
	}
	path := hostileSearch(t, true)
	progress := regexp.MustCompile(`^model: big/default: \d+ states, depth \d+, 1 of 2 claims attacked, \d+ solves, \S+$`)
	for _, how := range []string{"timeout", "SIGINT"} {
		t.Run(how, func(t *testing.T) {
			args := []string{"check", "--quiet", "--jobs", "2", path}
			if how == "timeout" {
				args = append(args, "--timeout", "5s")
			}
			cmd := exec.Command(imcheckBinary(t), args...)
			var out bytes.Buffer
			cmd.Stdout = &out
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := make(chan string)
			go func() {
				defer close(lines)
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					lines <- sc.Text()
				}
			}()
			var errb strings.Builder
			seen := false
			deadline := time.After(2 * time.Minute)
		read:
			for {
				select {
				case l, ok := <-lines:
					if !ok {
						break read
					}
					errb.WriteString(l + "\n")
					if progress.MatchString(l) && !seen {
						seen = true
						if how == "SIGINT" {
							if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
								t.Fatal(err)
							}
						}
					}
				case <-deadline:
					cmd.Process.Kill()
					t.Fatalf("still running after 2 minutes; stderr:\n%s", errb.String())
				}
			}
			err = cmd.Wait()
			if !seen {
				t.Errorf("no progress line counting the attack on standard error:\n%s", errb.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitFailure {
				t.Errorf("exit %v, want status %d (an attack)", err, exitFailure)
			}
			reason := map[string]string{"timeout": "(stopped: timeout)", "SIGINT": "(stopped: interrupt signal received)"}[how]
			for _, want := range []*regexp.Regexp{
				regexp.MustCompile(regexp.QuoteMeta(reason)),
				regexp.MustCompile(`(?m)^\s+leak\s.*ATTACK \(1 step`),
				regexp.MustCompile(`(?m)^\s+s\s.*UNDECIDED \(the search stopped\)`),
			} {
				if !want.MatchString(out.String()) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}
