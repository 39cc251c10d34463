package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// IMKE over TCP (docs/spec/imke.md §12, docs/spec/wire.md §4).

func init() {
	register(command{
		name:    "serve imke",
		summary: "run the IMKE server S over TCP",
		exits: []exitHelp{
			{exitOK, "the server stopped after an interrupt"},
			{exitFailure, "the server failed"},
			{exitUsage, "bad arguments, or the address cannot be listened on"},
		},
		run: runServeIMKE,
	})
	register(command{
		name:    "client imke",
		summary: "run an IMKE user over TCP: log in, get a peer's key, transport a session key, chat",
		exits: []exitHelp{
			{exitOK, "everything asked for happened"},
			{exitFailure, "something did not happen in time, or the server or peer rejected a message"},
			{exitUsage, "bad arguments"},
		},
		run: runClientIMKE,
	})
}

// userList is a repeatable --user NAME:PASSWORD flag.
type userList map[string]string

func (u userList) String() string {
	var names []string
	for n := range u {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func (u userList) Set(v string) error {
	name, pw, ok := strings.Cut(v, ":")
	if !ok || !wire.ValidIdentity(name) || pw == "" {
		return fmt.Errorf("want NAME:PASSWORD with a printable NAME and a non-empty PASSWORD, got %q", v)
	}
	if _, dup := u[name]; dup {
		return fmt.Errorf("user %q given twice", name)
	}
	u[name] = pw
	return nil
}

// textList is a repeatable --send TEXT flag.
type textList []string

func (t *textList) String() string { return strings.Join(*t, "|") }
func (t *textList) Set(v string) error {
	if v == "" {
		return errors.New("empty message")
	}
	*t = append(*t, v)
	return nil
}

// imkeServeConfig is what serve imke needs.
type imkeServeConfig struct {
	suite   *suite.Suite
	variant imke.Variant
	storage imke.PasswordStorage
	seed    uint64
	users   userList // empty: alice and bob with provisioned passwords
}

// runServeIMKE implements: imcheck serve imke --listen ADDR [--suite NAME]
// [--variant NAME] [--storage password|image] [--seed N]
// [--user NAME:PASSWORD ...]. It serves until interrupted.
func runServeIMKE(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve imke", stderr)
	o := addIMKEFlags(fs, "classic")
	listen := fs.String("listen", "", "address to listen on, e.g. 127.0.0.1:7020 (required)")
	users := userList{}
	fs.Var(users, "user", "a user NAME:PASSWORD (repeatable; default: alice and bob with the seed's provisioned passwords)")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	if *listen == "" {
		fmt.Fprintln(stderr, "imcheck serve imke: --listen is required")
		return exitUsage
	}
	s, v, st, ok := o.check("serve imke", stderr)
	if !ok {
		return exitUsage
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck serve imke: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := serveIMKE(ctx, ln, imkeServeConfig{suite: s, variant: v, storage: st, seed: *o.seed, users: users}, stdout); err != nil {
		fmt.Fprintf(stderr, "imcheck serve imke: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// serveIMKE runs S on ln until ctx ends.
func serveIMKE(ctx context.Context, ln net.Listener, cfg imkeServeConfig, log io.Writer) error {
	setup := harness.DefaultSetup("imke", cfg.suite, string(cfg.variant))
	setup.Seed = suite.SeedBytes(cfg.seed)
	sk, err := cfg.suite.NewPrivateKey(setup.ServerKeySeed())
	if err != nil {
		return err
	}
	records := map[string][]byte{}
	if len(cfg.users) == 0 {
		cfg.users = userList{}
		for _, u := range setup.Users {
			cfg.users[u] = setup.Password(u)
		}
	}
	for u, pw := range cfg.users {
		records[u] = imke.PasswordRecord(cfg.storage, u, []byte(pw))
	}
	srv, err := imke.NewServer(imke.ServerConfig{Suite: cfg.suite, Variant: cfg.variant, Key: sk, Users: records, Storage: cfg.storage})
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "imcheck serve imke: %s on %s (suite %s, %s, storage %s, users %s)\n", srv.Name(), ln.Addr(), cfg.suite.Name, cfg.variant, cfg.storage, cfg.users)
	fmt.Fprintf(log, "server key fingerprint:\n%s\n", imke.FingerprintOf(cfg.suite, sk.Public()))
	return netio.Serve(ctx, ln, srv, netio.ServerOptions{Log: slog.New(slog.NewTextHandler(log, nil))})
}

// runClientIMKE implements: imcheck client imke --server ADDR --user NAME
// --password P [--suite NAME] [--variant NAME] [--storage S]
// [--seed N | --server-key FILE] [--peer NAME --send TEXT ...] [--relay]
// [--recv N [--reply TEXT]] [--timeout D].
func runClientIMKE(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("client imke", stderr)
	o := addIMKEFlags(fs, "classic")
	server := fs.String("server", "", "server address (required)")
	user := fs.String("user", "", "your identity ID_A (required)")
	password := fs.String("password", "", "your password P_A (required)")
	keyFile := fs.String("server-key", "", "file with KU_S in hex (default: the key of a server started with --seed)")
	peer := fs.String("peer", "", "user to talk to (needs --send)")
	var sends textList
	fs.Var(&sends, "send", "a message for --peer (repeatable)")
	relay := fs.Bool("relay", false, "send c1–c3 and 4.7 through the server")
	recv := fs.Int("recv", 0, "wait for this many messages from peers and print them")
	reply := fs.String("reply", "", "after --recv, answer each peer that wrote with this text")
	timeout := fs.Duration("timeout", 10*time.Second, "give up waiting after this long")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	var problems []string
	if *server == "" {
		problems = append(problems, "--server is required")
	}
	if !wire.ValidIdentity(*user) {
		problems = append(problems, "--user must be a printable identity")
	}
	if *password == "" {
		problems = append(problems, "--password is required")
	}
	if (*peer == "") != (len(sends) == 0) {
		problems = append(problems, "--peer and --send go together")
	}
	if *peer != "" && (*peer == *user || !wire.ValidIdentity(*peer)) {
		problems = append(problems, "--peer must be another user")
	}
	if *reply != "" && *recv == 0 {
		problems = append(problems, "--reply needs --recv")
	}
	if *recv < 0 || *timeout <= 0 {
		problems = append(problems, "--recv must be ≥ 0 and --timeout > 0")
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "imcheck client imke: %s\n", strings.Join(problems, "; "))
		return exitUsage
	}
	s, v, st, ok := o.check("client imke", stderr)
	if !ok {
		return exitUsage
	}
	var pub suite.PublicKey
	var err error
	if *keyFile != "" {
		pub, err = readServerKey(s, *keyFile)
	} else {
		pub, err = imkeServerKey(s, *o.seed)
	}
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client imke: %v\n", err)
		return exitUsage
	}
	c, err := imke.NewClient(imke.ClientConfig{Suite: s, Variant: v, Identity: *user, Password: []byte(*password), Storage: st, ServerKey: pub, Relay: *relay})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client imke: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "server key fingerprint (compare with the server's):\n%s\n", imke.FingerprintOf(s, pub))
	if err := clientIMKE(c, *server, *peer, sends, *recv, *reply, *timeout, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "imcheck client imke: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// clientIMKE logs in, optionally connects to peer and sends, then waits
// for recv messages and answers their senders with reply.
func clientIMKE(c *imke.Client, addr, peer string, sends []string, recv int, reply string, timeout time.Duration, stdout, stderr io.Writer) error {
	conn, err := netio.Dial(addr, c.Name())
	if err != nil {
		return err
	}
	defer conn.Close()
	received := 0
	var writers []string
	conn.OnAlert = func(from string, err error) { fmt.Fprintf(stderr, "rejected a message from %s: %v\n", from, err) }
	conn.OnEvent = func(e role.Event) {
		if e.Kind == role.MessageAccepted && e.Peer != imke.DefaultServer {
			received++
			if !slices.Contains(writers, e.Peer) {
				writers = append(writers, e.Peer)
			}
			fmt.Fprintf(stdout, "%s: %s\n", e.Peer, e.Body)
		}
	}
	out, err := c.Login()
	if err != nil {
		return err
	}
	var failed error
	if _, err := conn.Pump(c, out, func(e role.Event) bool {
		if e.Kind == role.Disconnected {
			failed = fmt.Errorf("disconnected: %s", e.Note)
			return true
		}
		return e.Kind == role.LoginAccepted
	}, timeout); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if failed != nil {
		return failed
	}
	fmt.Fprintf(stdout, "logged in as %s\n", c.Name())
	if peer != "" {
		out, err := c.RequestPeer(peer)
		if err != nil {
			return err
		}
		if _, err := conn.Pump(c, out, func(e role.Event) bool {
			return e.Kind == role.SessionKeyEstablished && e.Peer == peer
		}, timeout); err != nil {
			return fmt.Errorf("key transport with %s: %w", peer, err)
		}
		fmt.Fprintf(stdout, "session key established with %s\n", peer)
		for _, text := range sends {
			out, err := c.Send(peer, []byte(text))
			if err != nil {
				return err
			}
			if err := conn.Send(out.Messages...); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "sent to %s: %s\n", peer, text)
		}
	}
	if received < recv {
		if _, err := conn.Pump(c, role.Output{}, func(e role.Event) bool {
			return received >= recv
		}, timeout); err != nil {
			return fmt.Errorf("waiting for %d messages (got %d): %w", recv, received, err)
		}
	}
	if reply != "" {
		for _, w := range writers {
			out, err := c.Send(w, []byte(reply))
			if err != nil {
				return err
			}
			if err := conn.Send(out.Messages...); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "sent to %s: %s\n", w, reply)
		}
	}
	return nil
}
