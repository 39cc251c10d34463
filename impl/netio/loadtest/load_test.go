package loadtest

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"github.com/imcheck/imcheck/internal/syncbuf"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

var soak = flag.Bool("soak", false, "run the full load test (make soak)")

// scale is how much of each load one run applies.
type scale struct {
	name                                  string
	duration                              time.Duration
	idle, announce, garbage, churnAtLeast int
	pairs, replayers, relayers            int
}

func chooseScale() scale {
	switch {
	case *soak:
		return scale{"soak", 30 * time.Second, 200, 200, 1000, 200, 20, 10, 10}
	case testing.Short():
		return scale{"short", 2 * time.Second, 10, 10, 20, 10, 2, 1, 1}
	}
	return scale{"default", 6 * time.Second, 40, 40, 200, 40, 4, 2, 2}
}

// server is the child `imcheck serve` process.
type server struct {
	cmd  *exec.Cmd
	addr string
	log  *syncBuf
	done chan error
}

// syncBuf is a buffer a goroutine writes while the test reads it.
type syncBuf = syncbuf.Buffer

func buildImcheck(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "imcheck")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/imcheck/imcheck/cmd/imcheck").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

func startServer(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	s := &server{log: &syncBuf{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(s.log.String()); m != nil {
			s.addr = m[1]
			return s
		}
		if time.Now().After(deadline) {
			s.cmd.Process.Kill()
			t.Fatalf("the server did not start:\n%s", s.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// status reads a field of /proc/PID/status in kB.
func (s *server) status(field string) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return -1
}

func (s *server) fds() int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", s.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	return len(ents)
}

// counters are what the load did, for the report.
type counters struct {
	pairRounds, pairFailures, pairsRegistered atomic.Int64
	churned, idle, announced, garbage         atomic.Int64
	replayFloods, relayFloods, refusedDials   atomic.Int64
	peakConns                                 atomic.Int64
	firstFailure                              atomic.Value

	mu      sync.Mutex
	slowest map[string]time.Duration // the longest valid step of each kind
}

// step records how long a valid user's step took.
func (c *counters) step(kind string, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slowest == nil {
		c.slowest = map[string]time.Duration{}
	}
	c.slowest[kind] = max(c.slowest[kind], d)
}

// slowestSteps lists the longest valid step of each kind.
func (c *counters) slowestSteps() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var parts []string
	for _, k := range []string{"registration", "login", "key exchange"} {
		parts = append(parts, fmt.Sprintf("%s %v", k, c.slowest[k].Round(time.Millisecond)))
	}
	return strings.Join(parts, ", ")
}

func (c *counters) fail(err error) {
	c.pairFailures.Add(1)
	c.firstFailure.CompareAndSwap(nil, err.Error())
}

// dialer dials from loopback address 127.0.0.n.
func dialer(n int) *net.Dialer {
	return &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(n))}}
}

// TestLoad is the load test of the package documentation.
func TestLoad(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to measure the server")
	}
	sc := chooseScale()
	bin := buildImcheck(t)
	srv := startServer(t, bin, "simp", "--listen", "127.0.0.1:0", "--suite", "modern", "--variant", "hardened",
		"--db", filepath.Join(t.TempDir(), "load.db"), "--m", "64", "--max-conns", "4096", "--max-conns-per-addr", "128",
		"--log-level", "info")
	defer func() {
		srv.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-srv.done:
		case <-time.After(5 * time.Second):
			srv.cmd.Process.Kill()
			t.Error("the server did not stop on SIGINT")
		}
	}()
	time.Sleep(300 * time.Millisecond)
	rssBefore, fdsBefore := srv.status("VmRSS"), srv.fds()

	var c counters
	ctx, cancel := context.WithTimeout(context.Background(), sc.duration)
	defer cancel()
	var wg sync.WaitGroup
	spawn := func(n int, f func(i int)) {
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); f(i) }()
		}
	}
	spawn(sc.pairs, func(i int) { validPair(ctx, srv.addr, i, &c) })
	spawn(sc.idle, func(i int) { idleConn(ctx, srv.addr, 10+i%4, i, &c) })
	spawn(sc.announce, func(i int) { announceConn(ctx, srv.addr, 20+i%4, &c) })
	spawn(8, func(i int) {
		n := sc.garbage / 8
		if i < sc.garbage%8 {
			n++
		}
		garbageStreams(ctx, srv.addr, 30+i, int64(i), n, &c)
	})
	spawn(4, func(i int) { churn(ctx, srv.addr, 40+i, i, &c) })
	spawn(sc.replayers, func(i int) { replayFlood(ctx, srv.addr, 50, i, &c) })
	spawn(sc.relayers, func(i int) { relayFlood(ctx, srv.addr, 60, i, &c) })

	var peakFds int
	tick := time.NewTicker(100 * time.Millisecond)
sample:
	for {
		select {
		case <-ctx.Done():
			break sample
		case <-tick.C:
			peakFds = max(peakFds, srv.fds())
		}
	}
	tick.Stop()
	wg.Wait()
	rssPeak := srv.status("VmHWM")
	rssAfterLoad := srv.status("VmRSS")

	// Every connection the load opened is closed; the server's
	// descriptors must come back to where they were.
	fdsAfter := srv.fds()
	for deadline := time.Now().Add(15 * time.Second); fdsAfter != fdsBefore && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		fdsAfter = srv.fds()
	}
	t.Logf("scale %s, %v: valid pairs registered %d, valid pair rounds %d (failures %d); churned %d, idle %d, announced 1 MiB %d, garbage streams %d, replay floods %d, relay floods %d, dials refused %d",
		sc.name, sc.duration, c.pairsRegistered.Load(), c.pairRounds.Load(), c.pairFailures.Load(), c.churned.Load(), c.idle.Load(), c.announced.Load(),
		c.garbage.Load(), c.replayFloods.Load(), c.relayFloods.Load(), c.refusedDials.Load())
	t.Logf("server: RSS %d kB before, peak %d kB, %d kB after the load; fds %d before, peak %d, %d after",
		rssBefore, rssPeak, rssAfterLoad, fdsBefore, peakFds, fdsAfter)

	t.Logf("slowest valid steps: %s", c.slowestSteps())

	if n := c.pairFailures.Load(); n > 0 {
		first, _ := c.firstFailure.Load().(string)
		t.Errorf("%d valid pair rounds failed; first: %v", n, first)
		if name, _, ok := strings.Cut(first, ":"); ok {
			t.Errorf("the server's log of %s:\n%s", name, linesWith(srv.log.String(), "user="+name+" "))
		}
	}
	if c.pairRounds.Load() < int64(sc.pairs) {
		t.Errorf("only %d valid pair rounds completed", c.pairRounds.Load())
	}
	if rssPeak >= 100<<10 {
		t.Errorf("server peak RSS %d kB, limit 100 MB", rssPeak)
	}
	if fdsAfter != fdsBefore {
		t.Errorf("server fds %d after the load, %d before", fdsAfter, fdsBefore)
	}
	for _, k := range []struct {
		name      string
		got, want int64
	}{
		{"churned", c.churned.Load(), int64(sc.churnAtLeast)}, {"idle", c.idle.Load(), int64(sc.idle)},
		{"announcing", c.announced.Load(), int64(sc.announce)}, {"garbage", c.garbage.Load(), int64(sc.garbage)},
	} {
		if k.got < k.want {
			t.Errorf("%s connections: %d, want at least %d", k.name, k.got, k.want)
		}
	}
	if c.replayFloods.Load() < int64(sc.replayers) || c.relayFloods.Load() < int64(sc.relayers) {
		t.Errorf("floods: %d replay, %d relay; want %d and %d", c.replayFloods.Load(), c.relayFloods.Load(), sc.replayers, sc.relayers)
	}
	if strings.Contains(srv.log.String(), "level=ERROR") {
		t.Errorf("the server logged errors:\n%s", srv.log)
	}
}

// linesWith is the lines of log that contain s.
func linesWith(log, s string) string {
	var b strings.Builder
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, s) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
