package imke

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

func init() { harness.RegisterProtocol(Protocol{}) }

// Protocol binds IMKE to impl/harness (docs/spec/harness.md).
type Protocol struct{}

// Options understood in harness.Setup.Options.
const (
	// OptionPasswordStorage is "password" (default) or "image".
	OptionPasswordStorage = "password-storage"
	// OptionRelay "true" makes clients run c1–c3 through the server.
	OptionRelay = "relay"
)

// Name is "imke".
func (Protocol) Name() string { return protocolName }

// Variants lists as-published and hardened.
func (Protocol) Variants() []string { return variantNames() }

// Describe decodes a message without keys.
func (Protocol) Describe(msg []byte) (string, []role.Field, error) { return Describe(msg) }

// NewParties builds the server and every user of setup.
func (p Protocol) NewParties(setup harness.Setup) (map[string]harness.Party, error) {
	out := map[string]harness.Party{}
	for _, name := range append([]string{setup.Server}, setup.Users...) {
		party, err := p.NewParty(setup, name)
		if err != nil {
			return nil, err
		}
		out[name] = party
	}
	return out, nil
}

// NewParty builds one provisioned party of setup (harness.md
// §Provisioning): S with KR_S from Secret("server key", 32) and every
// user's password record; a user with its password and KU_S.
func (Protocol) NewParty(setup harness.Setup, name string) (harness.Party, error) {
	if setup.Suite == nil {
		return nil, fmt.Errorf("imke: setup has no suite")
	}
	v, err := ParseVariant(setup.Variant)
	if err != nil {
		return nil, err
	}
	storage, err := ParsePasswordStorage(setup.Options[OptionPasswordStorage])
	if err != nil {
		return nil, err
	}
	sk, err := setup.Suite.NewPrivateKey(setup.ServerKeySeed())
	if err != nil {
		return nil, fmt.Errorf("imke: server key: %w", err)
	}
	if name == setup.Server {
		users := map[string][]byte{}
		for _, u := range setup.Users {
			users[u] = PasswordRecord(storage, u, []byte(setup.Password(u)))
		}
		srv, err := NewServer(ServerConfig{Suite: setup.Suite, Variant: v, Name: name, Key: sk, Users: users, Storage: storage, Rand: setup.PartyRand(name),
			TestingOnlyDefect: setup.Options[OptionTestingOnlyDefect]})
		if err != nil {
			return nil, err
		}
		return srv, nil
	}
	known := false
	for _, u := range setup.Users {
		known = known || u == name
	}
	if !known {
		return nil, fmt.Errorf("imke: %q is neither the server nor a user of the setup", name)
	}
	return NewClient(ClientConfig{
		Suite: setup.Suite, Variant: v, Identity: name, Password: []byte(setup.Password(name)),
		Storage: storage, Server: setup.Server, ServerKey: sk.Public(), Rand: setup.PartyRand(name),
		Relay: setup.Options[OptionRelay] == "true", TestingOnlyDefect: setup.Options[OptionTestingOnlyDefect],
	})
}

// Honest is the honest script (profile §12): both users log in, alice
// connects to bob, one 4.7 each way directly and one each way relayed,
// client–server data both ways, a renewal started by alice and one started
// by S, then data under the renewed keys.
func (Protocol) Honest(setup harness.Setup) []harness.Action {
	s := setup.Server
	a, b := "alice", "bob"
	if len(setup.Users) >= 2 {
		a, b = setup.Users[0], setup.Users[1]
	}
	return []harness.Action{
		{Party: a, Verb: harness.Login},
		{Party: b, Verb: harness.Login},
		{Party: a, Verb: harness.Connect, Peer: b},
		{Party: a, Verb: harness.Send, Peer: b, Body: []byte("hello " + b + ", directly")},
		{Party: b, Verb: harness.Send, Peer: a, Body: []byte("hello " + a + ", directly")},
		{Party: a, Verb: harness.Send, Peer: b, Body: []byte("hello " + b + ", through " + s), Relay: true},
		{Party: b, Verb: harness.Send, Peer: a, Body: []byte("hello " + a + ", through " + s), Relay: true},
		{Party: a, Verb: harness.Send, Peer: s, Body: []byte("hello " + s)},
		{Party: s, Verb: harness.Send, Peer: a, Body: []byte("hello " + a + ", from " + s)},
		{Party: a, Verb: harness.Renew, Peer: s},
		{Party: s, Verb: harness.Renew, Peer: a},
		{Party: a, Verb: harness.Send, Peer: b, Body: []byte("renewed keys, through " + s), Relay: true},
		{Party: s, Verb: harness.Send, Peer: a, Body: []byte("renewed keys, from " + s)},
	}
}

// Table1Script is the workload of the SIMP paper's Table 1 (profile §13):
// one login each, one public-key distribution, one session-key transport
// and one message each way.
func Table1Script(setup harness.Setup) []harness.Action {
	a, b := setup.Users[0], setup.Users[1]
	return []harness.Action{
		{Party: a, Verb: harness.Login},
		{Party: b, Verb: harness.Login},
		{Party: a, Verb: harness.Connect, Peer: b},
		{Party: a, Verb: harness.Send, Peer: b, Body: []byte("one message")},
		{Party: b, Verb: harness.Send, Peer: a, Body: []byte("one reply")},
	}
}

// Act starts an action of a user (harness.Party).
func (c *Client) Act(a harness.Action) (role.Output, error) {
	switch a.Verb {
	case harness.Login:
		return c.Login()
	case harness.Connect:
		return c.RequestPeer(a.Peer)
	case harness.Send:
		if a.Peer == c.cfg.Server {
			return c.SendToServer(a.Body)
		}
		return c.SendVia(a.Peer, a.Body, a.Relay)
	case harness.Renew:
		if a.Peer == c.cfg.Server {
			return c.StartRenewal()
		}
		return role.Output{}, fmt.Errorf("imke: client–client key renewal is not implemented (profile §7.4)")
	}
	return role.Output{}, fmt.Errorf("imke: a client cannot %s", a.Verb)
}

// Act starts an action of the server (harness.Party).
func (s *Server) Act(a harness.Action) (role.Output, error) {
	switch a.Verb {
	case harness.Send:
		return s.SendToUser(a.Peer, a.Body)
	case harness.Renew:
		return s.StartRenewal(a.Peer)
	}
	return role.Output{}, fmt.Errorf("imke: the server cannot %s", a.Verb)
}
