package conformance

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// helloTimeout bounds a shim's start and its answer to hello.
const helloTimeout = 10 * time.Second

// ShimFactory returns a Factory that starts argv as a shim process
// (docs/spec/shim.md). Each IUT it makes is one process.
func ShimFactory(argv []string) Factory {
	return func() (IUT, error) { return startShim(argv) }
}

// shimIUT is an IUT behind a shim process.
type shimIUT struct {
	argv   []string
	cmd    *exec.Cmd
	stdin  interface{ Write([]byte) (int, error) }
	lines  chan []byte // closed when stdout ends
	exited chan struct{}
	stderr *tailBuffer
	caps   Capabilities
	name   string
	nextID int64
	handle int
	broken error // set once the process is unusable
	// mu serialises calls and Close; Abort does not take it.
	mu     sync.Mutex
	closer sync.Once
}

func startShim(argv []string) (*shimIUT, error) {
	if len(argv) == 0 {
		return nil, errors.New("conformance: empty shim command")
	}
	s := &shimIUT{argv: argv, lines: make(chan []byte, 1), exited: make(chan struct{}), stderr: &tailBuffer{max: 4 << 10}}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	setProcessGroup(s.cmd)
	s.cmd.Stderr = s.stderr
	in, err := s.cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("conformance: shim: %w", err)
	}
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("conformance: shim: %w", err)
	}
	s.stdin = in
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("conformance: shim %q: %w", argv[0], err)
	}
	go func() {
		br := bufio.NewReaderSize(out, 64<<10)
		for {
			line, err := readLine(br)
			if err != nil {
				close(s.lines)
				return
			}
			s.lines <- line
		}
	}()
	go func() {
		s.cmd.Wait()
		close(s.exited)
	}()
	timer := time.AfterFunc(helloTimeout, s.Abort)
	defer timer.Stop()
	resp, err := s.call(&shimRequest{Op: "hello", Version: ShimVersion})
	if err == nil && resp.Status != statusOK {
		err = fmt.Errorf("hello answered %s: %s", resp.Status, resp.Reason)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("conformance: shim %s: %w", strings.Join(argv, " "), err)
	}
	s.caps, s.name = resp.Capabilities, resp.Name
	return s, nil
}

// call sends one request and waits for its response. Any failure of the
// process is an *IUTError (or ErrUnsupported for exit status 89), and makes
// the IUT broken.
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
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		return nil, s.fail(req.Op, s.exitReason())
	}
	line, ok := <-s.lines
	if !ok {
		return nil, s.fail(req.Op, s.exitReason())
	}
	resp, err := ParseShimResponse(line, req.ID, req.Op)
	if err != nil {
		return nil, s.fail(req.Op, fmt.Sprintf("garbage answer (%v): %.200q", err, line))
	}
	return resp, nil
}

// exitReason waits briefly for the process to end and describes how it
// ended. Exit status 89 is ErrUnsupported.
func (s *shimIUT) exitReason() string {
	select {
	case <-s.exited:
	case <-time.After(2 * time.Second):
		return "closed its output but did not exit" + s.stderr.suffix()
	}
	st := s.cmd.ProcessState
	switch {
	case st == nil:
		return "ended" + s.stderr.suffix()
	case st.ExitCode() == ExitUnimplemented:
		return "unimplemented"
	case st.ExitCode() >= 0:
		return fmt.Sprintf("crashed (exit status %d)%s", st.ExitCode(), s.stderr.suffix())
	default:
		return fmt.Sprintf("crashed (%s)%s", st, s.stderr.suffix())
	}
}

func (s *shimIUT) fail(op, reason string) error {
	if reason == "unimplemented" {
		s.broken = fmt.Errorf("%w: the shim exited with status %d on %s", ErrUnsupported, ExitUnimplemented, op)
	} else {
		s.broken = &IUTError{Op: op, Reason: "the shim " + reason}
	}
	return s.broken
}

// answer maps a response of act or handle to the IUT's result.
func (s *shimIUT) answer(op, name string, resp *shimResponse) (role.Output, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch resp.Status {
	case statusOK:
		out, err := decodeOutput(name, resp.Output)
		if err != nil {
			return role.Output{}, s.fail(op, "garbage answer: "+err.Error())
		}
		return out, nil
	case statusAlert:
		c, _ := role.ParseAlertClass(resp.Alert.Class)
		return role.Output{}, &role.Alert{Protocol: "shim", Class: c, Reason: resp.Alert.Reason}
	case statusUnsupported:
		return role.Output{}, fmt.Errorf("%w: %s: %s", ErrUnsupported, op, resp.Reason)
	default:
		return role.Output{}, &IUTError{Op: op, Reason: "the shim answered error: " + resp.Reason}
	}
}

func (s *shimIUT) Capabilities() Capabilities { return s.caps }

func (s *shimIUT) NewParty(setup harness.Setup, name string) (Party, error) {
	s.handle++
	h := fmt.Sprintf("p%d", s.handle)
	resp, err := s.call(&shimRequest{Op: "new-party", Handle: h, Party: name, Setup: encodeSetup(setup)})
	if err != nil {
		return nil, err
	}
	switch resp.Status {
	case statusOK:
		return &shimParty2{iut: s, handle: h, name: name}, nil
	case statusUnsupported:
		return nil, fmt.Errorf("%w: new-party: %s", ErrUnsupported, resp.Reason)
	default:
		return nil, &IUTError{Op: "new-party", Reason: "the shim answered " + resp.Status + ": " + resp.Reason}
	}
}

func (s *shimIUT) EndCase() error {
	resp, err := s.call(&shimRequest{Op: "reset"})
	if err != nil {
		return err
	}
	if resp.Status != statusOK {
		return s.fail("reset", "answered "+resp.Status)
	}
	return nil
}

// Abort kills the process group; pending calls then fail.
func (s *shimIUT) Abort() {
	if s.cmd.Process != nil {
		killProcessGroup(s.cmd)
	}
}

// Close says bye and waits briefly for the process to exit, then kills it.
func (s *shimIUT) Close() error {
	s.closer.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.broken == nil {
			b, _ := json.Marshal(&shimRequest{ID: s.nextID + 1, Op: "bye"})
			s.stdin.Write(append(b, '\n'))
		}
		if c, ok := s.stdin.(interface{ Close() error }); ok {
			c.Close()
		}
		select {
		case <-s.exited:
		case <-time.After(time.Second):
			s.Abort()
			<-s.exited
		}
	})
	return nil
}

// shimParty2 is a party that lives in a shim process.
type shimParty2 struct {
	iut    *shimIUT
	handle string
	name   string
}

func (p *shimParty2) Handle(from string, msg []byte) (role.Output, error) {
	hexMsg := fmt.Sprintf("%x", msg)
	resp, err := p.iut.call(&shimRequest{Op: "handle", Handle: p.handle, From: from, Message: &hexMsg})
	if err != nil {
		return role.Output{}, err
	}
	return p.iut.answer("handle", p.name, resp)
}

func (p *shimParty2) Act(a harness.Action) (role.Output, error) {
	resp, err := p.iut.call(&shimRequest{Op: "act", Handle: p.handle, Action: encodeAction(a)})
	if err != nil {
		return role.Output{}, err
	}
	return p.iut.answer("act", p.name, resp)
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
