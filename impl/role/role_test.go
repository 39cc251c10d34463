package role

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestAlertMatching(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &Alert{Protocol: "simp", Class: BadMAC, Label: "E6", Reason: "tag mismatch"})
	if !errors.Is(err, AlertOf(BadMAC)) {
		t.Fatal("errors.Is did not match the class")
	}
	if errors.Is(err, AlertOf(Replay)) {
		t.Fatal("errors.Is matched another class")
	}
	if ClassOf(err) != BadMAC || ClassOf(errors.New("x")) != 0 {
		t.Fatal("ClassOf wrong")
	}
	if got := err.Error(); !strings.Contains(got, "simp: bad_mac on E6: tag mismatch") {
		t.Fatalf("Error() = %q", got)
	}
}

func TestNamesRoundTrip(t *testing.T) {
	for _, c := range AlertClasses() {
		b, _ := json.Marshal(c)
		var back AlertClass
		if err := json.Unmarshal(b, &back); err != nil || back != c {
			t.Errorf("alert %v: %s → %v, %v", c, b, back, err)
		}
	}
	for k := Registered; k <= Disconnected; k++ {
		b, _ := json.Marshal(k)
		var back EventKind
		if err := json.Unmarshal(b, &back); err != nil || back != k {
			t.Errorf("event %v: %s → %v, %v", k, b, back, err)
		}
	}
	var k EventKind
	if err := json.Unmarshal([]byte(`"nope"`), &k); err == nil {
		t.Error("unknown event kind parsed")
	}
}

func TestTranscript(t *testing.T) {
	var tr Transcript
	tr.Add(Step{Message: Message{From: "alice", To: "S", Label: "L1", Bytes: make([]byte, 10)},
		Fields: []Field{{"ID_A", "alice"}},
		Events: []Event{{Kind: LoginAccepted, Role: "S", Peer: "alice"}}})
	tr.Add(Step{Message: Message{From: "mallory", To: "bob", Label: "E6; x", Bytes: nil}, Alert: "replay"})
	var b strings.Builder
	tr.Print(&b)
	for _, want := range []string{"L1     alice → S  (10 bytes)", "ID_A           alice", "S: login-accepted peer=alice", "rejected: replay"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Print lacks %q:\n%s", want, b.String())
		}
	}
	m := tr.Mermaid()
	for _, want := range []string{"sequenceDiagram", "alice->>S: L1 (10 B)", "mallory-xbob: E6, x (0 B)", "Note over bob: rejected: replay"} {
		if !strings.Contains(m, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, m)
		}
	}
}

// relay answers every message by passing it on to next, one byte shorter,
// until it is empty; "bad" is rejected.
type relay struct{ name, next string }

func (r relay) Name() string { return r.name }

func (r relay) Handle(from string, msg []byte) (Output, error) {
	if string(msg) == "bad" {
		return Output{}, &Alert{Protocol: "test", Class: DecodeError, Reason: "bad"}
	}
	if len(msg) <= 1 {
		return Output{}, nil
	}
	return Output{Messages: []Message{{From: r.name, To: r.next, Label: "m", Bytes: msg[1:]}}}, nil
}

func TestNetworkFIFO(t *testing.T) {
	n := NewNetwork(func(b []byte) (string, []Field, error) { return "m", []Field{{"len", fmt.Sprint(len(b))}}, nil },
		relay{"a", "b"}, relay{"b", "a"})
	err := n.Do(func() (Output, error) {
		return Output{Messages: []Message{{From: "a", To: "b", Bytes: []byte("xyz")}, {From: "b", To: "a", Bytes: []byte("pq")}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// breadth first: both first messages, then their answers, in order
	var got []string
	for _, s := range n.Transcript.Steps {
		got = append(got, s.Message.From+">"+s.Message.To+":"+string(s.Message.Bytes)+"/"+s.Fields[0].Value)
	}
	if want := "a>b:xyz/3 b>a:pq/2 b>a:yz/2 a>b:q/1 a>b:z/1"; strings.Join(got, " ") != want {
		t.Fatalf("steps %q, want %q", strings.Join(got, " "), want)
	}
	if err := n.Deliver(Message{From: "a", To: "b", Bytes: []byte("bad")}); ClassOf(err) != DecodeError {
		t.Fatalf("alert not returned: %v", err)
	}
	if last := n.Transcript.Steps[len(n.Transcript.Steps)-1]; last.Alert == "" {
		t.Fatal("the rejected delivery is not recorded with its alert")
	}
	if _, err := n.DeliverOne(Message{To: "nobody"}); err == nil || !strings.HasPrefix(err.Error(), "role: ") {
		t.Fatalf("unknown recipient: %v", err)
	}
}
