package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/store"
	"github.com/imcheck/imcheck/impl/suite"
)

// SIMP over TCP (docs/serve.md, docs/spec/simp.md §13, docs/spec/wire.md §4).

func init() {
	register(command{
		name:     "serve simp",
		summary:  "run the SIMP server S over TCP, its accounts kept in a database",
		synopsis: "--listen ADDR [--db PATH] [flags]",
		exits: []exitHelp{
			{exitOK, "stopped by SIGINT or SIGTERM"},
			{exitFailure, "the server failed"},
			{exitUsage, "bad arguments, an address that cannot be listened on, or a database made for another deployment"},
		},
		run: runServeSIMP,
	})
	register(command{
		name:     "client simp",
		summary:  "a SIMP user over TCP: register (--register) or log in, then chat (or --send for scripts)",
		synopsis: "--server ADDR --user NAME [--register] [--peer NAME] [--send TEXT]... [flags]",
		exits: []exitHelp{
			{exitOK, "done: /quit, end of input, or every --send sent and --recv received"},
			{exitFailure, "the server refused (the reason is printed in words), a timeout, or a lost connection"},
			{exitUsage, "bad arguments"},
		},
		run: runClientSIMP,
	})
}

// simpServer is what serve simp needs.
type simpServer struct {
	suite     *suite.Suite
	variant   simp.Variant
	seed      uint64
	m, rounds int
	db        string
	publicKey string   // file to write Pub-S to, or ""
	remove    []string // accounts to remove before serving
}

// runServeSIMP implements: imcheck serve simp --listen ADDR [--db PATH]
// [--suite NAME] [--variant NAME] [--seed N] [--m N] [--rounds N] and the
// serve flags. It serves until SIGINT or SIGTERM.
func runServeSIMP(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve simp", stderr)
	o := addSIMPFlags(fs)
	sf := addServeFlags(fs, "simp")
	var remove stringList
	fs.Var(&remove, "remove-user", "remove this account from the database before serving, e.g. when its session keys are used up (repeatable)")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	if p := sf.check(); p != "" {
		fmt.Fprintf(stderr, "imcheck serve simp: %s\n", p)
		return exitUsage
	}
	st, v, ok := o.check("serve simp", stderr)
	if !ok {
		return exitUsage
	}
	log, _ := newLogger(stderr, *sf.logLevel, *sf.logFormat)
	cfg := simpServer{suite: st, variant: v, seed: *o.seed, m: *o.m, rounds: *o.rounds, db: *sf.db, publicKey: *sf.publicKey, remove: remove}
	defer sf.limitMemory()()
	return listenAndServe("serve simp", *sf.listen, stderr, func(ctx context.Context, ln net.Listener) error {
		return serveSIMP(ctx, ln, cfg, sf.options(log, st, simpLoginAccount))
	})
}

// simpLoginAccount says whether payload is a login (L1) and for whom.
func simpLoginAccount(payload []byte) (string, bool) {
	if len(payload) == 0 || payload[0] != simp.TypeL1 {
		return "", false
	}
	m, err := simp.UnmarshalL1(payload)
	if err != nil {
		return "", false
	}
	return m.User, true
}

// serveSIMP runs S on ln until ctx ends, its accounts kept in cfg.db.
func serveSIMP(ctx context.Context, ln net.Listener, cfg simpServer, opts netio.ServerOptions) error {
	key, err := memrun.ServerKey(cfg.suite, cfg.seed)
	if err != nil {
		return err
	}
	srv, err := simp.NewServer(simp.ServerConfig{Suite: cfg.suite, Variant: cfg.variant, Key: key, M: cfg.m, Rounds: cfg.rounds})
	if err != nil {
		return err
	}
	db, err := store.Open(cfg.db)
	if err != nil {
		return usageError{err}
	}
	defer db.Close()
	created, err := db.Bind(store.Deployment{Protocol: "simp", Suite: cfg.suite.Name, Variant: string(cfg.variant), ServerID: srv.Name(),
		ServerKey: store.KeyID(uint16(cfg.suite.ID), key.Public().Bytes()), M: cfg.m, Rounds: cfg.rounds})
	if err != nil {
		return usageError{err}
	}
	dur := &store.SIMPServer{DB: db, S: srv}
	for _, u := range cfg.remove {
		if err := dur.Remove(u); err != nil {
			return err
		}
	}
	n, err := dur.Load()
	if err != nil {
		return err
	}
	if cfg.publicKey != "" {
		if err := writePublicKey(cfg.publicKey, key.Public()); err != nil {
			return usageError{err}
		}
	}
	opts.Durable = dur
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	opts.Log.Info("database", "path", cfg.db, "new", created, "accounts", n)
	return serverRole(ctx, ln, srv, opts, "protocol", "simp", "suite", cfg.suite.Name, "variant", string(cfg.variant), "m", cfg.m, "rounds", cfg.rounds)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// simpUserPath is the file keeping user's SIMP records under dir.
func simpUserPath(dir, user string) string {
	return filepath.Join(dir, "simp-user-"+url.PathEscape(user)+".db")
}

// runClientSIMP implements: imcheck client simp --server ADDR --user NAME
// [--register] [--password P] [--state DIR] [--server-key FILE]
// [--peer NAME] [--send TEXT]... [--recv N] [--wait D] and the shared
// flags. It registers only with --register, logs in, then chats on
// stdin/stdout; with --send or --recv it runs the script instead: start a
// key exchange with --peer (or wait for one), send each text, wait for
// --recv messages.
func runClientSIMP(args []string, stdout, stderr io.Writer) int {
	return clientSIMP(args, os.Stdin, stdout, stderr)
}

func clientSIMP(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("client simp", stderr)
	o := addSIMPFlags(fs)
	server := fs.String("server", "", "server address, e.g. 127.0.0.1:7010 (required)")
	user := fs.String("user", "", "this user's identity (required)")
	reg := fs.Bool("register", false, "register this user first (R1, R2); without it, log in to an existing account")
	password := fs.String("password", "", "password (default: the harness's provisioned password for --user and --seed)")
	stateDir := fs.String("state", defaultStatePath(""), "directory keeping each user's SIMP account (V_A and its session keys)")
	keyFile := fs.String("server-key", "", "file with Pub-S in hex, as serve --public-key writes it (default: the key of a server started with --seed)")
	peerName := fs.String("peer", "", "start a key exchange with this user (the chat's first peer)")
	recv := fs.Int("recv", 0, "script: number of messages to wait for (default 0 with --peer, 1 without)")
	wait := fs.Duration("wait", 10*time.Second, "how long to wait for each step (in the chat: for each key exchange)")
	var sends stringList
	fs.Var(&sends, "send", "script: a message to send to the peer (repeatable)")
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
	case *peerName == *user && *peerName != "":
		problem = "--peer must be another user"
	case *stateDir == "":
		problem = "--state must not be empty"
	}
	if problem != "" {
		fmt.Fprintf(stderr, "imcheck client simp: %s\n", problem)
		return exitUsage
	}
	st, v, ok := o.check("client simp", stderr)
	if !ok {
		return exitUsage
	}
	script := len(sends) > 0 || flagSet(fs, "recv")
	if script && *peerName == "" && !flagSet(fs, "recv") {
		*recv = 1
	}
	var pub suite.PublicKey
	var err error
	if *keyFile != "" {
		pub, err = readServerKey(st, *keyFile)
	} else {
		var key suite.PrivateKey
		if key, err = memrun.ServerKey(st, *o.seed); err == nil {
			pub = key.Public()
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %v\n", err)
		return exitUsage
	}
	pw := []byte(*password)
	if *password == "" {
		pw = memrun.Password(*o.seed, *user)
	}
	c, err := simp.NewClient(simp.ClientConfig{Suite: st, Variant: v, ID: *user, Server: simp.DefaultServerID,
		ServerKey: pub, Password: pw, M: *o.m, Rounds: *o.rounds})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %v\n", err)
		return exitUsage
	}
	db, err := store.Open(simpUserPath(*stateDir, *user))
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %v\n", err)
		return exitFailure
	}
	defer db.Close()
	acct := &store.SIMPUser{DB: db, Key: store.UserKey(store.KeyID(uint16(st.ID), pub.Bytes()), *user)}
	if !*reg {
		switch err := acct.Load(c); {
		case errors.Is(err, store.ErrNoAccount):
			fmt.Fprintf(stderr, "imcheck client simp: %s has no account with this server (in %s): run with --register first\n", *user, *stateDir)
			return exitFailure
		case errors.Is(err, simp.ErrStatePassword):
			fmt.Fprintf(stderr, "imcheck client simp: wrong password for %s\n", *user)
			return exitFailure
		case err != nil:
			fmt.Fprintf(stderr, "imcheck client simp: %v\n", err)
			return exitFailure
		}
	}
	conn, err := netio.DialWith(netio.DialConfig{Addr: *server, Name: *user, Server: simp.DefaultServerID})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %v\n", err)
		return exitFailure
	}
	defer conn.Close()
	conn.Label = simp.Label
	save := func() error { return acct.Save(c) }
	conn.Commit = save
	s := &simpSession{c: c, conn: conn, wait: *wait, out: stdout, err: stderr}
	if err := s.start(*reg); err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %s: %s\n", *user, describeErr(err))
		return exitFailure
	}
	if !script {
		ch := newChat(c, conn, simp.DefaultServerID, stdout, isTerminal(stdin), save, *wait)
		if err := ch.run(stdin, *peerName); err != nil {
			fmt.Fprintf(stderr, "imcheck client simp: %s: %s\n", *user, describeErr(err))
			return exitFailure
		}
		return exitOK
	}
	if err := s.run(*peerName, sends, *recv); err != nil {
		fmt.Fprintf(stderr, "imcheck client simp: %s: %s\n", *user, describeErr(err))
		return exitFailure
	}
	return exitOK
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

// start registers (when asked) and logs in.
func (s *simpSession) start(register bool) error {
	type step struct {
		what string
		act  func() (role.Output, error)
		done role.EventKind
	}
	steps := []step{{"login", s.c.Login, role.LoginAccepted}}
	if register {
		steps = append([]step{{"registration", s.c.Register, role.Registered}}, steps...)
	}
	for _, st := range steps {
		out, err := st.act()
		if err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
		if err := s.pump(out, kind(st.done)); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	return nil
}

// run is the script: a key exchange, the sends, then the receives.
func (s *simpSession) run(peer string, sends []string, recv int) error {
	if peer != "" {
		if err := s.initiate(peer); err != nil {
			return err
		}
	} else if s.peer == "" && (len(sends) > 0 || recv > 0) {
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

// initiate runs E1–E5 with peer, asking again while S answers that the
// peer is not logged in.
func (s *simpSession) initiate(peer string) error {
	deadline := time.Now().Add(s.wait)
	for {
		out, err := s.c.RequestPeer(peer)
		if err != nil {
			return err
		}
		saved := s.wait
		s.wait = time.Until(deadline)
		err = s.pump(out, kind(role.KeyExchangeStarted))
		s.wait = saved
		if err == nil {
			break
		}
		var a *netio.ServerAlert
		if !errors.As(err, &a) || a.Code.Class() != role.UnknownPeer || time.Now().After(deadline) {
			return fmt.Errorf("key exchange with %s: %w", peer, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.peer = peer
	if !s.c.Established(peer) {
		if err := s.pump(role.Output{}, kind(role.SessionKeyEstablished)); err != nil {
			return fmt.Errorf("key confirmation from %s: %w", peer, err)
		}
	}
	return nil
}
