package protocols

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"golang.org/x/crypto/cryptobyte"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

func init() { harness.RegisterProtocol(simpProtocol{}) }

// SIMP options understood in harness.Setup.Options.
const (
	SIMPOptionM      = "m"      // keys per set (m, m2); default simp.DefaultM
	SIMPOptionRounds = "rounds" // intermediate-key rounds n; default simp.DefaultRounds
)

type simpProtocol struct{}

func (simpProtocol) Name() string { return "simp" }

func (simpProtocol) Variants() []string {
	var out []string
	for _, v := range simp.Variants() {
		out = append(out, string(v))
	}
	return out
}

func (simpProtocol) Describe(msg []byte) (string, []role.Field, error) { return simp.Describe(msg) }

func (p simpProtocol) NewParties(s harness.Setup) (map[string]harness.Party, error) {
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

// simpParams reads m and rounds from the setup's options.
func simpParams(s harness.Setup) (m, rounds int, err error) {
	get := func(key string, check func(int) error) (int, error) {
		v, ok := s.Options[key]
		if !ok {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("protocols: SIMP option %s=%q is not a number", key, v)
		}
		return n, check(n)
	}
	if m, err = get(SIMPOptionM, simp.CheckM); err != nil {
		return 0, 0, err
	}
	rounds, err = get(SIMPOptionRounds, simp.CheckRounds)
	return m, rounds, err
}

// NewParty builds S with Pri-S from Secret("server key", 32), or a user
// with its provisioned password and Pub-S (harness.md §Provisioning).
func (simpProtocol) NewParty(s harness.Setup, name string) (harness.Party, error) {
	return newSIMPParty(s, name, s.PartyRand(name))
}

func newSIMPParty(s harness.Setup, name string, rand io.Reader) (harness.Party, error) {
	if s.Suite == nil {
		return nil, fmt.Errorf("protocols: SIMP setup has no suite")
	}
	v, err := simp.ParseVariant(s.Variant)
	if err != nil {
		return nil, err
	}
	m, rounds, err := simpParams(s)
	if err != nil {
		return nil, err
	}
	key, err := s.Suite.NewPrivateKey(s.ServerKeySeed())
	if err != nil {
		return nil, err
	}
	if name == s.Server {
		srv, err := simp.NewServer(simp.ServerConfig{Suite: s.Suite, Variant: v, ID: name, Key: key,
			Rand: rand, M: m, Rounds: rounds})
		if err != nil {
			return nil, err
		}
		return simpServer{srv}, nil
	}
	known := false
	for _, u := range s.Users {
		known = known || u == name
	}
	if !known {
		return nil, fmt.Errorf("protocols: %q is neither the SIMP server nor a user of the setup", name)
	}
	c, err := simp.NewClient(simp.ClientConfig{Suite: s.Suite, Variant: v, ID: name, Server: s.Server,
		ServerKey: key.Public(), Password: []byte(s.Password(name)), Rand: rand, M: m, Rounds: rounds,
		TestingOnlyDefect: s.Options["testing-only-defect"]})
	if err != nil {
		return nil, err
	}
	return simpClient{c}, nil
}

// Honest registers and logs in every user, then the first user connects
// to the second and they exchange one message each way.
func (simpProtocol) Honest(s harness.Setup) []harness.Action {
	var script []harness.Action
	for _, u := range s.Users {
		script = append(script, harness.Action{Party: u, Verb: harness.Register})
	}
	for _, u := range s.Users {
		script = append(script, harness.Action{Party: u, Verb: harness.Login})
	}
	if len(s.Users) < 2 {
		return script
	}
	a, b := s.Users[0], s.Users[1]
	return append(script,
		harness.Action{Party: a, Verb: harness.Connect, Peer: b},
		harness.Action{Party: a, Verb: harness.Send, Peer: b, Body: []byte("hello " + b)},
		harness.Action{Party: b, Verb: harness.Send, Peer: a, Body: []byte("hello " + a)},
	)
}

type simpServer struct{ *simp.Server }

func (s simpServer) Act(a harness.Action) (role.Output, error) {
	return role.Output{}, fmt.Errorf("protocols: the SIMP server starts no %s action", a.Verb)
}

type simpClient struct{ *simp.Client }

func (c simpClient) Act(a harness.Action) (role.Output, error) {
	switch a.Verb {
	case harness.Register:
		return c.Register()
	case harness.Login:
		return c.Login()
	case harness.Connect:
		return c.RequestPeer(a.Peer)
	case harness.Send:
		if a.Relay {
			return role.Output{}, fmt.Errorf("protocols: the SIMP profile has no relayed E6/E7")
		}
		return c.Send(a.Peer, a.Body)
	}
	return role.Output{}, fmt.Errorf("protocols: a SIMP client has no %s action", a.Verb)
}

// Save encodes what simp.md §14 says survives a restart: for S, the
// record of every registered user (simp.Server.ExportAccount), each
// u16-length-prefixed, in the order of Accounts; for a user, its own record
// (simp.Client.ExportState), or nothing before it registered.
func (simpProtocol) Save(p harness.Party) ([]byte, error) {
	switch q := p.(type) {
	case simpServer:
		b := cryptobyte.NewBuilder(nil)
		for _, id := range q.Accounts() {
			rec, ok := q.ExportAccount(id)
			if !ok {
				return nil, fmt.Errorf("protocols: SIMP account %q vanished while it was saved", id)
			}
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(rec) })
		}
		return b.Bytes()
	case simpClient:
		if !q.Registered() {
			return []byte{}, nil
		}
		return q.ExportState()
	}
	return nil, fmt.Errorf("protocols: %T is not a SIMP party", p)
}

// Restore builds the party afresh and imports what Save kept.
func (simpProtocol) Restore(s harness.Setup, name string, state []byte, restart int) (harness.Party, error) {
	p, err := newSIMPParty(s, name, s.RestartRand(name, restart))
	if err != nil {
		return nil, err
	}
	switch q := p.(type) {
	case simpServer:
		st := cryptobyte.String(state)
		for !st.Empty() {
			var rec cryptobyte.String
			if !st.ReadUint16LengthPrefixed(&rec) {
				return nil, errors.New("protocols: truncated SIMP server state")
			}
			if err := q.ImportAccount(rec); err != nil {
				return nil, err
			}
		}
	case simpClient:
		if len(state) > 0 {
			if err := q.ImportState(state); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}
