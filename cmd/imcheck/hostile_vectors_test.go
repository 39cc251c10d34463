//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestHostileVectorFilesBinary runs the built binary on each vectors
// reproducer of docs/limits.md ("Vector files"), generated here: one line
// on stderr with the file, line and column, exit 2, within a minute (a
// hang detector) and a peak resident memory under 256 MiB, measured by
// GNU time.
func TestHostileVectorFilesBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the imcheck binary")
	}
	timeBin := "/usr/bin/time"
	if _, err := os.Stat(timeBin); err != nil {
		t.Skip("skipped: GNU time (/usr/bin/time) measures the peak memory and is not installed")
	}
	dir := t.TempDir()
	bin := imcheckBinary(t)
	const head = `{"schema": "session_test_schema.json", "testGroups": [`
	files := []struct{ name, data string }{
		{"deep-80KB.json", strings.Repeat("[", 40000) + strings.Repeat("]", 40000)},
		{"deep-2MB.json", strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20)},
		{"deep-objects.json", strings.Repeat(`{"a":`, 1<<18) + "1" + strings.Repeat("}", 1<<18)},
		{"many-values.json", "[" + strings.Repeat("0,", 1<<19) + "0]"},
		{"many-groups.json", head + strings.Repeat(`{"a": 0},`, 87000) + `{"a": 0}]}`},
		{"one-long-string.json", `{"x": "` + strings.Repeat("a", 16<<20-16) + `"}`},
		{"over-the-limit.json", `{"x": "` + strings.Repeat("a", 17<<20) + `"}`},
	}
	loc := regexp.MustCompile(`^vectors: [^:]+\.json:\d+:\d+: `)
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join(dir, f.name)
			if err := os.WriteFile(path, []byte(f.data), 0o644); err != nil {
				t.Fatal(err)
			}
			// GNU time reports the child's peak RSS (it forks a fresh
			// process; a child cloned from the test process would count
			// the test process's own memory in its peak).
			cmd := exec.Command(timeBin, "-f", "peak-rss-kib %M", bin, "vectors", "check", path)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			start := time.Now()
			timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
			err := cmd.Run()
			timer.Stop()
			elapsed := time.Since(start)
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != exitUsage {
				t.Fatalf("exit %v, want %d (after %v)\n%s", err, exitUsage, elapsed, stderr.String())
			}
			msg, peak, _ := strings.Cut(stderr.String(), "Command exited with non-zero status 2\n")
			var kib int64
			if _, err := fmt.Sscanf(peak, "peak-rss-kib %d", &kib); err != nil {
				t.Fatalf("no peak RSS from %s: %q", timeBin, stderr.String())
			}
			rss := kib << 10
			if !loc.MatchString(msg) || strings.Count(msg, "\n") != 1 {
				t.Errorf("stderr %.300q: want one line with file:line:col", msg)
			}
			t.Logf("%d bytes: %v, peak RSS %d MiB: %.160s", len(f.data), elapsed.Round(time.Millisecond), rss>>20, msg)
			if rss > 256<<20 {
				t.Errorf("peak RSS %d MiB, want under 256 MiB", rss>>20)
			}
		})
	}
}
