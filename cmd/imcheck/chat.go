package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// The interactive chat of `imcheck client simp|imke` (docs/serve.md
// §"Chat"): lines typed go to the current peer, incoming messages are
// printed as they arrive, /to NAME picks the peer (starting a key
// exchange when there is no session with it yet), /quit or end of input
// leaves.

// chatClient is what both protocols' users offer the chat.
type chatClient interface {
	role.Role
	RequestPeer(peer string) (role.Output, error)
	Send(peer string, body []byte) (role.Output, error)
}

type chat struct {
	c      chatClient
	conn   *netio.Client
	server string
	out    io.Writer
	prompt bool         // print a prompt (a terminal)
	save   func() error // before anything is sent; nil: nothing to save

	peer        string              // where typed lines go
	established map[string]bool     // sessions with peers
	pending     map[string][]string // lines typed before the session was up
	asked       string              // the last peer a key exchange was asked for
	shown       bool                // a prompt is on the terminal's last line
}

const chatHelp = `commands: /to NAME (talk to NAME), /quit (leave), /help; any other line goes to the current peer`

func newChat(c chatClient, conn *netio.Client, server string, out io.Writer, prompt bool, save func() error) *chat {
	return &chat{c: c, conn: conn, server: server, out: out, prompt: prompt, save: save,
		established: map[string]bool{}, pending: map[string][]string{}}
}

// isTerminal reports whether r is a terminal (term_unix.go).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && fileIsTerminal(f)
}

func (ch *chat) note(format string, args ...any) {
	ch.clearPrompt()
	fmt.Fprintf(ch.out, "* "+format+"\n", args...)
}

// clearPrompt erases a prompt before a line that arrives while it is shown.
func (ch *chat) clearPrompt() {
	if ch.shown {
		fmt.Fprint(ch.out, "\r\033[K")
		ch.shown = false
	}
}

// showPrompt prints the prompt unless it is already on the last line.
func (ch *chat) showPrompt() {
	if !ch.prompt || ch.shown {
		return
	}
	ch.shown = true
	if ch.peer == "" {
		fmt.Fprintf(ch.out, "%s> ", ch.c.Name())
	} else {
		fmt.Fprintf(ch.out, "%s→%s> ", ch.c.Name(), ch.peer)
	}
}

// run reads lines from in until /quit or its end, and frames from the
// server until the connection ends (an error).
func (ch *chat) run(in io.Reader, first string) error {
	lines := make(chan string)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 4096), 64<<10)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-stop:
				return
			}
		}
	}()
	ch.note("%s", chatHelp)
	if first != "" {
		if err := ch.line("/to " + first); err != nil {
			return err
		}
	}
	ch.showPrompt()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return nil
			}
			ch.shown = false // the terminal moved to a new line
			if strings.TrimSpace(l) == "/quit" {
				return nil
			}
			if err := ch.line(l); err != nil {
				return err
			}
		case f, ok := <-ch.conn.Incoming():
			if !ok {
				if err := ch.conn.Err(); err != nil {
					return fmt.Errorf("connection lost: %w", err)
				}
				return errors.New("the server closed the connection")
			}
			if err := ch.frame(f); err != nil {
				return err
			}
		}
		ch.showPrompt()
	}
}

func (ch *chat) line(l string) error {
	l = strings.TrimRight(l, "\r")
	switch {
	case strings.TrimSpace(l) == "":
		return nil
	case l == "/help":
		ch.note("%s", chatHelp)
		return nil
	case strings.HasPrefix(l, "/to"):
		name := strings.TrimSpace(strings.TrimPrefix(l, "/to"))
		if !wire.ValidIdentity(name) || name == ch.c.Name() || name == ch.server {
			ch.note("/to needs another user's name")
			return nil
		}
		ch.peer = name
		if ch.established[name] {
			ch.note("talking to %s", name)
			return nil
		}
		return ch.connect(name)
	case strings.HasPrefix(l, "/"):
		ch.note("unknown command %q; %s", l, chatHelp)
		return nil
	case ch.peer == "":
		ch.note("no peer yet: /to NAME first")
		return nil
	case !ch.established[ch.peer]:
		ch.pending[ch.peer] = append(ch.pending[ch.peer], l)
		return nil
	}
	return ch.send(ch.peer, l)
}

func (ch *chat) connect(peer string) error {
	out, err := ch.c.RequestPeer(peer)
	if err != nil {
		ch.note("cannot start a session with %s: %v", peer, err)
		return nil
	}
	ch.asked = peer
	ch.note("starting a secure session with %s…", peer)
	return ch.emit(out)
}

func (ch *chat) send(peer, text string) error {
	out, err := ch.c.Send(peer, []byte(text))
	if err != nil {
		ch.note("not sent: %v", err)
		return nil
	}
	return ch.emit(out)
}

// emit saves, sends out's messages and shows its events.
func (ch *chat) emit(out role.Output) error {
	if ch.save != nil {
		if err := ch.save(); err != nil {
			return err
		}
	}
	if err := ch.conn.Send(out.Messages...); err != nil {
		return err
	}
	for _, e := range out.Events {
		if err := ch.event(e); err != nil {
			return err
		}
	}
	return nil
}

func (ch *chat) event(e role.Event) error {
	switch e.Kind {
	case role.SessionKeyEstablished:
		if e.Peer == ch.server || ch.established[e.Peer] {
			return nil
		}
		ch.established[e.Peer] = true
		ch.note("secure session with %s", e.Peer)
		if ch.peer == "" {
			ch.peer = e.Peer
		}
		queued := ch.pending[e.Peer]
		delete(ch.pending, e.Peer)
		for _, text := range queued {
			if err := ch.send(e.Peer, text); err != nil {
				return err
			}
		}
	case role.MessageAccepted:
		ch.clearPrompt()
		fmt.Fprintf(ch.out, "%s: %s\n", e.Peer, e.Body)
	case role.Disconnected:
		ch.note("%s ended the session: %s", e.Peer, e.Note)
	}
	return nil
}

func (ch *chat) frame(f netio.Frame) error {
	if f.Alert != nil {
		msg := explainAlert(f.Alert)
		if (f.Alert.Label == "E1" || f.Alert.Label == "4.2") && ch.asked != "" {
			msg = ch.asked + ": " + msg
			if n := len(ch.pending[ch.asked]); n > 0 {
				msg += fmt.Sprintf(" (%d unsent lines dropped)", n)
				delete(ch.pending, ch.asked)
			}
		}
		ch.note("%s", msg)
		return nil
	}
	out, err := ch.c.Handle(f.From, f.Payload)
	if err != nil {
		ch.note("rejected a message from %s: %v", f.From, err)
		return nil
	}
	return ch.emit(out)
}
