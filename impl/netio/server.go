package netio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// ServerOptions configures Serve.
type ServerOptions struct {
	// Log receives one line per message, event and alert; nil discards.
	Log io.Writer
}

type server struct {
	role role.Role
	log  io.Writer

	mu    sync.Mutex // guards role and conns
	conns map[string]*conn
}

type conn struct {
	nc  net.Conn
	wmu sync.Mutex
}

func (c *conn) write(e wire.Envelope) error {
	body, err := e.Marshal()
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return wire.WriteFrame(c.nc, body)
}

// Serve accepts connections on ln and runs srv for them until ctx is done
// or ln fails. It returns nil when ctx ends it.
func Serve(ctx context.Context, ln net.Listener, srv role.Role, opts ServerOptions) error {
	s := &server{role: srv, log: opts.Log, conns: map[string]*conn{}}
	if s.log == nil {
		s.log = io.Discard
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			ln.Close()
		case <-done:
		}
	}()
	var wg sync.WaitGroup
	defer func() {
		s.mu.Lock()
		for _, c := range s.conns {
			c.nc.Close()
		}
		s.mu.Unlock()
		wg.Wait()
	}()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("netio: accept: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.serveConn(ctx, nc)
		}()
	}
}

func (s *server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, format+"\n", args...)
}

func (s *server) serveConn(ctx context.Context, nc net.Conn) {
	c := &conn{nc: nc}
	bound := ""
	defer func() {
		nc.Close()
		if bound != "" {
			s.mu.Lock()
			if s.conns[bound] == c {
				delete(s.conns, bound)
			}
			s.mu.Unlock()
			s.logf("%s disconnected", bound)
		}
	}()
	for ctx.Err() == nil {
		body, err := wire.ReadFrame(nc)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.logf("netio: %s: %v", nc.RemoteAddr(), err)
			}
			return
		}
		env, err := wire.ParseEnvelope(body)
		if err != nil || env.From == "" {
			s.logf("netio: %s: bad envelope, closing", nc.RemoteAddr())
			return
		}
		if bound == "" {
			bound = env.From
			s.mu.Lock()
			if old := s.conns[bound]; old != nil {
				old.nc.Close() // a reconnect replaces the old connection
			}
			s.conns[bound] = c
			s.mu.Unlock()
			s.logf("%s connected from %s", bound, nc.RemoteAddr())
		} else if env.From != bound {
			s.logf("netio: connection bound to %s sent as %s, closing", bound, env.From)
			return
		}
		if env.To == s.role.Name() {
			s.toRole(bound, env.Payload)
		} else {
			s.relay(bound, env)
		}
	}
}

// toRole hands a payload to the server role and routes what it sends.
func (s *server) toRole(from string, payload []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.role.Handle(from, payload)
	if err != nil {
		s.logf("%s → %s: rejected: %v", from, s.role.Name(), err)
		return
	}
	for _, e := range out.Events {
		s.logf("  • %s", e)
	}
	for _, m := range out.Messages {
		c := s.conns[m.To]
		if c == nil {
			s.logf("netio: %s → %s: %s dropped, %s not connected", m.From, m.To, m.Label, m.To)
			continue
		}
		if err := c.write(wire.Envelope{To: m.To, From: s.role.Name(), Payload: m.Bytes}); err != nil {
			s.logf("netio: write to %s: %v", m.To, err)
			continue
		}
		s.logf("%s", m)
	}
}

// relay forwards a frame from one user to another unchanged.
func (s *server) relay(from string, env wire.Envelope) {
	s.mu.Lock()
	c := s.conns[env.To]
	s.mu.Unlock()
	if c == nil {
		s.logf("netio: relay %s → %s dropped, %s not connected", from, env.To, env.To)
		return
	}
	env.From = from
	if err := c.write(env); err != nil {
		s.logf("netio: relay to %s: %v", env.To, err)
		return
	}
	s.logf("relay %s → %s (%d bytes)", from, env.To, len(env.Payload))
}
