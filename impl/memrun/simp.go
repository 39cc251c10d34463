package memrun

import (
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// SIMPConfig configures an in-memory honest SIMP run.
type SIMPConfig struct {
	Suite   string       // suite name; "" means "classic"
	Variant simp.Variant // "" means simp.AsPublished
	Seed    uint64       // every key and nonce of the run derives from it
	M       int          // m for registration and m2 for the key exchange; 0 means simp.DefaultM
	Rounds  int          // n; 0 means simp.DefaultRounds
	A, B    string       // user identities; "" means "alice" and "bob"
	AToB    []string     // E6 texts; nil means one message
	BToA    []string     // E7 texts; nil means one message
}

// SIMPPhase is the operations each role performed in one phase of a run.
type SIMPPhase struct {
	Name string
	Ops  map[string]suite.Ops
}

// SIMPResult is what RunSIMP returns.
type SIMPResult struct {
	Transcript role.Transcript
	Ops        map[string]suite.Ops // per role, whole run
	Phases     []SIMPPhase          // register, login, key exchange, messages
	Parties    *SIMPParties
}

// SIMPParties are S, A and B wired to one in-memory network.
type SIMPParties struct {
	S    *simp.Server
	A, B *simp.Client
	Net  *Network
}

// Provisioning from a numeric seed follows docs/spec/harness.md
// §"Provisioning" (the Setup's seed is the 8-byte big-endian number), so that
// an implementation in another language can rebuild every party of a run;
// the TCP commands provision their parties with the same functions.

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

func (cfg *SIMPConfig) defaults() (*suite.Suite, error) {
	if cfg.Suite == "" {
		cfg.Suite = "classic"
	}
	if cfg.Variant == "" {
		cfg.Variant = simp.AsPublished
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
	if cfg.A == cfg.B || cfg.A == simp.DefaultServerID || cfg.B == simp.DefaultServerID {
		return nil, fmt.Errorf("memrun: a SIMP run needs two distinct users other than %q", simp.DefaultServerID)
	}
	return suite.ByName(cfg.Suite)
}

// NewSIMPParties builds S, A and B for cfg without running anything.
func NewSIMPParties(cfg SIMPConfig) (*SIMPParties, error) {
	st, err := cfg.defaults()
	if err != nil {
		return nil, err
	}
	key, err := ServerKey(st, cfg.Seed)
	if err != nil {
		return nil, err
	}
	s, err := simp.NewServer(simp.ServerConfig{Suite: st, Variant: cfg.Variant, Key: key, Rand: RoleRand(cfg.Seed, simp.DefaultServerID), M: cfg.M, Rounds: cfg.Rounds})
	if err != nil {
		return nil, err
	}
	client := func(id string) (*simp.Client, error) {
		return simp.NewClient(simp.ClientConfig{Suite: st, Variant: cfg.Variant, ID: id, Server: s.Name(), ServerKey: s.PublicKey(),
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
	return &SIMPParties{S: s, A: a, B: b, Net: NewNetwork(s, a, b)}, nil
}

func (p *SIMPParties) ops() map[string]suite.Ops {
	return map[string]suite.Ops{p.S.Name(): p.S.Ops(), p.A.Name(): p.A.Ops(), p.B.Name(): p.B.Ops()}
}

// Register, Login, Exchange and Chat run one phase each; they fail on any
// alert.
func (p *SIMPParties) Register() error {
	return p.Net.Do(p.A.Register, p.B.Register)
}

// Login logs both users in.
func (p *SIMPParties) Login() error { return p.Net.Do(p.A.Login, p.B.Login) }

// Exchange runs E1–E5 with A as the initiator.
func (p *SIMPParties) Exchange() error {
	if err := p.Net.Do(func() (role.Output, error) { return p.A.RequestPeer(p.B.Name()) }); err != nil {
		return err
	}
	if !p.A.Established(p.B.Name()) || !p.B.Established(p.A.Name()) {
		return errors.New("memrun: the SIMP key exchange did not complete")
	}
	return nil
}

// Chat sends each text of aToB as E6 and of bToA as E7, alternating.
func (p *SIMPParties) Chat(aToB, bToA []string) error {
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

// RunSIMP registers A and B, logs them in, runs the key exchange and sends
// the messages both ways, recording the transcript and each role's
// operations per phase.
func RunSIMP(cfg SIMPConfig) (*SIMPResult, error) {
	if _, err := cfg.defaults(); err != nil {
		return nil, err
	}
	p, err := NewSIMPParties(cfg)
	if err != nil {
		return nil, err
	}
	res := &SIMPResult{Parties: p}
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
			return nil, fmt.Errorf("memrun: SIMP honest run, %s: %w", st.name, err)
		}
		ph := SIMPPhase{Name: st.name, Ops: map[string]suite.Ops{}}
		for name, o := range p.ops() {
			ph.Ops[name] = o.Sub(before[name])
		}
		res.Phases = append(res.Phases, ph)
	}
	res.Transcript = p.Net.Transcript
	res.Ops = p.ops()
	return res, nil
}
