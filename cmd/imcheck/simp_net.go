package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// SIMP over TCP (docs/spec/simp.md §"Framing", docs/spec/wire.md §4).

func init() {
	register(command{
		name:    "serve simp",
		summary: "run the SIMP server S over TCP",
		exits: []exitHelp{
			{exitOK, "the server stopped after an interrupt"},
			{exitFailure, "the server failed"},
			{exitUsage, "bad arguments, or the address cannot be listened on"},
		},
		run: runServeSIMP,
	})
	register(command{
		name:    "client simp",
		summary: "run a SIMP user over TCP: register, log in, exchange keys, chat",
		exits: []exitHelp{
			{exitOK, "everything asked for happened"},
			{exitFailure, "something did not happen in time, or the server or peer rejected a message"},
			{exitUsage, "bad arguments"},
		},
		run: runClientSIMP,
	})
}

// runServeSIMP implements: imcheck serve simp --listen ADDR [--suite NAME]
// [--variant NAME] [--seed N] [--m N] [--rounds N]. It serves until
// interrupted.
func runServeSIMP(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve simp", stderr)
	o := addSIMPFlags(fs)
	listen := fs.String("listen", "", "address to listen on, e.g. 127.0.0.1:7010 (required)")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	if *listen == "" {
		fmt.Fprintln(stderr, "imcheck serve simp: --listen is required")
		return exitUsage
	}
	if _, _, ok := o.check("serve simp", stderr); !ok {
		return exitUsage
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck serve simp: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := serveSIMP(ctx, ln, o, stdout); err != nil {
		fmt.Fprintf(stderr, "imcheck serve simp: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// serveSIMP runs S on ln until ctx ends.
func serveSIMP(ctx context.Context, ln net.Listener, o simpOptions, log io.Writer) error {
	st, v, err := checkQuiet(o)
	if err != nil {
		return err
	}
	key, err := simp.ServerKey(st, *o.seed)
	if err != nil {
		return err
	}
	srv, err := simp.NewServer(simp.ServerConfig{Suite: st, Variant: v, Key: key, M: *o.m, Rounds: *o.rounds})
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "imcheck serve simp: %s on %s (suite %s, %s, m=%d, rounds=%d)\n", srv.Name(), ln.Addr(), st.Name, v, *o.m, *o.rounds)
	return netio.Serve(ctx, ln, srv, netio.ServerOptions{Log: slog.New(slog.NewTextHandler(log, nil))})
}

func checkQuiet(o simpOptions) (st *suite.Suite, v simp.Variant, err error) {
	var b strings.Builder
	s, v, ok := o.check("simp", &b)
	if !ok {
		return nil, "", errors.New(strings.TrimSpace(b.String()))
	}
	return s, v, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// runClientSIMP implements: imcheck client simp --server ADDR --user NAME
// [--peer NAME] [--send TEXT]... [--recv N] [--wait D] [--password P] and
// the shared flags. With --peer it initiates the key exchange; without, it
// waits for one. It then sends each --send text to the peer and waits for
// --recv messages. Exit status 1 if something did not happen in time.
func runClientSIMP(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("client simp", stderr)
	o := addSIMPFlags(fs)
	server := fs.String("server", "", "server address, e.g. 127.0.0.1:7010 (required)")
	user := fs.String("user", "", "this user's identity (required)")
	peerName := fs.String("peer", "", "start a key exchange with this user")
	password := fs.String("password", "", "password (default: the harness's provisioned password for --user and --seed)")
	recv := fs.Int("recv", 0, "number of messages to wait for (default 0 with --peer, 1 without)")
	wait := fs.Duration("wait", 10*time.Second, "how long to wait for each step")
	var sends stringList
	fs.Var(&sends, "send", "a message to send to the peer (repeatable)")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	var problem string
	switch {
	case *server == "":
		problem = "--server is required"
	case *user == "":
		problem = "--user is required"
	case *recv < 0:
		problem = "--recv must not be negative"
	case *wait <= 0:
		problem = "--wait must be positive"
	case *peerName == *user:
		problem = "--peer must be another user"
	}
	if problem != "" {
		fmt.Fprintf(stderr, "imcheck client simp: %s\n", problem)
		return exitUsage
	}
	st, v, ok := o.check("client simp", stderr)
	if !ok {
		return exitUsage
	}
	if *peerName == "" && !flagSet(fs, "recv") {
		*recv = 1
	}
	key, err := simp.ServerKey(st, *o.seed)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %v\n", err)
		return exitFailure
	}
	pw := []byte(*password)
	if *password == "" {
		pw = simp.Password(*o.seed, *user)
	}
	c, err := simp.NewClient(simp.ClientConfig{Suite: st, Variant: v, ID: *user, Server: simp.DefaultServerID,
		ServerKey: key.Public(), Password: pw, M: *o.m, Rounds: *o.rounds})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %v\n", err)
		return exitUsage
	}
	conn, err := netio.Dial(*server, *user)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %v\n", err)
		return exitFailure
	}
	defer conn.Close()
	s := &simpSession{c: c, conn: conn, wait: *wait, out: stdout, err: stderr}
	if err := s.run(*peerName, sends, *recv); err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %s: %v\n", *user, err)
		return exitFailure
	}
	return exitOK
}

func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

// simpSession drives one client over a connection.
type simpSession struct {
	c        *simp.Client
	conn     *netio.Client
	wait     time.Duration
	out, err io.Writer
	peer     string
	received int
}

func kind(k role.EventKind) func(role.Event) bool {
	return func(e role.Event) bool { return e.Kind == k }
}

func (s *simpSession) pump(out role.Output, until func(role.Event) bool) error {
	s.conn.OnEvent = func(e role.Event) {
		switch e.Kind {
		case role.MessageAccepted:
			s.received++
			fmt.Fprintf(s.out, "%s: message from %s [j=%d]: %s\n", s.c.Name(), e.Peer, e.Index, e.Body)
		case role.SessionKeyEstablished:
			s.peer = e.Peer
			fmt.Fprintf(s.out, "%s: session keys established with %s\n", s.c.Name(), e.Peer)
		case role.Registered, role.LoginAccepted, role.PeerKeyAccepted:
			fmt.Fprintf(s.out, "%s: %s %s\n", s.c.Name(), e.Kind, e.Peer)
		}
	}
	s.conn.OnAlert = func(from string, err error) {
		fmt.Fprintf(s.err, "%s: rejected a message from %s: %v\n", s.c.Name(), from, err)
	}
	_, err := s.conn.Pump(s.c, out, until, s.wait)
	return err
}

func (s *simpSession) run(peer string, sends []string, recv int) error {
	steps := []struct {
		what string
		act  func() (role.Output, error)
		done role.EventKind
	}{
		{"registration", s.c.Register, role.Registered},
		{"login", s.c.Login, role.LoginAccepted},
	}
	for _, st := range steps {
		out, err := st.act()
		if err != nil {
			return err
		}
		if err := s.pump(out, kind(st.done)); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	if peer != "" {
		if err := s.initiate(peer); err != nil {
			return err
		}
	} else if s.peer == "" {
		if err := s.pump(role.Output{}, kind(role.SessionKeyEstablished)); err != nil {
			return fmt.Errorf("waiting for a key exchange: %w", err)
		}
	}
	for _, text := range sends {
		out, err := s.c.Send(s.peer, []byte(text))
		if err != nil {
			return err
		}
		if err := s.conn.Send(out.Messages...); err != nil {
			return err
		}
		fmt.Fprintf(s.out, "%s: sent to %s [j=%d]: %s\n", s.c.Name(), s.peer, out.Events[0].Index, text)
	}
	for s.received < recv {
		if err := s.pump(role.Output{}, kind(role.MessageAccepted)); err != nil {
			return fmt.Errorf("waiting for messages (%d of %d): %w", s.received, recv, err)
		}
	}
	return nil
}

// initiate runs E1–E5 with peer, asking again while the peer is not yet
// logged in (S drops E1 for a user it does not know).
func (s *simpSession) initiate(peer string) error {
	deadline := time.Now().Add(s.wait)
	for {
		out, err := s.c.RequestPeer(peer)
		if err != nil {
			return err
		}
		saved := s.wait
		s.wait = 300 * time.Millisecond
		err = s.pump(out, kind(role.KeyExchangeStarted))
		s.wait = saved
		if err == nil {
			break
		}
		if !errors.Is(err, netio.ErrTimeout) || time.Now().After(deadline) {
			return fmt.Errorf("key exchange with %s: %w", peer, err)
		}
	}
	s.peer = peer
	if !s.c.Established(peer) {
		if err := s.pump(role.Output{}, kind(role.SessionKeyEstablished)); err != nil {
			return fmt.Errorf("key confirmation from %s: %w", peer, err)
		}
	}
	return nil
}
