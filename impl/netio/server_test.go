package netio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"github.com/imcheck/imcheck/internal/syncbuf"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// logBuf is a buffer a goroutine writes while the test reads it.
type logBuf struct{ syncbuf.Buffer }

func (l *logBuf) count(s string) int { return strings.Count(l.String(), s) }

// serveWith starts Serve on 127.0.0.1:0 with opts (its log captured) and
// stops it when the test ends; stop returns how long Serve took to return.
func serveWith(t *testing.T, srv role.Role, opts ServerOptions) (addr string, log *logBuf, stop func() time.Duration) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	log = &logBuf{}
	opts.Log = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- Serve(ctx, ln, srv, opts) }()
	var once sync.Once
	var took time.Duration
	stop = func() time.Duration {
		once.Do(func() {
			start := time.Now()
			cancel()
			select {
			case err := <-errc:
				if err != nil {
					t.Errorf("Serve: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Errorf("Serve did not return")
			}
			took = time.Since(start)
		})
		return took
	}
	t.Cleanup(func() { stop() })
	return ln.Addr().String(), log, stop
}

// waitLog waits up to 10 s for the log to contain want.
func waitLog(t *testing.T, log *logBuf, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(log.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("log lacks %q:\n%s", want, log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rawFrame is a frame from "from" to "to" with payload, as bytes.
func rawFrame(t testing.TB, to, from string, payload []byte) []byte {
	body, err := wire.Envelope{To: to, From: from, Payload: payload}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	f := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(f, uint32(len(body)))
	copy(f[4:], body)
	return f
}

func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

// closedByServer reports whether the server closed nc within d (reads
// drain whatever it had sent).
func closedByServer(nc net.Conn, d time.Duration) bool {
	nc.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, nc)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// echoRoundTrip checks that user name still gets answers from the role.
func echoRoundTrip(t *testing.T, c *Client, name string, d time.Duration) {
	t.Helper()
	evs, err := c.Pump(&peer{name}, role.Output{Messages: []role.Message{{To: "S", Bytes: []byte("ping")}}}, accepted, d)
	if err != nil || len(evs) != 1 || string(evs[0].Body) != "PING" {
		t.Fatalf("%s: round trip: %v %v", name, evs, err)
	}
}

// servedMeanwhile checks that a user gets 20 answers in turn, none
// slower than 2 s.
func servedMeanwhile(t *testing.T, addr string) {
	t.Helper()
	alice, err := Dial(addr, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	for range 20 {
		echoRoundTrip(t, alice, "alice", 2*time.Second)
	}
}

// TestRelayFloodToStalledReader: a victim that never reads while another
// user relays 32 KiB frames to it is disconnected; every other user goes on
// being served meanwhile.
func TestRelayFloodToStalledReader(t *testing.T) {
	addr, log, _ := serveWith(t, &echoServer{}, ServerOptions{QueueLen: 8, WriteTimeout: 300 * time.Millisecond})
	victim := dialRaw(t, addr)
	if _, err := victim.Write(rawFrame(t, "S", "victim", []byte("x"))); err != nil {
		t.Fatal(err)
	}
	flooder := dialRaw(t, addr)
	flooder.Write(rawFrame(t, "S", "flooder", []byte("x")))
	time.Sleep(50 * time.Millisecond) // both bound
	big := rawFrame(t, "victim", "flooder", make([]byte, 32<<10))
	done := make(chan struct{})
	go func() {
		defer close(done)
		go io.Copy(io.Discard, flooder)
		for range 2000 {
			flooder.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := flooder.Write(big); err != nil {
				return
			}
		}
	}()
	servedMeanwhile(t, addr)
	if !closedByServer(victim, 10*time.Second) {
		t.Fatal("the stalled victim was never disconnected")
	}
	<-done
	waitLog(t, log, "msg=disconnected user=victim")
	if !strings.Contains(log.String(), "not reading") && !strings.Contains(log.String(), "write:") {
		t.Fatalf("no disconnect reason logged:\n%s", log)
	}
}

// TestReplayFloodFromStalledReader: a user that floods the role without
// reading its answers is disconnected when its queue fills, and the others
// are served meanwhile.
func TestReplayFloodFromStalledReader(t *testing.T) {
	addr, log, _ := serveWith(t, &echoServer{}, ServerOptions{QueueLen: 16, WriteTimeout: 300 * time.Millisecond})
	flooder := dialRaw(t, addr)
	f := rawFrame(t, "S", "mallory", bytes.Repeat([]byte("L1"), 8<<10))
	go func() {
		for range 5000 {
			flooder.SetWriteDeadline(time.Now().Add(2 * time.Second))
			if _, err := flooder.Write(f); err != nil {
				return
			}
		}
	}()
	servedMeanwhile(t, addr)
	waitLog(t, log, "msg=disconnected user=mallory")
}

// TestAnnouncedFramesCostNothing: frames that announce 1 MiB and send
// little do not reserve their announced size, and a connection whose body
// would pass the server's budget is closed.
func TestAnnouncedFramesCostNothing(t *testing.T) {
	addr, log, _ := serveWith(t, &echoServer{}, ServerOptions{BodyBudget: 256 << 10, FrameTimeout: 2 * time.Second})
	hdr := []byte{0, 0x10, 0, 0} // 1 MiB announced
	var conns []net.Conn
	for range 50 {
		nc := dialRaw(t, addr)
		nc.Write(append(hdr, "abc"...))
		conns = append(conns, nc)
	}
	// 50 × 1 MiB announced, 150 bytes sent: the 256 KiB budget holds, and a
	// user is still served.
	alice, err := Dial(addr, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	echoRoundTrip(t, alice, "alice", 2*time.Second)
	// One connection sends 300 KiB of its megabyte: over the budget.
	hog := dialRaw(t, addr)
	hog.Write(hdr)
	go hog.Write(make([]byte, 300<<10))
	if !closedByServer(hog, 5*time.Second) {
		t.Fatal("the connection over the budget was not closed")
	}
	waitLog(t, log, "budget exhausted")
	// The others run out of time, and the budget is whole again.
	for _, nc := range conns {
		if !closedByServer(nc, 5*time.Second) {
			t.Fatal("a half-sent frame was never timed out")
		}
	}
	echoRoundTrip(t, alice, "alice", 2*time.Second)
}

func TestReadDeadlines(t *testing.T) {
	addr, log, _ := serveWith(t, &echoServer{}, ServerOptions{FirstFrameTimeout: 200 * time.Millisecond, IdleTimeout: 400 * time.Millisecond})
	silent := dialRaw(t, addr)
	half := dialRaw(t, addr)
	half.Write([]byte{0, 0})
	for _, nc := range []net.Conn{silent, half} {
		if !closedByServer(nc, 3*time.Second) {
			t.Fatal("a connection without a first frame stayed open")
		}
	}
	// A client that sends keepalives outlives the idle timeout; one that
	// does not is dropped.
	kept, err := DialWith(DialConfig{Addr: addr, Name: "kept", Keepalive: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	quiet, err := DialWith(DialConfig{Addr: addr, Name: "quiet", Keepalive: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer quiet.Close()
	for _, c := range []*Client{kept, quiet} {
		c.Send(role.Message{To: "S", Bytes: []byte("hello")})
		if _, _, err := c.Recv(); err != nil {
			t.Fatalf("first answer: %v", err)
		}
	}
	time.Sleep(1200 * time.Millisecond)
	echoRoundTrip(t, kept, "kept", 2*time.Second)
	if _, _, err := quiet.Recv(); err == nil {
		t.Fatal("the idle client was not dropped")
	}
	for _, want := range []string{"no complete first frame in time", "idle too long"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestConnectionCaps(t *testing.T) {
	addr, log, _ := serveWith(t, &echoServer{}, ServerOptions{MaxConnsPerAddr: 3, Suite: 2})
	var open []*Client
	for i := range 3 {
		c, err := Dial(addr, "u"+string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		echoRoundTrip(t, c, c.name, 2*time.Second)
		open = append(open, c)
	}
	extra := dialRaw(t, addr)
	extra.SetReadDeadline(time.Now().Add(3 * time.Second))
	body, err := wire.ReadFrame(extra)
	if err != nil {
		t.Fatalf("refused connection: %v", err)
	}
	env, _ := wire.ParseEnvelope(body)
	a, err := wire.ParseAlert(env.Payload)
	if err != nil || Code(a.Code) != Busy || a.Suite != 2 {
		t.Fatalf("refusal = %+v, %v; want a busy alert", a, err)
	}
	if !closedByServer(extra, 3*time.Second) {
		t.Fatal("refused connection left open")
	}
	// Closing one makes room again.
	open[0].Close()
	deadline := time.Now().Add(3 * time.Second)
	for {
		c, err := Dial(addr, "late")
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Pump(&peer{"late"}, role.Output{Messages: []role.Message{{To: "S", Bytes: []byte("x")}}}, accepted, time.Second)
		c.Close()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no room after a close: %v\n%s", err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(log.String(), "limit reached") {
		t.Fatalf("refusals not logged:\n%s", log)
	}
}

// TestShutdownClosesEveryConnection: Serve returns within a second of its
// context ending, with connections idle, half-sent and silent.
func TestShutdownClosesEveryConnection(t *testing.T) {
	addr, _, stop := serveWith(t, &echoServer{}, ServerOptions{})
	var conns []net.Conn
	for i := range 30 {
		nc := dialRaw(t, addr)
		switch i % 3 {
		case 0: // nothing sent
		case 1:
			nc.Write([]byte{0, 0, 1}) // a partial header
		case 2:
			nc.Write(rawFrame(t, "S", "u"+string(rune('a'+i)), []byte("x")))
		}
		conns = append(conns, nc)
	}
	time.Sleep(100 * time.Millisecond)
	if d := stop(); d > time.Second {
		t.Fatalf("Serve took %v to return", d)
	}
	for _, nc := range conns {
		if !closedByServer(nc, time.Second) {
			t.Fatal("a connection outlived Serve")
		}
	}
}

// flakyListener fails Accept n times with a temporary error first.
type flakyListener struct {
	net.Listener
	mu sync.Mutex
	n  int
}

type tempErr struct{}

func (tempErr) Error() string   { return "too many open files" }
func (tempErr) Timeout() bool   { return false }
func (tempErr) Temporary() bool { return true }

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if l.n > 0 {
		l.n--
		l.mu.Unlock()
		return nil, tempErr{}
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

func TestAcceptErrorsAreRetried(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &flakyListener{Listener: inner, n: 6}
	log := &logBuf{}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- Serve(ctx, ln, &echoServer{}, ServerOptions{Log: slog.New(slog.NewTextHandler(log, nil))})
	}()
	c, err := Dial(inner.Addr().String(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	echoRoundTrip(t, c, "alice", 5*time.Second)
	c.Close()
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if log.count("accept failing") != 1 || !strings.Contains(log.String(), `msg="accept recovered" failed=6`) {
		t.Fatalf("back-off not logged once:\n%s", log)
	}
}

// TestAlertFrames: a frame the role rejects is answered with an alert
// naming its class and the refused type; a frame to a user who is not
// connected with an offline alert.
func TestAlertFrames(t *testing.T) {
	addr, _, _ := serveWith(t, &echoServer{}, ServerOptions{Suite: 2})
	c, err := Dial(addr, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Label = func(t uint8) string {
		if t == 'b' {
			return "BAD"
		}
		return ""
	}
	_, err = c.Pump(&peer{"alice"}, role.Output{Messages: []role.Message{{To: "S", Bytes: []byte("bad one")}}}, accepted, 2*time.Second)
	var a *ServerAlert
	if !errors.As(err, &a) || a.Code.Class() != role.DecodeError || a.About != 'b' || a.Label != "BAD" {
		t.Fatalf("err = %v, want a decode_error alert about 'b'", err)
	}
	if err.Error() != "netio: the server refused BAD: decode_error" {
		t.Fatalf("text = %q", err)
	}
	_, err = c.Pump(&peer{"alice"}, role.Output{Messages: []role.Message{{To: "nobody", Bytes: []byte("E6")}}}, accepted, 2*time.Second)
	if !errors.As(err, &a) || a.Code != Offline {
		t.Fatalf("err = %v, want offline", err)
	}
}

// TestRejectionsSummarised: a stream of rejected frames is logged once as
// it starts and once in the summary, and the connection is closed after
// MaxRejects.
func TestRejectionsSummarised(t *testing.T) {
	addr, log, _ := serveWith(t, &echoServer{}, ServerOptions{MaxRejects: 300, QueueLen: 1024})
	nc := dialRaw(t, addr)
	go io.Copy(io.Discard, nc)
	f := rawFrame(t, "S", "mallory", []byte("bad replay"))
	for range 299 {
		nc.Write(f)
	}
	nc.Write(rawFrame(t, "S", "mallory", []byte("ok")))
	nc.Write(f)
	waitLog(t, log, "msg=disconnected user=mallory")
	if n := log.count("frame rejected"); n != 1 {
		t.Fatalf("%d rejection lines, want 1:\n%s", n, log)
	}
	if !strings.Contains(log.String(), `frames=301 why="300 frames rejected" rejected=300 alerts="decode_error ×300"`) {
		t.Fatalf("no summary:\n%s", log)
	}
}

// recorder is a Durable that records commits and fails on demand.
type recorder struct {
	mu      sync.Mutex
	commits []string
	fail    bool
}

func (r *recorder) Commit(from string, out role.Output) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("disk full")
	}
	r.commits = append(r.commits, from+":"+string(out.Messages[0].Bytes))
	return nil
}

func TestDurableCommitsBeforeAnswering(t *testing.T) {
	rec := &recorder{}
	addr, _, _ := serveWith(t, &echoServer{}, ServerOptions{Durable: rec})
	c, err := Dial(addr, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echoRoundTrip(t, c, "alice", 2*time.Second)
	rec.mu.Lock()
	got := strings.Join(rec.commits, ",")
	rec.fail = true
	rec.mu.Unlock()
	if got != "alice:PING" {
		t.Fatalf("commits = %q", got)
	}
	_, err = c.Pump(&peer{"alice"}, role.Output{Messages: []role.Message{{To: "S", Bytes: []byte("ping")}}}, accepted, 2*time.Second)
	var a *ServerAlert
	if !errors.As(err, &a) || a.Code.Class() != role.InternalError {
		t.Fatalf("a failed commit answered %v, want internal_error", err)
	}
}

// leaver records Left calls.
type leaver struct {
	echoServer
	mu   sync.Mutex
	left []string
}

func (l *leaver) Left(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.left = append(l.left, id)
}

func (l *leaver) got() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.left, ",")
}

// TestLeaverToldWhenUserLeaves: the role hears of a user's connection
// ending, but not of one replaced by the same user's new connection.
func TestLeaverToldWhenUserLeaves(t *testing.T) {
	l := &leaver{}
	addr, _, _ := serveWith(t, l, ServerOptions{})
	first, _ := Dial(addr, "alice")
	echoRoundTrip(t, first, "alice", 2*time.Second)
	second, _ := Dial(addr, "alice")
	echoRoundTrip(t, second, "alice", 2*time.Second)
	first.Close()
	time.Sleep(100 * time.Millisecond)
	if got := l.got(); got != "" {
		t.Fatalf("Left(%s) for a replaced connection", got)
	}
	second.Close()
	deadline := time.Now().Add(5 * time.Second)
	for l.got() != "alice" {
		if time.Now().After(deadline) {
			t.Fatalf("Left calls = %q, want alice", l.got())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFrameBytesIsTheEnvelope: the server's one-copy encoding is the
// envelope's.
func TestFrameBytesIsTheEnvelope(t *testing.T) {
	for _, e := range []wire.Envelope{{To: "bob", From: "alice", Payload: []byte("x")}, {To: "S", From: "S"}, {To: "a", Payload: make([]byte, 1000)}} {
		f, err := frameBytes(e)
		if err != nil {
			t.Fatal(err)
		}
		if want := rawFrame(t, e.To, e.From, e.Payload); !bytes.Equal(f, want) {
			t.Fatalf("%+v: %x, want %x", e, f, want)
		}
	}
	if _, err := frameBytes(wire.Envelope{To: "a b"}); err == nil {
		t.Fatal("bad identity encoded")
	}
	if _, err := frameBytes(wire.Envelope{To: "a", Payload: make([]byte, wire.MaxFrame)}); err == nil {
		t.Fatal("oversized frame encoded")
	}
}
