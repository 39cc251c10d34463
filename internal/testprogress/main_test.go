package main

import (
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"start","Package":"a"}`,
		`{"Action":"run","Package":"a","Test":"TestOK"}`,
		`{"Action":"output","Package":"a","Test":"TestOK","Output":"all good here\n"}`,
		`{"Action":"pass","Package":"a","Test":"TestOK","Elapsed":0.1}`,
		`{"Action":"run","Package":"a","Test":"TestBad"}`,
		`{"Action":"output","Package":"a","Test":"TestBad","Output":"    a_test.go:9: broken\n"}`,
		`{"Action":"fail","Package":"a","Test":"TestBad","Elapsed":0.2}`,
		`{"Action":"fail","Package":"a","Elapsed":1.5}`,
		`{"Action":"start","Package":"b"}`,
		`{"Action":"skip","Package":"b","Elapsed":0}`,
		`{"Action":"start","Package":"c"}`,
		`{"Action":"pass","Package":"c","Test":"TestX"}`,
		`{"Action":"pass","Package":"c","Elapsed":2}`,
		`# c [c.test]`,
		`{"ImportPath":"d [d.test]","Action":"build-output","Output":"d/x.go:1:1: undefined: y\n"}`,
		`{"ImportPath":"d [d.test]","Action":"build-fail"}`,
	}, "\n")
	var out strings.Builder
	if st := run(strings.NewReader(in), &out, time.Hour); st != 1 {
		t.Errorf("status %d, want 1", st)
	}
	got := out.String()
	for _, want := range []string{
		"FAIL a ", "1 passed, 1 failed, 0 skipped", "a_test.go:9: broken",
		"     b (no tests)", "ok   c ", "# c [c.test]", "d/x.go:1:1: undefined: y",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "all good here") {
		t.Errorf("output of a passing test shown:\n%s", got)
	}
}
