package simp

import (
	"errors"
	"fmt"
	"io"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// ClientConfig configures a user (A or B: they are the same role).
type ClientConfig struct {
	Suite     *suite.Suite
	Variant   Variant
	ID        string          // ID_A
	Server    string          // S's identity
	ServerKey suite.PublicKey // Pub-S, known out of band (profile §"Registration")
	Password  []byte          // P_A
	Rand      io.Reader       // nil means crypto/rand
	M         int             // m2 for the key sets this user creates in E4; 0 means DefaultM
	Rounds    int             // n for every key set; 0 means DefaultRounds
	// TestingOnlyDefect breaks one check for the conformance gate's
	// self-test (testing_only.go); "" in every real use.
	TestingOnlyDefect string
}

// Client is a SIMP user: registration, login, key exchange and messaging
// (paper §5) as a sans-IO state machine.
type Client struct {
	cfg ClientConfig
	ctx *suite.Ctx

	registration []byte  // RK while R1 is outstanding
	verifier     []byte  // h(ID_A, P_A), kept instead of P_A after R2
	as           *keySet // SK_AS, shared with S
	login        *pendingLogin
	loggedIn     bool
	priv         suite.PrivateKey // Pri-A of the current login
	peers        map[string]*peer
	seenN3       map[string]bool // hardened: n3 of every E4 accepted (H11)
}

type pendingLogin struct {
	n1    []byte
	index int
	priv  suite.PrivateKey
}

// peer is what a user holds about another user.
type peer struct {
	id        string
	pub       suite.PublicKey // Pub-B from E2 or Pub-A from E3
	requested bool            // E1 sent, E2 awaited
	initiator bool            // this user sent E4
	n3        []byte          // initiator: until E5
	secret    []byte          // initiator: K_AB for the SessionKeyEstablished event, until E5
	ab        *keySet         // SK_AB
	confirmed bool            // E5 sent or accepted
}

// NewClient checks cfg and returns a client that has not registered yet.
func NewClient(cfg ClientConfig) (*Client, error) {
	if err := normalize(&cfg.Suite, cfg.Variant, cfg.ID, &cfg.Rand, &cfg.M, &cfg.Rounds); err != nil {
		return nil, err
	}
	if !wire.ValidIdentity(cfg.Server) || cfg.Server == cfg.ID {
		return nil, fmt.Errorf("simp: server identity %q is not valid", cfg.Server)
	}
	if cfg.ServerKey == nil {
		return nil, errors.New("simp: client needs the server's public key")
	}
	if len(cfg.Password) == 0 || len(cfg.Password) > maxPassword {
		return nil, fmt.Errorf("simp: password of %d bytes, want 1..%d", len(cfg.Password), maxPassword)
	}
	cfg.Password = append([]byte(nil), cfg.Password...)
	return &Client{cfg: cfg, ctx: suite.NewCtx(cfg.Suite, cfg.Rand), peers: map[string]*peer{}}, nil
}

func normalize(s **suite.Suite, v Variant, id string, rnd *io.Reader, m, rounds *int) error {
	if *s == nil {
		return errors.New("simp: no suite")
	}
	if !v.valid() {
		return fmt.Errorf("simp: unknown variant %q", v)
	}
	if !wire.ValidIdentity(id) {
		return fmt.Errorf("simp: identity %q is not valid (1..255 printable ASCII bytes)", id)
	}
	if *rnd == nil {
		*rnd = cryptoRand{}
	}
	if *m == 0 {
		*m = DefaultM
	}
	if *rounds == 0 {
		*rounds = DefaultRounds
	}
	if err := CheckM(*m); err != nil {
		return err
	}
	return CheckRounds(*rounds)
}

// Name is ID_A.
func (c *Client) Name() string { return c.cfg.ID }

// Ops returns the operations this user has performed so far.
func (c *Client) Ops() suite.Ops { return c.ctx.Ops }

// Registered reports whether R2 was accepted.
func (c *Client) Registered() bool { return c.as != nil }

// LoggedIn reports whether L2 was accepted.
func (c *Client) LoggedIn() bool { return c.loggedIn }

// Established reports whether this user shares confirmed session keys with
// id.
func (c *Client) Established(id string) bool {
	p := c.peers[id]
	return p != nil && p.ab != nil && p.confirmed
}

// Handle processes one message. A rejection is a *role.Alert and leaves
// the client unchanged.
func (c *Client) Handle(from string, msg []byte) (role.Output, error) {
	h, err := wire.PeekHeader(msg)
	if err != nil {
		return role.Output{}, alert("", role.DecodeError, err.Error())
	}
	switch h.Type {
	case TypeR2:
		return c.handleR2(from, msg)
	case TypeL2:
		return c.handleL2(from, msg)
	case TypeE2:
		return c.handleE2(from, msg)
	case TypeE3:
		return c.handleE3(from, msg)
	case TypeE4:
		return c.handleE4(from, msg)
	case TypeE5:
		return c.handleE5(from, msg)
	case TypeE6, TypeE7:
		return c.handleMessage(from, msg, h.Type)
	case TypeR1, TypeL1, TypeE1:
		return role.Output{}, alert(Label(h.Type), role.UnexpectedMessage, "a user does not handle "+Label(h.Type))
	}
	return role.Output{}, alert("", role.DecodeError, fmt.Sprintf("unknown message type 0x%02x", h.Type))
}

// fromServer checks that a server message came from S and speaks our suite.
func (c *Client) fromServer(label, from string, id suite.ID) error {
	if from != c.cfg.Server {
		return alert(label, role.UnknownPeer, fmt.Sprintf("%s from %q, not the server", label, from))
	}
	return c.checkSuite(label, id)
}

func (c *Client) checkSuite(label string, id suite.ID) error {
	if id != c.cfg.Suite.ID {
		return alert(label, role.UnknownSuite, fmt.Sprintf("suite 0x%04x is not the session's suite", uint16(id)))
	}
	return nil
}

func (c *Client) event(k role.EventKind, peer string) role.Event {
	return role.Event{Kind: k, Role: c.cfg.ID, Peer: peer}
}

func keyUsed(self, peer string, j int, key []byte, note string) role.Event {
	return role.Event{Kind: role.KeyUsed, Role: self, Peer: peer, Index: uint64(j), Key: append([]byte(nil), key...), Note: note}
}

func (c *Client) send(to, label string, b []byte) role.Message {
	return role.Message{From: c.cfg.ID, To: to, Label: label, Bytes: b}
}

// internal wraps a failure that is not the message's fault.
func internal(label string, err error) error {
	return alert(label, role.InternalError, err.Error())
}
