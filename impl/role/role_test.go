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
