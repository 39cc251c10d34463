package netio

import (
	"bytes"
	"io"
	"net"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// settle waits up to 10 s for the number of goroutines to come down to
// at most want, and returns the last count.
func settle(want int) int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); n > want && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func goroutineDump() string {
	var b strings.Builder
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}

// TestNoGoroutineLeak: every connection's goroutines end with it, however
// it ends (the client leaves, a stalled reader is disconnected, a bad
// envelope, a partial frame the client gives up on), and Serve leaves no
// goroutine behind; a Client's end with Close.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	addr, log, stop := serveWith(t, &echoServer{}, ServerOptions{QueueLen: 4, WriteTimeout: 200 * time.Millisecond})
	time.Sleep(50 * time.Millisecond)
	serving := runtime.NumGoroutine()

	dial := func() net.Conn {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		return nc
	}
	var raw []net.Conn
	// Clients that chat and leave.
	for i := range 10 {
		c, err := Dial(addr, "user"+string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		echoRoundTrip(t, c, "user", 5*time.Second)
		c.Close()
	}
	// Stalled readers flooded with the role's answers, and a victim of a
	// relay flood: the server disconnects them.
	flood := bytes.Repeat([]byte("x"), 16<<10)
	for i := range 3 {
		nc := dial()
		raw = append(raw, nc)
		f := rawFrame(t, "S", "stalled"+string(rune('a'+i)), flood)
		go func() {
			for range 2000 {
				nc.SetWriteDeadline(time.Now().Add(2 * time.Second))
				if _, err := nc.Write(f); err != nil {
					return
				}
			}
		}()
	}
	victim := dial()
	raw = append(raw, victim)
	victim.Write(rawFrame(t, "S", "victim", nil))
	flooder := dial()
	raw = append(raw, flooder)
	flooder.Write(rawFrame(t, "S", "flooder", nil))
	time.Sleep(50 * time.Millisecond)
	go io.Copy(io.Discard, flooder)
	big := rawFrame(t, "victim", "flooder", flood)
	for range 200 {
		flooder.SetWriteDeadline(time.Now().Add(2 * time.Second))
		if _, err := flooder.Write(big); err != nil {
			break
		}
	}
	// A bad envelope, a frame to a user not connected, partial frames.
	bad := dial()
	raw = append(raw, bad)
	bad.Write([]byte{0, 0, 0, 1, 200})
	off := dial()
	raw = append(raw, off)
	off.Write(rawFrame(t, "nobody", "sender", []byte("hi")))
	for range 5 {
		nc := dial()
		raw = append(raw, nc)
		nc.Write([]byte{0, 0, 1})
	}
	waitLog(t, log, "msg=disconnected user=victim")
	for _, name := range []string{"stalleda", "stalledb", "stalledc"} {
		waitLog(t, log, "msg=disconnected user="+name)
	}
	for _, nc := range raw {
		nc.Close()
	}
	if n := settle(serving); n > serving {
		t.Fatalf("%d goroutines with every connection closed, %d before any opened:\n%s", n, serving, goroutineDump())
	}
	if n := log.count("msg=disconnected"); n < 4 {
		t.Fatalf("%d disconnects logged:\n%s", n, log)
	}
	stop()
	if n := settle(before); n > before {
		t.Fatalf("%d goroutines after Serve returned, %d before it started:\n%s", n, before, goroutineDump())
	}
}
