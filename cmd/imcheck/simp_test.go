package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestSIMPLoopbackChat runs S and two users over TCP on 127.0.0.1:0: bob
// waits, alice initiates, each sends one message and receives the other's.
func TestSIMPLoopbackChat(t *testing.T) {
	for _, v := range []string{"as-published", "hardened"} {
		t.Run(v, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var srvLog bytes.Buffer
			srvDone := make(chan error, 1)
			fs := newFlags("serve simp", &srvLog)
			o := addSIMPFlags(fs)
			if err := fs.Parse([]string{"--suite", "modern", "--variant", v}); err != nil {
				t.Fatal(err)
			}
			go func() { srvDone <- serveSIMP(ctx, ln, o, &syncWriter{w: &srvLog}) }()
			defer func() {
				cancel()
				if err := <-srvDone; err != nil {
					t.Errorf("server: %v", err)
				}
			}()
			addr := ln.Addr().String()
			common := []string{"--server", addr, "--suite", "modern", "--variant", v, "--wait", "10s"}
			type result struct {
				st       int
				out, err string
			}
			bobc := make(chan result, 1)
			go func() {
				st, out, errs := runCmd(append([]string{"client", "simp", "--user", "bob", "--send", "hi alice"}, common...)...)
				bobc <- result{st, out, errs}
			}()
			st, aout, aerr := runCmd(append([]string{"client", "simp", "--user", "alice", "--peer", "bob", "--send", "hello bob", "--recv", "1"}, common...)...)
			var bob result
			select {
			case bob = <-bobc:
			case <-time.After(30 * time.Second):
				t.Fatal("bob did not finish")
			}
			if st != exitOK || bob.st != exitOK {
				t.Fatalf("alice exit %d: %s%s\nbob exit %d: %s%s", st, aout, aerr, bob.st, bob.out, bob.err)
			}
			if !strings.Contains(aout, "message from bob") || !strings.Contains(aout, "hi alice") {
				t.Fatalf("alice did not receive bob's message:\n%s", aout)
			}
			if !strings.Contains(bob.out, "message from alice") || !strings.Contains(bob.out, "hello bob") {
				t.Fatalf("bob did not receive alice's message:\n%s", bob.out)
			}
		})
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
