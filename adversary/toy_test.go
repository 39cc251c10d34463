package adversary

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// toy is a two-message protocol for testing the adversary without SIMP or
// IMKE. Users share a pair key derived from the setup; "connect" sends a
// fresh session key under it (C), "send" seals a body under the session
// key with a sequence number (M). Its variants switch weaknesses on:
//
//	leaky:    the session key travels in clear
//	replay:   receivers do not check sequence numbers
//	reuse:    every message uses key index 1
//	good:     none of these
type toy struct{}

func (toy) Name() string       { return "toy" }
func (toy) Variants() []string { return []string{"leaky", "replay", "reuse", "good"} }

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
	return &toyParty{name: name, setup: s, ctx: suite.NewCtx(s.Suite, s.PartyRand(name)), keys: map[string][]byte{}, seen: map[string]uint64{}}, nil
}

func (toy) Honest(s harness.Setup) []harness.Action {
	a, b := s.Users[0], s.Users[1]
	return []harness.Action{{Party: a, Verb: harness.Connect, Peer: b}, {Party: a, Verb: harness.Send, Peer: b, Body: []byte("hi")}}
}

func (toy) Describe(msg []byte) (string, []role.Field, error) {
	if len(msg) == 0 {
		return "", nil, fmt.Errorf("toy: empty")
	}
	return string(msg[:1]), nil, nil
}

type toyParty struct {
	name  string
	setup harness.Setup
	ctx   *suite.Ctx
	keys  map[string][]byte // session key per peer
	seq   uint64
	seen  map[string]uint64
}

func (p *toyParty) Name() string    { return p.name }
func (p *toyParty) Ops() suite.Ops  { return p.ctx.Ops }
func (p *toyParty) variant() string { return p.setup.Variant }

// pairKey is the long-term key of a pair of users.
func (p *toyParty) pairKey(peer string) []byte {
	a, b := p.name, peer
	if a > b {
		a, b = b, a
	}
	return p.setup.Secret("pair "+a+" "+b, 32)
}

func toyAlert(c role.AlertClass, label, r string) *role.Alert {
	return &role.Alert{Protocol: "toy", Class: c, Label: label, Reason: r}
}

func (p *toyParty) Act(a harness.Action) (role.Output, error) {
	var out role.Output
	switch a.Verb {
	case harness.Connect:
		k, _ := p.ctx.Random(32)
		payload := k
		if p.variant() != "leaky" {
			payload, _ = p.ctx.Seal(p.pairKey(a.Peer), "toy C", k)
		}
		p.keys[a.Peer] = k
		out.Emit(role.Event{Kind: role.KeyExchangeStarted, Role: p.name, Peer: a.Peer})
		out.Emit(role.Event{Kind: role.SessionKeyEstablished, Role: p.name, Peer: a.Peer, Key: k})
		out.Send(role.Message{From: p.name, To: a.Peer, Label: "C", Bytes: append([]byte("C"), payload...)})
	case harness.Send:
		k := p.keys[a.Peer]
		if k == nil {
			return out, toyAlert(role.UnexpectedMessage, "M", "no session")
		}
		p.seq++
		idx := p.seq
		if p.variant() == "reuse" {
			idx = 1
		}
		var hdr [8]byte
		binary.BigEndian.PutUint64(hdr[:], idx)
		mk := p.ctx.KDF(k, 32, "toy msg key", hdr[:])
		sealed, _ := p.ctx.Seal(mk, "toy M", a.Body, hdr[:])
		out.Emit(role.Event{Kind: role.MessageSent, Role: p.name, Peer: a.Peer, Index: idx, Body: bytes.Clone(a.Body)})
		out.Emit(role.Event{Kind: role.KeyUsed, Role: p.name, Peer: a.Peer, Index: idx, Key: mk})
		out.Send(role.Message{From: p.name, To: a.Peer, Label: "M", Bytes: append(append([]byte("M"), hdr[:]...), sealed...)})
	default:
		return out, toyAlert(role.UnexpectedMessage, "", "verb")
	}
	return out, nil
}

func (p *toyParty) Handle(from string, msg []byte) (role.Output, error) {
	var out role.Output
	if len(msg) < 1 {
		return out, toyAlert(role.DecodeError, "", "empty")
	}
	switch msg[0] {
	case 'C':
		k := msg[1:]
		if p.variant() != "leaky" {
			var err error
			if k, err = p.ctx.Open(p.pairKey(from), "toy C", msg[1:]); err != nil {
				return out, toyAlert(role.DecryptError, "C", "open")
			}
		}
		if len(k) != 32 {
			return out, toyAlert(role.DecodeError, "C", "key size")
		}
		p.keys[from] = bytes.Clone(k)
		out.Emit(role.Event{Kind: role.SessionKeyEstablished, Role: p.name, Peer: from, Key: bytes.Clone(k)})
	case 'M':
		k := p.keys[from]
		if k == nil || len(msg) < 9 {
			return out, toyAlert(role.UnexpectedMessage, "M", "no session")
		}
		idx := binary.BigEndian.Uint64(msg[1:9])
		if p.variant() != "replay" && p.variant() != "reuse" && idx <= p.seen[from] {
			return out, toyAlert(role.Replay, "M", "old index")
		}
		mk := p.ctx.KDF(k, 32, "toy msg key", msg[1:9])
		body, err := p.ctx.Open(mk, "toy M", msg[9:], msg[1:9])
		if err != nil {
			return out, toyAlert(role.BadMAC, "M", "open")
		}
		p.seen[from] = max(p.seen[from], idx)
		out.Emit(role.Event{Kind: role.MessageAccepted, Role: p.name, Peer: from, Index: idx, Body: body})
	default:
		return out, toyAlert(role.UnexpectedMessage, "", "type")
	}
	return out, nil
}

// toyDissector opens C with known pair keys and M with known session
// keys, and forges M under any session key it knows.
type toyDissector struct{ ctx *suite.Ctx }

func (toyDissector) Protocol() string { return "toy" }

func (d toyDissector) Analyze(v []byte, k *Knowledge) []Fact {
	if len(v) < 1 {
		return nil
	}
	var out []Fact
	switch v[0] {
	case 'C':
		out = append(out, Fact{Bytes: v[1:], Note: "C payload"})
		for _, key := range k.OfSize(32) {
			if pt, err := d.ctx.Open(key, "toy C", v[1:]); err == nil {
				out = append(out, Fact{Bytes: pt, Note: "opened C"})
			}
		}
	case 'M':
		if len(v) < 9 {
			return nil
		}
		for _, key := range k.OfSize(32) {
			mk := d.ctx.KDF(key, 32, "toy msg key", v[1:9])
			if pt, err := d.ctx.Open(mk, "toy M", v[9:], v[1:9]); err == nil {
				out = append(out, Fact{Bytes: pt, Note: "opened M"}, Fact{Bytes: mk, Note: "M key"})
			}
		}
	}
	return out
}

func (toyDissector) Derive(*Knowledge) []Fact { return nil }

func newToy(variant string, seed uint64) (*Network, error) {
	s := harness.DefaultSetup("toy", mustSuite("modern"), variant)
	s.Seed = suite.SeedBytes(seed)
	return NewNetwork(Config{Protocol: toy{}, Setup: s, Dissector: toyDissector{ctx: suite.NewCtx(s.Suite, suite.NewRand(s.Seed, "toy dissector"))}})
}

func mustSuite(name string) *suite.Suite {
	s, err := suite.ByName(name)
	if err != nil {
		panic(err)
	}
	return s
}
