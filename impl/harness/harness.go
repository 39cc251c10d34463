package harness

import (
	"fmt"
	"sort"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// Verb is an action a user starts.
type Verb string

const (
	// Register runs registration with the server (SIMP R1/R2; IMKE has
	// none: its password is provisioned out of band).
	Register Verb = "register"
	// Login runs login with the server (SIMP L1/L2, IMKE a1–a3).
	Login Verb = "login"
	// Connect asks the server for Peer's key and runs the peer key
	// exchange (SIMP E1–E5, IMKE 4.2 request, b1/b2, c1–c3).
	Connect Verb = "connect"
	// Send sends Body to Peer (SIMP E6/E7, IMKE 4.7; Relay sends it
	// through the server; Peer = the server sends IMKE 4.2).
	Send Verb = "send"
	// Renew starts a key renewal with Peer (IMKE 4.4/4.5).
	Renew Verb = "renew"
)

// Action is one step a user takes.
type Action struct {
	Party string `json:"party"`
	Verb  Verb   `json:"verb"`
	Peer  string `json:"peer,omitempty"`
	Body  []byte `json:"body,omitempty"`
	Relay bool   `json:"relay,omitempty"`
}

func (a Action) String() string {
	s := fmt.Sprintf("%s %s", a.Party, a.Verb)
	if a.Peer != "" {
		s += " " + a.Peer
	}
	if len(a.Body) > 0 {
		s += fmt.Sprintf(" %q", a.Body)
	}
	if a.Relay {
		s += " (relayed)"
	}
	return s
}

// Party is a role that a user or the server plays.
type Party interface {
	role.Role
	// Act starts an action. A party that does not support the verb
	// returns an error (an *role.Alert of class unexpected_message when
	// the verb exists but the state forbids it).
	Act(a Action) (role.Output, error)
	// Ops returns the operations the party has performed so far.
	Ops() suite.Ops
}

// Setup is everything the parties of one run share.
type Setup struct {
	Protocol string       `json:"protocol"`
	Suite    *suite.Suite `json:"-"`
	Variant  string       `json:"variant"`
	// Seed is the run's seed; every party's random source and every
	// provisioned secret derive from it (docs/spec/harness.md).
	Seed []byte `json:"seed"`
	// Server is the server's identity; Users the users' identities.
	Server string   `json:"server"`
	Users  []string `json:"users"`
	// Options are protocol-specific settings, e.g. SIMP "m" and
	// "rounds", IMKE "password-storage".
	Options map[string]string `json:"options,omitempty"`
	// RandLog, if set, records every random source PartyRand hands out,
	// so that a caller can tell how many bytes each party drew (the
	// vectors list every random input).
	RandLog *RandLog `json:"-"`
}

// RandLog records the party random sources of a Setup.
type RandLog struct {
	names []string
	rands []*suite.Rand
}

// Drawn reports how many bytes the sources handed out for party have
// produced so far.
func (l *RandLog) Drawn(party string) uint64 {
	var n uint64
	for i, name := range l.names {
		if name == party {
			n += l.rands[i].Drawn()
		}
	}
	return n
}

// DefaultSetup is the setup `imcheck run` uses: server S, users alice and
// bob, seed 1.
func DefaultSetup(protocol string, s *suite.Suite, variant string) Setup {
	return Setup{
		Protocol: protocol,
		Suite:    s,
		Variant:  variant,
		Seed:     suite.SeedBytes(1),
		Server:   "S",
		Users:    []string{"alice", "bob"},
	}
}

// PartyRand is the random source of one party: Rand(seed, "party "+name).
func (s Setup) PartyRand(name string) *suite.Rand {
	r := suite.NewRand(s.Seed, "party "+name)
	if s.RandLog != nil {
		s.RandLog.names = append(s.RandLog.names, name)
		s.RandLog.rands = append(s.RandLog.rands, r)
	}
	return r
}

// Secret derives a provisioned secret of n bytes:
// the first n bytes of Rand(seed, "provision "+label).
func (s Setup) Secret(label string, n int) []byte {
	b := make([]byte, n)
	suite.NewRand(s.Seed, "provision "+label).Read(b)
	return b
}

// Password is the provisioned password of user: "pw-" followed by the hex
// of Secret("password "+user, 6). Short on purpose: the papers assume
// weak, memorable passwords.
func (s Setup) Password(user string) string {
	return fmt.Sprintf("pw-%x", s.Secret("password "+user, 6))
}

// RestartRand is the random source of a party after its k-th restart
// (k from 1): Rand(seed, "party NAME restart K"). A restarted process draws
// fresh randomness; it does not replay the draws of the one before.
func (s Setup) RestartRand(name string, k int) *suite.Rand {
	return suite.NewRand(s.Seed, fmt.Sprintf("party %s restart %d", name, k))
}

// ServerKeySeed is the seed of the server's long-term key pair:
// Secret("server key", 32).
func (s Setup) ServerKeySeed() []byte { return s.Secret("server key", 32) }

// Protocol is one protocol's reference implementation behind the harness.
type Protocol interface {
	Name() string
	// Variants lists the variant names, as-published first.
	Variants() []string
	// NewParties builds the provisioned server and users of setup, keyed
	// by identity.
	NewParties(setup Setup) (map[string]Party, error)
	// NewParty builds one of them (for replacing a party by an
	// implementation under test, the others stay reference parties).
	NewParty(setup Setup, name string) (Party, error)
	// Honest is the action script of the honest run: every phase, a
	// message each way.
	Honest(setup Setup) []Action
	// Describe decodes a message without keys, for transcripts.
	Describe(msg []byte) (label string, fields []role.Field, err error)
}

// Restorer is a Protocol whose parties keep state across a restart (the
// profile's "state that survives a restart", simp.md §14): Save encodes
// what a deployment keeps of party p, Restore builds the party called name
// afresh from it, as a process started again would be, drawing from
// setup.RestartRand(name, restart).
type Restorer interface {
	Save(p Party) ([]byte, error)
	Restore(setup Setup, name string, state []byte, restart int) (Party, error)
}

var protocols = map[string]Protocol{}

// RegisterProtocol makes p available by name. Called from init.
func RegisterProtocol(p Protocol) { protocols[p.Name()] = p }

// Lookup returns the protocol with the given name.
func Lookup(name string) (Protocol, error) {
	if p, ok := protocols[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("harness: unknown protocol %q (known: %v)", name, Names())
}

// Names lists the registered protocols in order.
func Names() []string {
	var out []string
	for n := range protocols {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
