package imke

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// world is a test network that records every message and lets a test
// deliver, drop, replay and tamper with messages.
type world struct {
	t       testing.TB
	setup   harness.Setup
	parties map[string]harness.Party
	sent    []role.Message // every message any party produced, in order
	events  []role.Event
	held    []role.Message // messages runUntil stopped before
}

// runUntil starts a and delivers messages until the next one is labelled
// label; that one and the rest are held in w.held.
func (w *world) runUntil(a harness.Action, label string) {
	w.t.Helper()
	queue := w.act(a).Messages
	for len(queue) > 0 {
		m := queue[0]
		if m.Label == label {
			w.held = queue
			return
		}
		queue = queue[1:]
		out, err := w.deliver(m)
		if err != nil {
			w.t.Fatalf("deliver %s: %v", m, err)
		}
		queue = append(queue, out.Messages...)
	}
	w.t.Fatalf("%s never sent %s", a, label)
}

// resume delivers the held messages.
func (w *world) resume() {
	w.t.Helper()
	held := w.held
	w.held = nil
	w.flush(held)
}

func newWorld(t testing.TB, suiteName string, v Variant, users ...string) *world {
	t.Helper()
	s, err := suite.ByName(suiteName)
	if err != nil {
		t.Fatal(err)
	}
	setup := harness.DefaultSetup("imke", s, string(v))
	setup.Options = map[string]string{}
	if len(users) > 0 {
		setup.Users = users
	}
	parties, err := Protocol{}.NewParties(setup)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, setup: setup, parties: parties}
}

func (w *world) client(name string) *Client { return w.parties[name].(*Client) }
func (w *world) server() *Server            { return w.parties[w.setup.Server].(*Server) }

// act starts an action and returns its output without delivering it.
func (w *world) act(a harness.Action) role.Output {
	w.t.Helper()
	out, err := w.parties[a.Party].Act(a)
	if err != nil {
		w.t.Fatalf("%s: %v", a, err)
	}
	w.sent = append(w.sent, out.Messages...)
	w.events = append(w.events, out.Events...)
	return out
}

// do starts an action and delivers everything until quiet; any rejection
// fails the test.
func (w *world) do(a harness.Action) {
	w.t.Helper()
	w.flush(w.act(a).Messages)
}

// flush delivers msgs and everything they cause, in order.
func (w *world) flush(msgs []role.Message) {
	w.t.Helper()
	for len(msgs) > 0 {
		m := msgs[0]
		msgs = msgs[1:]
		out, err := w.deliver(m)
		if err != nil {
			w.t.Fatalf("deliver %s: %v", m, err)
		}
		msgs = append(msgs, out.Messages...)
	}
}

// deliver hands one message to its recipient and records the answer
// (undelivered).
func (w *world) deliver(m role.Message) (role.Output, error) {
	return w.deliverAs(m.To, m.From, m.Bytes)
}

func (w *world) deliverAs(to, from string, b []byte) (role.Output, error) {
	out, err := w.parties[to].Handle(from, b)
	w.sent = append(w.sent, out.Messages...)
	w.events = append(w.events, out.Events...)
	return out, err
}

// last returns the last recorded message with the given label to to.
func (w *world) last(label, to string) role.Message {
	w.t.Helper()
	for i := len(w.sent) - 1; i >= 0; i-- {
		if w.sent[i].Label == label && (to == "" || w.sent[i].To == to) {
			return w.sent[i]
		}
	}
	w.t.Fatalf("no %s to %q recorded", label, to)
	return role.Message{}
}

// loginBoth logs alice and bob in; connect also runs b1/b2 and c1–c3.
func (w *world) loginBoth(connect bool) {
	w.do(harness.Action{Party: "alice", Verb: harness.Login})
	w.do(harness.Action{Party: "bob", Verb: harness.Login})
	if connect {
		w.do(harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"})
	}
}

// eventsOf returns the events of kind k emitted by r, in order.
func (w *world) eventsOf(k role.EventKind, r string) []role.Event {
	var out []role.Event
	for _, e := range w.events {
		if e.Kind == k && e.Role == r {
			out = append(out, e)
		}
	}
	return out
}

// snapshot renders a party's whole protocol state (not its operation
// counter), to check that a rejected message changed nothing.
func snapshot(p harness.Party) string {
	var b strings.Builder
	switch r := p.(type) {
	case *Client:
		fmt.Fprintf(&b, "phase=%d kas=%x ku=%x kr=%p keys=%s seq=%d/%d renewal=%s\n", r.phase, r.kas, r.ku, r.kr, keysString(r.keys), r.sendSeq, r.recvSeq, renewalString(r.renewal))
		ids := make([]string, 0, len(r.peers))
		for id := range r.peers {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			p := r.peers[id]
			fmt.Fprintf(&b, "peer %s key=%x req=%v keys=%s seq=%d/%d relayed=%v", id, p.keyBytes, p.requested, keysString(p.keys), p.sendSeq, p.recvSeq, p.relayed)
			if p.hs != nil {
				fmt.Fprintf(&b, " hs=%v/%x/%x/%x/%v", p.hs.initiator, p.hs.kab, p.hs.ra, p.hs.rb, p.hs.relayed)
			}
			b.WriteString("\n")
		}
	case *Server:
		ids := make([]string, 0, len(r.sessions))
		for id := range r.sessions {
			ids = append(ids, id)
		}
		for id := range r.pending {
			ids = append(ids, "pending "+id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			s := r.sessions[id]
			if p, ok := strings.CutPrefix(id, "pending "); ok {
				s = r.pending[p]
			}
			fmt.Fprintf(&b, "session %s phase=%d ku=%x kas=%x rs=%x keys=%s seq=%d/%d renewal=%s held=%d\n", id, s.phase, s.kuBytes, s.kas, s.rs, keysString(s.keys), s.sendSeq, s.recvSeq, renewalString(s.renewal), len(s.held))
		}
	}
	return b.String()
}

func keysString(k *channelKeys) string {
	if k == nil {
		return "-"
	}
	return fmt.Sprintf("%x/%x", k.enc, k.mac)
}

func renewalString(r *renewal) string {
	if r == nil {
		return "-"
	}
	return fmt.Sprintf("%v/%x/%x", r.initiator, r.secret, r.enc)
}

// flip returns a copy of b with one bit flipped at offset i from the end.
func flip(b []byte, fromEnd int) []byte {
	c := clone(b)
	c[len(c)-1-fromEnd] ^= 0x01
	return c
}
