package conformance

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// toy is a tiny protocol for testing the gate's machinery independently of
// SIMP and IMKE: T1 (user → S: id, mac), T2 (S → user: mac), T3 (user → S:
// body, mac). Replayed T1 and T3 are rejected.
type toy struct{}

const (
	toyT1 uint8 = 0x7d + iota
	toyT2
	toyT3
)

var toyLabels = map[uint8]string{toyT1: "T1", toyT2: "T2", toyT3: "T3"}

func init() { harness.RegisterProtocol(toy{}) }

func (toy) Name() string       { return "toy" }
func (toy) Variants() []string { return []string{"as-published", "hardened"} }

func (t toy) NewParties(s harness.Setup) (map[string]harness.Party, error) {
	out := map[string]harness.Party{}
	for _, n := range append([]string{s.Server}, s.Users...) {
		p, err := t.NewParty(s, n)
		if err != nil {
			return nil, err
		}
		out[n] = p
	}
	return out, nil
}

func (toy) NewParty(s harness.Setup, name string) (harness.Party, error) {
	return &toyParty{setup: s, name: name, seen: map[string]bool{}}, nil
}

func (toy) Honest(s harness.Setup) []harness.Action {
	return []harness.Action{
		{Party: "alice", Verb: harness.Login},
		{Party: "alice", Verb: harness.Send, Peer: s.Server, Body: []byte("hi")},
	}
}

func (toy) Describe(msg []byte) (string, []role.Field, error) {
	h, err := wire.PeekHeader(msg)
	if err != nil || toyLabels[h.Type] == "" {
		return "", nil, fmt.Errorf("toy: not a toy message")
	}
	return toyLabels[h.Type], nil, nil
}

type toyParty struct {
	setup    harness.Setup
	name     string
	loggedIn bool
	waiting  bool
	seen     map[string]bool
}

func (p *toyParty) Name() string   { return p.name }
func (p *toyParty) Ops() suite.Ops { return suite.Ops{} }
func (p *toyParty) mac(user, label string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(p.setup.Password(user)))
	m.Write(suite.Encode(label, []byte(user), body))
	return m.Sum(nil)
}

func (p *toyParty) alert(c role.AlertClass, label, reason string) error {
	return &role.Alert{Protocol: "toy", Class: c, Label: label, Reason: reason}
}

func (p *toyParty) build(t uint8, user string, body, mac []byte) []byte {
	b := wire.NewBuilder(wire.Header{Type: t, Version: wire.Version, Suite: uint16(p.setup.Suite.ID)})
	wire.AddString8(b, user)
	wire.AddBytes16(b, body)
	b.AddBytes(mac)
	return b.BytesOrPanic()
}

func (p *toyParty) Act(a harness.Action) (role.Output, error) {
	var o role.Output
	switch {
	case a.Verb == harness.Login && !p.loggedIn && !p.waiting:
		p.waiting = true
		o.Send(role.Message{From: p.name, To: p.setup.Server, Label: "T1", Bytes: p.build(toyT1, p.name, nil, p.mac(p.name, "toy T1", nil))})
		o.Emit(role.Event{Kind: role.LoginStarted, Role: p.name, Peer: p.setup.Server})
	case a.Verb == harness.Send && p.loggedIn:
		o.Send(role.Message{From: p.name, To: p.setup.Server, Label: "T3", Bytes: p.build(toyT3, p.name, a.Body, p.mac(p.name, "toy T3", a.Body))})
		o.Emit(role.Event{Kind: role.MessageSent, Role: p.name, Peer: p.setup.Server, Body: a.Body})
	default:
		return o, p.alert(role.UnexpectedMessage, "", "action not possible now")
	}
	return o, nil
}

func (p *toyParty) Handle(from string, msg []byte) (role.Output, error) {
	var o role.Output
	s := cryptobyte.String(msg)
	h, err := wire.ReadHeader(&s)
	if err != nil {
		return o, p.alert(role.DecodeError, "", "short header")
	}
	label := toyLabels[h.Type]
	var user string
	var body, mac []byte
	if label == "" {
		return o, p.alert(role.UnexpectedMessage, "", "unknown type")
	}
	if h.Version != wire.Version {
		return o, p.alert(role.BadVersion, label, "version")
	}
	if h.Suite != uint16(p.setup.Suite.ID) {
		return o, p.alert(role.UnknownSuite, label, "suite")
	}
	var u cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&u) || !s.ReadUint16LengthPrefixed((*cryptobyte.String)(&body)) || !s.ReadBytes(&mac, 32) || !s.Empty() {
		return o, p.alert(role.DecodeError, label, "malformed")
	}
	user = string(u)
	isServer := p.name == p.setup.Server
	switch {
	case isServer && h.Type == toyT1:
		if user != from {
			return o, p.alert(role.WrongIdentity, label, "user is not the sender")
		}
		if !hmac.Equal(mac, p.mac(user, "toy T1", nil)) {
			return o, p.alert(role.BadMAC, label, "mac")
		}
		if p.seen[string(msg)] {
			return o, p.alert(role.Replay, label, "seen")
		}
		p.seen[string(msg)] = true
		o.Emit(role.Event{Kind: role.LoginAccepted, Role: p.name, Peer: user})
		o.Send(role.Message{From: p.name, To: user, Label: "T2", Bytes: p.build(toyT2, user, nil, p.mac(user, "toy T2", nil))})
	case isServer && h.Type == toyT3:
		if !hmac.Equal(mac, p.mac(user, "toy T3", body)) {
			return o, p.alert(role.BadMAC, label, "mac")
		}
		if p.seen[string(msg)] {
			return o, p.alert(role.Replay, label, "seen")
		}
		p.seen[string(msg)] = true
		o.Emit(role.Event{Kind: role.MessageAccepted, Role: p.name, Peer: user, Body: body})
	case !isServer && h.Type == toyT2 && p.waiting:
		if !hmac.Equal(mac, p.mac(p.name, "toy T2", nil)) {
			return o, p.alert(role.BadMAC, label, "mac")
		}
		p.waiting, p.loggedIn = false, true
		o.Emit(role.Event{Kind: role.LoginAccepted, Role: p.name, Peer: from})
	default:
		return o, p.alert(role.UnexpectedMessage, label, "not now")
	}
	return o, nil
}

// toyCases is a small catalogue over the toy protocol.
func toyCases() []Case {
	login := &harness.Action{Party: "alice", Verb: harness.Login}
	send := &harness.Action{Party: "alice", Verb: harness.Send, Peer: "S", Body: []byte("hi")}
	reject := func(c ...role.AlertClass) Outcome { return Outcome{Reject: c} }
	return []Case{
		{ID: "TOY/T1/honest", Clause: "toy §1", Summary: "server accepts an honest login", Protocol: "toy", Party: "S",
			Steps: []Step{{Act: login, Events: []EventPattern{{Kind: role.LoginAccepted, Peer: "alice"}}},
				{Act: send, Events: []EventPattern{{Kind: role.MessageAccepted, Peer: "alice", Body: []byte("hi")}}}}},
		{ID: "TOY/T2/honest", Clause: "toy §1", Summary: "client logs in", Protocol: "toy", Party: "alice",
			Steps: []Step{{Act: login, Events: []EventPattern{{Kind: role.LoginStarted}, {Kind: role.LoginAccepted, Peer: "S"}}}}},
		{ID: "TOY/T1/mac-tampered", Clause: "toy §2", Summary: "bad MAC rejected", Protocol: "toy", Party: "S",
			Steps: []Step{{Act: login, Intercept: &Intercept{Label: "T1", Mutate: FlipLastBit(), Expect: reject(role.BadMAC), Resume: true},
				Events: []EventPattern{{Kind: role.LoginAccepted}}}}},
		{ID: "TOY/T1/truncated", Clause: "toy §2", Summary: "truncated rejected", Protocol: "toy", Party: "S",
			Steps: []Step{{Act: login, Intercept: &Intercept{Label: "T1", Mutate: Truncate(1), Expect: reject(role.DecodeError), Resume: true}}}},
		{ID: "TOY/T3/replay", Clause: "toy §3", Summary: "replayed T3 rejected", Protocol: "toy", Party: "S",
			Steps: []Step{{Act: login}, {Act: send},
				{Inject: &Inject{Source: FromLog, Label: "T3", Expect: reject(role.Replay)}}}},
		{ID: "TOY/T2/out-of-order", Clause: "toy §3", Summary: "T2 before T1 rejected", Protocol: "toy", Party: "alice",
			Steps: []Step{{Inject: &Inject{Source: FromHonestRun, Label: "T2", Expect: reject(role.UnexpectedMessage)}}}},
		{ID: "TOY/T1/reflected", Clause: "toy §3", Summary: "client rejects its own T1", Protocol: "toy", Party: "alice",
			Steps: []Step{{Act: login}, {Inject: &Inject{Source: FromIUT, Label: "T1", Expect: reject(role.UnexpectedMessage)}}}},
		{ID: "TOY/T3/repeated", Clause: "toy §3", Summary: "T3 delivered twice: the copy is rejected", Protocol: "toy", Party: "S",
			Steps:     []Step{{Act: login}, {Act: send}},
			Intercept: &Intercept{Label: "T3", Mode: Repeat, Expect: reject(role.Replay), Resume: true},
			Events:    []EventPattern{{Kind: role.LoginAccepted}, {Kind: role.MessageAccepted, Body: []byte("hi")}}},
		{ID: "TOY/T1/reflected-back", Clause: "toy §3", Summary: "T1 reflected back to the client", Protocol: "toy", Party: "alice",
			Steps:     []Step{{Act: login}},
			Intercept: &Intercept{Label: "T1", Mode: Reflect, Expect: reject(role.UnexpectedMessage), Resume: true},
			Events:    []EventPattern{{Kind: role.LoginAccepted, Peer: "S"}}},
	}
}
