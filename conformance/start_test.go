package conformance

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// slowHelloPids reads the process IDs the "slow-hello" shim wrote, waiting
// up to a few seconds for the file.
func slowHelloPids(t *testing.T, file string) []int {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(b), " ") {
			continue
		}
		var pids []int
		for _, f := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(f)
			require.NoError(t, err)
			pids = append(pids, pid)
		}
		return pids
	}
	t.Fatal("the slow-hello shim wrote no pid file")
	return nil
}

// requireEnded fails unless every pid is gone within a second.
func requireEnded(t *testing.T, pids []int) {
	t.Helper()
	for _, pid := range pids {
		end := time.Now().Add(time.Second)
		for processAlive(pid) && time.Now().Before(end) {
			time.Sleep(10 * time.Millisecond)
		}
		require.False(t, processAlive(pid), "process %d of the shim's group is still running", pid)
	}
}

// TestShimStartHonoursContext: a shim that sleeps before answering hello
// is stopped when the caller's context ends, well before its own 10 s
// start limit, with its process group ended; a factory whose context is
// already done starts nothing.
func TestShimStartHonoursContext(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	t.Setenv(shimModeEnv, "slow-hello")
	t.Setenv(shimPidFileEnv, pidFile)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	iut, err := ShimFactoryContext(ctx, []string{os.Args[0]})()
	took := time.Since(start)
	require.Error(t, err)
	require.True(t, iut == nil, "an IUT from a stopped start")
	require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	require.Contains(t, err.Error(), "conformance: shim ")
	require.Less(t, took, 3*time.Second, "the start outlived its context")
	requireEnded(t, slowHelloPids(t, pidFile))

	os.Remove(pidFile)
	_, err = ShimFactoryContext(ctx, []string{os.Args[0]})()
	require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	require.Contains(t, err.Error(), "not started")
	_, statErr := os.Stat(pidFile)
	require.True(t, os.IsNotExist(statErr), "a shim was started after the context ended")
}

// TestRunStoppedDuringFirstStart: a run whose context ends while its first
// shim is still starting is undecided (every case not run, the report
// interrupted), not a shim that cannot start.
func TestRunStoppedDuringFirstStart(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	t.Setenv(shimModeEnv, "slow-hello")
	t.Setenv(shimPidFileEnv, pidFile)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	o := toyOptions()
	o.Context = ctx
	start := time.Now()
	rep, err := Run(ShimFactoryContext(ctx, []string{os.Args[0]}), o)
	require.NoError(t, err)
	require.Less(t, time.Since(start), 3*time.Second, "the run outlived its context")
	require.True(t, rep.Interrupted)
	require.True(t, len(rep.Results) > 0)
	for _, r := range rep.Results {
		require.Equal(t, NotRun, r.Verdict, r.Name)
		require.Contains(t, r.Detail, "interrupted")
	}
	requireEnded(t, slowHelloPids(t, pidFile))
}

// TestBinaryStopsSlowShimStart: `conform --total-timeout` and `vectors
// check --timeout` end at their deadline while the shim is still starting
// (exit 3), and leave none of the shim's processes behind.
func TestBinaryStopsSlowShimStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds imcheck")
	}
	bin := imcheckBinary(t)
	for _, tt := range []struct {
		name string
		args []string
		say  string
	}{
		{"conform", []string{"conform", "--shim", os.Args[0], "--protocol", "simp", "--total-timeout", "1s"}, "stopped: --total-timeout 1s reached after 0 of "},
		{"vectors check", []string{"vectors", "check", "--shim", os.Args[0], "--timeout", "1s"}, "imcheck vectors check: stopped: --timeout 1s reached"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "pids")
			cmd := exec.Command(bin, tt.args...)
			cmd.Env = append(os.Environ(), shimModeEnv+"=slow-hello", shimPidFileEnv+"="+pidFile, shimProtocolsEnv+"=simp,imke")
			var errb strings.Builder
			cmd.Stderr = &errb
			start := time.Now()
			timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
			err := cmd.Run()
			timer.Stop()
			took := time.Since(start)
			var ee *exec.ExitError
			require.True(t, errors.As(err, &ee) && ee.ExitCode() == 3, "exit: %v\n%s", err, errb.String())
			require.Contains(t, errb.String(), tt.say)
			require.Less(t, took, 5*time.Second, "the command outlived its deadline")
			requireEnded(t, slowHelloPids(t, pidFile))
		})
	}
}
