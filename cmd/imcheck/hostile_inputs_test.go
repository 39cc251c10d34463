//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runBinary runs the built imcheck with args under GNU time (when
// installed) and returns the exit status, stderr without GNU time's line,
// the time taken and the peak resident size in bytes (0 when not
// measured). A minute is the hang detector.
func runBinary(t *testing.T, args ...string) (status int, stderr string, took time.Duration, rss int64) {
	t.Helper()
	bin := imcheckBinary(t)
	const timeBin = "/usr/bin/time"
	var cmd *exec.Cmd
	measured := false
	if _, err := os.Stat(timeBin); err == nil {
		cmd = exec.Command(timeBin, append([]string{"-f", "peak-rss-kib %M", bin}, args...)...)
		measured = true
	} else {
		cmd = exec.Command(bin, args...)
	}
	var errb strings.Builder
	cmd.Stderr = &errb
	t0 := time.Now()
	timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	err := cmd.Run()
	timer.Stop()
	took = time.Since(t0)
	status = cmd.ProcessState.ExitCode()
	if err != nil && status < 0 {
		t.Fatalf("%v: %v", args, err)
	}
	stderr = errb.String()
	if measured {
		i := strings.LastIndex(stderr, "peak-rss-kib ")
		if i < 0 {
			t.Fatalf("no peak RSS from %s: %q", timeBin, stderr)
		}
		var kib int64
		fmt.Sscanf(stderr[i:], "peak-rss-kib %d", &kib)
		rss = kib << 10
		stderr = regexp.MustCompile(`Command exited with non-zero status \d+\n`).ReplaceAllString(stderr[:i], "")
	}
	return status, stderr, took, rss
}

// TestTimeoutBoundsTheCommand: --timeout bounds the whole command, its
// input's reading included, for every command that searches or reads
// input (docs/limits.md): each run below would take far longer without it,
// and must stop with exit 3 within the timeout and a margin, under
// 256 MiB. (conform's --timeout bounds each case, and --total-timeout the
// run; the hostile shim tests of the conformance package cover the first.)
func TestTimeoutBoundsTheCommand(t *testing.T) {
	dir := t.TempDir()
	// check: a thousand valid model files of a megabyte each (one file
	// named a thousand times), parsed one after the other
	var big strings.Builder
	big.WriteString("protocol big\nsecret k(X, Y)\n")
	elems := strings.Repeat("N, senc(N, k(A, B)), ", 160) + "N"
	for r := 0; big.Len() < 1<<20-70*len(elems); r++ {
		fmt.Fprintf(&big, "role R%d(A: user, B: user) {\n  knows A, B, k(A, B)\n  fresh N: nonce\n", r)
		for m := 0; m < 64; m++ {
			fmt.Fprintf(&big, "  send m%d: <%s>\n", m, elems)
		}
		big.WriteString("}\n")
	}
	big.WriteString("scenario s { users a, b }\n")
	bigModel := filepath.Join(dir, "big.imp")
	writeFile(t, bigModel, big.String())
	checkArgs := []string{"check", "--timeout", "1s"}
	for i := 0; i < 1000; i++ {
		checkArgs = append(checkArgs, bigModel)
	}

	// attack replay: a model report whose attacks are those of simp.imp,
	// 200 times over (each takes a good part of a second, the copies stay
	// within the reader's limits)
	var rep strings.Builder
	if st := run([]string{"check", "--format", "json", "--quiet", filepath.Join("..", "..", "model", "protocols", "simp.imp")}, &rep, &strings.Builder{}); st != exitFailure {
		t.Fatalf("check simp.imp: exit %d, want 1 (its attacks)", st)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(rep.String()), &doc); err != nil {
		t.Fatal(err)
	}
	models := doc["models"].([]any)
	for len(models) < 200 {
		models = append(models, models[0])
	}
	doc["models"] = models
	b, _ := json.Marshal(doc)
	report := filepath.Join(dir, "report.json")
	writeFile(t, report, string(b))

	// vectors check: a shim that never answers hello (its start limit is
	// 10 s; conformance's TestBinaryStopsSlowShimStart checks its process
	// group is ended too), and the shipped files
	// a named pipe nobody writes to: reading it never ends
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	fifoModel := filepath.Join(dir, "fifo.imp")
	if err := syscall.Mkfifo(fifoModel, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"check, a pipe", []string{"check", "--timeout", "1s", fifoModel}, "imcheck check: stopped: --timeout 1s reached while reading " + fifoModel},
		{"attack replay, a pipe", []string{"attack", "replay", "--timeout", "1s", fifo}, "imcheck attack replay: stopped: --timeout 1s reached"},
		{"vectors check, a pipe", []string{"vectors", "check", "--timeout", "1s", fifo}, "imcheck vectors check: stopped: --timeout 1s reached"},
		{"check, 1,000 files", checkArgs, "imcheck check: stopped: --timeout 1s reached while reading "},
		{"attack replay, 200 reports' attacks", []string{"attack", "replay", "--timeout", "1s", report}, "imcheck attack replay: stopped: --timeout 1s reached"},
		{"vectors check, a shim that never answers", []string{"vectors", "check", "--timeout", "1s", "--shim", "sleep 5"}, "imcheck vectors check: stopped: --timeout 1s reached"},
		{"vectors check, the shipped files", []string{"vectors", "check", "--timeout", "10ms"}, "imcheck vectors check: stopped: --timeout 10ms reached"},
		{"conform, a pipe as --config", []string{"conform", "--builtin", "--config", fifo, "--total-timeout", "1s"}, "imcheck conform: stopped: --total-timeout 1s reached while reading and checking " + fifo},
		{"conform, the whole catalogue", []string{"conform", "--builtin", "--total-timeout", "1s"}, "imcheck conform: stopped: --total-timeout 1s reached after "},
		{"claims", []string{"claims", "--timeout", "1s", "-o", filepath.Join(dir, "claims-out.md")}, "imcheck claims: stopped: --timeout 1s reached; nothing written"},
		{"attack claims", []string{"attack", "claims", "--timeout", "1ns", "-o", copyOf(t, dir, filepath.Join("..", "..", "docs", "claims.md"))}, "imcheck attack claims: stopped: --timeout 1ns reached"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, stderr, took, rss := runBinary(t, c.args...)
			t.Logf("exit %d in %v, peak RSS %d MiB: %.200q", st, took.Round(time.Millisecond), rss>>20, stderr)
			if st != exitUndecided || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %.300q; want exit 3 and %q", st, stderr, c.want)
			}
			if took > 5*time.Second {
				t.Errorf("took %v: --timeout did not bound the command", took)
			}
			if rss > 256<<20 {
				t.Errorf("peak RSS %d MiB, want under 256 MiB", rss>>20)
			}
		})
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyOf copies file into dir and returns the copy's path.
func copyOf(t *testing.T, dir, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, filepath.Base(file))
	writeFile(t, path, string(b))
	return path
}

// TestHostileTracesBinary feeds attack replay the hostile traces and model
// reports of docs/limits.md ("Traces and model reports"), generated here:
// each is refused with one line adversary: FILE:LINE:COL: ..., exit 2,
// within seconds and under 64 MiB of peak resident memory (the binary
// alone takes about 13 MiB). Before the walk, 2,000,000 empty entries took
// 1.6 GB and 15 s.
func TestHostileTracesBinary(t *testing.T) {
	dir := t.TempDir()
	n := 2000000
	if testing.Short() {
		n = 100000
	}
	head := `{"protocol": "simp", "entries": [`
	files := []struct{ name, data, where string }{
		{"deep.json", strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20), ":1:33: trace: nested deeper than 32 levels"},
		{"deep-objects.json", strings.Repeat(`{"a":`, 1<<18) + "1" + strings.Repeat("}", 1<<18), ":1:161: trace: nested deeper than 32 levels"},
		{"many-entries.json", head + strings.Repeat("{},", n) + "{}]}", ":1:49186: trace: an array of more than 16384 elements"},
		{"many-values.json", head + strings.Repeat(`{"x": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]},`, 16000) + "{}]}", ":1:815584: trace: more than 262144 values"},
		{"syntax.json", "{\n  \"protocol\": \"simp\",\n  \"entries\": [x]\n}\n", ":3:15: trace: invalid character 'x'"},
		{"report.json", `{"schema": "imcheck.model/v2", "models": [` + strings.Repeat(`{"scenarios": [{"claims": [{}]}]},`, 1<<16) + "{}]}", ":1:557099: model report: an array of more than 16384 elements"},
		{"over-the-limit.json", "", ":1:1: the file is 17825792 bytes, over the limit of 16777216"},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join(dir, f.name)
			if f.data == "" {
				writeFile(t, path, "")
				if err := os.Truncate(path, 17<<20); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile(t, path, f.data)
			}
			st, stderr, took, rss := runBinary(t, "attack", "replay", path)
			t.Logf("%d bytes: exit %d in %v, peak RSS %d MiB: %.160q", len(f.data), st, took.Round(time.Millisecond), rss>>20, stderr)
			if st != exitUsage || !strings.HasPrefix(stderr, "adversary: "+path+f.where) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %.300q; want exit 2 and one line adversary: %s%s...", st, stderr, path, f.where)
			}
			if took > 10*time.Second {
				t.Errorf("took %v", took)
			}
			if rss > 64<<20 {
				t.Errorf("peak RSS %d MiB, want under 64 MiB", rss>>20)
			}
		})
	}
}

// TestHostileModelFilesBinary runs the built binary on the model
// reproducers of docs/limits.md ("Model files"), generated here: one line
// FILE:LINE:COL: ..., exit 2, within seconds and under 64 MiB of peak
// resident memory (the binary alone takes about 13 MiB).
func TestHostileModelFilesBinary(t *testing.T) {
	dir := t.TempDir()
	role := func(body string) string {
		return "protocol p\nrole R(A: user) {\n  " + body + "\n}\nscenario s { users a }\n"
	}
	var names, events strings.Builder
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&names, "n%d, ", i)
	}
	events.WriteString("protocol p\n")
	for r := 0; r < 64; r++ {
		fmt.Fprintf(&events, "role R%d(A: user) {\n", r)
		for e := 0; e < 250; e++ {
			fmt.Fprintf(&events, "  event E%d_%d(A)\n", r, e)
		}
		if r == 63 {
			events.WriteString("  claim niagree Nope(A)\n")
		}
		events.WriteString("}\n")
	}
	events.WriteString("scenario s { users a }\n")
	files := []struct{ name, data, where string }{
		{"over-the-size.imp", role("send " + strings.Repeat("h(", 1000000) + "A" + strings.Repeat(")", 1000000)), ":1:1: the file has 3000063 bytes"},
		{"deep.imp", role("send " + strings.Repeat("h(", 300000) + "A" + strings.Repeat(")", 300000)), ":3:72: term nested deeper than 32 levels"},
		{"deep-tuple.imp", role("send " + strings.Repeat("<A, ", 200000) + "A" + strings.Repeat(">", 200000)), ":3:133: term nested deeper than 32 levels"},
		{"names.imp", "protocol p\nconst " + names.String() + "z\n", ": more than 4096 names"},
		{"duplicate.imp", "protocol p\nconst " + names.String()[:len(names.String())/40] + "n0\n", `: "n0" is already a constant`},
		{"messages.imp", role(strings.Repeat("send A\n  ", 1000)), ":67:3: role R has more than 64 messages"},
		{"long-name.imp", "protocol p\nconst " + strings.Repeat("a", 1<<19) + "\n", ":2:7: name of more than 256 characters"},
		{"events.imp", events.String(), ":16129:17: no role emits event Nope"},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join(dir, f.name)
			writeFile(t, path, f.data)
			st, stderr, took, rss := runBinary(t, "check", path)
			t.Logf("%d bytes: exit %d in %v, peak RSS %d MiB: %.160q", len(f.data), st, took.Round(time.Millisecond), rss>>20, stderr)
			if st != exitUsage || !strings.HasPrefix(stderr, path) || !strings.Contains(stderr, f.where) ||
				strings.Count(stderr, "\n") != 1 || len(stderr) > 512+len(path) {
				t.Errorf("exit %d, stderr %.300q; want exit 2 and one short line %s...%s...", st, stderr, path, f.where)
			}
			if took > 10*time.Second {
				t.Errorf("took %v", took)
			}
			if rss > 64<<20 {
				t.Errorf("peak RSS %d MiB, want under 64 MiB", rss>>20)
			}
		})
	}
}
