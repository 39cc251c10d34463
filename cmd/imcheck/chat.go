package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// The interactive chat of `imcheck client simp|imke` (docs/serve.md §1):
// lines typed go to the current peer, incoming messages are printed as
// they arrive, /to NAME picks the peer (starting a key exchange when there
// is no session with it yet), /drop discards the lines kept for it, /quit
// or end of input leaves. Each key exchange the user starts is followed
// until its session is up, and lines typed meanwhile are kept for it.

// chatClient is what both protocols' users offer the chat.
type chatClient interface {
	role.Role
	RequestPeer(peer string) (role.Output, error)
	Send(peer string, body []byte) (role.Output, error)
}

type chat struct {
	c       chatClient
	conn    *netio.Client
	server  string
	out     io.Writer
	prompt  bool          // print a prompt (a terminal)
	save    func() error  // before anything is sent; nil: nothing to save
	timeout time.Duration // how long a key exchange may take
	now     func() time.Time

	peer        string               // where typed lines go
	established map[string]bool      // sessions with peers
	exchanges   map[string]*exchange // key exchanges this user started, until the session is up
	asked       []string             // peers requested from the server and not answered yet, in order
	lastSent    map[string]time.Time // when a line last went to each peer with a session
	lineLabels  map[string]bool      // the labels of the messages that carried lines
	request     string               // the label of a peer request (SIMP E1, IMKE 4.2)
	shown       bool                 // a prompt is on the terminal's last line
}

// exchange is one key exchange this user started with a peer, from the
// request to the server until the session is up. It outlives a failed
// attempt, so that the lines typed meanwhile are kept for the next one.
type exchange struct {
	since  time.Time       // when the current attempt started
	keyed  bool            // the server answered the request: the peer's key arrived
	failed string          // why the last attempt failed; "" while one is in flight
	sent   map[string]bool // labels of the messages this attempt sent to the peer
	lines  []string        // typed before the session was up, in order
}

// maxQueued bounds the lines kept for one peer without a session.
const maxQueued = 64

const chatHelp = `commands: /to NAME (talk to NAME), /drop (discard the lines waiting for the current peer), /quit (leave), /help; any other line goes to the current peer`

func newChat(c chatClient, conn *netio.Client, server string, out io.Writer, prompt bool, save func() error, timeout time.Duration) *chat {
	return &chat{c: c, conn: conn, server: server, out: out, prompt: prompt, save: save, timeout: timeout, now: time.Now,
		established: map[string]bool{}, exchanges: map[string]*exchange{},
		lastSent: map[string]time.Time{}, lineLabels: map[string]bool{}}
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
		r := bufio.NewReaderSize(in, 4096)
		for {
			l, err := readLine(r, maxLine)
			if err != nil && l == "" {
				return
			}
			select {
			case lines <- l:
			case <-stop:
				return
			}
		}
	}()
	tick := time.NewTicker(min(max(ch.timeout/4, 10*time.Millisecond), time.Second))
	defer tick.Stop()
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
				ch.leave()
				return nil
			}
			ch.shown = false // the terminal moved to a new line
			if strings.TrimSpace(l) == "/quit" {
				ch.leave()
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
		case <-tick.C:
			ch.expire()
		}
		ch.showPrompt()
	}
}

// maxLine bounds a typed line; the rest of a longer one is discarded.
const maxLine = 64 << 10

// tooLong stands for a line longer than maxLine (it has a newline, which
// no line read has).
const tooLong = "\n"

// readLine reads one line without its newline. A line longer than max is
// read to its end and returned as tooLong. At the end of r, a last line
// without a newline is returned with the error.
func readLine(r *bufio.Reader, max int) (string, error) {
	var b []byte
	over := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !over {
			if len(b)+len(chunk) > max+1 {
				over, b = true, nil
			} else {
				b = append(b, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil:
			if over {
				return tooLong, err
			}
			return string(b), err
		}
		if over {
			return tooLong, nil
		}
		return strings.TrimSuffix(string(b), "\n"), nil
	}
}

func (ch *chat) line(l string) error {
	if l == tooLong {
		ch.note("line not sent: longer than %d KiB", maxLine>>10)
		return nil
	}
	l = strings.TrimRight(l, "\r")
	switch {
	case strings.TrimSpace(l) == "":
		return nil
	case l == "/help":
		ch.note("%s", chatHelp)
		return nil
	case l == "/drop":
		ch.drop()
		return nil
	case l == "/to" || strings.HasPrefix(l, "/to "):
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
		if x := ch.exchanges[name]; x != nil && x.failed == "" {
			msg := fmt.Sprintf("%s: the secure session is still being set up (%s so far)", name, ch.age(x))
			if n := len(x.lines); n > 0 {
				msg += fmt.Sprintf("; %d %s waiting", n, plural(n, "line", "lines"))
			}
			ch.note("%s", msg)
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
		return ch.queue(ch.peer, l)
	}
	return ch.send(ch.peer, l)
}

// queue keeps a line for a peer without a session. While a key exchange
// is in flight it says so; when the last one failed, it tries again.
func (ch *chat) queue(peer, l string) error {
	x := ch.exchanges[peer]
	if x == nil {
		x = &exchange{failed: "no key exchange yet"}
		ch.exchanges[peer] = x
	}
	if len(x.lines) >= maxQueued {
		ch.note("%s: not queued: %d lines already wait for a secure session (/drop discards them)", peer, len(x.lines))
		return nil
	}
	x.lines = append(x.lines, l)
	if x.failed == "" {
		ch.note("%s: the secure session is still being set up (%s so far); line queued%s, sent once it is up", peer, ch.age(x), waiting(x))
		return nil
	}
	ch.note("%s: no secure session (%s); line queued%s, trying again", peer, x.failed, waiting(x))
	return ch.connect(peer)
}

// connect starts a key exchange with peer: a request to the server.
func (ch *chat) connect(peer string) error {
	x := ch.exchanges[peer]
	if x == nil {
		x = &exchange{}
		ch.exchanges[peer] = x
	}
	out, err := ch.c.RequestPeer(peer)
	if err != nil {
		ch.fail(peer, x, fmt.Sprintf("cannot start a key exchange: %v", err))
		return nil
	}
	x.since, x.keyed, x.failed, x.sent = ch.now(), false, "", map[string]bool{}
	ch.asked = append(ch.asked, peer)
	if len(out.Messages) > 0 {
		ch.request = ch.label(out.Messages[0])
	}
	ch.note("starting a secure session with %s…", peer)
	return ch.emit(out)
}

// fail records why the attempt with peer failed and says so.
func (ch *chat) fail(peer string, x *exchange, why string) {
	x.failed = why
	if len(x.lines) > 0 {
		ch.note("%s: %s; %d %s waiting: type to %s or /to %s to try again, /drop to discard", peer, why,
			len(x.lines), plural(len(x.lines), "line", "lines"), peer, peer)
		return
	}
	ch.note("%s: %s", peer, why)
}

// expire fails every attempt that has taken longer than the timeout.
func (ch *chat) expire() {
	for _, peer := range sortedKeys(ch.exchanges) {
		x := ch.exchanges[peer]
		if x.failed != "" || ch.now().Sub(x.since) < ch.timeout {
			continue
		}
		who := "the server"
		if x.keyed {
			who = peer + "'s client"
		}
		ch.fail(peer, x, fmt.Sprintf("no secure session after %s: %s did not answer", ch.timeout, who))
	}
}

// drop discards the lines waiting for the current peer.
func (ch *chat) drop() {
	x := ch.exchanges[ch.peer]
	if x == nil || len(x.lines) == 0 {
		ch.note("no lines waiting")
		return
	}
	ch.note("%s: %d %s discarded", ch.peer, len(x.lines), plural(len(x.lines), "line", "lines"))
	x.lines = nil
}

// leave says which lines were never sent.
func (ch *chat) leave() {
	for _, peer := range sortedKeys(ch.exchanges) {
		if n := len(ch.exchanges[peer].lines); n > 0 {
			ch.note("%s: %d %s never sent (no secure session)", peer, n, plural(n, "line", "lines"))
		}
	}
}

func (ch *chat) age(x *exchange) string {
	return ch.now().Sub(x.since).Truncate(time.Second).String()
}

func waiting(x *exchange) string {
	if len(x.lines) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d waiting)", len(x.lines))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (ch *chat) send(peer, text string) error {
	out, err := ch.c.Send(peer, []byte(text))
	if err != nil {
		ch.note("not sent: %v", err)
		return nil
	}
	ch.lastSent[peer] = ch.now()
	for _, m := range out.Messages {
		ch.lineLabels[ch.label(m)] = true
	}
	return ch.emit(out)
}

// ended forgets the session with a peer who left: its login, and the
// session keys of its client, ended with its connection.
func (ch *chat) ended(peer, why string) {
	delete(ch.established, peer)
	delete(ch.lastSent, peer)
	ch.exchanges[peer] = &exchange{failed: peer + " left"}
	ch.note("%s: %s; the secure session with %s has ended: the next line to %s, or /to %s, starts a new one", peer, why, peer, peer, peer)
}

// label is what an alert frame about m names it: the label of its type
// byte (an IMKE message relayed in a 4.2 is a 4.2).
func (ch *chat) label(m role.Message) string {
	if ch.conn != nil && ch.conn.Label != nil && len(m.Bytes) > 0 {
		if l := ch.conn.Label(m.Bytes[0]); l != "" {
			return l
		}
	}
	return m.Label
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
	for _, m := range out.Messages {
		if x := ch.exchanges[m.To]; x != nil && x.sent != nil {
			x.sent[ch.label(m)] = true
		}
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
	case role.KeyExchangeStarted:
		// The server answered a request for e.Peer with its key.
		if i := slices.Index(ch.asked, e.Peer); i >= 0 {
			ch.asked = slices.Delete(ch.asked, i, i+1)
		}
		if x := ch.exchanges[e.Peer]; x != nil {
			x.keyed = true
		}
	case role.SessionKeyEstablished:
		if e.Peer == ch.server || ch.established[e.Peer] {
			return nil
		}
		ch.established[e.Peer] = true
		ch.note("secure session with %s", e.Peer)
		if ch.peer == "" {
			ch.peer = e.Peer
		}
		var queued []string
		if x := ch.exchanges[e.Peer]; x != nil {
			queued = x.lines
			delete(ch.exchanges, e.Peer)
		}
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

// blame is the peer an alert frame is about, or "" when it cannot be
// told. The server answers one connection's frames in order, so a refused
// peer request is about the oldest request it has not answered. Other
// frames it answers only when it refuses them, so a refused message to a
// peer (SIMP E4, IMKE c1, a chat line) is put down to the one peer that
// can have been sent such a message lately: a key exchange in flight that
// sent one, or a peer with a session that was sent a line within the
// timeout. Under IMKE's --relay both travel as 4.2, the request's label.
// request says the alert is about a peer request.
func (ch *chat) blame(a *netio.ServerAlert) (peer string, request bool) {
	if a.Label == "" {
		return "", false
	}
	if a.Label == ch.request && len(ch.asked) > 0 {
		peer := ch.asked[0]
		ch.asked = ch.asked[1:]
		return peer, true
	}
	var found []string
	for _, peer := range sortedKeys(ch.exchanges) {
		x := ch.exchanges[peer]
		if x.failed == "" && x.keyed && (x.sent[a.Label] || a.Label == ch.request) {
			found = append(found, peer)
		}
	}
	if ch.lineLabels[a.Label] {
		for _, peer := range sortedKeys(ch.lastSent) {
			if ch.established[peer] && ch.now().Sub(ch.lastSent[peer]) <= ch.timeout {
				found = append(found, peer)
			}
		}
	}
	if len(found) == 1 {
		return found[0], false
	}
	return "", false
}

func (ch *chat) frame(f netio.Frame) error {
	if f.Alert != nil {
		msg := explainAlert(f.Alert)
		peer, request := ch.blame(f.Alert)
		switch x := ch.exchanges[peer]; {
		case ch.established[peer]:
			if !request {
				ch.ended(peer, msg)
				return nil
			}
			ch.note("%s: %s", peer, msg)
		case x != nil:
			ch.fail(peer, x, msg)
		case peer != "":
			ch.note("%s: %s", peer, msg)
		default:
			ch.note("%s", msg)
		}
		return nil
	}
	out, err := ch.c.Handle(f.From, f.Payload)
	if err != nil {
		msg := fmt.Sprintf("rejected a message from %s: %v", f.From, err)
		if x := ch.exchanges[f.From]; f.From != ch.server && !ch.established[f.From] && (x == nil || x.failed != "") {
			// Likely a session from this user's earlier login, which
			// ended with it: only a new key exchange mends it.
			msg += fmt.Sprintf(" (no secure session with %s here; /to %s starts a new one)", f.From, f.From)
		}
		ch.note("%s", msg)
		return nil
	}
	return ch.emit(ch.unasked(out))
}

// unasked drops the key transport a role starts on its own when the
// server hands it a peer's key this user did not ask for now: a request
// the server refused leaves the role waiting for the key (an alert frame
// changes no protocol state, spec/wire.md §5), and IMKE's b2 (the peer's
// request answered) looks like b1 (this user's). Sent, it would cross the
// c1 of the peer who asked, and neither exchange would finish; dropped,
// this user answers the peer's c1 as the responder.
func (ch *chat) unasked(out role.Output) role.Output {
	for _, e := range out.Events {
		if e.Kind == role.KeyExchangeStarted && !slices.Contains(ch.asked, e.Peer) {
			out.Messages = nil
			out.Events = slices.DeleteFunc(slices.Clone(out.Events), func(e role.Event) bool { return e.Kind == role.KeyExchangeStarted })
			return out
		}
	}
	return out
}
