package main

import (
	"bytes"
	"strings"
	"testing"
)

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	st := run(args, &out, &errb)
	return st, out.String(), errb.String()
}

func TestRunSIMP(t *testing.T) {
	for _, s := range []string{"classic", "modern", "pq"} {
		for _, v := range []string{"as-published", "hardened"} {
			st, out, errs := runCmd("run", "simp", "--suite", s, "--variant", v, "--seed", "3")
			if st != exitOK {
				t.Fatalf("%s/%s: exit %d: %s", s, v, st, errs)
			}
			for _, want := range []string{"R1     alice → S", "L2", "E4     alice → bob", "E7     bob → alice", "message-accepted", "suite          " + s} {
				if !strings.Contains(out, want) {
					t.Fatalf("%s/%s: output lacks %q:\n%s", s, v, want, out)
				}
			}
		}
	}
	st, out, _ := runCmd("run", "simp", "--suite", "modern", "--mermaid", "--m", "8", "--rounds", "1")
	if st != exitOK || !strings.HasPrefix(out, "sequenceDiagram") || !strings.Contains(out, "alice->>bob: E6") {
		t.Fatalf("mermaid: exit %d\n%s", st, out)
	}
}

func TestSIMPBadArguments(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "simp", "--m", "3"}, "m = 3 outside"},
		{[]string{"run", "simp", "--m", "5000"}, "m = 5000 outside"},
		{[]string{"run", "simp", "--rounds", "0"}, "rounds = 0 outside"},
		{[]string{"run", "simp", "--suite", "rot13"}, "unknown suite"},
		{[]string{"run", "simp", "--variant", "improved"}, "unknown variant"},
		{[]string{"run", "simp", "extra"}, "unexpected argument"},
		{[]string{"run", "simp", "--seed", "-1"}, "invalid value"},
		{[]string{"opcount", "simp", "--rounds", "99"}, "rounds = 99 outside"},
		{[]string{"serve", "simp"}, "--listen is required"},
		{[]string{"serve", "simp", "--listen", "127.0.0.1:1", "--variant", "x"}, "unknown variant"},
		{[]string{"serve", "simp", "--listen", "127.0.0.1:1", "--max-memory", "64MB"}, `--max-memory "64MB": not a size`},
		{[]string{"client", "simp", "--user", "alice"}, "--server is required"},
		{[]string{"client", "simp", "--server", "127.0.0.1:1"}, "--user is required"},
		{[]string{"client", "simp", "--server", "x", "--user", "a", "--peer", "a"}, "--peer must be another user"},
		{[]string{"client", "simp", "--server", "x", "--user", "a b"}, "not valid"},
		{[]string{"client", "simp", "--server", "x", "--user", "a", "--wait", "0s"}, "--wait must be positive"},
	} {
		st, _, errs := runCmd(c.args...)
		if st != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, st, errs, c.want)
		}
	}
}

func TestOpcountSIMP(t *testing.T) {
	st, out, errs := runCmd("opcount", "simp")
	if st != exitOK {
		t.Fatalf("exit %d: %s", st, errs)
	}
	for _, want := range []string{
		"Public-key encryption         0 | -        1 | 1        0 | 1",
		"Symmetric operations          6 | 6        5 | 4        5 | 4",
		"Keyed-hash operations         0 | 4        2 | 2        2 | 2",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("opcount lacks %q:\n%s", want, out)
		}
	}
}
