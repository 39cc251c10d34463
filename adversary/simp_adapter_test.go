package adversary

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

// Until SIMP's own harness binding is registered (impl/protocols), the
// tests register this minimal one, built only from simp's exported API
// and docs/spec/harness.md's provisioning, so that the SIMP dissector and
// attack scripts run. It steps aside as soon as a binding exists.
func init() {
	if _, err := harness.Lookup("simp"); err != nil {
		harness.RegisterProtocol(simpTestProtocol{})
	}
}

type simpTestProtocol struct{}

func (simpTestProtocol) Name() string { return "simp" }
func (simpTestProtocol) Variants() []string {
	return []string{string(simp.AsPublished), string(simp.Hardened)}
}
func (simpTestProtocol) Describe(msg []byte) (string, []role.Field, error) { return simp.Describe(msg) }

func (p simpTestProtocol) NewParties(setup harness.Setup) (map[string]harness.Party, error) {
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

func (simpTestProtocol) NewParty(setup harness.Setup, name string) (harness.Party, error) {
	v, err := simp.ParseVariant(setup.Variant)
	if err != nil {
		return nil, err
	}
	sk, err := setup.Suite.NewPrivateKey(setup.ServerKeySeed())
	if err != nil {
		return nil, err
	}
	if name == setup.Server {
		s, err := simp.NewServer(simp.ServerConfig{Suite: setup.Suite, Variant: v, ID: name, Key: sk, Rand: setup.PartyRand(name)})
		if err != nil {
			return nil, err
		}
		return simpServerParty{s}, nil
	}
	c, err := simp.NewClient(simp.ClientConfig{Suite: setup.Suite, Variant: v, ID: name, Server: setup.Server,
		ServerKey: sk.Public(), Password: []byte(setup.Password(name)), Rand: setup.PartyRand(name)})
	if err != nil {
		return nil, err
	}
	return simpClientParty{c}, nil
}

func (simpTestProtocol) Honest(setup harness.Setup) []harness.Action {
	a, b := setup.Users[0], setup.Users[1]
	return []harness.Action{
		{Party: a, Verb: harness.Register}, {Party: b, Verb: harness.Register},
		{Party: a, Verb: harness.Login}, {Party: b, Verb: harness.Login},
		{Party: a, Verb: harness.Connect, Peer: b},
		{Party: a, Verb: harness.Send, Peer: b, Body: []byte("hello " + b)},
		{Party: b, Verb: harness.Send, Peer: a, Body: []byte("hello " + a)},
	}
}

type simpServerParty struct{ *simp.Server }

func (simpServerParty) Act(a harness.Action) (role.Output, error) {
	return role.Output{}, fmt.Errorf("simp: the server cannot %s", a.Verb)
}

type simpClientParty struct{ *simp.Client }

func (c simpClientParty) Act(a harness.Action) (role.Output, error) {
	switch a.Verb {
	case harness.Register:
		return c.Register()
	case harness.Login:
		return c.Login()
	case harness.Connect:
		return c.RequestPeer(a.Peer)
	case harness.Send:
		return c.Send(a.Peer, a.Body)
	}
	return role.Output{}, fmt.Errorf("simp: a client cannot %s", a.Verb)
}
