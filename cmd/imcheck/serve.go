package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// What `serve simp` and `serve imke` share (docs/serve.md).

// serveFlags are the flags of both serve commands.
type serveFlags struct {
	listen, db, logLevel, logFormat, publicKey *string
	maxMemory                                  *string
	maxConns, maxPerAddr, loginFailures        *int
	idle, loginWindow                          *time.Duration
}

func addServeFlags(fs *flag.FlagSet, proto string) serveFlags {
	return serveFlags{
		listen:        fs.String("listen", "", "address to listen on, e.g. 127.0.0.1:7010 (required)"),
		db:            fs.String("db", defaultStatePath(proto+"-server.db"), "the server's database; "+":memory:"+" for a throw-away one"),
		logLevel:      fs.String("log-level", "info", "log level: debug, info, warn or error"),
		logFormat:     fs.String("log-format", "text", "log format: text or json"),
		publicKey:     fs.String("public-key", "", "write the server's public key (hex) to this file for clients' --server-key"),
		maxMemory:     fs.String("max-memory", "64MiB", "soft limit of the server's memory: the collector works harder near it (e.g. 32MiB, 1GiB; 0 means none; GOMEMLIMIT takes precedence)"),
		maxConns:      fs.Int("max-conns", 1024, "connections open at once"),
		maxPerAddr:    fs.Int("max-conns-per-addr", 64, "connections open at once from one IP address"),
		loginFailures: fs.Int("login-failures", 5, "failed logins per account within --login-window before its logins are refused"),
		idle:          fs.Duration("idle-timeout", 2*time.Minute, "close a connection silent this long (clients send keepalives every 30s)"),
		loginWindow:   fs.Duration("login-window", time.Minute, "how long a failed login counts against its account"),
	}
}

// check validates the serve flags; problem is "" when they are fine.
func (f serveFlags) check() (problem string) {
	switch {
	case *f.listen == "":
		return "--listen is required"
	case *f.db == "":
		return "--db must not be empty"
	case *f.maxConns < 1 || *f.maxPerAddr < 1:
		return "--max-conns and --max-conns-per-addr must be at least 1"
	case *f.loginFailures < 1 || *f.loginWindow <= 0:
		return "--login-failures must be at least 1 and --login-window positive"
	case *f.idle < time.Second:
		return "--idle-timeout must be at least 1s"
	}
	if _, err := parseSize(*f.maxMemory); err != nil {
		return fmt.Sprintf("--max-memory %q: %v", *f.maxMemory, err)
	}
	if _, err := newLogger(io.Discard, *f.logLevel, *f.logFormat); err != nil {
		return err.Error()
	}
	return ""
}

// options builds the netio options for a server speaking suite s.
func (f serveFlags) options(log *slog.Logger, s *suite.Suite, loginAccount func([]byte) (string, bool)) netio.ServerOptions {
	return netio.ServerOptions{
		Log: log, Suite: uint16(s.ID),
		MaxConns: *f.maxConns, MaxConnsPerAddr: *f.maxPerAddr, IdleTimeout: *f.idle,
		Logins:       &netio.LoginLimiter{Failures: *f.loginFailures, Window: *f.loginWindow},
		LoginAccount: loginAccount,
	}
}

// limitMemory sets the runtime's soft memory limit to --max-memory, unless
// GOMEMLIMIT is set, and returns what puts the old one back. A
// long-running server's heap otherwise grows to twice what is live before
// the collector runs, and its RSS with it.
func (f serveFlags) limitMemory() (restore func()) {
	n, err := parseSize(*f.maxMemory)
	if err != nil || n <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(n)
	return func() { debug.SetMemoryLimit(old) }
}

// newLogger builds the server's structured log on w.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	o := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// defaultStatePath is name in the user's state directory:
// $XDG_STATE_HOME/imcheck, else ~/.local/state/imcheck, else the working
// directory.
func defaultStatePath(name string) string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".local", "state")
		}
	}
	if dir == "" {
		return name
	}
	return filepath.Join(dir, "imcheck", name)
}

// writePublicKey writes pub in hex, as readServerKey reads it.
func writePublicKey(path string, pub suite.PublicKey) error {
	return os.WriteFile(path, []byte(hex.EncodeToString(pub.Bytes())+"\n"), 0o644)
}

// usageError marks a failure that is the caller's input (a database made
// for another deployment, a file that cannot be written), not the run's.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// listenAndServe listens on addr and runs serve until SIGINT or SIGTERM;
// it returns the exit status: 0 when stopped by a signal, 2 for a
// usageError or an address that cannot be listened on, 1 otherwise.
func listenAndServe(name, addr string, stderr io.Writer, serve func(ctx context.Context, ln net.Listener) error) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck %s: %v\n", name, err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, ln); err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "imcheck %s: %v\n", name, err)
		if errors.As(err, new(usageError)) {
			return exitUsage
		}
		return exitFailure
	}
	return exitOK
}

// flagSet reports whether the flag name was given.
func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// serverRole runs r on ln with opts until ctx ends, logging the start.
func serverRole(ctx context.Context, ln net.Listener, r role.Role, opts netio.ServerOptions, attrs ...any) error {
	opts.Log.Info("listening", append([]any{"addr", ln.Addr().String(), "server", r.Name()}, attrs...)...)
	return netio.Serve(ctx, ln, r, opts)
}
