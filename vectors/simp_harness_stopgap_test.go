// This file is a stopgap until impl/protocols registers SIMP with
// impl/harness: a minimal adapter with the honest script of
// docs/spec/harness.md, used only when no "simp" protocol is registered.

package vectors

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

type stopgapSimp struct{}

func (stopgapSimp) Name() string       { return "simp" }
func (stopgapSimp) Variants() []string { return []string{"as-published", "hardened"} }
func (p stopgapSimp) NewParties(s harness.Setup) (map[string]harness.Party, error) {
	out := map[string]harness.Party{}
	for _, n := range append([]string{s.Server}, s.Users...) {
		q, err := p.NewParty(s, n)
		if err != nil {
			return nil, err
		}
		out[n] = q
	}
	return out, nil
}

type stopgapServer struct{ *simp.Server }

func (t stopgapServer) Act(a harness.Action) (role.Output, error) {
	return role.Output{}, fmt.Errorf("no")
}

type stopgapClient struct{ *simp.Client }

func (c stopgapClient) Act(a harness.Action) (role.Output, error) {
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
	return role.Output{}, fmt.Errorf("no")
}

func (stopgapSimp) NewParty(s harness.Setup, name string) (harness.Party, error) {
	key, err := s.Suite.NewPrivateKey(s.ServerKeySeed())
	if err != nil {
		return nil, err
	}
	v := simp.Variant(s.Variant)
	if name == s.Server {
		srv, err := simp.NewServer(simp.ServerConfig{Suite: s.Suite, Variant: v, Key: key, Rand: s.PartyRand(name)})
		return stopgapServer{srv}, err
	}
	c, err := simp.NewClient(simp.ClientConfig{Suite: s.Suite, Variant: v, ID: name, Server: s.Server, ServerKey: key.Public(),
		Password: []byte(s.Password(name)), Rand: s.PartyRand(name)})
	return stopgapClient{c}, err
}
func (stopgapSimp) Honest(s harness.Setup) []harness.Action {
	a, b := s.Users[0], s.Users[1]
	return []harness.Action{{Party: a, Verb: "register"}, {Party: b, Verb: "register"}, {Party: a, Verb: "login"}, {Party: b, Verb: "login"},
		{Party: a, Verb: "connect", Peer: b}, {Party: a, Verb: "send", Peer: b, Body: []byte("hi bob")}, {Party: b, Verb: "send", Peer: a, Body: []byte("hi alice")}}
}
func (stopgapSimp) Describe(msg []byte) (string, []role.Field, error) { return simp.Describe(msg) }

var _ = suite.KeySize

func init() {
	if _, err := harness.Lookup("simp"); err != nil {
		harness.RegisterProtocol(stopgapSimp{})
	}
}
