package main

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// Tests that run the built imcheck binary as a child process.

// child is a running `imcheck serve`.
type child struct {
	cmd  *exec.Cmd
	log  *lockedBuf
	addr string
	done chan error
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServe starts `imcheck serve ARGS... --listen 127.0.0.1:0` and waits
// until it listens.
func startServe(t *testing.T, args ...string) *child {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the imcheck binary")
	}
	c := &child{log: &lockedBuf{}, done: make(chan error, 1)}
	c.cmd = exec.Command(imcheckBinary(t), append(append([]string{"serve"}, args...), "--listen", "127.0.0.1:0")...)
	c.cmd.Stderr = c.log
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(c.log.String()); m != nil {
			c.addr = m[1]
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", c.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestServeExitsOnSIGINT: with idle, silent and half-sent connections
// open, serve exits 0 within a second of SIGINT, and its throw-away
// database is gone.
func TestServeExitsOnSIGINT(t *testing.T) {
	for _, proto := range []string{"simp", "imke"} {
		t.Run(proto, func(t *testing.T) {
			c := startServe(t, proto, "--suite", "modern", "--db", ":memory:", "--log-level", "debug")
			var conns []net.Conn
			for i := range 60 {
				nc, err := net.Dial("tcp", c.addr)
				if err != nil {
					t.Fatal(err)
				}
				defer nc.Close()
				switch i % 3 {
				case 1:
					nc.Write([]byte{0, 0, 0}) // a partial header
				case 2:
					nc.Write(rawEnvelope(fmt.Sprintf("idle%d", i))) // bound, then idle
				}
				conns = append(conns, nc)
			}
			time.Sleep(200 * time.Millisecond)
			start := time.Now()
			if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-c.done:
				c.done <- err // for the cleanup
				if took := time.Since(start); took > time.Second {
					t.Fatalf("serve took %v to exit after SIGINT", took)
				}
				if err != nil {
					t.Fatalf("serve: %v\n%s", err, c.log)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("serve ignored SIGINT:\n%s", c.log)
			}
			if m := regexp.MustCompile(`path=:memory:`).FindString(c.log.String()); m == "" {
				t.Fatalf("no database line:\n%s", c.log)
			}
		})
	}
}

// rawEnvelope is one keepalive frame from user: it binds the connection.
func rawEnvelope(user string) []byte {
	body := append([]byte{1, 'S', byte(len(user))}, user...)
	return append([]byte{0, 0, 0, byte(len(body))}, body...)
}

// TestKillDuringRegistrations: the server is killed (SIGKILL) in the
// middle of 100 registrations; started again on the same database, it
// lets every user whose R2 arrived log in.
func TestKillDuringRegistrations(t *testing.T) {
	db := filepath.Join(t.TempDir(), "simp.db")
	args := []string{"simp", "--suite", "modern", "--variant", "hardened", "--db", db, "--m", "16"}
	c := startServe(t, args...)
	st, _ := suite.ByName("modern")
	key, err := memrun.ServerKey(st, 1)
	if err != nil {
		t.Fatal(err)
	}
	newUser := func(i int) *simp.Client {
		u, err := simp.NewClient(simp.ClientConfig{Suite: st, Variant: simp.Hardened, ID: fmt.Sprintf("user%03d", i),
			Server: simp.DefaultServerID, ServerKey: key.Public(), Password: []byte(fmt.Sprintf("pw%03d", i))})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	var mu sync.Mutex
	var acked []*simp.Client
	killed := make(chan struct{})
	var killOnce sync.Once
	var wg sync.WaitGroup
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range 100 {
			select {
			case next <- i:
			case <-killed:
				return
			}
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				u := newUser(i)
				conn, err := netio.Dial(c.addr, u.Name())
				if err != nil {
					continue
				}
				out, err := u.Register()
				if err != nil {
					t.Error(err)
				}
				_, err = conn.Pump(u, out, kind(role.Registered), 5*time.Second)
				conn.Close()
				if err != nil {
					continue // not acknowledged: the server may or may not have it
				}
				mu.Lock()
				acked = append(acked, u)
				n := len(acked)
				mu.Unlock()
				if n == 40 {
					killOnce.Do(func() {
						c.cmd.Process.Signal(syscall.SIGKILL)
						close(killed)
					})
				}
			}
		}()
	}
	wg.Wait()
	if err := <-c.done; err == nil {
		t.Fatal("the server was not killed")
	}
	c.done <- nil
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 40 {
		t.Fatalf("only %d registrations acknowledged before the kill", len(acked))
	}
	c2 := startServe(t, args...)
	for _, u := range acked {
		conn, err := netio.Dial(c2.addr, u.Name())
		if err != nil {
			t.Fatal(err)
		}
		out, err := u.Login()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Pump(u, out, kind(role.LoginAccepted), 5*time.Second); err != nil {
			t.Errorf("%s, acknowledged before the kill: login after restart: %s", u.Name(), describeErr(err))
		}
		conn.Close()
	}
	t.Logf("%d registrations acknowledged before SIGKILL; all logged in after the restart", len(acked))
}
