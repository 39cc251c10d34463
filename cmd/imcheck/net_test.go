package main

import (
	"bytes"
	"context"
	"github.com/imcheck/imcheck/internal/syncbuf"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/store"
	"github.com/imcheck/imcheck/impl/suite"
)

// lockedBuf is a buffer a goroutine writes while the test reads it.
type lockedBuf = syncbuf.Buffer

// waitFor polls until buf contains want or fails the test after 20 s.
func waitFor(t *testing.T, buf *lockedBuf, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(buf.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in:\n%s", want, buf)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testServer runs serve in-process on 127.0.0.1:0 until the test ends (or
// stop is called) and returns its address and log.
func testServer(t *testing.T, serve func(ctx context.Context, ln net.Listener, opts netio.ServerOptions) error) (addr string, log *lockedBuf, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	log = &lockedBuf{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opts := netio.ServerOptions{Log: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Logins: &netio.LoginLimiter{Failures: 3}, LoginAccount: imkeLoginAccount}
	go func() { done <- serve(ctx, ln, opts) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return ln.Addr().String(), log, stop
}

func simpTestServer(t *testing.T, v, db string) (string, *lockedBuf, func()) {
	st, _ := suite.ByName("modern")
	cfg := simpServer{suite: st, variant: simp.Variant(v), seed: 1, m: 64, rounds: simp.DefaultRounds, db: db}
	return testServer(t, func(ctx context.Context, ln net.Listener, opts netio.ServerOptions) error {
		opts.LoginAccount = simpLoginAccount
		return serveSIMP(ctx, ln, cfg, opts)
	})
}

func imkeTestServer(t *testing.T, v imke.Variant, storage imke.PasswordStorage, users userList) (string, *lockedBuf, func()) {
	st, _ := suite.ByName("modern")
	cfg := imkeServeConfig{suite: st, variant: v, storage: storage, seed: 1, users: users}
	return testServer(t, func(ctx context.Context, ln net.Listener, opts netio.ServerOptions) error {
		return serveIMKE(ctx, ln, cfg, opts)
	})
}

// clientRun runs a client command with stdin and returns its status and
// output.
func clientRun(proto string, stdin io.Reader, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	var st int
	if proto == "simp" {
		st = clientSIMP(args, stdin, &out, &errb)
	} else {
		st = clientIMKECmd(args, stdin, &out, &errb)
	}
	return st, out.String(), errb.String()
}

// TestSIMPLoopbackChat runs S and two users over TCP: both register, bob
// waits, alice initiates, each sends one message and receives the other's;
// then both log in again without registering (their accounts are in the
// state directory) and chat once more.
func TestSIMPLoopbackChat(t *testing.T) {
	for _, v := range []string{"as-published", "hardened"} {
		t.Run(v, func(t *testing.T) {
			addr, srvLog, _ := simpTestServer(t, v, store.Memory)
			state := t.TempDir()
			common := []string{"--server", addr, "--suite", "modern", "--variant", v, "--wait", "10s", "--state", state, "--m", "64"}
			for round, reg := range []bool{true, false} {
				extra := []string{}
				if reg {
					extra = []string{"--register"}
				}
				type result struct {
					st       int
					out, err string
				}
				bobc := make(chan result, 1)
				go func() {
					st, out, errs := clientRun("simp", nil, append(append([]string{"--user", "bob", "--send", "hi alice"}, extra...), common...)...)
					bobc <- result{st, out, errs}
				}()
				st, aout, aerr := clientRun("simp", nil, append(append([]string{"--user", "alice", "--peer", "bob", "--send", "hello bob", "--recv", "1"}, extra...), common...)...)
				bob := <-bobc
				if st != exitOK || bob.st != exitOK {
					t.Fatalf("round %d: alice exit %d: %s%s\nbob exit %d: %s%s\nserver:\n%s", round, st, aout, aerr, bob.st, bob.out, bob.err, srvLog)
				}
				if !strings.Contains(aout, "message from bob") || !strings.Contains(aout, "hi alice") {
					t.Fatalf("alice did not receive bob's message:\n%s", aout)
				}
				if !strings.Contains(bob.out, "message from alice") || !strings.Contains(bob.out, "hello bob") {
					t.Fatalf("bob did not receive alice's message:\n%s", bob.out)
				}
				// S must see both leave before the next round: while it
				// still holds bob's old connection, it would forward
				// alice's E3 there, where no one reads it.
				waitForN(t, srvLog, "disconnected user=alice", round+1)
				waitForN(t, srvLog, "disconnected user=bob", round+1)
			}
			noKeyMaterial(t, srvLog.String())
		})
	}
}

// TestIMKELoopbackChat: one server, two clients over TCP, direct and
// relayed, both variants.
func TestIMKELoopbackChat(t *testing.T) {
	for _, v := range imke.Variants() {
		for _, relay := range []bool{false, true} {
			name := string(v)
			if relay {
				name += "/relay"
			}
			t.Run(name, func(t *testing.T) {
				addr, srvLog, _ := imkeTestServer(t, v, imke.StorePassword, userList{"alice": "pw-alice", "bob": "pw-bob"})
				common := []string{"--server", addr, "--suite", "modern", "--variant", string(v), "--timeout", "20s"}
				if relay {
					common = append(common, "--relay")
				}
				bobOut, bobErr := &lockedBuf{}, &lockedBuf{}
				bobDone := make(chan int, 1)
				go func() {
					bobDone <- clientIMKECmd(append([]string{"--user", "bob", "--password", "pw-bob", "--recv", "2", "--reply", "hi alice"}, common...), nil, bobOut, bobErr)
				}()
				waitFor(t, bobOut, "logged in as bob")
				st, aout, aerr := clientRun("imke", nil, append([]string{"--user", "alice", "--password", "pw-alice", "--peer", "bob", "--send", "hello bob", "--send", "second", "--recv", "1"}, common...)...)
				if st != exitOK {
					t.Fatalf("alice exit %d: %s%s\nserver: %s", st, aout, aerr, srvLog)
				}
				if bst := <-bobDone; bst != exitOK {
					t.Fatalf("bob exit %d: %s%s", bst, bobOut, bobErr)
				}
				if !strings.Contains(bobOut.String(), "alice: hello bob\nalice: second\n") {
					t.Fatalf("bob's output:\n%s", bobOut)
				}
				if !strings.Contains(aout, "session key established with bob") || !strings.Contains(aout, "bob: hi alice\n") {
					t.Fatalf("alice's output:\n%s", aout)
				}
				noKeyMaterial(t, srvLog.String())
			})
		}
	}
}

// TestClientFailuresInWords: every failure the server sees reaches the
// client as an alert and is printed in words, at once (no timeout).
func TestClientFailuresInWords(t *testing.T) {
	simpAddr, _, _ := simpTestServer(t, "hardened", store.Memory)
	imkeAddr, _, _ := imkeTestServer(t, imke.Hardened, imke.StoreImage, userList{"alice": "right"})
	state := t.TempDir()
	simpArgs := func(extra ...string) []string {
		return append([]string{"--server", simpAddr, "--suite", "modern", "--variant", "hardened", "--wait", "5s", "--state", state, "--m", "64"}, extra...)
	}
	imkeArgs := func(extra ...string) []string {
		return append([]string{"--server", imkeAddr, "--suite", "modern", "--variant", "hardened", "--storage", "image", "--timeout", "5s"}, extra...)
	}
	empty := strings.NewReader("")
	for _, c := range []struct {
		name, proto string
		args        []string
		want        string
	}{
		{"simp unknown user", "simp", simpArgs("--user", "carol"), "no account with this server"},
		{"simp wrong server key", "simp", simpArgs("--user", "dave", "--register", "--seed", "2"), "server key you trust is not this server's"},
		{"simp wrong suite", "simp", append(simpArgs("--user", "erin", "--register"), "--suite", "pq"), "another cipher suite"},
		{"imke unknown user", "imke", imkeArgs("--user", "mallory", "--password", "x"), "no account for this user"},
		{"imke wrong server key", "imke", imkeArgs("--user", "alice", "--password", "right", "--seed", "2"), "server key you trust is not this server's"},
		{"imke wrong suite", "imke", append(imkeArgs("--user", "alice", "--password", "right"), "--suite", "pq"), "another cipher suite"},
		{"imke wrong password", "imke", imkeArgs("--user", "alice", "--password", "wrong"), "wrong password"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			st, out, errs := clientRun(c.proto, empty, c.args...)
			if st != exitFailure || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, stderr %q, want 1 and %q\n%s", st, errs, c.want, out)
			}
			if d := time.Since(start); d > 4*time.Second {
				t.Fatalf("took %v: the failure was not reported, the client timed out", d)
			}
		})
	}
	// SIMP: registering twice, then a login after the first registration.
	if st, _, errs := clientRun("simp", empty, simpArgs("--user", "frank", "--register")...); st != exitOK {
		t.Fatalf("register: %s", errs)
	}
	if st, _, errs := clientRun("simp", empty, simpArgs("--user", "frank", "--register")...); st != exitFailure || !strings.Contains(errs, "already registered") {
		t.Fatalf("second registration: exit %d %s", st, errs)
	}
	if st, _, errs := clientRun("simp", empty, simpArgs("--user", "frank", "--password", "other")...); st != exitFailure || !strings.Contains(errs, "wrong password") {
		t.Fatalf("wrong password: exit %d %s", st, errs)
	}
	// IMKE: the limiter (3 failures here) refuses the next login of the
	// account, even with the right password, and says so.
	for range 2 {
		clientRun("imke", empty, imkeArgs("--user", "alice", "--password", "wrong")...)
	}
	st, _, errs := clientRun("imke", empty, imkeArgs("--user", "alice", "--password", "right")...)
	if st != exitFailure || !strings.Contains(errs, "too many failed logins") {
		t.Fatalf("after 3 failures: exit %d %s", st, errs)
	}
}

// TestSIMPRestartBetweenRegistrationAndLogin: alice registers, the server
// stops and starts again on the same database, and alice logs in.
func TestSIMPRestartBetweenRegistrationAndLogin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "simp.db")
	state := t.TempDir()
	args := func(addr string, extra ...string) []string {
		return append([]string{"--server", addr, "--suite", "modern", "--variant", "hardened", "--wait", "5s", "--state", state, "--m", "64", "--user", "alice"}, extra...)
	}
	addr, _, stop := simpTestServer(t, "hardened", db)
	if st, out, errs := clientRun("simp", strings.NewReader(""), args(addr, "--register")...); st != exitOK || !strings.Contains(out, "login-accepted") {
		t.Fatalf("register: exit %d %s%s", st, out, errs)
	}
	stop()
	addr, log, _ := simpTestServer(t, "hardened", db)
	waitFor(t, log, "accounts=1")
	if st, out, errs := clientRun("simp", strings.NewReader(""), args(addr)...); st != exitOK || !strings.Contains(out, "login-accepted") {
		t.Fatalf("login after restart: exit %d %s%s", st, out, errs)
	}
}

// TestServeRefusesOtherDeployment: a database made for one deployment is
// refused for another, with exit 2.
func TestServeRefusesOtherDeployment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "simp.db")
	_, _, stop := simpTestServer(t, "hardened", db)
	stop()
	st, _, errs := runCmd("serve", "simp", "--listen", "127.0.0.1:0", "--db", db, "--suite", "modern", "--variant", "as-published", "--m", "64")
	if st != exitUsage || !strings.Contains(errs, "variant hardened (asked for as-published)") {
		t.Fatalf("exit %d: %s", st, errs)
	}
}

// chatter is one interactive client driven through a pipe.
type chatter struct {
	in   *io.PipeWriter
	out  *lockedBuf
	errb *lockedBuf
	done chan int
}

func startChatter(proto string, args ...string) *chatter {
	r, w := io.Pipe()
	c := &chatter{in: w, out: &lockedBuf{}, errb: &lockedBuf{}, done: make(chan int, 1)}
	go func() {
		if proto == "simp" {
			c.done <- clientSIMP(args, r, c.out, c.errb)
		} else {
			c.done <- clientIMKECmd(args, r, c.out, c.errb)
		}
	}()
	return c
}

func (c *chatter) say(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		t.Fatalf("typing %q: %v (stderr %s)", line, err, c.errb)
	}
}

func (c *chatter) quit(t *testing.T) {
	t.Helper()
	c.say(t, "/quit")
	select {
	case st := <-c.done:
		if st != exitOK {
			t.Fatalf("exit %d: %s%s", st, c.out, c.errb)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("/quit did not end the client:\n%s", c.out)
	}
}

// TestInteractiveChat drives two clients' line loops through pipes, for
// both protocols: alice picks bob with /to, lines go both ways, lines
// typed before the session is up are sent once it is, and /quit ends
// both.
func TestInteractiveChat(t *testing.T) {
	for _, proto := range []string{"simp", "imke"} {
		t.Run(proto, func(t *testing.T) {
			var common []string
			var loggedIn func(user string) string
			if proto == "simp" {
				addr, _, _ := simpTestServer(t, "hardened", store.Memory)
				common = []string{"--server", addr, "--suite", "modern", "--variant", "hardened", "--state", t.TempDir(), "--m", "64", "--register"}
				loggedIn = func(u string) string { return u + ": login-accepted S" }
			} else {
				addr, _, _ := imkeTestServer(t, imke.Hardened, imke.StorePassword, nil)
				common = []string{"--server", addr, "--suite", "modern", "--variant", "hardened", "--relay"}
				loggedIn = func(u string) string { return "logged in as " + u }
			}
			bob := startChatter(proto, append([]string{"--user", "bob"}, common...)...)
			waitFor(t, bob.out, loggedIn("bob"))
			alice := startChatter(proto, append([]string{"--user", "alice"}, common...)...)
			waitFor(t, alice.out, loggedIn("alice"))
			alice.say(t, "hello before the session") // no peer yet
			waitFor(t, alice.out, "no peer yet")
			alice.say(t, "/to bob")
			alice.say(t, "hello bob") // queued until the session is up
			waitFor(t, alice.out, "* secure session with bob")
			waitFor(t, bob.out, "* secure session with alice")
			waitFor(t, bob.out, "alice: hello bob\n")
			bob.say(t, "hi alice") // bob's peer is alice since she started
			waitFor(t, alice.out, "bob: hi alice\n")
			alice.say(t, "/help")
			waitFor(t, alice.out, "commands: /to NAME")
			alice.say(t, "/to carol")
			waitFor(t, alice.out, "carol: that user is not logged in")
			alice.say(t, "/to bob")
			alice.say(t, "second")
			waitFor(t, bob.out, "alice: second\n")
			if strings.Contains(bob.out.String(), "hello before the session") {
				t.Fatal("a line typed with no peer was sent")
			}
			alice.quit(t)
			bob.quit(t)
		})
	}
}

// longHex is a run of hex long enough to be key material (the server
// key's fingerprint is printed in groups of four).
var longHex = regexp.MustCompile(`[0-9a-fA-F]{16,}`)

// noKeyMaterial fails if a debug-level server log holds anything that
// looks like a key, or a message body.
func noKeyMaterial(t *testing.T, log string) {
	t.Helper()
	if !strings.Contains(log, "level=DEBUG") {
		t.Fatalf("not a debug log:\n%s", log)
	}
	if m := longHex.FindString(log); m != "" {
		t.Fatalf("the server log holds %q:\n%s", m, log)
	}
	for _, body := range []string{"hello bob", "hi alice"} {
		if strings.Contains(log, body) {
			t.Fatalf("the server log holds a message body %q", body)
		}
	}
}
