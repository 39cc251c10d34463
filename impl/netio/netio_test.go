package netio

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/role"
)

// echoServer answers each payload with its upper-case form to the sender
// and rejects payloads that start with "bad".
type echoServer struct{ got []string }

func (s *echoServer) Name() string { return "S" }

func (s *echoServer) Handle(from string, msg []byte) (role.Output, error) {
	if bytes.HasPrefix(msg, []byte("bad")) {
		return role.Output{}, &role.Alert{Protocol: "test", Class: role.DecodeError, Reason: "bad"}
	}
	s.got = append(s.got, from+":"+string(msg))
	var o role.Output
	o.Send(role.Message{From: "S", To: from, Label: "echo", Bytes: bytes.ToUpper(msg)})
	return o, nil
}

// peer accepts every payload as a message and emits MessageAccepted.
type peer struct{ name string }

func (p *peer) Name() string { return p.name }

func (p *peer) Handle(from string, msg []byte) (role.Output, error) {
	if bytes.HasPrefix(msg, []byte("bad")) {
		return role.Output{}, &role.Alert{Protocol: "test", Class: role.DecodeError, Reason: "bad"}
	}
	var o role.Output
	o.Emit(role.Event{Kind: role.MessageAccepted, Role: p.name, Peer: from, Body: msg})
	return o, nil
}

func startServer(t *testing.T, srv role.Role) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- Serve(ctx, ln, srv, ServerOptions{}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func accepted(e role.Event) bool { return e.Kind == role.MessageAccepted }

func TestServerRoleAndRelay(t *testing.T) {
	srv := &echoServer{}
	addr := startServer(t, srv)
	alice, err := Dial(addr, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	bob, err := Dial(addr, "bob")
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()

	// alice → S → alice.
	evs, err := alice.Pump(&peer{"alice"}, role.Output{Messages: []role.Message{{To: "S", Label: "hi", Bytes: []byte("hello")}}}, accepted, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || string(evs[0].Body) != "HELLO" || evs[0].Peer != "S" {
		t.Fatalf("events = %v", evs)
	}
	// bob registers his binding, then alice → bob is relayed with From=alice.
	if _, err := bob.Pump(&peer{"bob"}, role.Output{Messages: []role.Message{{To: "S", Bytes: []byte("x")}}}, accepted, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := alice.Send(role.Message{To: "bob", Label: "E6", Bytes: []byte("for bob")}); err != nil {
		t.Fatal(err)
	}
	var alerts []string
	bob.OnAlert = func(from string, err error) { alerts = append(alerts, err.Error()) }
	if err := alice.Send(role.Message{To: "bob", Bytes: []byte("bad frame")}, role.Message{To: "bob", Bytes: []byte("after")}); err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for len(got) < 2 {
		evs, err := bob.Pump(&peer{"bob"}, role.Output{}, accepted, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			got = append(got, e.Peer+":"+string(e.Body))
		}
	}
	if strings.Join(got, ",") != "alice:for bob,alice:after" {
		t.Fatalf("bob got %v", got)
	}
	if len(alerts) != 1 {
		t.Fatalf("alerts = %v, want one", alerts)
	}
}

func TestPumpTimeout(t *testing.T) {
	addr := startServer(t, &echoServer{})
	c, err := Dial(addr, "carol")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Pump(&peer{"carol"}, role.Output{}, accepted, 50*time.Millisecond)
	if err != ErrTimeout {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestDialRejectsBadName(t *testing.T) {
	if _, err := Dial("127.0.0.1:1", "has space"); err == nil {
		t.Fatal("Dial accepted an identity with a space")
	}
}
