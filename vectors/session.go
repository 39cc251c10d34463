package vectors

import (
	"github.com/imcheck/imcheck/impl/role"
)

// Session vectors (honest transcripts, negative vectors and attack
// transcripts share one shape): a group is one run of a protocol under one
// Setup (docs/spec/harness.md); its tests are the run's steps in order.
//
//   - "action": a user starts an action (register, login, connect, send,
//     renew); sends lists the tcIds of the deliver steps that carry the
//     messages it produced, events what it emitted;
//   - "deliver": an honest message reaches its recipient, who must accept
//     it, send exactly the listed messages and emit exactly the events;
//   - "pending": a message a step sent that the group ends before
//     delivering; nobody handles it;
//   - "inject": a message the network (or an attacker) hands to party; the
//     party must reject it with the alert class given and leave its state
//     as it was, so the run goes on (result "invalid"). An "acceptable"
//     inject is always the last test of its group.

type sessionGroup struct {
	Type         string            `json:"type"` // "SessionTranscript"
	Protocol     string            `json:"protocol"`
	Suite        string            `json:"suite"`
	Variant      string            `json:"variant"`
	Setup        setupJSON         `json:"setup"`
	Provisioning provisioningJSON  `json:"provisioning"`
	Tests        []any             `json:"tests"` // actionStep, deliverStep, injectStep
	Source       *attackSourceJSON `json:"source,omitempty"`
}

type setupJSON struct {
	Seed    Hex               `json:"seed"`
	Server  string            `json:"server"`
	Users   []string          `json:"users"`
	Options map[string]string `json:"options"`
}

type provisioningJSON struct {
	ServerKeySeed   Hex               `json:"serverKeySeed"`
	ServerPublicKey Hex               `json:"serverPublicKey"`
	Passwords       []passwordJSON    `json:"passwords"`
	RandomInputs    []randomInputJSON `json:"randomInputs"`
}

type passwordJSON struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// randomInputJSON is every byte a party drew from its random source in
// the run: the first len(bytes) bytes of Rand(seed, streamLabel).
type randomInputJSON struct {
	Party       string `json:"party"`
	StreamLabel string `json:"streamLabel"`
	Bytes       Hex    `json:"bytes"`
}

type actionJSON struct {
	Verb  string `json:"verb"`
	Peer  string `json:"peer"`
	Body  Hex    `json:"body"`
	Relay bool   `json:"relay"`
}

type eventJSON struct {
	Kind  string `json:"kind"`
	Role  string `json:"role"`
	Peer  string `json:"peer"`
	Index uint64 `json:"index"`
	Body  Hex    `json:"body"`
	Key   Hex    `json:"key"`
	Note  string `json:"note"`
}

type actionStep struct {
	TcID    int         `json:"tcId"`
	Comment string      `json:"comment"`
	Flags   []string    `json:"flags"`
	Kind    string      `json:"kind"` // "action"
	Party   string      `json:"party"`
	Action  actionJSON  `json:"action"`
	Sends   []int       `json:"sends"`
	Events  []eventJSON `json:"events"`
	Result  Result      `json:"result"`
}

type deliverStep struct {
	TcID    int         `json:"tcId"`
	Comment string      `json:"comment"`
	Flags   []string    `json:"flags"`
	Kind    string      `json:"kind"` // "deliver"
	Party   string      `json:"party"`
	From    string      `json:"from"`
	Label   string      `json:"label"`
	Msg     Hex         `json:"msg"`
	Sends   []int       `json:"sends"`
	Events  []eventJSON `json:"events"`
	Result  Result      `json:"result"`
}

// pendingStep is a message a step sent that the group ends before
// delivering (branch groups stop at their injection). Nobody handles it.
type pendingStep struct {
	TcID    int      `json:"tcId"`
	Comment string   `json:"comment"`
	Flags   []string `json:"flags"`
	Kind    string   `json:"kind"` // "pending"
	Party   string   `json:"party"`
	From    string   `json:"from"`
	Label   string   `json:"label"`
	Msg     Hex      `json:"msg"`
	Result  Result   `json:"result"`
}

type injectStep struct {
	TcID     int      `json:"tcId"`
	Comment  string   `json:"comment"`
	Flags    []string `json:"flags"`
	Kind     string   `json:"kind"` // "inject"
	Party    string   `json:"party"`
	From     string   `json:"from"`
	Label    string   `json:"label"` // label of the message it was made from
	Msg      Hex      `json:"msg"`
	Mutation string   `json:"mutation"`
	Alert    string   `json:"alert"` // expected alert class; "" for acceptable
	Result   Result   `json:"result"`
}

// attackSourceJSON names where an attack group comes from.
type attackSourceJSON struct {
	Attack      string `json:"attack"`
	Description string `json:"description"`
}

func eventsJSON(evs []role.Event) []eventJSON {
	out := make([]eventJSON, 0, len(evs))
	for _, e := range evs {
		out = append(out, eventJSON{Kind: e.Kind.String(), Role: e.Role, Peer: e.Peer, Index: e.Index,
			Body: Hex(nonNil(e.Body)), Key: Hex(nonNil(e.Key)), Note: e.Note})
	}
	return out
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
