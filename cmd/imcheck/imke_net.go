package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/store"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// IMKE over TCP (docs/spec/imke.md §12, docs/spec/wire.md §4).

func init() {
	register(command{
		name:     "serve imke",
		summary:  "run the IMKE server S over TCP, its accounts kept in a database",
		synopsis: "--listen ADDR [--db PATH] [--user NAME:PASSWORD]... [flags]",
		exits: []exitHelp{
			{exitOK, "stopped by SIGINT or SIGTERM"},
			{exitFailure, "the server failed"},
			{exitUsage, "bad arguments, an address that cannot be listened on, or a database made for another deployment"},
		},
		run: runServeIMKE,
	})
	register(command{
		name:     "client imke",
		summary:  "an IMKE user over TCP: log in, then chat (or --send for scripts)",
		synopsis: "--server ADDR --user NAME [--password P] [--peer NAME] [--send TEXT]... [flags]",
		exits: []exitHelp{
			{exitOK, "done: /quit, end of input, or everything the script asked for happened"},
			{exitFailure, "the server refused (the reason is printed in words), a timeout, or a lost connection"},
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
	suite     *suite.Suite
	variant   imke.Variant
	storage   imke.PasswordStorage
	seed      uint64
	users     userList // accounts to add or replace
	remove    []string // accounts to remove
	db        string   // "" means store.Memory
	publicKey string   // file to write KU_S to, or ""
}

// runServeIMKE implements: imcheck serve imke --listen ADDR [--db PATH]
// [--suite NAME] [--variant NAME] [--storage password|image] [--seed N]
// [--user NAME:PASSWORD ...] [--remove-user NAME ...] and the serve
// flags. It serves until SIGINT or SIGTERM.
func runServeIMKE(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve imke", stderr)
	o := addIMKEFlags(fs, "classic")
	sf := addServeFlags(fs, "imke")
	users := userList{}
	fs.Var(users, "user", "add or replace the account NAME:PASSWORD in the database (repeatable); a new database without any gets alice and bob with the seed's provisioned passwords")
	var remove stringList
	fs.Var(&remove, "remove-user", "remove this account from the database (repeatable)")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	if p := sf.check(); p != "" {
		fmt.Fprintf(stderr, "imcheck serve imke: %s\n", p)
		return exitUsage
	}
	s, v, st, ok := o.check("serve imke", stderr)
	if !ok {
		return exitUsage
	}
	log, _ := newLogger(stderr, *sf.logLevel, *sf.logFormat)
	cfg := imkeServeConfig{suite: s, variant: v, storage: st, seed: *o.seed, users: users, remove: remove, db: *sf.db, publicKey: *sf.publicKey}
	defer sf.limitMemory()()
	return listenAndServe("serve imke", *sf.listen, stderr, func(ctx context.Context, ln net.Listener) error {
		return serveIMKE(ctx, ln, cfg, sf.options(log, s, imkeLoginAccount))
	})
}

// imkeLoginAccount says whether payload is a login (a1) and for whom.
func imkeLoginAccount(payload []byte) (string, bool) {
	if len(payload) == 0 || payload[0] != imke.TypeLoginRequest {
		return "", false
	}
	m, err := imke.UnmarshalLoginRequest(payload)
	if err != nil {
		return "", false
	}
	return m.ID, true
}

// serveIMKE runs S on ln until ctx ends, its accounts kept in cfg.db.
func serveIMKE(ctx context.Context, ln net.Listener, cfg imkeServeConfig, opts netio.ServerOptions) error {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	setup := harness.DefaultSetup("imke", cfg.suite, string(cfg.variant))
	setup.Seed = suite.SeedBytes(cfg.seed)
	sk, err := cfg.suite.NewPrivateKey(setup.ServerKeySeed())
	if err != nil {
		return err
	}
	if cfg.db == "" {
		cfg.db = store.Memory
	}
	db, err := store.Open(cfg.db)
	if err != nil {
		return usageError{err}
	}
	defer db.Close()
	fp := imke.FingerprintOf(cfg.suite, sk.Public())
	created, err := db.Bind(store.Deployment{Protocol: "imke", Suite: cfg.suite.Name, Variant: string(cfg.variant), ServerID: imke.DefaultServer,
		ServerKey: hex.EncodeToString(fp.Digest), Storage: string(cfg.storage)})
	if err != nil {
		return usageError{err}
	}
	accts := store.IMKEAccounts{DB: db}
	for _, u := range cfg.remove {
		if err := accts.Delete(u); err != nil {
			return err
		}
	}
	records, err := accts.All()
	if err != nil {
		return err
	}
	add := map[string][]byte{}
	if created && len(cfg.users) == 0 {
		for _, u := range setup.Users {
			add[u] = imke.PasswordRecord(cfg.storage, u, []byte(setup.Password(u)))
		}
	}
	for u, pw := range cfg.users {
		add[u] = imke.PasswordRecord(cfg.storage, u, []byte(pw))
	}
	if err := accts.Put(add); err != nil {
		return err
	}
	for u, r := range add {
		records[u] = r
	}
	srv, err := imke.NewServer(imke.ServerConfig{Suite: cfg.suite, Variant: cfg.variant, Key: sk, Users: records, Storage: cfg.storage})
	if err != nil {
		return err
	}
	if cfg.publicKey != "" {
		if err := writePublicKey(cfg.publicKey, sk.Public()); err != nil {
			return usageError{err}
		}
	}
	names := make([]string, 0, len(records))
	for u := range records {
		names = append(names, u)
	}
	sort.Strings(names)
	opts.Log.Info("database", "path", cfg.db, "new", created, "accounts", strings.Join(names, " "))
	opts.Log.Info("server key fingerprint", "words", strings.Join(fp.Words, " "), "hex", fp.Hex)
	return serverRole(ctx, ln, srv, opts, "protocol", "imke", "suite", cfg.suite.Name, "variant", string(cfg.variant), "storage", string(cfg.storage))
}

// runClientIMKE implements: imcheck client imke --server ADDR --user NAME
// [--password P] [--suite NAME] [--variant NAME] [--storage S]
// [--seed N | --server-key FILE] [--peer NAME] [--relay]
// [--send TEXT ...] [--recv N [--reply TEXT]] [--timeout D]. It logs in,
// then chats on stdin/stdout; with --send or --recv it runs the script
// instead.
func runClientIMKE(args []string, stdout, stderr io.Writer) int {
	return clientIMKECmd(args, os.Stdin, stdout, stderr)
}

func clientIMKECmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("client imke", stderr)
	o := addIMKEFlags(fs, "classic")
	server := fs.String("server", "", "server address (required)")
	user := fs.String("user", "", "your identity ID_A (required)")
	password := fs.String("password", "", "your password P_A (default: the seed's provisioned password for --user, as the default accounts have)")
	keyFile := fs.String("server-key", "", "file with KU_S in hex, as serve --public-key writes it (default: the key of a server started with --seed)")
	peer := fs.String("peer", "", "user to talk to (the chat's first peer; with --send, the script's)")
	var sends textList
	fs.Var(&sends, "send", "script: a message for --peer (repeatable)")
	relay := fs.Bool("relay", false, "send c1–c3 and 4.7 through the server")
	recv := fs.Int("recv", 0, "script: wait for this many messages from peers and print them")
	reply := fs.String("reply", "", "script: after --recv, answer each peer that wrote with this text")
	timeout := fs.Duration("timeout", 10*time.Second, "give up waiting after this long (in the chat: on each key exchange)")
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
	if len(sends) > 0 && *peer == "" {
		problems = append(problems, "--send needs --peer")
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
	pw := *password
	if pw == "" {
		setup := harness.DefaultSetup("imke", s, string(v))
		setup.Seed = suite.SeedBytes(*o.seed)
		pw = setup.Password(*user)
	}
	c, err := imke.NewClient(imke.ClientConfig{Suite: s, Variant: v, Identity: *user, Password: []byte(pw), Storage: st, ServerKey: pub, Relay: *relay})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client imke: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "server key fingerprint (compare with the server's):\n%s\n", imke.FingerprintOf(s, pub))
	conn, err := netio.DialWith(netio.DialConfig{Addr: *server, Name: c.Name(), Server: imke.DefaultServer})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck client imke: %v\n", err)
		return exitFailure
	}
	defer conn.Close()
	conn.Label = imke.Label
	if err := loginIMKE(c, conn, *timeout, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "imcheck client imke: %s: %s\n", *user, describeErr(err))
		return exitFailure
	}
	if len(sends) == 0 && !flagSet(fs, "recv") {
		if err := newChat(c, conn, imke.DefaultServer, stdout, isTerminal(stdin), nil, *timeout).run(stdin, *peer); err != nil {
			fmt.Fprintf(stderr, "imcheck client imke: %s: %s\n", *user, describeErr(err))
			return exitFailure
		}
		return exitOK
	}
	if err := scriptIMKE(c, conn, *peer, sends, *recv, *reply, *timeout, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "imcheck client imke: %s: %s\n", *user, describeErr(err))
		return exitFailure
	}
	return exitOK
}

// loginIMKE runs a1–a3 and waits for the 4.3 login acceptance.
func loginIMKE(c *imke.Client, conn *netio.Client, timeout time.Duration, stdout, stderr io.Writer) error {
	conn.OnAlert = func(from string, err error) { fmt.Fprintf(stderr, "rejected a message from %s: %v\n", from, err) }
	out, err := c.Login()
	if err != nil {
		return err
	}
	var failed error
	if _, err := conn.Pump(c, out, func(e role.Event) bool {
		if e.Kind == role.Disconnected {
			failed = fmt.Errorf("the server's answer did not prove it knows your password (%s): wrong password, or not the server you think", e.Note)
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
	return nil
}

// scriptIMKE optionally connects to peer and sends, then waits for recv
// messages and answers their senders with reply.
func scriptIMKE(c *imke.Client, conn *netio.Client, peer string, sends []string, recv int, reply string, timeout time.Duration, stdout, stderr io.Writer) error {
	received := 0
	var writers []string
	conn.OnEvent = func(e role.Event) {
		if e.Kind == role.MessageAccepted && e.Peer != imke.DefaultServer {
			received++
			if !slices.Contains(writers, e.Peer) {
				writers = append(writers, e.Peer)
			}
			fmt.Fprintf(stdout, "%s: %s\n", e.Peer, e.Body)
		}
	}
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
