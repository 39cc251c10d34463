// Command testprogress reads `go test -json` on stdin and prints one line
// per package as it finishes (ok or FAIL, its time and test counts), a
// line every 30 seconds naming the packages still running, and the output
// of every failed test. It exits 1 if a test or a build failed. `make
// test` runs the suite through it so that a long package is never silent.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

type pkgState struct {
	start        time.Time
	passed, fail int
	skipped      int
	output       map[string]*strings.Builder // by test ("" is the package)
	failedTests  []string
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout, 30*time.Second))
}

func run(in io.Reader, out io.Writer, every time.Duration) int {
	var mu sync.Mutex
	running := map[string]*pkgState{}
	status := 0
	done := make(chan struct{})
	defer close(done)
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				mu.Lock()
				var names []string
				for p, st := range running {
					names = append(names, fmt.Sprintf("%s (%.0fs)", p, time.Since(st.start).Seconds()))
				}
				slices.Sort(names)
				if len(names) > 0 {
					fmt.Fprintf(out, "   … running: %s\n", strings.Join(names, ", "))
				}
				mu.Unlock()
			}
		}
	}()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not test2json (a build error, for instance): pass it on.
			fmt.Fprintln(out, sc.Text())
			continue
		}
		mu.Lock()
		st := running[e.Package]
		if st == nil && e.Package != "" && !strings.HasPrefix(e.Action, "build-") {
			st = &pkgState{start: time.Now(), output: map[string]*strings.Builder{}}
			running[e.Package] = st
		}
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Action == "build-fail":
			status = 1
		case st == nil:
		case e.Action == "output":
			b := st.output[e.Test]
			if b == nil {
				b = &strings.Builder{}
				st.output[e.Test] = b
			}
			b.WriteString(e.Output)
		case e.Test != "" && e.Action == "pass":
			st.passed++
			delete(st.output, e.Test)
		case e.Test != "" && e.Action == "skip":
			st.skipped++
			delete(st.output, e.Test)
		case e.Test != "" && e.Action == "fail":
			st.fail++
			st.failedTests = append(st.failedTests, e.Test)
		case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			delete(running, e.Package)
			word := "ok  "
			if e.Action == "fail" {
				word, status = "FAIL", 1
			}
			if e.Action == "skip" && st.passed+st.fail == 0 {
				fmt.Fprintf(out, "     %s (no tests)\n", e.Package)
				break
			}
			fmt.Fprintf(out, "%s %-52s %6.1fs  %d passed, %d failed, %d skipped\n", word, e.Package, e.Elapsed, st.passed, st.fail, st.skipped)
			if e.Action == "fail" {
				for _, t := range st.failedTests {
					if b := st.output[t]; b != nil {
						fmt.Fprint(out, b.String())
					}
				}
				if b := st.output[""]; b != nil && len(st.failedTests) == 0 {
					fmt.Fprint(out, b.String()) // a build failure or a panic outside any test
				}
			}
		}
		mu.Unlock()
	}
	return status
}
