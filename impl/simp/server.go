package simp

import (
	"errors"
	"fmt"
	"io"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// ServerConfig configures the IM server S.
type ServerConfig struct {
	Suite   *suite.Suite
	Variant Variant
	ID      string           // S's identity; "" means "S"
	Key     suite.PrivateKey // Pri-S, the long-term key R1 is encrypted to
	Rand    io.Reader        // nil means crypto/rand
	M       int              // m given to every user in R2; 0 means DefaultM
	Rounds  int              // n; 0 means DefaultRounds
}

// Server is S: registration, login and public-key distribution (paper §5).
type Server struct {
	cfg   ServerConfig
	ctx   *suite.Ctx
	users map[string]*account
}

// DefaultServerID is S's identity when a configuration gives none.
const DefaultServerID = "S"

// NewServer checks cfg and returns a server with no users.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.ID == "" {
		cfg.ID = DefaultServerID
	}
	if err := normalize(&cfg.Suite, cfg.Variant, cfg.ID, &cfg.Rand, &cfg.M, &cfg.Rounds); err != nil {
		return nil, err
	}
	if cfg.Key == nil {
		return nil, errors.New("simp: server needs its long-term private key")
	}
	return &Server{cfg: cfg, ctx: suite.NewCtx(cfg.Suite, cfg.Rand), users: map[string]*account{}}, nil
}

// Name is S's identity.
func (s *Server) Name() string { return s.cfg.ID }

// Ops returns the operations S has performed so far.
func (s *Server) Ops() suite.Ops { return s.ctx.Ops }

// PublicKey is Pub-S, which users need before R1.
func (s *Server) PublicKey() suite.PublicKey { return s.cfg.Key.Public() }

// Handle processes one message. A rejection is a *role.Alert and leaves S
// unchanged.
func (s *Server) Handle(from string, msg []byte) (role.Output, error) {
	h, err := wire.PeekHeader(msg)
	if err != nil {
		return role.Output{}, alert("", role.DecodeError, err.Error())
	}
	switch h.Type {
	case TypeR1:
		return s.handleR1(from, msg)
	case TypeL1:
		return s.handleL1(from, msg)
	case TypeE1:
		return s.handleE1(from, msg)
	}
	if l := Label(h.Type); l != "" {
		return role.Output{}, alert(l, role.UnexpectedMessage, "the server does not handle "+l)
	}
	return role.Output{}, alert("", role.DecodeError, fmt.Sprintf("unknown message type 0x%02x", h.Type))
}

func (s *Server) checkSuite(label string, id suite.ID) error {
	if id != s.cfg.Suite.ID {
		return alert(label, role.UnknownSuite, fmt.Sprintf("suite 0x%04x is not the server's suite", uint16(id)))
	}
	return nil
}

func (s *Server) send(to, label string, b []byte) role.Message {
	return role.Message{From: s.cfg.ID, To: to, Label: label, Bytes: b}
}

// handleE1 answers a peer request with E2 to the requester and E3 to the
// requested user (paper §5 "Key Exchange").
func (s *Server) handleE1(from string, msg []byte) (role.Output, error) {
	m, err := UnmarshalE1(msg)
	if err != nil {
		return role.Output{}, decodeAlert("E1", err)
	}
	if err := s.checkSuite("E1", m.Suite); err != nil {
		return role.Output{}, err
	}
	a := s.users[from]
	if a == nil || !a.loggedIn {
		return role.Output{}, alert("E1", role.UnknownPeer, fmt.Sprintf("%q is not logged in", from))
	}
	hard := s.cfg.Variant.hardened()
	j := int(m.Index)
	if hard {
		if len(m.Tag) == 0 {
			return role.Output{}, alert("E1", role.DecodeError, "hardened E1 needs an index and a keyed hash")
		}
		key, err := a.as.checkRecv("E1", j)
		if err != nil {
			return role.Output{}, err
		}
		want := s.ctx.KeyedHash(key, labelE1, []byte(a.id), []byte(m.Peer), u16(j))
		if !suite.Equal(want, m.Tag) {
			return role.Output{}, alert("E1", role.BadMAC, "keyed hash does not verify")
		}
	} else if j != 0 || len(m.Tag) != 0 {
		return role.Output{}, alert("E1", role.DecodeError, "as-published E1 carries no index or keyed hash")
	}
	if m.Peer == a.id {
		return role.Output{}, alert("E1", role.WrongIdentity, "a user cannot request itself")
	}
	b := s.users[m.Peer]
	if b == nil || !b.loggedIn {
		return role.Output{}, alert("E1", role.UnknownPeer, fmt.Sprintf("%q is not logged in", m.Peer))
	}
	ja, err := a.as.peekSend()
	if err != nil {
		return role.Output{}, alert("E2", role.KeysExhausted, err.Error())
	}
	jb, err := b.as.peekSend()
	if err != nil {
		return role.Output{}, alert("E3", role.KeysExhausted, err.Error())
	}
	ka, kb := a.as.key(ja), b.as.key(jb)
	e2, err := s.peerKeyGrant(TypeE2, a, b, ja, ka, s.ctx.Hash(labelE2Evidence, kb))
	if err != nil {
		return role.Output{}, internal("E2", err)
	}
	e3, err := s.peerKeyGrant(TypeE3, b, a, jb, kb, s.ctx.Hash(labelE3Evidence, ka))
	if err != nil {
		return role.Output{}, internal("E3", err)
	}
	var out role.Output
	out.Send(s.send(a.id, "E2", e2))
	out.Send(s.send(b.id, "E3", e3))
	out.Emit(keyUsed(s.cfg.ID, a.id, ja, ka, "AS E2"))
	out.Emit(keyUsed(s.cfg.ID, b.id, jb, kb, "BS E3"))
	// Commit.
	if hard {
		a.as.commitRecv(j)
	}
	a.as.commitSend(ja)
	b.as.commitSend(jb)
	return out, nil
}

// peerKeyGrant builds E2 (t = TypeE2) or E3 for recipient rcpt about other.
func (s *Server) peerKeyGrant(t uint8, rcpt, other *account, j int, key, evidence []byte) ([]byte, error) {
	body, err := (&PeerKeyBody{Peer: other.id, PublicKey: other.pub.Bytes(), Evidence: evidence}).Marshal()
	if err != nil {
		return nil, err
	}
	label := labelE2
	if t == TypeE3 {
		label = labelE3
	}
	sealed, err := s.ctx.Seal(key, label, body, s.cfg.Variant.aad([]byte(s.cfg.ID), []byte(rcpt.id), u16(j))...)
	if err != nil {
		return nil, err
	}
	return (&PeerKeyGrant{Type: t, Suite: s.cfg.Suite.ID, Index: uint16(j), Sealed: sealed}).Marshal()
}

// Left tells S that user id's connection has ended (docs/serve.md
// §"State"). Its login ends with it: S forgets Pub-A, so it hands out no
// stale key in E2/E3 and refuses an E1 naming id (`unknown_peer`) until id
// logs in again. The registration and SK_AS stay.
func (s *Server) Left(id string) {
	if a := s.users[id]; a != nil {
		a.loggedIn = false
		a.pub = nil
	}
}
