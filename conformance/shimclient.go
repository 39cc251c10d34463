package conformance

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// ShimFactory returns a Factory that starts argv as a shim process
// (docs/spec/shim.md). Each IUT it makes is one process. A call without a
// deadline set by the runner waits at most the default case timeout.
func ShimFactory(argv []string) Factory {
	return ShimFactoryContext(context.Background(), argv)
}

// ShimFactoryContext is ShimFactory whose shims honour ctx: once ctx is
// done no shim is started, a shim in its start (spawn, hello) is stopped
// at once, before its 10 s start limit, and a running one is aborted as by
// Abort. Either way its process group is ended; the error of a start that
// ctx stopped wraps ctx's error.
func ShimFactoryContext(ctx context.Context, argv []string) Factory {
	return func() (IUT, error) {
		s, err := startShim(ctx, argv)
		if err != nil {
			return nil, err // not a nil *shimIUT in an IUT
		}
		return s, nil
	}
}

// shimLine is one line the shim wrote, or why reading stopped.
type shimLine struct {
	b   []byte
	err error
}

// shimIUT is an IUT behind a shim process, in its own process group.
type shimIUT struct {
	argv   []string
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *os.File
	lines  chan shimLine // closed when stdout ends
	exited chan struct{} // closed once the process is reaped and its group ended
	abort  chan struct{} // closed by Abort
	stderr *tailBuffer
	caps   Capabilities
	name   string
	nextID int64
	handle int
	// deadline, if set, bounds every call (the runner sets the case's).
	deadline time.Time
	// killed records that the gate ended the process itself.
	killed  atomic.Bool
	broken  error // set once the process is unusable
	aborter sync.Once
	// mu serialises calls and Close; Abort does not take it.
	mu     sync.Mutex
	closer sync.Once
	// unwatch stops the watch on the caller's context.
	unwatch func() bool
}

func startShim(ctx context.Context, argv []string) (*shimIUT, error) {
	if len(argv) == 0 {
		return nil, errors.New("conformance: empty shim command")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("conformance: shim %s: not started: %w", strings.Join(argv, " "), err)
	}
	s := &shimIUT{argv: argv, lines: make(chan shimLine, 1), exited: make(chan struct{}),
		abort: make(chan struct{}), stderr: &tailBuffer{max: stderrTail}}
	// The gate's ends of stdin and stdout are its own pipes, so that a
	// write has a deadline and the process's exit never waits on them; a
	// process left behind that keeps stderr open delays Wait by at most
	// WaitDelay.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("conformance: shim: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("conformance: shim: %w", err)
	}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	setProcessGroup(s.cmd)
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = inR, outW, s.stderr
	s.cmd.WaitDelay = waitDelay
	err = s.cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("conformance: shim %q: %w", argv[0], err)
	}
	s.stdin, s.stdout = inW, outR
	go s.readLines()
	go func() {
		s.cmd.Wait()
		// End whatever the shim left behind in its process group.
		killProcessGroup(s.cmd.Process.Pid)
		close(s.exited)
	}()
	// From here on the caller's context ends the shim, in its start too.
	s.unwatch = context.AfterFunc(ctx, s.Abort)
	s.deadline = time.Now().Add(helloTimeout)
	resp, err := s.call(&shimRequest{Op: "hello", Version: ShimVersion})
	s.deadline = time.Time{}
	if err == nil && resp.Status != statusOK {
		err = fmt.Errorf("conformance: it answered hello with %s: %s", resp.Status, truncate(resp.Reason, maxReason))
	}
	if err == nil {
		err = checkCapabilities(resp.Capabilities)
		if err != nil {
			err = fmt.Errorf("conformance: its hello is not valid: %s", detail(err))
		}
	}
	if err != nil {
		s.Close() // returns once the process group is ended
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("conformance: shim %s: stopped during its start (hello): %w", strings.Join(argv, " "), cerr)
		}
		var ie *IUTError
		if errors.As(err, &ie) {
			err = errors.New(ie.Reason)
		}
		return nil, fmt.Errorf("conformance: shim %s: %s", strings.Join(argv, " "), detail(err))
	}
	s.caps, s.name = resp.Capabilities, truncate(resp.Name, maxReason)
	return s, nil
}

// readLines passes the shim's output lines to call, one at a time.
func (s *shimIUT) readLines() {
	defer close(s.lines)
	br := bufio.NewReaderSize(s.stdout, 64<<10)
	for {
		line, err := readLine(br)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				s.lines <- shimLine{err: err}
			}
			return
		}
		s.lines <- shimLine{b: line}
	}
}

// SetDeadline bounds every later call (zero: the default case timeout).
func (s *shimIUT) SetDeadline(t time.Time) {
	s.mu.Lock()
	s.deadline = t
	s.mu.Unlock()
}

// call sends one request and waits for its response, until the deadline.
// Any failure of the process is an *IUTError (or ErrUnsupported for exit
// status 89 in answer to hello or new-party), and makes the IUT broken.
func (s *shimIUT) call(req *shimRequest) (*shimResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return nil, s.broken
	}
	s.nextID++
	req.ID = s.nextID
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("conformance: shim: %w", err)
	}
	if len(b) >= maxShimLine {
		return nil, fmt.Errorf("conformance: shim: request %d is longer than %d bytes", req.ID, maxShimLine)
	}
	deadline := s.deadline
	if deadline.IsZero() {
		deadline = time.Now().Add(defaultTimeout)
	}
	s.stdin.SetWriteDeadline(deadline)
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, s.hung(req, "did not read")
		}
		return nil, s.fail(req, s.exitReason(req))
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case l, ok := <-s.lines:
		switch {
		case !ok:
			return nil, s.fail(req, s.exitReason(req))
		case l.err != nil:
			s.kill()
			return nil, s.fail(req, "wrote garbage in answer to "+describe(req)+": "+l.err.Error())
		}
		resp, err := ParseShimResponse(l.b, req.ID, req.Op)
		if err != nil {
			s.kill()
			return nil, s.fail(req, fmt.Sprintf("wrote garbage in answer to %s (%s): %.200q", describe(req), detail(err), l.b))
		}
		return resp, nil
	case <-timer.C:
		return nil, s.hung(req, "did not answer")
	case <-s.abort:
		return nil, s.fail(req, "was stopped by the gate during "+describe(req))
	}
}

// describe names a request for a person: "request 5 (handle p1, 142 bytes
// from S)".
func describe(req *shimRequest) string {
	s := fmt.Sprintf("request %d (%s", req.ID, req.Op)
	switch {
	case req.Op == "handle" && req.Message != nil:
		s += fmt.Sprintf(" %s, %d bytes from %s", req.Handle, len(*req.Message)/2, req.From)
	case req.Op == "act" && req.Action != nil:
		s += fmt.Sprintf(" %s: %s %s", req.Handle, req.Action.Verb, req.Action.Peer)
	case req.Op == "new-party":
		s += " " + req.Handle + " as " + req.Party
	}
	return strings.TrimSpace(s) + ")"
}

// hung ends a shim that did not answer in time.
func (s *shimIUT) hung(req *shimRequest, what string) error {
	s.kill()
	err := s.fail(req, fmt.Sprintf("%s %s in time; the gate killed it", what, describe(req)))
	if ie, ok := err.(*IUTError); ok {
		ie.Hung = true
	}
	return err
}

// kill ends the shim's process group.
func (s *shimIUT) kill() {
	select {
	case <-s.exited:
		return // reaped, and its group already ended
	default:
	}
	s.killed.Store(true)
	if s.cmd.Process != nil {
		killProcessGroup(s.cmd.Process.Pid)
	}
}

// exitReason waits briefly for the process to end and says how it ended.
func (s *shimIUT) exitReason(req *shimRequest) string {
	select {
	case <-s.exited:
	case <-time.After(2 * time.Second):
		s.kill()
		return "closed its output but did not exit, during " + describe(req) + s.stderr.suffix()
	}
	st := s.cmd.ProcessState
	during := " during " + describe(req)
	switch {
	case st == nil:
		return "ended" + during + s.stderr.suffix()
	case s.killed.Load():
		return "was killed by the gate" + during
	case st.ExitCode() == ExitUnimplemented:
		return fmt.Sprintf("exited with status %d (unimplemented)%s%s", ExitUnimplemented, during, s.stderr.suffix())
	case st.ExitCode() == 0:
		return "exited with status 0 before answering " + describe(req) + s.stderr.suffix()
	case st.ExitCode() > 0:
		return fmt.Sprintf("exited with status %d%s%s", st.ExitCode(), during, s.stderr.suffix())
	default:
		return fmt.Sprintf("was killed by a signal (%s)%s%s", st, during, s.stderr.suffix())
	}
}

// fail makes the shim unusable. Exit status 89 is "unsupported" only in
// answer to hello or new-party (docs/spec/shim.md §5); anywhere else it is
// a crash.
func (s *shimIUT) fail(req *shimRequest, reason string) error {
	st := s.cmd.ProcessState
	if st != nil && st.ExitCode() == ExitUnimplemented && !s.killed.Load() {
		if req.Op == "new-party" {
			s.broken = fmt.Errorf("%w: the shim exited with status %d on %s", ErrUnsupported, ExitUnimplemented, describe(req))
			return s.broken
		}
		if req.Op != "hello" {
			reason += "; 89 means unsupported only in answer to hello or new-party"
		}
	}
	s.broken = &IUTError{Op: req.Op, Reason: "the shim " + truncate(reason, maxDetail)}
	return s.broken
}

// answer maps a response of act or handle to the IUT's result.
func (s *shimIUT) answer(req *shimRequest, name string, resp *shimResponse) (role.Output, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch resp.Status {
	case statusOK:
		out, err := decodeOutput(name, resp.Output)
		if err != nil {
			s.kill()
			return role.Output{}, s.fail(req, "wrote garbage in answer to "+describe(req)+": "+detail(err))
		}
		return out, nil
	case statusAlert:
		c, _ := role.ParseAlertClass(resp.Alert.Class)
		return role.Output{}, &role.Alert{Protocol: "shim", Class: c, Reason: truncate(resp.Alert.Reason, maxReason)}
	case statusUnsupported:
		if req.Op == "handle" {
			// A party accepts or rejects every message it is given.
			return role.Output{}, &IUTError{Op: req.Op, Reason: "the shim answered unsupported to " + describe(req) +
				": a party must accept or reject every message (alert)"}
		}
		return role.Output{}, fmt.Errorf("%w: %s: %s", ErrUnsupported, req.Op, truncate(resp.Reason, maxReason))
	default:
		return role.Output{}, &IUTError{Op: req.Op, Reason: "the shim answered error to " + describe(req) + ": " + truncate(resp.Reason, maxReason)}
	}
}

func (s *shimIUT) Capabilities() Capabilities { return s.caps }

// implementation is the name the shim gave in its hello.
func (s *shimIUT) implementation() string { return s.name }

func (s *shimIUT) NewParty(setup harness.Setup, name string) (Party, error) {
	s.handle++
	h := fmt.Sprintf("p%d", s.handle)
	req := &shimRequest{Op: "new-party", Handle: h, Party: name, Setup: encodeSetup(setup)}
	resp, err := s.call(req)
	if err != nil {
		return nil, err
	}
	switch resp.Status {
	case statusOK:
		return &shimParty{iut: s, handle: h, name: name}, nil
	case statusUnsupported:
		return nil, fmt.Errorf("%w: new-party: %s", ErrUnsupported, truncate(resp.Reason, maxReason))
	default:
		return nil, &IUTError{Op: "new-party", Reason: "the shim answered " + resp.Status + " to " + describe(req) + ": " + truncate(resp.Reason, maxReason)}
	}
}

// EndCase drops the case's parties with reset, within resetTimeout (or
// the deadline the runner set, if sooner).
func (s *shimIUT) EndCase() error {
	s.mu.Lock()
	if d := time.Now().Add(resetTimeout); s.deadline.IsZero() || s.deadline.After(d) {
		s.deadline = d
	}
	s.mu.Unlock()
	req := &shimRequest{Op: "reset"}
	resp, err := s.call(req)
	if err != nil {
		return err
	}
	if resp.Status != statusOK {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.kill()
		return s.fail(req, "answered "+resp.Status+" to reset")
	}
	return nil
}

// Abort kills the process group; a pending call returns at once.
func (s *shimIUT) Abort() {
	s.aborter.Do(func() { close(s.abort) })
	s.kill()
}

// Close says bye and gives the process closeTimeout to exit, then kills
// its process group. Either way the group is ended once the shim exits.
func (s *shimIUT) Close() error {
	s.closer.Do(func() {
		if s.unwatch != nil {
			s.unwatch()
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.broken == nil {
			b, _ := json.Marshal(&shimRequest{ID: s.nextID + 1, Op: "bye"})
			s.stdin.SetWriteDeadline(time.Now().Add(closeTimeout))
			s.stdin.Write(append(b, '\n'))
		}
		s.stdin.Close()
		select {
		case <-s.exited:
		case <-time.After(closeTimeout):
			s.kill()
			<-s.exited
		}
		s.stdout.Close()
	})
	return nil
}

// shimParty is a party that lives in a shim process.
type shimParty struct {
	iut    *shimIUT
	handle string
	name   string
	state  []byte // the last snapshot's
}

func (p *shimParty) Handle(from string, msg []byte) (role.Output, error) {
	hexMsg := hex.EncodeToString(msg)
	req := &shimRequest{Op: "handle", Handle: p.handle, From: from, Message: &hexMsg}
	resp, err := p.iut.call(req)
	if err != nil {
		return role.Output{}, err
	}
	return p.iut.answer(req, p.name, resp)
}

func (p *shimParty) Act(a harness.Action) (role.Output, error) {
	req := &shimRequest{Op: "act", Handle: p.handle, Action: encodeAction(a)}
	resp, err := p.iut.call(req)
	if err != nil {
		return role.Output{}, err
	}
	return p.iut.answer(req, p.name, resp)
}

// Snapshot asks the shim for the party's kept state (shim.md §3.6).
func (p *shimParty) Snapshot() ([]byte, error) {
	req := &shimRequest{Op: "snapshot", Handle: p.handle}
	if err := p.restartCall(req); err != nil {
		return nil, err
	}
	return p.state, nil
}

func (p *shimParty) Restart() error {
	return p.restartCall(&shimRequest{Op: "restart", Handle: p.handle})
}

func (p *shimParty) RestartFrom(state []byte) error {
	st := hex.EncodeToString(state)
	return p.restartCall(&shimRequest{Op: "restart", Handle: p.handle, State: &st})
}

// restartCall sends snapshot or restart: only ok is an answer the runner
// takes; the shim advertised restart, so unsupported fails the case too.
func (p *shimParty) restartCall(req *shimRequest) error {
	resp, err := p.iut.call(req)
	if err != nil {
		return err
	}
	if resp.Status != statusOK {
		return &IUTError{Op: req.Op, Reason: "the shim answered " + resp.Status + " to " + describe(req) +
			" after advertising restart: " + truncate(resp.Reason, maxReason)}
	}
	if req.Op == "snapshot" {
		b, err := parseHex("state", *resp.State)
		if err != nil {
			p.iut.mu.Lock()
			defer p.iut.mu.Unlock()
			p.iut.kill()
			return p.iut.fail(req, "wrote garbage in answer to "+describe(req)+": "+detail(err))
		}
		p.state = b
	}
	return nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// suffix renders the tail for a failure message.
func (t *tailBuffer) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.b))
	if s == "" {
		return ""
	}
	return "; stderr: " + s
}

// SplitCommand splits a shim command line into words like a POSIX shell,
// with single quotes, double quotes and backslash escapes, and nothing else.
func SplitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("conformance: unterminated single quote in command")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("conformance: unterminated double quote in command")
			}
			inWord = true
		case c == '\\':
			if i+1 >= len(s) {
				return nil, errors.New("conformance: trailing backslash in command")
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, errors.New("conformance: empty shim command")
	}
	return words, nil
}
