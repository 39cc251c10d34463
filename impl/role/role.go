package role

import (
	"encoding/hex"
	"fmt"
)

// Role is a protocol participant driven by its caller.
type Role interface {
	// Name is the party's identity, e.g. "alice" or "S".
	Name() string
	// Handle processes one message that the network claims came from
	// from. On error the role's state is unchanged and the error is an
	// *Alert.
	Handle(from string, msg []byte) (Output, error)
}

// Message is one protocol message on its way through the network.
type Message struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Label string `json:"label"` // the paper's label, e.g. "E6" or "c1"
	Bytes []byte `json:"bytes"`
}

func (m Message) String() string {
	return fmt.Sprintf("%s %s → %s (%d bytes)", m.Label, m.From, m.To, len(m.Bytes))
}

// Output is what a role produces in one step: messages to send and events
// that happened.
type Output struct {
	Messages []Message `json:"messages,omitempty"`
	Events   []Event   `json:"events,omitempty"`
}

// Append adds o2's messages and events to o.
func (o *Output) Append(o2 Output) {
	o.Messages = append(o.Messages, o2.Messages...)
	o.Events = append(o.Events, o2.Events...)
}

// Send adds a message to the output.
func (o *Output) Send(m Message) { o.Messages = append(o.Messages, m) }

// Emit adds an event to the output.
func (o *Output) Emit(e Event) { o.Events = append(o.Events, e) }

// hexOrEmpty renders b for transcripts, shortened when long.
func hexOrEmpty(b []byte) string {
	if len(b) == 0 {
		return "-"
	}
	if len(b) > 16 {
		return hex.EncodeToString(b[:16]) + "…"
	}
	return hex.EncodeToString(b)
}
