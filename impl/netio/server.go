package netio

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// ServerOptions configures Serve. Every zero field takes its default.
type ServerOptions struct {
	// Log receives the server's structured log; nil discards it. Nothing
	// logged at any level holds key material.
	Log *slog.Logger
	// Suite is the suite id written in alert frames.
	Suite uint16

	MaxConns        int // connections open at once; default 1024
	MaxConnsPerAddr int // connections open at once from one IP address; default 64

	FirstFrameTimeout time.Duration // accept to the first complete frame; default 10 s
	IdleTimeout       time.Duration // between frames; default 2 min (clients send keepalives)
	FrameTimeout      time.Duration // a frame's header to its last byte; default 10 s
	WriteTimeout      time.Duration // writing one frame to a client; default 5 s

	// QueueLen is how many frames, and QueueBytes how many bytes, may
	// wait for one client to read them; a client whose queue would pass
	// either is disconnected (a frame always fits an empty queue).
	// Defaults 64 and 512 KiB.
	QueueLen   int
	QueueBytes int
	// MaxRejects closes a connection after this many rejected frames;
	// default 256.
	MaxRejects int
	// BodyBudget bounds the bytes of frame bodies being read at once, over
	// all connections; a connection that would exceed it is closed.
	// Default 32 MiB.
	BodyBudget int

	// Logins, if set, limits failed logins per account. LoginAccount
	// says which payloads are login attempts and for which account.
	Logins       *LoginLimiter
	LoginAccount func(payload []byte) (account string, ok bool)

	// Durable, if set, is told of every message the role accepted before
	// any answer leaves, so that an acknowledged change survives a crash.
	Durable Durable
}

// Durable makes a role's state survive a restart.
type Durable interface {
	// Commit is called, with the role locked, after the role accepted a
	// message from from and produced out. An error drops out's messages
	// (the sender gets an internal_error alert).
	Commit(from string, out role.Output) error
}

func (o *ServerOptions) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxConns, 1024)
	def(&o.MaxConnsPerAddr, 64)
	def(&o.QueueLen, 64)
	def(&o.QueueBytes, 512<<10)
	def(&o.MaxRejects, 256)
	def(&o.BodyBudget, 32<<20)
	defd(&o.FirstFrameTimeout, 10*time.Second)
	defd(&o.IdleTimeout, 2*time.Minute)
	defd(&o.FrameTimeout, 10*time.Second)
	defd(&o.WriteTimeout, 5*time.Second)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

type server struct {
	opts ServerOptions
	log  *slog.Logger
	role role.Role
	name string

	roleMu sync.Mutex // serialises role.Handle and Durable.Commit

	mu      sync.Mutex // guards all, bound, perAddr; held while enqueueing
	all     map[*conn]struct{}
	bound   map[string]*conn
	perAddr map[string]int
	refused int // connections refused since the last log line
	lastRef time.Time

	budget atomic.Int64 // body bytes being read
	wg     sync.WaitGroup
}

// Serve accepts connections on ln and runs srv for them until ctx is done,
// then closes every connection and returns nil. Accept errors are retried
// with back-off; Serve returns an error only if ln is closed under it.
func Serve(ctx context.Context, ln net.Listener, srv role.Role, opts ServerOptions) error {
	opts.defaults()
	s := &server{opts: opts, log: opts.Log, role: srv, name: srv.Name(),
		all: map[*conn]struct{}{}, bound: map[string]*conn{}, perAddr: map[string]int{}}
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	err := s.acceptLoop(ctx, ln)
	s.mu.Lock()
	open := len(s.all)
	for c := range s.all {
		c.close("server shutting down")
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.log.Info("server stopped", "closed", open)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func (s *server) acceptLoop(ctx context.Context, ln net.Listener) error {
	var delay time.Duration
	failures := 0
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return errors.New("netio: listener closed")
			}
			// Out of descriptors, a connection reset before accept, …:
			// wait and go on, as net/http does.
			if failures == 0 {
				s.log.Warn("accept failing; retrying with back-off", "err", err)
			}
			failures++
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return nil
			}
			continue
		}
		if failures > 0 {
			s.log.Info("accept recovered", "failed", failures)
			failures, delay = 0, 0
		}
		s.admit(nc)
	}
}

// admit starts a connection, or refuses it with a busy alert when a cap is
// reached.
func (s *server) admit(nc net.Conn) {
	addr := remoteIP(nc)
	s.mu.Lock()
	if len(s.all) >= s.opts.MaxConns || s.perAddr[addr] >= s.opts.MaxConnsPerAddr {
		s.refused++
		if now := time.Now(); now.Sub(s.lastRef) >= time.Second {
			s.log.Warn("refusing connections: limit reached", "refused", s.refused, "open", len(s.all), "addr", addr)
			s.refused, s.lastRef = 0, now
		}
		s.mu.Unlock()
		nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		if f, err := frameBytes(wire.Envelope{To: "-", From: s.name, Payload: alertFrame(s.opts.Suite, Busy, nil).Marshal()}); err == nil {
			nc.Write(f)
		}
		nc.Close()
		return
	}
	c := newConn(s, nc, addr)
	s.all[c] = struct{}{}
	s.perAddr[addr]++
	s.wg.Add(2)
	s.mu.Unlock()
	go func() { defer s.wg.Done(); c.writeLoop() }()
	go func() { defer s.wg.Done(); c.readLoop() }()
}

func remoteIP(nc net.Conn) string {
	if a, ok := nc.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	host, _, err := net.SplitHostPort(nc.RemoteAddr().String())
	if err != nil {
		return nc.RemoteAddr().String()
	}
	return host
}

// Leaver is a server role that is told when a user's connection ends, so
// that the user's login can end with it.
type Leaver interface {
	Left(id string)
}

// forget removes a closed connection; called once by its reader. If it
// was its user's current connection, a Leaver role is told, under the
// role lock taken first, so that a new connection's login, which also
// needs that lock, comes wholly before or wholly after.
func (s *server) forget(c *conn) {
	s.roleMu.Lock()
	defer s.roleMu.Unlock()
	s.mu.Lock()
	delete(s.all, c)
	if s.perAddr[c.addr]--; s.perAddr[c.addr] <= 0 {
		delete(s.perAddr, c.addr)
	}
	left := c.id != "" && s.bound[c.id] == c
	if left {
		delete(s.bound, c.id)
	}
	s.mu.Unlock()
	if l, ok := s.role.(Leaver); ok && left {
		l.Left(c.id)
	}
}

// bind binds c to id; a new connection with the same identity replaces the
// old one (docs/spec/wire.md §4).
func (s *server) bind(c *conn, id string) {
	s.mu.Lock()
	select {
	case <-c.done: // closed meanwhile: it must not displace anyone
		s.mu.Unlock()
		return
	default:
	}
	old := s.bound[id]
	s.bound[id] = c
	c.id = id
	s.mu.Unlock()
	if old != nil {
		old.close("replaced by a new connection for the same identity")
	}
}

// reserve takes k bytes of the body budget.
func (s *server) reserve(k int) bool {
	if s.budget.Add(int64(k)) > int64(s.opts.BodyBudget) {
		s.budget.Add(-int64(k))
		return false
	}
	return true
}

func (s *server) release(k int) { s.budget.Add(-int64(k)) }

// toRole hands a payload from c to the server role and routes what it
// answers.
func (s *server) toRole(c *conn, payload []byte) {
	account, login := "", false
	if s.opts.Logins != nil && s.opts.LoginAccount != nil {
		account, login = s.opts.LoginAccount(payload)
	}
	if login {
		if ok, wait := s.opts.Logins.Allow(account); !ok {
			c.rejected(RateLimited, "", payload, "account", account, "retry_in", wait.Round(time.Second).String())
			return
		}
	}
	s.roleMu.Lock()
	defer s.roleMu.Unlock()
	out, err := s.role.Handle(c.id, payload)
	if err != nil {
		var a *role.Alert
		label := ""
		if errors.As(err, &a) {
			label = a.Label
		}
		class := role.ClassOf(err)
		if class == 0 {
			class = role.InternalError
		}
		if login && class == role.AuthFailed {
			s.opts.Logins.Fail(account)
		}
		c.rejected(CodeOf(class), label, payload)
		s.logEvents(out)
		return
	}
	if s.opts.Durable != nil {
		if err := s.opts.Durable.Commit(c.id, out); err != nil {
			s.log.Error("state not saved; answers dropped", "user", c.id, "err", err)
			c.rejected(CodeOf(role.InternalError), "", payload)
			return
		}
	}
	s.logEvents(out)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range out.Messages {
		to := s.bound[m.To]
		if to == nil {
			s.log.Info("answer dropped: recipient not connected", "label", m.Label, "to", m.To)
			continue
		}
		to.enqueue(wire.Envelope{To: m.To, From: s.name, Payload: m.Bytes})
	}
}

// logEvents logs what matters to an operator: who registered, logged in
// or was disconnected. Keys and bodies are never logged.
func (s *server) logEvents(out role.Output) {
	for _, e := range out.Events {
		switch e.Kind {
		case role.Registered:
			s.log.Info("registered", "user", e.Peer)
		case role.LoginAccepted:
			s.log.Info("logged in", "user", e.Peer)
		case role.Disconnected:
			s.log.Info("login refused", "user", e.Peer, "why", e.Note)
		default:
			s.log.Debug("event", "kind", e.Kind.String(), "peer", e.Peer, "index", e.Index)
		}
	}
}

// relay forwards a frame from c to another user unchanged, with From set
// to c's identity.
func (s *server) relay(c *conn, env wire.Envelope) {
	s.mu.Lock()
	to := s.bound[env.To]
	if to != nil {
		env.From = c.id
		to.enqueue(env)
	}
	s.mu.Unlock()
	if to == nil {
		c.rejected(Offline, "", env.Payload, "to", env.To)
	}
}
