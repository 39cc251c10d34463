//go:build unix

package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The gate against hostile shims, end to end: the built imcheck runs the
// SIMP catalogue against this test binary in one of its shim modes
// (main_test.go), and must finish within the per-case timeouts, under
// 200 MB, with a report that says why.

type gateRun struct {
	status  int
	stdout  string
	stderr  string
	report  Report
	elapsed time.Duration
	maxRSS  int64 // bytes: the gate's peak, or a shim's if larger (wait4's rusage)
	gateHWM int64 // bytes: the gate's own peak (VmHWM), 0 where /proc has none
}

func runGate(t *testing.T, mode string, extra ...string) gateRun {
	t.Helper()
	bin := imcheckBinary(t)
	js := filepath.Join(t.TempDir(), "report.json")
	args := append([]string{"conform", "--shim", os.Args[0], "--protocol", "simp", "--suite", "modern",
		"--json", js, "--jobs", "2"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), shimModeEnv+"="+mode, shimProtocolsEnv+"=simp,imke")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hwm := make(chan int64)
	done := make(chan struct{})
	go func() { hwm <- watchHWM(cmd.Process.Pid, done) }()
	err := cmd.Wait()
	close(done)
	g := gateRun{stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start), gateHWM: <-hwm}
	if ee, ok := err.(*exec.ExitError); ok {
		g.status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		g.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	if b, err := os.ReadFile(js); err == nil {
		if err := json.Unmarshal(b, &g.report); err != nil {
			t.Fatalf("report: %v", err)
		}
	}
	return g
}

// watchHWM reads the process's peak resident set (VmHWM in
// /proc/PID/status) every 10 ms until done is closed, and returns the last
// value read: the peak only grows, so that is the peak up to the last read.
func watchHWM(pid int, done <-chan struct{}) int64 {
	var last int64
	path := fmt.Sprintf("/proc/%d/status", pid)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				// "VmHWM:     24728 kB"
				if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" && f[2] == "kB" {
					if n, err := strconv.ParseInt(f[1], 10, 64); err == nil {
						last = n << 10
					}
				}
			}
		}
		select {
		case <-done:
			return last
		case <-tick.C:
		}
	}
}

// TestGateHostileShims: a shim that hangs on every request, hangs on
// reset, or answers with 15 MiB reasons costs one timeout, not one per
// case, stays under 200 MB and is reported for what it did; one that
// leaves a process behind holding its output delays nothing, and the
// process is ended with the shim's process group.
func TestGateHostileShims(t *testing.T) {
	if testing.Short() {
		t.Skip("builds imcheck and runs the SIMP catalogue against hostile shims")
	}
	for _, tt := range []struct {
		mode, run, say  string
		status          int
		timeout, within time.Duration
	}{
		{"hang-all", "", "did not answer request 2 (new-party", 1, 3 * time.Second, 2 * time.Minute},
		{"hang-reset", "", "did not answer request", 1, 3 * time.Second, 2 * time.Minute},
		// The shims below do not hang: a short timeout would only race
		// their verdicts on a loaded machine.
		{"huge-reason", "SIMP/R1/*", "wrote garbage in answer to request", 1, 10 * time.Second, 2 * time.Minute},
		{"grandchild", "SIMP/R1/*", " 0 fail,", 0, 10 * time.Second, 2 * time.Minute},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "pid")
			t.Setenv(shimPidFileEnv, pidFile)
			args := []string{"--timeout", tt.timeout.String()}
			if tt.run != "" {
				args = append(args, "--run", tt.run)
			}
			g := runGate(t, tt.mode, args...)
			t.Logf("%s: exit %d in %s, gate peak RSS %d MB (gate and shims: %d MB), %v", tt.mode, g.status,
				g.elapsed.Round(time.Millisecond), g.gateHWM>>20, g.maxRSS>>20, g.report.Counts)
			require.Equal(t, tt.status, g.status, g.stdout+g.stderr)
			require.Less(t, g.elapsed, tt.within)
			require.True(t, g.gateHWM < 200<<20, "the gate took %d MB", g.gateHWM>>20)
			require.True(t, g.maxRSS < 200<<20, "the gate or a shim took %d MB", g.maxRSS>>20)
			require.Contains(t, g.stdout, tt.say)
			if strings.HasPrefix(tt.mode, "hang") {
				require.True(t, g.report.Counts[NotRun] > 0, "after a hang the rest is not run")
				require.Contains(t, g.stdout, "not run: the IUT hung earlier")
			}
			if tt.mode == "grandchild" {
				// SIGKILL was sent before the gate exited; dying takes a moment.
				requireGone(t, pidFile, "the process the last shim left behind outlived the gate")
			}
		})
	}
}

// TestGateInterrupted: SIGINT stops the gate; it kills its shims, writes
// the report of what ran and exits 3.
func TestGateInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds imcheck")
	}
	bin := imcheckBinary(t)
	js := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(bin, "conform", "--shim", os.Args[0], "--protocol", "simp", "--json", js, "--jobs", "2", "--timeout", "1m")
	// mark tells this run's shims from those of any other test binary
	// running at the same time on the machine.
	mark := fmt.Sprintf("IMCHECK_GATE_INTERRUPTED_RUN=%d-%d", os.Getpid(), time.Now().UnixNano())
	cmd.Env = append(os.Environ(), shimModeEnv+"=slow", shimProtocolsEnv+"=simp,imke", mark)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	require.Less(t, time.Since(start), 10*time.Second)
	ee, ok := err.(*exec.ExitError)
	require.True(t, ok && ee.ExitCode() == 3, "exit: %v\n%s", err, errb.String())
	require.Contains(t, errb.String(), "interrupted")
	b, err := os.ReadFile(js)
	require.NoError(t, err)
	var rep Report
	require.NoError(t, json.Unmarshal(b, &rep))
	require.True(t, rep.Interrupted, "the report says it was interrupted")
	require.True(t, rep.Counts[NotRun] > 0, "%v", rep.Counts)
	// No shim of this run is left once the gate has exited. A shim the
	// gate killed may take a moment to go; one still there after 5 s was
	// left running.
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := processesWith(mark)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("shims %v left running", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// processesWith lists the live processes whose environment holds kv.
func processesWith(kv string) []string {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var pids []string
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil {
			continue
		}
		for _, e := range bytes.Split(b, []byte{0}) {
			if string(e) == kv {
				pids = append(pids, filepath.Base(d))
				break
			}
		}
	}
	return pids
}

// TestGateNoPassByNotRunning: a shim that exits 89 at its fifth request
// fails the gate (exit 1); one that advertises nothing, or a misspelt
// variant, cannot start (exit 2).
func TestGateNoPassByNotRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("builds imcheck")
	}
	for _, tt := range []struct {
		mode, say string
		status    int
	}{
		{"exit-89-at-5", "89 means unsupported only in answer to hello or new-party", 1},
		{"no-caps", "advertises no capabilities", 2},
		{"bad-variant", `unknown variant "hardend"`, 2},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			g := runGate(t, tt.mode, "--run", "SIMP/R1/*")
			require.Equal(t, tt.status, g.status, g.stdout+g.stderr)
			require.Contains(t, g.stdout+g.stderr, tt.say)
		})
	}
}
