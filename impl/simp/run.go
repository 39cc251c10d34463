package simp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// RunConfig configures an in-memory honest run.
type RunConfig struct {
	Suite   string   // suite name; "" means "classic"
	Variant Variant  // "" means AsPublished
	Seed    uint64   // every key and nonce of the run derives from it
	M       int      // m for registration and m2 for the key exchange; 0 means DefaultM
	Rounds  int      // n; 0 means DefaultRounds
	A, B    string   // user identities; "" means "alice" and "bob"
	AToB    []string // E6 texts; nil means one message
	BToA    []string // E7 texts; nil means one message
}

// Phase is the operations each role performed in one phase of a run.
type Phase struct {
	Name string
	Ops  map[string]suite.Ops
}

// Result is what Run returns.
type Result struct {
	Transcript role.Transcript
	Ops        map[string]suite.Ops // per role, whole run
	Phases     []Phase              // register, login, key exchange, messages
	Parties    *Parties
}

// Parties are S, A and B wired to one in-memory network.
type Parties struct {
	S    *Server
	A, B *Client
	Net  *Network
}

// Provisioning follows docs/spec/harness.md §"Provisioning", so that an
// implementation in another language can rebuild every party of a run.

// secret is Secret(label, n): the first n bytes of Rand(seed, "provision "+label).
func secret(seed uint64, label string, n int) []byte {
	b, _ := suite.Bytes(suite.NewRand(suite.SeedBytes(seed), "provision "+label), n)
	return b
}

// ServerKey derives S's long-term key pair from a numeric seed, so that a
// server and its clients started with the same seed agree on Pub-S.
func ServerKey(s *suite.Suite, seed uint64) (suite.PrivateKey, error) {
	return s.NewPrivateKey(secret(seed, "server key", suite.KeySize))
}

// Password is user id's provisioned password: "pw-" || hex(Secret("password "||id, 6)).
func Password(seed uint64, id string) []byte {
	return []byte(fmt.Sprintf("pw-%x", secret(seed, "password "+id, 6)))
}

// RoleRand is the deterministic random source of party name in a run with
// seed: Rand(seed, "party "+name).
func RoleRand(seed uint64, name string) *suite.Rand {
	return suite.NewRand(suite.SeedBytes(seed), "party "+name)
}

func (cfg *RunConfig) defaults() (*suite.Suite, error) {
	if cfg.Suite == "" {
		cfg.Suite = "classic"
	}
	if cfg.Variant == "" {
		cfg.Variant = AsPublished
	}
	if cfg.A == "" {
		cfg.A = "alice"
	}
	if cfg.B == "" {
		cfg.B = "bob"
	}
	if cfg.AToB == nil {
		cfg.AToB = []string{"hello bob, this is alice"}
	}
	if cfg.BToA == nil {
		cfg.BToA = []string{"hi alice, bob here"}
	}
	if cfg.A == cfg.B || cfg.A == DefaultServerID || cfg.B == DefaultServerID {
		return nil, fmt.Errorf("simp: run needs two distinct users other than %q", DefaultServerID)
	}
	return suite.ByName(cfg.Suite)
}

// NewParties builds S, A and B for cfg without running anything.
func NewParties(cfg RunConfig) (*Parties, error) {
	st, err := cfg.defaults()
	if err != nil {
		return nil, err
	}
	key, err := ServerKey(st, cfg.Seed)
	if err != nil {
		return nil, err
	}
	s, err := NewServer(ServerConfig{Suite: st, Variant: cfg.Variant, Key: key, Rand: RoleRand(cfg.Seed, DefaultServerID), M: cfg.M, Rounds: cfg.Rounds})
	if err != nil {
		return nil, err
	}
	client := func(id string) (*Client, error) {
		return NewClient(ClientConfig{Suite: st, Variant: cfg.Variant, ID: id, Server: s.Name(), ServerKey: s.PublicKey(),
			Password: Password(cfg.Seed, id), Rand: RoleRand(cfg.Seed, id), M: cfg.M, Rounds: cfg.Rounds})
	}
	a, err := client(cfg.A)
	if err != nil {
		return nil, err
	}
	b, err := client(cfg.B)
	if err != nil {
		return nil, err
	}
	return &Parties{S: s, A: a, B: b, Net: NewNetwork(s, a, b)}, nil
}

func (p *Parties) ops() map[string]suite.Ops {
	return map[string]suite.Ops{p.S.Name(): p.S.Ops(), p.A.Name(): p.A.Ops(), p.B.Name(): p.B.Ops()}
}

// Register, Login, Exchange and Chat run one phase each; they fail on any
// alert.
func (p *Parties) Register() error {
	return p.Net.Do(p.A.Register, p.B.Register)
}

// Login logs both users in.
func (p *Parties) Login() error { return p.Net.Do(p.A.Login, p.B.Login) }

// Exchange runs E1–E5 with A as the initiator.
func (p *Parties) Exchange() error {
	if err := p.Net.Do(func() (role.Output, error) { return p.A.RequestPeer(p.B.Name()) }); err != nil {
		return err
	}
	if !p.A.Established(p.B.Name()) || !p.B.Established(p.A.Name()) {
		return errors.New("simp: key exchange did not complete")
	}
	return nil
}

// Chat sends each text of aToB as E6 and of bToA as E7, alternating.
func (p *Parties) Chat(aToB, bToA []string) error {
	for i := 0; i < max(len(aToB), len(bToA)); i++ {
		if i < len(aToB) {
			if err := p.Net.Do(func() (role.Output, error) { return p.A.Send(p.B.Name(), []byte(aToB[i])) }); err != nil {
				return err
			}
		}
		if i < len(bToA) {
			if err := p.Net.Do(func() (role.Output, error) { return p.B.Send(p.A.Name(), []byte(bToA[i])) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// Run registers A and B, logs them in, runs the key exchange and sends the
// messages both ways, recording the transcript and each role's operations
// per phase.
func Run(cfg RunConfig) (*Result, error) {
	if _, err := cfg.defaults(); err != nil {
		return nil, err
	}
	p, err := NewParties(cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{Parties: p}
	steps := []struct {
		name string
		do   func() error
	}{
		{"register", p.Register},
		{"login", p.Login},
		{"key exchange", p.Exchange},
		{"messages", func() error { return p.Chat(cfg.AToB, cfg.BToA) }},
	}
	for _, st := range steps {
		before := p.ops()
		if err := st.do(); err != nil {
			// err is this package's (an alert names "simp: "): name it once.
			return nil, fmt.Errorf("simp: honest run, %s: %s", st.name, strings.TrimPrefix(err.Error(), "simp: "))
		}
		ph := Phase{Name: st.name, Ops: map[string]suite.Ops{}}
		for name, o := range p.ops() {
			ph.Ops[name] = o.Sub(before[name])
		}
		res.Phases = append(res.Phases, ph)
	}
	res.Transcript = p.Net.Transcript
	res.Ops = p.ops()
	return res, nil
}
