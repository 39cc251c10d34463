package role

import (
	"encoding/json"
	"fmt"
)

// EventKind names what happened. Events are the ground truth that the
// property oracles, the conformance gate and the vectors read.
type EventKind uint8

const (
	// Registered: a client finished registration with the server (SIMP R2).
	Registered EventKind = iota + 1
	// LoginStarted: a client sent its first login message (running event
	// for the login agreement claim).
	LoginStarted
	// LoginAccepted: a party finished login; Peer is the party it
	// authenticated (the server for a client, the user for the server).
	LoginAccepted
	// PeerKeyAccepted: a client accepted Peer's public key from the server
	// (SIMP E2/E3, IMKE b1/b2). Key holds the accepted public key.
	PeerKeyAccepted
	// KeyExchangeStarted: a client sent the first message of a peer key
	// exchange (running event for the key agreement claim).
	KeyExchangeStarted
	// SessionKeyEstablished: a party holds session keys shared with Peer.
	// Key holds the session secret (ground truth for secrecy oracles).
	SessionKeyEstablished
	// MessageSent: a party protected Body for Peer under index/sequence
	// Index.
	MessageSent
	// MessageAccepted: a party accepted Body from Peer under Index.
	MessageAccepted
	// KeyUsed: a session key with index Index protected one message
	// (SIMP's limited-use keys). Key holds the key.
	KeyUsed
	// KeysRenewed: a party installed renewed keys with Peer (IMKE 4.4/4.5).
	KeysRenewed
	// Disconnected: a party ended the session with Peer after a fatal
	// check failed (e.g. IMKE's "disconnects if they mismatch").
	Disconnected
)

var eventNames = map[EventKind]string{
	Registered:            "registered",
	LoginStarted:          "login-started",
	LoginAccepted:         "login-accepted",
	PeerKeyAccepted:       "peer-key-accepted",
	KeyExchangeStarted:    "key-exchange-started",
	SessionKeyEstablished: "session-key-established",
	MessageSent:           "message-sent",
	MessageAccepted:       "message-accepted",
	KeyUsed:               "key-used",
	KeysRenewed:           "keys-renewed",
	Disconnected:          "disconnected",
}

func (k EventKind) String() string {
	if s, ok := eventNames[k]; ok {
		return s
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// ParseEventKind is the inverse of EventKind.String.
func ParseEventKind(s string) (EventKind, error) {
	for k, n := range eventNames {
		if n == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("role: unknown event kind %q", s)
}

// MarshalText renders the kind by name, so JSON carries "login-accepted".
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText parses a kind by name.
func (k *EventKind) UnmarshalText(b []byte) error {
	v, err := ParseEventKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Event is one typed event emitted by a role.
type Event struct {
	Kind  EventKind `json:"kind"`
	Role  string    `json:"role"`            // the party that emitted it
	Peer  string    `json:"peer,omitempty"`  // the other party, as Role believes
	Index uint64    `json:"index,omitempty"` // SIMP key index j or IMKE sequence number
	Body  []byte    `json:"body,omitempty"`  // message body, for data events
	Key   []byte    `json:"key,omitempty"`   // key material, for key events
	Note  string    `json:"note,omitempty"`  // e.g. "relayed", "initiator"
}

func (e Event) String() string {
	s := fmt.Sprintf("%s: %s", e.Role, e.Kind)
	if e.Peer != "" {
		s += " peer=" + e.Peer
	}
	switch e.Kind {
	case MessageSent, MessageAccepted, KeyUsed:
		s += fmt.Sprintf(" index=%d", e.Index)
	}
	if len(e.Body) > 0 {
		b, _ := json.Marshal(string(e.Body))
		s += " body=" + string(b)
	}
	if len(e.Key) > 0 {
		s += " key=" + hexOrEmpty(e.Key)
	}
	if e.Note != "" {
		s += " (" + e.Note + ")"
	}
	return s
}
