package simp

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// script drives an honest session step by step so that a test can hold,
// alter and deliver any one message: A and B register, log in, exchange
// keys, then A sends "m1", B "r1" and A "m2".
type script struct {
	t       *testing.T
	p       *Parties
	queue   []role.Message
	actions []func() (role.Output, error)
}

func newScript(t *testing.T, suiteName string, v Variant) *script {
	t.Helper()
	p, err := NewParties(RunConfig{Suite: suiteName, Variant: v, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	a, b := p.A, p.B
	return &script{t: t, p: p, actions: []func() (role.Output, error){
		a.Register, b.Register, a.Login, b.Login,
		func() (role.Output, error) { return a.RequestPeer(b.Name()) },
		func() (role.Output, error) { return a.Send(b.Name(), []byte("m1")) },
		func() (role.Output, error) { return b.Send(a.Name(), []byte("r1")) },
		func() (role.Output, error) { return a.Send(b.Name(), []byte("m2")) },
	}}
}

func (s *script) pop() (role.Message, bool) {
	for len(s.queue) == 0 {
		if len(s.actions) == 0 {
			return role.Message{}, false
		}
		out, err := s.actions[0]()
		s.actions = s.actions[1:]
		if err != nil {
			s.t.Fatalf("honest action: %v", err)
		}
		s.p.Net.Events = append(s.p.Net.Events, out.Events...)
		s.queue = append(s.queue, out.Messages...)
	}
	m := s.queue[0]
	s.queue = s.queue[1:]
	return m, true
}

func (s *script) deliver(m role.Message) role.Output {
	s.t.Helper()
	out, err := s.p.Net.DeliverOne(m)
	if err != nil {
		s.t.Fatalf("honest delivery of %s: %v", m.Label, err)
	}
	s.queue = append(s.queue, out.Messages...)
	return out
}

// until delivers honestly everything before the nth (0-based) message
// labelled label and returns that message undelivered.
func (s *script) until(label string, nth int) role.Message {
	s.t.Helper()
	for {
		m, ok := s.pop()
		if !ok {
			s.t.Fatalf("no %s #%d in the session", label, nth)
		}
		if m.Label == label {
			if nth == 0 {
				return m
			}
			nth--
		}
		s.deliver(m)
	}
}

// finish delivers the rest and checks that every message of the session was
// accepted: the session carried on.
func (s *script) finish() {
	s.t.Helper()
	for {
		m, ok := s.pop()
		if !ok {
			break
		}
		s.deliver(m)
	}
	got := map[string]bool{}
	for _, e := range s.p.Net.Events {
		if e.Kind == role.MessageAccepted {
			got[e.Role+"<-"+string(e.Body)] = true
		}
	}
	for _, w := range []string{"bob<-m1", "alice<-r1", "bob<-m2"} {
		if !got[w] {
			s.t.Fatalf("session did not carry on: %s not accepted (accepted %v)", w, got)
		}
	}
}

func (s *script) role(name string) role.Role { return s.p.Net.Roles[name] }

// dumpState renders every piece of a role's protocol state, so that a test
// can check that a rejection left it exactly as it was.
func dumpState(r role.Role) string {
	var b strings.Builder
	pub := func(k suite.PublicKey) string {
		if k == nil {
			return "-"
		}
		return fmt.Sprintf("%x", k.Bytes())
	}
	switch r := r.(type) {
	case *Client:
		fmt.Fprintf(&b, "reg=%x ver=%x pw=%x as=%s loggedIn=%v\n", r.registration, r.verifier, r.cfg.Password, dumpKeys(r.as), r.loggedIn)
		if r.login != nil {
			fmt.Fprintf(&b, "login n1=%x j=%d pub=%s\n", r.login.n1, r.login.index, pub(r.login.priv.Public()))
		}
		if r.priv != nil {
			fmt.Fprintf(&b, "priv=%s\n", pub(r.priv.Public()))
		}
		for _, id := range sortedKeys(r.peers) {
			p := r.peers[id]
			fmt.Fprintf(&b, "peer %s pub=%s req=%v init=%v n3=%x sec=%x conf=%v ab=%s\n",
				id, pub(p.pub), p.requested, p.initiator, p.n3, p.secret, p.confirmed, dumpKeys(p.ab))
		}
	case *Server:
		for _, id := range sortedKeys(r.users) {
			a := r.users[id]
			n1 := sortedKeys(a.seenN1)
			fmt.Fprintf(&b, "user %s ver=%x pub=%s in=%v n1=%x as=%s\n", id, a.verifier, pub(a.pub), a.loggedIn, n1, dumpKeys(a.as))
		}
	default:
		return fmt.Sprintf("%T", r)
	}
	return b.String()
}

func dumpKeys(k *keySet) string {
	if k == nil {
		return "-"
	}
	return fmt.Sprintf("{h=%v odd=%v next=%d sent=%d recv=%d keys=%x}", k.hardened, k.sendsOdd, k.next, k.lastSent, k.lastRecv, k.keys)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// expectAlert delivers m to role to (claiming it came from from), checks the
// alert class and that the role's state did not change.
func expectAlert(t *testing.T, s *script, to, from string, msg []byte, want role.AlertClass) {
	t.Helper()
	r := s.role(to)
	before := dumpState(r)
	out, err := r.Handle(from, msg)
	if err == nil {
		t.Fatalf("accepted, want %s (events %v)", want, out.Events)
	}
	var a *role.Alert
	if !asAlert(err, &a) || a.Protocol != "simp" {
		t.Fatalf("error %v is not a simp alert", err)
	}
	if a.Class != want {
		t.Fatalf("alert %v, want class %s", err, want)
	}
	if !strings.HasPrefix(err.Error(), "simp: ") {
		t.Fatalf("error %q does not start with the package name", err)
	}
	if len(out.Messages) != 0 || len(out.Events) != 0 {
		t.Fatalf("a rejection produced output %+v", out)
	}
	if after := dumpState(r); after != before {
		t.Fatalf("rejection changed the state:\nbefore %s\nafter  %s", before, after)
	}
}

// expectAccept delivers msg and checks that it is accepted; it returns the
// output (which the test does not deliver: the adversary holds it).
func expectAccept(t *testing.T, s *script, to, from string, msg []byte) role.Output {
	t.Helper()
	out, err := s.role(to).Handle(from, msg)
	if err != nil {
		t.Fatalf("rejected (%v), want accepted", err)
	}
	s.p.Net.Events = append(s.p.Net.Events, out.Events...)
	return out
}
