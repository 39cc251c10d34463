package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHostileModelFilesCLI feeds the hostile model files of docs/limits.md
// ("Model files") to imcheck check, generated into a temporary directory:
// each gives one line FILE:LINE:COL: ... on stderr and exit 2, in bounded
// time and allocation. The 50 MB one-line tuple is a sparse file of that
// size: imcheck refuses it after reading at most the limit.
func TestHostileModelFilesCLI(t *testing.T) {
	dir := t.TempDir()
	deep := 1000000 // 3 MB: over the file size limit
	role := func(body string) string {
		return "protocol p\nrole R(A: user) {\n  " + body + "\n}\nscenario s { users a }\n"
	}
	var names strings.Builder
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&names, "n%d, ", i)
	}
	cases := []struct {
		name, src string
		size      int64 // a sparse file of this size instead of src
		where     string
	}{
		{"deep.imp", role("send " + strings.Repeat("h(", deep) + "A" + strings.Repeat(")", deep)), 0, ":1:1: "},
		{"deep-small.imp", role("send " + strings.Repeat("h(", 300000) + "A" + strings.Repeat(")", 300000)), 0, ":3:72: "},
		{"names.imp", "protocol p\nconst " + names.String() + "z\n", 0, ":2:"},
		{"messages.imp", role(strings.Repeat("send A\n  ", 1000)), 0, ":67:3: "},
		{"tuple.imp", "", 50 << 20, ":1:1: "},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if c.size > 0 {
			f, err := os.Create(path)
			if err == nil {
				err = f.Truncate(c.size)
				f.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(path, []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		var out, errb strings.Builder
		st := run([]string{"check", path}, &out, &errb)
		took := time.Since(t0)
		runtime.ReadMemStats(&after)
		line := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `:\d+:\d+: [^\n]+\n$`)
		if st != exitUsage || !line.MatchString(errb.String()) || !strings.Contains(errb.String(), c.where) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and one line %s%s...", c.name, st, errb.String(), path, c.where)
		}
		if took > 5*time.Second {
			t.Errorf("%s: took %v", c.name, took)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 32<<20 {
			t.Errorf("%s: allocated %d bytes", c.name, n)
		}
	}
}

// TestCheckPrintsWarnings: a model's warnings go to stderr, the verdicts
// stay on stdout.
func TestCheckPrintsWarnings(t *testing.T) {
	path := filepath.Join("testdata", "flat-tuples.imp")
	var out, errb strings.Builder
	run([]string{"check", path}, &out, &errb)
	if !strings.HasPrefix(errb.String(), path+":14:16: warning: ") || strings.Contains(out.String(), "warning") {
		t.Errorf("stderr %q, stdout %q: want the warning on stderr only", errb.String(), out.String())
	}
}
