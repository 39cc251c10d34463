package netio

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/role"
)

// clock is a fake clock a test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time              { return c.t }
func (c *clock) add(d time.Duration)         { c.t = c.t.Add(d) }
func newClock() *clock                       { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }
func allowed(l *LoginLimiter, a string) bool { ok, _ := l.Allow(a); return ok }

func TestLoginLimiterWindow(t *testing.T) {
	c := newClock()
	l := &LoginLimiter{Failures: 3, Window: time.Minute, Now: c.now}
	for i := range 3 {
		if !allowed(l, "alice") {
			t.Fatalf("refused after %d failures", i)
		}
		l.Fail("alice")
		c.add(10 * time.Second)
	}
	// Failures at 0, 10 s, 20 s; now 30 s.
	ok, wait := l.Allow("alice")
	if ok || wait != 30*time.Second {
		t.Fatalf("after 3 failures: %v, wait %v; want refused for 30s", ok, wait)
	}
	if !allowed(l, "bob") {
		t.Fatal("another account is limited too")
	}
	c.add(29 * time.Second)
	if allowed(l, "alice") {
		t.Fatal("allowed before the oldest failure left the window")
	}
	c.add(time.Second) // the failure at 0 is a minute old
	if !allowed(l, "alice") {
		t.Fatal("still refused once the oldest failure left the window")
	}
	l.Fail("alice")
	if allowed(l, "alice") {
		t.Fatal("a fourth failure inside the window did not lock again")
	}
	c.add(2 * time.Minute)
	if !allowed(l, "alice") || l.Tracked() != 0 {
		t.Fatalf("old failures not forgotten: tracked %d", l.Tracked())
	}
}

func TestLoginLimiterBounded(t *testing.T) {
	c := newClock()
	l := &LoginLimiter{Failures: 1, MaxAccounts: 100, Now: c.now}
	for i := range 1000 {
		l.Fail(fmt.Sprintf("u%04d", i))
		c.add(time.Millisecond)
	}
	if n := l.Tracked(); n > 100 {
		t.Fatalf("tracking %d accounts, bound 100", n)
	}
	if allowed(l, "u0999") {
		t.Fatal("the newest failure was forgotten")
	}
	if !allowed(l, "u0000") {
		t.Fatal("the oldest was kept")
	}
}

// guessServer accepts the login "login:NAME:right" and rejects any other
// "login:NAME:…" as auth_failed.
type guessServer struct{ tried int }

func (g *guessServer) Name() string { return "S" }

func (g *guessServer) Handle(from string, msg []byte) (role.Output, error) {
	g.tried++
	parts := bytes.Split(msg, []byte(":"))
	if len(parts) != 3 || string(parts[0]) != "login" {
		return role.Output{}, &role.Alert{Protocol: "test", Class: role.DecodeError, Reason: "not a login"}
	}
	if string(parts[2]) != "right" {
		return role.Output{}, &role.Alert{Protocol: "test", Class: role.AuthFailed, Label: "a1", Reason: "wrong password"}
	}
	var o role.Output
	o.Emit(role.Event{Kind: role.LoginAccepted, Role: "S", Peer: from})
	o.Send(role.Message{From: "S", To: from, Label: "ok", Bytes: []byte("welcome")})
	return o, nil
}

func loginAccount(p []byte) (string, bool) {
	parts := bytes.Split(p, []byte(":"))
	if len(parts) != 3 || string(parts[0]) != "login" {
		return "", false
	}
	return string(parts[1]), true
}

// TestServerLimitsFailedLogins: with the limiter in Serve, guesses beyond
// the limit are refused with rate_limited and never reach the role (IMKE
// §3.1: the server limits online guessing), for the account guessed at,
// from any connection, until the window has passed.
func TestServerLimitsFailedLogins(t *testing.T) {
	c := newClock()
	g := &guessServer{}
	lim := &LoginLimiter{Failures: 3, Window: time.Minute, Now: c.now}
	addr, _, _ := serveWith(t, g, ServerOptions{Logins: lim, LoginAccount: loginAccount})
	try := func(conn, account, pw string) error {
		cl, err := Dial(addr, conn)
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		_, err = cl.Pump(&peer{conn}, role.Output{Messages: []role.Message{{To: "S", Bytes: []byte("login:" + account + ":" + pw)}}},
			func(e role.Event) bool { return true }, 2*time.Second)
		if err == nil {
			return nil
		}
		var a *ServerAlert
		if !errors.As(err, &a) {
			t.Fatalf("no alert: %v", err)
		}
		return a
	}
	code := func(err error) Code {
		var a *ServerAlert
		if errors.As(err, &a) {
			return a.Code
		}
		return 0
	}
	for i := range 3 {
		if got := code(try(fmt.Sprintf("eve%d", i), "alice", "guess")); got.Class() != role.AuthFailed {
			t.Fatalf("guess %d: %v, want auth_failed", i, got)
		}
	}
	before := g.tried
	if got := code(try("eve9", "alice", "guess")); got != RateLimited {
		t.Fatalf("4th guess: %v, want rate_limited", got)
	}
	if got := code(try("alice", "alice", "right")); got != RateLimited {
		t.Fatalf("the owner during the lockout: %v, want rate_limited", got)
	}
	if g.tried != before {
		t.Fatal("a refused login reached the role")
	}
	if err := try("bob", "bob", "right"); err != nil {
		t.Fatalf("another account: %v", err)
	}
	c.add(time.Minute)
	if err := try("alice", "alice", "right"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}
