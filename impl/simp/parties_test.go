package simp

import (
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// The in-memory run driver is impl/memrun; it imports this package, so this
// package's own tests, which read the roles' unexported state, cannot import
// it. This is the least of it that they need: parties provisioned as
// harness.md §"Provisioning" says, on role's FIFO network. memrun's tests
// check the driver itself.

type RunConfig struct {
	Suite   string
	Variant Variant
	Seed    uint64
	M       int
	Rounds  int
}

type Parties struct {
	S    *Server
	A, B *Client
	Net  *role.Network
}

type runResult struct {
	Transcript role.Transcript
	Parties    *Parties
}

// RoleRand is Rand(seed, "party "+name).
func RoleRand(seed uint64, name string) *suite.Rand {
	return suite.NewRand(suite.SeedBytes(seed), "party "+name)
}

func provisioned(seed uint64, label string, n int) []byte {
	b, _ := suite.Bytes(suite.NewRand(suite.SeedBytes(seed), "provision "+label), n)
	return b
}

// NewParties builds S, alice and bob for cfg.
func NewParties(cfg RunConfig) (*Parties, error) {
	if cfg.Suite == "" {
		cfg.Suite = "classic"
	}
	if cfg.Variant == "" {
		cfg.Variant = AsPublished
	}
	st, err := suite.ByName(cfg.Suite)
	if err != nil {
		return nil, err
	}
	key, err := st.NewPrivateKey(provisioned(cfg.Seed, "server key", suite.KeySize))
	if err != nil {
		return nil, err
	}
	s, err := NewServer(ServerConfig{Suite: st, Variant: cfg.Variant, Key: key, Rand: RoleRand(cfg.Seed, DefaultServerID), M: cfg.M, Rounds: cfg.Rounds})
	if err != nil {
		return nil, err
	}
	client := func(id string) (*Client, error) {
		return NewClient(ClientConfig{Suite: st, Variant: cfg.Variant, ID: id, Server: s.Name(), ServerKey: s.PublicKey(),
			Password: []byte(fmt.Sprintf("pw-%x", provisioned(cfg.Seed, "password "+id, 6))), Rand: RoleRand(cfg.Seed, id), M: cfg.M, Rounds: cfg.Rounds})
	}
	a, err := client("alice")
	if err != nil {
		return nil, err
	}
	b, err := client("bob")
	if err != nil {
		return nil, err
	}
	return &Parties{S: s, A: a, B: b, Net: role.NewNetwork(Describe, s, a, b)}, nil
}

func (p *Parties) Register() error { return p.Net.Do(p.A.Register, p.B.Register) }
func (p *Parties) Login() error    { return p.Net.Do(p.A.Login, p.B.Login) }

func (p *Parties) Exchange() error {
	if err := p.Net.Do(func() (role.Output, error) { return p.A.RequestPeer(p.B.Name()) }); err != nil {
		return err
	}
	if !p.A.Established(p.B.Name()) || !p.B.Established(p.A.Name()) {
		return errors.New("simp: key exchange did not complete")
	}
	return nil
}

// Run registers and logs in both users, runs the key exchange and sends one
// message each way.
func Run(cfg RunConfig) (*runResult, error) {
	p, err := NewParties(cfg)
	if err != nil {
		return nil, err
	}
	steps := []func() error{p.Register, p.Login, p.Exchange,
		func() error {
			return p.Net.Do(func() (role.Output, error) { return p.A.Send(p.B.Name(), []byte("hello bob, this is alice")) },
				func() (role.Output, error) { return p.B.Send(p.A.Name(), []byte("hi alice, bob here")) })
		}}
	for _, st := range steps {
		if err := st(); err != nil {
			return nil, err
		}
	}
	return &runResult{Transcript: p.Net.Transcript, Parties: p}, nil
}
