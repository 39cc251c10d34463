package conformance

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// ShimVersion is the shim protocol version of docs/spec/shim.md.
const ShimVersion = 1

// ExitUnimplemented is the exit status with which a shim says it does not
// implement the case in progress (docs/spec/shim.md §5).
const ExitUnimplemented = 89

// Response statuses (docs/spec/shim.md §3).
const (
	statusOK          = "ok"
	statusAlert       = "alert"
	statusUnsupported = "unsupported"
	statusError       = "error"
)

// shimRequest is one request line (docs/spec/shim.md §3).
type shimRequest struct {
	ID      int64       `json:"id"`
	Op      string      `json:"op"`
	Version int         `json:"version,omitempty"`
	Handle  string      `json:"handle,omitempty"`
	Party   string      `json:"party,omitempty"`
	Setup   *shimSetup  `json:"setup,omitempty"`
	Action  *shimAction `json:"action,omitempty"`
	From    string      `json:"from,omitempty"`
	Message *string     `json:"message,omitempty"` // present (maybe "") for handle
	State   *string     `json:"state,omitempty"`   // restart: an earlier snapshot
}

// shimResponse is one response line.
type shimResponse struct {
	ID           int64        `json:"id"`
	Status       string       `json:"status"`
	Version      int          `json:"version,omitempty"`
	Name         string       `json:"name,omitempty"`
	Capabilities Capabilities `json:"capabilities,omitempty"`
	Output       *shimOutput  `json:"output,omitempty"`
	Alert        *shimAlert   `json:"alert,omitempty"`
	Reason       string       `json:"reason,omitempty"`
	State        *string      `json:"state,omitempty"` // snapshot
}

type shimSetup struct {
	Protocol string            `json:"protocol"`
	Suite    string            `json:"suite"`
	Variant  string            `json:"variant"`
	Seed     string            `json:"seed"`
	Server   string            `json:"server"`
	Users    []string          `json:"users"`
	Options  map[string]string `json:"options"`
}

type shimAction struct {
	Verb  string `json:"verb"`
	Peer  string `json:"peer,omitempty"`
	Body  string `json:"body,omitempty"`
	Relay bool   `json:"relay,omitempty"`
}

type shimOutput struct {
	Messages []shimMessage `json:"messages"`
	Events   []shimEvent   `json:"events"`
}

type shimMessage struct {
	To    string `json:"to"`
	Label string `json:"label,omitempty"`
	Bytes string `json:"bytes"`
}

type shimEvent struct {
	Kind  string `json:"kind"`
	Peer  string `json:"peer,omitempty"`
	Index uint64 `json:"index,omitempty"`
	Body  string `json:"body,omitempty"`
	Key   string `json:"key,omitempty"`
	Note  string `json:"note,omitempty"`
}

type shimAlert struct {
	Class  string `json:"class"`
	Reason string `json:"reason,omitempty"`
}

// decodeStrict parses one JSON object: unknown fields and trailing data are
// errors.
func decodeStrict(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("conformance: trailing data after the object")
	}
	return nil
}

// parseHex decodes a lowercase hex field.
func parseHex(field, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("conformance: %s is not lowercase hex", field)
		}
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("conformance: %s: %v", field, err)
	}
	return b, nil
}

// ParseShimRequest parses and checks one request line.
func ParseShimRequest(line []byte) (*shimRequest, error) {
	var r shimRequest
	if err := decodeStrict(line, &r); err != nil {
		return nil, fmt.Errorf("conformance: shim request: %s", detail(err))
	}
	if r.ID <= 0 {
		return &r, errors.New("conformance: shim request: id must be a positive integer")
	}
	var need []string
	switch r.Op {
	case "hello":
		if r.Version <= 0 {
			need = append(need, "version")
		}
	case "new-party":
		if r.Handle == "" || r.Party == "" || r.Setup == nil {
			need = append(need, "handle, party, setup")
		}
	case "act":
		if r.Handle == "" || r.Action == nil || r.Action.Verb == "" {
			need = append(need, "handle, action.verb")
		}
	case "handle":
		if r.Handle == "" || r.From == "" || r.Message == nil {
			need = append(need, "handle, from, message")
		}
	case "snapshot", "restart":
		if r.Handle == "" {
			need = append(need, "handle")
		}
	case "reset", "bye":
	default:
		return &r, fmt.Errorf("conformance: shim request: unknown op %q", r.Op)
	}
	if len(need) > 0 {
		return &r, fmt.Errorf("conformance: shim request %s: missing %v", r.Op, need)
	}
	if r.State != nil && r.Op != "restart" {
		return &r, fmt.Errorf("conformance: shim request %s: state belongs to restart only", r.Op)
	}
	return &r, nil
}

// ParseShimResponse parses one response line to a request with the given
// id and op, and checks it.
func ParseShimResponse(line []byte, id int64, op string) (*shimResponse, error) {
	var r shimResponse
	if err := decodeStrict(line, &r); err != nil {
		return nil, fmt.Errorf("conformance: not a valid response: %s", detail(err))
	}
	if r.ID != id {
		return nil, fmt.Errorf("conformance: answered id %d, want %d", r.ID, id)
	}
	switch r.Status {
	case statusOK:
		if op == "hello" && r.Version <= 0 {
			return nil, errors.New("conformance: hello: version is required")
		}
		if op == "hello" && len(r.Capabilities) == 0 {
			return nil, errors.New("conformance: hello: it advertises no capabilities: there would be nothing to test")
		}
		if op == "snapshot" && r.State == nil {
			return nil, errors.New("conformance: snapshot: state is required")
		}
		if op != "snapshot" && r.State != nil {
			return nil, fmt.Errorf("conformance: %s: state belongs to the answer to snapshot only", op)
		}
	case statusAlert:
		if op != "act" && op != "handle" {
			return nil, fmt.Errorf("conformance: status alert is not valid for %s", op)
		}
		if r.Alert == nil {
			return nil, errors.New("conformance: status alert without an alert")
		}
		if _, err := role.ParseAlertClass(r.Alert.Class); err != nil {
			return nil, err
		}
	case statusUnsupported:
	case statusError:
		if r.Reason == "" {
			return nil, errors.New("conformance: status error without a reason")
		}
	default:
		return nil, fmt.Errorf("conformance: unknown status %q", r.Status)
	}
	return &r, nil
}

// encodeSetup renders a harness setup for the shim.
func encodeSetup(s harness.Setup) *shimSetup {
	opts := s.Options
	if opts == nil {
		opts = map[string]string{}
	}
	return &shimSetup{Protocol: s.Protocol, Suite: s.Suite.Name, Variant: s.Variant,
		Seed: hex.EncodeToString(s.Seed), Server: s.Server, Users: s.Users, Options: opts}
}

// decodeSetup parses a setup received by a shim.
func decodeSetup(s *shimSetup) (harness.Setup, error) {
	st, err := suite.ByName(s.Suite)
	if err != nil {
		return harness.Setup{}, err
	}
	seed, err := parseHex("seed", s.Seed)
	if err != nil {
		return harness.Setup{}, err
	}
	if s.Protocol == "" || s.Variant == "" || s.Server == "" || len(s.Users) == 0 {
		return harness.Setup{}, errors.New("conformance: setup needs protocol, variant, server and users")
	}
	return harness.Setup{Protocol: s.Protocol, Suite: st, Variant: s.Variant, Seed: seed,
		Server: s.Server, Users: s.Users, Options: s.Options}, nil
}

func encodeAction(a harness.Action) *shimAction {
	return &shimAction{Verb: string(a.Verb), Peer: a.Peer, Body: hex.EncodeToString(a.Body), Relay: a.Relay}
}

func decodeAction(party string, a *shimAction) (harness.Action, error) {
	body, err := parseHex("action.body", a.Body)
	if err != nil {
		return harness.Action{}, err
	}
	if len(body) == 0 {
		body = nil
	}
	return harness.Action{Party: party, Verb: harness.Verb(a.Verb), Peer: a.Peer, Body: body, Relay: a.Relay}, nil
}

func encodeOutput(o role.Output) *shimOutput {
	out := &shimOutput{Messages: []shimMessage{}, Events: []shimEvent{}}
	for _, m := range o.Messages {
		out.Messages = append(out.Messages, shimMessage{To: m.To, Label: m.Label, Bytes: hex.EncodeToString(m.Bytes)})
	}
	for _, e := range o.Events {
		out.Events = append(out.Events, shimEvent{Kind: e.Kind.String(), Peer: e.Peer, Index: e.Index,
			Body: hex.EncodeToString(e.Body), Key: hex.EncodeToString(e.Key), Note: e.Note})
	}
	return out
}

// decodeOutput parses a shim's output for the party called name.
func decodeOutput(name string, o *shimOutput) (role.Output, error) {
	var out role.Output
	if o == nil {
		return out, nil
	}
	for _, m := range o.Messages {
		b, err := parseHex("message bytes", m.Bytes)
		if err != nil {
			return out, err
		}
		if m.To == "" {
			return out, errors.New("conformance: message without a recipient")
		}
		out.Messages = append(out.Messages, role.Message{From: name, To: m.To, Label: m.Label, Bytes: b})
	}
	for _, e := range o.Events {
		k, err := role.ParseEventKind(e.Kind)
		if err != nil {
			return out, err
		}
		body, err := parseHex("event body", e.Body)
		if err != nil {
			return out, err
		}
		key, err := parseHex("event key", e.Key)
		if err != nil {
			return out, err
		}
		if len(body) == 0 {
			body = nil
		}
		if len(key) == 0 {
			key = nil
		}
		out.Events = append(out.Events, role.Event{Kind: k, Role: name, Peer: e.Peer, Index: e.Index, Body: body, Key: key, Note: e.Note})
	}
	return out, nil
}
