package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/store"
	"github.com/imcheck/imcheck/impl/suite"
)

// waitForN polls until buf contains want at least n times or fails the
// test after 20 s.
func waitForN(t *testing.T, buf *lockedBuf, want string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(buf.String(), want) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%q fewer than %d times in:\n%s", want, n, buf)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// silentPeer logs user in (registering first under SIMP) on a connection
// of its own and then reads nothing more, so that a key exchange with it
// gets the server's answer and never the peer's.
func silentPeer(t *testing.T, proto, addr, user string) {
	t.Helper()
	st, _ := suite.ByName("modern")
	var server string
	if proto == "simp" {
		server = simp.DefaultServerID
	} else {
		server = imke.DefaultServer
	}
	conn, err := netio.DialWith(netio.DialConfig{Addr: addr, Name: user, Server: server})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if proto == "simp" {
		key, err := memrun.ServerKey(st, 1)
		if err != nil {
			t.Fatal(err)
		}
		c, err := simp.NewClient(simp.ClientConfig{Suite: st, Variant: simp.Hardened, ID: user, Server: server,
			ServerKey: key.Public(), Password: memrun.Password(1, user), M: 64, Rounds: simp.DefaultRounds})
		if err != nil {
			t.Fatal(err)
		}
		conn.Label = simp.Label
		s := &simpSession{c: c, conn: conn, wait: 10 * time.Second, out: io.Discard, err: io.Discard}
		if err := s.start(true); err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		return
	}
	pub, err := imkeServerKey(st, 1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := imke.NewClient(imke.ClientConfig{Suite: st, Variant: imke.Hardened, Identity: user, Password: []byte("pw-" + user),
		Storage: imke.StorePassword, ServerKey: pub, Relay: true})
	if err != nil {
		t.Fatal(err)
	}
	conn.Label = imke.Label
	if err := loginIMKE(c, conn, 10*time.Second, io.Discard, io.Discard); err != nil {
		t.Fatalf("%s: %v", user, err)
	}
}

// TestChatExchangeInFlight drives the chat's line loop through a pipe
// while key exchanges fail and hang, for both protocols. Each peer's
// exchange is followed on its own: a refused request is put down to the
// peer it asked for even with another request behind it; a line typed
// while an exchange is in flight is queued and the user told so; an
// exchange the peer never answers fails after the client's wait; a line
// typed to a peer whose exchange failed tries again, and once the peer
// is there every kept line arrives, in order; /drop discards the kept
// lines and /quit names those never sent.
func TestChatExchangeInFlight(t *testing.T) {
	for _, proto := range []string{"simp", "imke"} {
		t.Run(proto, func(t *testing.T) {
			var addr string
			var srvLog *lockedBuf
			var common []string
			var loggedIn func(user string) string
			users := []string{"alice", "bob", "carol"}
			if proto == "simp" {
				addr, srvLog, _ = simpTestServer(t, "hardened", store.Memory)
				common = []string{"--server", addr, "--suite", "modern", "--variant", "hardened", "--state", t.TempDir(),
					"--m", "64", "--register", "--wait", "2s"}
				loggedIn = func(u string) string { return u + ": login-accepted S" }
			} else {
				accounts := userList{}
				for _, u := range append(users, "erin") {
					accounts[u] = "pw-" + u
				}
				addr, srvLog, _ = imkeTestServer(t, imke.Hardened, imke.StorePassword, accounts)
				common = []string{"--server", addr, "--suite", "modern", "--variant", "hardened", "--relay", "--timeout", "2s"}
				loggedIn = func(u string) string { return "logged in as " + u }
			}
			as := func(u string) []string {
				args := append([]string{"--user", u}, common...)
				if proto == "imke" {
					args = append(args, "--password", "pw-"+u)
				}
				return args
			}
			silentPeer(t, proto, addr, "bob")
			alice := startChatter(proto, as("alice")...)
			waitFor(t, alice.out, loggedIn("alice"))

			// Two requests in flight: carol is not logged in, bob is.
			// Typed at once, so that all of it comes well within the wait.
			alice.say(t, "/to carol")
			alice.say(t, "/to bob")
			alice.say(t, "anyone there?")
			alice.say(t, "/to bob")
			waitFor(t, alice.out, "* carol: that user is not logged in\n")
			waitFor(t, alice.out, "* bob: the secure session is still being set up (")
			waitFor(t, alice.out, "line queued (1 waiting), sent once it is up")
			waitForN(t, alice.out, "* bob: the secure session is still being set up (", 2)
			waitFor(t, alice.out, " so far); 1 line waiting\n")
			waitFor(t, alice.out, "* bob: no secure session after 2s: bob's client did not answer; 1 line waiting: type to bob or /to bob to try again, /drop to discard\n")
			if strings.Contains(alice.out.String(), "bob: that user is not logged in") {
				t.Fatalf("carol's refusal was put down to bob:\n%s", alice.out)
			}
			if n := strings.Count(alice.out.String(), "starting a secure session with bob"); n != 1 {
				t.Fatalf("%d requests for bob while one was in flight:\n%s", n, alice.out)
			}

			// carol's failed: a line typed to her tries again and is kept.
			alice.say(t, "/to carol")
			waitForN(t, alice.out, "* carol: that user is not logged in\n", 2)
			alice.say(t, "hello carol")
			waitFor(t, alice.out, "* carol: no secure session (that user is not logged in); line queued (1 waiting), trying again\n")
			waitFor(t, alice.out, "* carol: that user is not logged in; 1 line waiting: type to carol or /to carol to try again, /drop to discard\n")
			carol := startChatter(proto, as("carol")...)
			waitFor(t, carol.out, loggedIn("carol"))
			alice.say(t, "are you there now?")
			waitFor(t, alice.out, "line queued (2 waiting), trying again")
			waitFor(t, alice.out, "* secure session with carol\n")
			waitFor(t, carol.out, "alice: hello carol\nalice: are you there now?\n")
			alice.say(t, strings.Repeat("x", 70<<10))
			waitFor(t, alice.out, "* line not sent: longer than 64 KiB\n")
			alice.say(t, "direct")
			waitFor(t, carol.out, "alice: direct\n")

			// bob's line is still kept; /to bob tries again; /drop discards it.
			alice.say(t, "/to bob")
			waitForN(t, alice.out, "starting a secure session with bob", 2)
			alice.say(t, "/drop")
			waitFor(t, alice.out, "* bob: 1 line discarded\n")
			alice.say(t, "/drop")
			waitFor(t, alice.out, "* no lines waiting\n")
			waitForN(t, alice.out, "* bob: no secure session after 2s: bob's client did not answer", 2)

			// A line kept for a user who never comes is named at the end.
			alice.say(t, "/to erin")
			waitFor(t, alice.out, "* erin: that user is not logged in\n")
			alice.say(t, "later, erin")
			waitFor(t, alice.out, "* erin: that user is not logged in; 1 line waiting")
			// carol leaves: the line that finds her gone ends the session,
			// and the next one tries a new key exchange.
			carol.quit(t)
			waitFor(t, srvLog, "msg=disconnected user=carol")
			alice.say(t, "/to carol")
			waitFor(t, alice.out, "* talking to carol\n")
			alice.say(t, "still there?")
			// SIMP's E6 is relayed by the connections; IMKE's 4.7 goes through
			// the server role here (--relay), which knows who is logged in.
			gone := map[string]string{"simp": "not delivered: the recipient is not connected", "imke": "that user is not logged in"}[proto]
			waitFor(t, alice.out, "* carol: "+gone+"; the secure session with carol has ended: the next line to carol, or /to carol, starts a new one\n")
			alice.say(t, "again?")
			waitFor(t, alice.out, "* carol: no secure session (carol left); line queued (1 waiting), trying again\n")
			waitForN(t, alice.out, "* carol: that user is not logged in; 1 line waiting", 2)
			// carol comes back and starts the session: the kept line arrives.
			again := startChatter(proto, slices.DeleteFunc(as("carol"), func(a string) bool { return a == "--register" })...)
			waitFor(t, again.out, loggedIn("carol"))
			again.say(t, "/to alice")
			waitFor(t, again.out, "* secure session with alice\n")
			waitForN(t, alice.out, "* secure session with carol\n", 2)
			waitFor(t, again.out, "alice: again?\n")

			alice.quit(t)
			out := alice.out.String()
			if !strings.Contains(out, "* erin: 1 line never sent (no secure session)\n") || strings.Contains(out, "bob: 1 line never sent") || strings.Contains(out, "carol: 1 line never sent") {
				t.Fatalf("at /quit:\n%s", out)
			}
			again.quit(t)
			if strings.Contains(again.out.String(), "still there?") {
				t.Fatalf("carol got a line sent while she was away:\n%s", again.out)
			}
			for _, l := range []string{"anyone there?", "later, erin", "still there?", "again?"} {
				if strings.Contains(carol.out.String(), l) {
					t.Fatalf("carol got %q:\n%s", l, carol.out)
				}
			}
			if strings.Contains(carol.out.String(), "xxxx") {
				t.Fatal("carol got the line that was too long")
			}
			if n := strings.Count(carol.out.String(), "alice: "); n != 3 {
				t.Fatalf("carol got %d lines from alice, want 3:\n%s", n, carol.out)
			}
		})
	}
}

func TestReadLine(t *testing.T) {
	long := strings.Repeat("y", 20)
	for _, c := range []struct {
		name, in string
		want     []string
	}{
		{"lines", "a\nbc\n\nd\n", []string{"a", "bc", "", "d"}},
		{"last without newline", "a\nbc", []string{"a", "bc"}},
		{"at the limit", strings.Repeat("y", 16) + "\nz\n", []string{strings.Repeat("y", 16), "z"}},
		{"one over", strings.Repeat("y", 17) + "\nz\n", []string{tooLong, "z"}},
		{"long, across buffers", long + long + "\nz\n", []string{tooLong, "z"}},
		{"long at the end", long + long, []string{tooLong}},
		{"empty", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := bufio.NewReaderSize(strings.NewReader(c.in), 16)
			var got []string
			for {
				l, err := readLine(r, 16)
				if err != nil && l == "" {
					break
				}
				got = append(got, l)
				if err != nil {
					break
				}
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("lines %q, want %q", got, c.want)
			}
		})
	}
}

// nameOnly is a chat client for tests of the chat's bookkeeping alone.
type nameOnly struct{ name string }

func (n nameOnly) Name() string { return n.name }
func (n nameOnly) Handle(string, []byte) (role.Output, error) {
	return role.Output{}, errors.New("main: not expected")
}
func (n nameOnly) RequestPeer(string) (role.Output, error) {
	return role.Output{}, errors.New("main: not expected")
}
func (n nameOnly) Send(string, []byte) (role.Output, error) {
	return role.Output{}, errors.New("main: not expected")
}

// TestChatAlertPeer: which exchange an alert frame is put down to. A
// refused request goes to the oldest request not answered; a message to a
// peer refused goes to the one exchange in flight that sent one, and to
// none when two did.
func TestChatAlertPeer(t *testing.T) {
	inFlight := func(keyed bool, sent ...string) *exchange {
		x := &exchange{since: time.Unix(0, 0), keyed: keyed, sent: map[string]bool{}, lines: []string{"hi"}}
		for _, l := range sent {
			x.sent[l] = true
		}
		return x
	}
	for _, c := range []struct {
		name      string
		exchanges map[string]*exchange
		asked     []string
		sessions  []string // peers with a session, sent a line just now
		alert     netio.ServerAlert
		want      string // the note
		failed    string // the exchange that failed, if one did
	}{
		{"request, oldest first", map[string]*exchange{"carol": inFlight(false), "dave": inFlight(false)}, []string{"dave", "carol"}, []string{"erin"},
			netio.ServerAlert{Code: netio.CodeOf(role.UnknownPeer), Label: "E1"},
			"* dave: that user is not logged in; 1 line waiting: type to dave or /to dave to try again, /drop to discard\n", "dave"},
		{"a peer left", map[string]*exchange{"bob": inFlight(true, "E4"), "carol": inFlight(false)}, []string{"carol"}, []string{"erin"},
			netio.ServerAlert{Code: netio.Offline, Label: "E4"},
			"* bob: not delivered: the recipient is not connected; 1 line waiting: type to bob or /to bob to try again, /drop to discard\n", "bob"},
		{"two could have", map[string]*exchange{"bob": inFlight(true, "E4"), "carol": inFlight(true, "E4")}, nil, nil,
			netio.ServerAlert{Code: netio.Offline, Label: "E4"},
			"* not delivered: the recipient is not connected\n", ""},
		{"the request label, no request outstanding (as IMKE relays in 4.2)", map[string]*exchange{"bob": inFlight(true)}, nil, nil,
			netio.ServerAlert{Code: netio.CodeOf(role.UnknownPeer), Label: "E1"},
			"* bob: that user is not logged in; 1 line waiting: type to bob or /to bob to try again, /drop to discard\n", "bob"},
		{"no label", map[string]*exchange{"bob": inFlight(true, "E4")}, nil, []string{"erin"},
			netio.ServerAlert{Code: netio.Offline},
			"* not delivered: the recipient is not connected\n", ""},
		{"a line to a peer who left", map[string]*exchange{"bob": inFlight(true, "E4")}, nil, []string{"erin"},
			netio.ServerAlert{Code: netio.Offline, Label: "E6"},
			"* erin: not delivered: the recipient is not connected; the secure session with erin has ended: the next line to erin, or /to erin, starts a new one\n", "erin"},
		{"lines to two peers", nil, nil, []string{"erin", "frank"},
			netio.ServerAlert{Code: netio.Offline, Label: "E6"},
			"* not delivered: the recipient is not connected\n", ""},
		{"a line and a relayed exchange (IMKE's --relay)", map[string]*exchange{"bob": inFlight(true)}, nil, []string{"erin"},
			netio.ServerAlert{Code: netio.CodeOf(role.UnknownPeer), Label: "E1"},
			"* that user is not logged in\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			ch := newChat(nameOnly{"alice"}, nil, "S", &out, false, nil, time.Second)
			ch.exchanges, ch.asked, ch.request = c.exchanges, c.asked, "E1"
			if ch.exchanges == nil {
				ch.exchanges = map[string]*exchange{}
			}
			now := time.Unix(100, 0)
			ch.now = func() time.Time { return now }
			ch.lineLabels = map[string]bool{"E6": true, "E1": true}
			for _, p := range c.sessions {
				ch.established[p], ch.lastSent[p] = true, now
			}
			alert := c.alert
			if err := ch.frame(netio.Frame{From: "S", Alert: &alert}); err != nil {
				t.Fatal(err)
			}
			if out.String() != c.want {
				t.Fatalf("note %q, want %q", out.String(), c.want)
			}
			for peer, x := range ch.exchanges {
				if failed := x.failed != ""; failed != (peer == c.failed) {
					t.Fatalf("%s failed %v (%q), want only %q to fail", peer, failed, x.failed, c.failed)
				}
			}
			for _, p := range c.sessions {
				if ch.established[p] == (p == c.failed) {
					t.Fatalf("session with %s: %v, want it ended only if %q", p, ch.established[p], c.failed)
				}
			}
		})
	}
}

// TestChatExpire: an exchange fails once it has taken the timeout, said
// once, naming who did not answer.
func TestChatExpire(t *testing.T) {
	t0 := time.Unix(1000, 0)
	now := t0.Add(10 * time.Second)
	var out strings.Builder
	ch := newChat(nameOnly{"alice"}, nil, "S", &out, false, nil, 10*time.Second)
	ch.now = func() time.Time { return now }
	ch.exchanges = map[string]*exchange{
		"bob":   {since: t0, keyed: true},
		"carol": {since: t0, lines: []string{"hi", "there"}},
		"dave":  {since: t0.Add(5 * time.Second)},
		"erin":  {since: t0, failed: "that user is not logged in"},
	}
	ch.expire()
	ch.expire()
	want := "* bob: no secure session after 10s: bob's client did not answer\n" +
		"* carol: no secure session after 10s: the server did not answer; 2 lines waiting: type to carol or /to carol to try again, /drop to discard\n"
	if out.String() != want {
		t.Fatalf("notes %q, want %q", out.String(), want)
	}
	if ch.exchanges["dave"].failed != "" || ch.exchanges["erin"].failed != "that user is not logged in" {
		t.Fatalf("dave %q, erin %q", ch.exchanges["dave"].failed, ch.exchanges["erin"].failed)
	}
}

// TestChatRejectedHint: a message from a user without a session here (its
// session is from this user's earlier login) is rejected with how to mend
// it; one from the server or from a peer with a session is not.
func TestChatRejectedHint(t *testing.T) {
	for _, c := range []struct {
		from string
		hint bool
	}{{"bob", true}, {"S", false}, {"carol", false}} {
		var out strings.Builder
		ch := newChat(nameOnly{"alice"}, nil, "S", &out, false, nil, time.Second)
		ch.established["carol"] = true
		if err := ch.frame(netio.Frame{From: c.from, Payload: []byte{0x16}}); err != nil {
			t.Fatal(err)
		}
		hint := fmt.Sprintf("(no secure session with %s here; /to %s starts a new one)", c.from, c.from)
		if !strings.HasPrefix(out.String(), "* rejected a message from "+c.from+": main: not expected") || strings.Contains(out.String(), hint) != c.hint {
			t.Errorf("from %s: %q, hint %v", c.from, out.String(), c.hint)
		}
	}
}

// TestChatUnasked: a key transport the role starts for a peer this user
// has no request out for is not sent; one answering a request is.
func TestChatUnasked(t *testing.T) {
	out := role.Output{Messages: []role.Message{{To: "carol", Label: "c1", Bytes: []byte{0x28}}},
		Events: []role.Event{{Kind: role.PeerKeyAccepted, Peer: "carol"}, {Kind: role.KeyExchangeStarted, Peer: "carol"}}}
	ch := newChat(nameOnly{"alice"}, nil, "S", io.Discard, false, nil, time.Second)
	if got := ch.unasked(out); len(got.Messages) != 0 || len(got.Events) != 1 || got.Events[0].Kind != role.PeerKeyAccepted {
		t.Fatalf("not asked: %+v", got)
	}
	if len(out.Events) != 2 {
		t.Fatal("the role's output was changed in place")
	}
	ch.asked = []string{"bob", "carol"}
	if got := ch.unasked(out); len(got.Messages) != 1 || len(got.Events) != 2 {
		t.Fatalf("asked: %+v", got)
	}
}
