package netio

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// pipeListener hands out the server ends of net.Pipe connections.
type pipeListener struct {
	conns chan net.Conn
	once  sync.Once
	done  chan struct{}
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// closeNotifier tells when the server closed its end.
type closeNotifier struct {
	net.Conn
	once   sync.Once
	closed chan struct{}
}

func (c *closeNotifier) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// dial returns the client end of a new connection to the server and a
// channel closed when the server closes its end.
func (l *pipeListener) dial() (net.Conn, <-chan struct{}) {
	client, server := net.Pipe()
	n := &closeNotifier{Conn: server, closed: make(chan struct{})}
	l.conns <- n
	return client, n.closed
}

// FuzzServerStream drives the server with arbitrary bytes on one
// connection and a well-behaved user on another: the server must not
// panic or hang, must close the hostile stream, and must go on serving
// the user.
func FuzzServerStream(f *testing.F) {
	f.Add(rawFrame(f, "S", "mallory", []byte("hello")))
	f.Add(rawFrame(f, "S", "mallory", nil)) // a keepalive
	f.Add(append(rawFrame(f, "S", "mallory", []byte("bad")), rawFrame(f, "alice", "mallory", []byte("E6"))...))
	f.Add(append(rawFrame(f, "S", "mallory", []byte("x")), rawFrame(f, "S", "other", []byte("x"))...))
	f.Add([]byte{0x00, 0x10, 0x00, 0x01})         // over the frame limit
	f.Add([]byte{0x00, 0x00, 0x00, 0x03, 1, 'S'}) // a truncated envelope
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0})
	f.Fuzz(func(t *testing.T, stream []byte) {
		ln := newPipeListener()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- Serve(ctx, ln, &echoServer{}, ServerOptions{QueueLen: 4, WriteTimeout: 200 * time.Millisecond, FrameTimeout: time.Second, FirstFrameTimeout: time.Second})
		}()
		hostile, gone := ln.dial()
		go io.Copy(io.Discard, hostile)
		hostile.SetWriteDeadline(time.Now().Add(2 * time.Second))
		hostile.Write(stream)
		hostile.Close()
		select {
		case <-gone: // the server has finished with the hostile stream
		case <-time.After(5 * time.Second):
			t.Fatal("the server never closed the hostile stream")
		}

		user, _ := ln.dial()
		defer user.Close()
		user.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := user.Write(rawFrame(t, "S", "alice", []byte("ping"))); err != nil {
			t.Fatalf("user write: %v", err)
		}
		hdr := make([]byte, 4)
		if _, err := io.ReadFull(user, hdr); err != nil {
			t.Fatalf("the user was not served: %v", err)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Serve did not return")
		}
	})
}
