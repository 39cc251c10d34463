package imke

import (
	"errors"
	"fmt"
	"io"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// DefaultServer is the server's identity unless a config says otherwise.
const DefaultServer = "S"

// ClientConfig configures a client A (profile §5).
type ClientConfig struct {
	Suite    *suite.Suite
	Variant  Variant
	Identity string // ID_A
	Password []byte // P_A
	// Storage must match the server's: under StoreImage the client
	// computes f1, f2 from the image W_A.
	Storage PasswordStorage
	// Server is S's identity (default "S"); ServerKey is KU_S, verified
	// out of band (profile §9).
	Server    string
	ServerKey suite.PublicKey
	// Rand is the client's random source (nil: crypto/rand).
	Rand io.Reader
	// Relay sends c1–c3 and 4.7 through the server inside 4.2/4.3.
	Relay bool
	// TestingOnlyDefect breaks one check for the conformance gate's
	// self-test (testing_only.go); "" in every real use.
	TestingOnlyDefect string
}

type clientPhase uint8

const (
	clientIdle           clientPhase = iota
	clientAwaitChallenge             // a1 sent
	clientAwaitAccept                // a3 sent
	clientLoggedIn                   // login accepted in a 4.3
	clientDisconnected               // a fatal check failed
)

// Client is an IMKE user (A or B).
type Client struct {
	cfg   ClientConfig
	ctx   *suite.Ctx
	fn    functions
	phase clientPhase

	kas []byte           // K_AS, until a2 is handled
	kr  suite.PrivateKey // KR_A, for this login
	ku  []byte           // KU_A's encoding

	keys             *channelKeys // K_AS^s, K_AS^m
	sendSeq, recvSeq uint64       // 4.2 sent, 4.3 accepted
	renewal          *renewal
	peers            map[string]*peer
}

// NewClient returns a client that has not logged in.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.Suite == nil || cfg.ServerKey == nil {
		return nil, errors.New("imke: client needs a suite and the server's public key")
	}
	if !wire.ValidIdentity(cfg.Identity) || len(cfg.Password) == 0 {
		return nil, errors.New("imke: client needs a valid identity and a password")
	}
	if _, err := ParseVariant(string(cfg.Variant)); err != nil {
		return nil, err
	}
	if cfg.Storage == "" {
		cfg.Storage = StorePassword
	}
	if cfg.Server == "" {
		cfg.Server = DefaultServer
	}
	if cfg.Rand == nil {
		cfg.Rand = cryptoRand()
	}
	ctx := suite.NewCtx(cfg.Suite, cfg.Rand)
	return &Client{cfg: cfg, ctx: ctx, fn: functions{ctx}, peers: map[string]*peer{}}, nil
}

// Name is ID_A.
func (c *Client) Name() string { return c.cfg.Identity }

// Ops returns the operations the client has performed.
func (c *Client) Ops() suite.Ops { return c.ctx.Ops }

// LoggedIn reports whether the server has accepted the client's login.
func (c *Client) LoggedIn() bool { return c.phase == clientLoggedIn }

func (c *Client) suiteID() suite.ID { return c.cfg.Suite.ID }

// credential is W: P_A, or its image under StoreImage.
func (c *Client) credential() []byte {
	if c.cfg.Storage == StoreImage {
		return c.fn.image(c.cfg.Identity, c.cfg.Password)
	}
	return c.cfg.Password
}

// Login starts the PAKE phase: a fresh (KU_A, KR_A) and K_AS, then a1
// (paper §4.1 step 1). A client may log in again after a disconnect.
func (c *Client) Login() (role.Output, error) {
	if c.phase != clientIdle && c.phase != clientDisconnected {
		return role.Output{}, alert(role.UnexpectedMessage, "a1", "login already started")
	}
	kr, err := c.ctx.NewPrivateKey()
	if err != nil {
		return role.Output{}, alert(role.InternalError, "a1", "key pair: %v", err)
	}
	kas, err := c.ctx.Random(secretSize)
	if err != nil {
		return role.Output{}, alert(role.InternalError, "a1", "%v", err)
	}
	ku := kr.Public().Bytes()
	enc, err := c.ctx.Encrypt(c.cfg.ServerKey, labelEncKAS, kas)
	if err != nil {
		return role.Output{}, alert(role.InternalError, "a1", "encrypt K_AS: %v", err)
	}
	proof, err := (&LoginProof{PublicKey: ku, F1: c.fn.f1(c.credential(), f1Binding(c.cfg.Variant, kas, ku)...)}).Marshal()
	if err != nil {
		return role.Output{}, err
	}
	sealed, err := c.ctx.Seal(kas, labelSealA1, proof, c.a1Binding()...)
	if err != nil {
		return role.Output{}, alert(role.InternalError, "a1", "seal: %v", err)
	}
	b, err := (&LoginRequest{Suite: c.suiteID(), ID: c.cfg.Identity, EncryptedKey: enc, SealedProof: sealed}).Marshal()
	if err != nil {
		return role.Output{}, err
	}
	c.resetSession()
	c.phase, c.kas, c.kr, c.ku = clientAwaitChallenge, kas, kr, ku
	var out role.Output
	out.Send(role.Message{From: c.cfg.Identity, To: c.cfg.Server, Label: "a1", Bytes: b})
	out.Emit(role.Event{Kind: role.LoginStarted, Role: c.cfg.Identity, Peer: c.cfg.Server})
	return out, nil
}

// Reset ends the client's session locally, as when its connection
// closes: every key is wiped and the client may Login again.
func (c *Client) Reset() {
	c.resetSession()
	c.phase = clientIdle
}

// f1Binding is what f1 binds besides W: nothing as published, K_AS and
// KU_A when hardened (H8), so that whoever learns K_AS (with KR_S) can
// neither swap KU_A in a1 nor reuse f1(P_A) in another login.
func f1Binding(v Variant, kas, ku []byte) [][]byte {
	if v.hardened() {
		return [][]byte{kas, ku}
	}
	return nil
}

// f2Binding is what f2 binds besides W: nothing as published, R_S when
// hardened (H8), so that a2's two parts are bound together and no one
// without W can give A an R_S of its own.
func f2Binding(v Variant, rs []byte) [][]byte {
	if v.hardened() {
		return [][]byte{rs}
	}
	return nil
}

// a1Binding is the associated data of a1's and a2's seals: none as
// published, ID_A when hardened.
func (c *Client) a1Binding() [][]byte {
	if c.cfg.Variant.hardened() {
		return [][]byte{[]byte(c.cfg.Identity)}
	}
	return nil
}

// resetSession forgets everything of a previous login.
func (c *Client) resetSession() {
	wipe(c.kas)
	c.keys.wipe()
	for _, p := range c.peers {
		p.wipe()
	}
	if c.renewal != nil {
		wipe(c.renewal.secret)
	}
	c.kas, c.kr, c.ku, c.keys, c.renewal = nil, nil, nil, nil, nil
	c.sendSeq, c.recvSeq = 0, 0
	c.peers = map[string]*peer{}
}

// step is what a handler decided: the output, the state change to make if
// the message is accepted, and the alert if it is not. A fatal alert comes
// with a commit (the disconnect) and an output (the Disconnected event).
type step struct {
	out    role.Output
	commit func()
	err    error
}

func reject(err error) step { return step{err: err} }

// Handle processes one message from the network (role.Role).
func (c *Client) Handle(from string, msg []byte) (role.Output, error) {
	st := c.handle(from, msg)
	if st.commit != nil {
		st.commit()
	}
	if st.err != nil {
		return st.out, st.err
	}
	return st.out, nil
}

func (c *Client) handle(from string, msg []byte) step {
	h, err := checkHeader(msg, c.suiteID())
	if err != nil {
		return reject(err)
	}
	label := Label(h.Type)
	if c.phase == clientDisconnected || c.phase == clientIdle {
		return reject(alert(role.UnexpectedMessage, label, "no login session (disconnected or not started)"))
	}
	fromServer := from == c.cfg.Server
	switch h.Type {
	case TypeLoginChallenge, TypeServerData, TypePeerKey, TypeRenewalChallenge:
		if !fromServer {
			return reject(alert(role.UnexpectedMessage, label, "from %q, not the server", from))
		}
	case TypeKeyTransport, TypeKeyTransportReply, TypeKeyConfirm, TypePeerData:
		if fromServer || from == c.cfg.Identity {
			return reject(alert(role.UnexpectedMessage, label, "peer message from %q", from))
		}
	default:
		return reject(alert(role.UnexpectedMessage, label, "a client does not accept %s", labelOrType(h.Type)))
	}
	if h.Type == TypeLoginChallenge {
		return c.handleChallenge(msg)
	}
	if h.Type == TypeServerData {
		return c.handleServerData(msg)
	}
	if c.phase != clientLoggedIn {
		return reject(alert(role.UnexpectedMessage, label, "not logged in"))
	}
	switch h.Type {
	case TypePeerKey:
		return c.handlePeerKey(msg)
	case TypeRenewalChallenge:
		return c.handleRenewalChallenge(msg)
	default:
		return c.handlePeerMessage(from, msg, false)
	}
}

// handleChallenge verifies a2 and answers a3 (paper §4.1 step 3).
func (c *Client) handleChallenge(msg []byte) step {
	if c.phase != clientAwaitChallenge {
		// A logged-in client receives only 4.3 from S: a replayed a2 is
		// discarded (paper §5.2).
		return reject(alert(role.UnexpectedMessage, "a2", "not waiting for a2"))
	}
	m, err := UnmarshalLoginChallenge(msg)
	if err != nil {
		return reject(err)
	}
	rs, err := c.ctx.Decrypt(c.kr, labelEncRS, m.EncryptedChallenge)
	if err != nil || len(rs) != secretSize {
		return reject(alert(role.DecryptError, "a2", "cannot decrypt R_S"))
	}
	f2, err := c.ctx.Open(c.kas, labelSealA2, m.SealedProof, c.a1Binding()...)
	if err != nil {
		return reject(alert(role.DecryptError, "a2", "cannot open f2(P_A) under K_AS"))
	}
	if !suite.Equal(f2, c.f2(c.credential(), f2Binding(c.cfg.Variant, rs)...)) && c.cfg.TestingOnlyDefect != testingOnlyF2Unchecked {
		return c.disconnect("a2", "f2(P_A) does not match")
	}
	keys := &channelKeys{enc: c.fn.f4(c.kas, rs), mac: c.fn.f5(rs, c.kas)}
	b, err := (&LoginResponse{Suite: c.suiteID(), F3: c.fn.f3(rs)}).Marshal()
	if err != nil {
		return reject(err)
	}
	var out role.Output
	out.Send(role.Message{From: c.cfg.Identity, To: c.cfg.Server, Label: "a3", Bytes: b})
	out.Emit(role.Event{Kind: role.SessionKeyEstablished, Role: c.cfg.Identity, Peer: c.cfg.Server, Key: clone(keys.enc)})
	return step{out: out, commit: func() {
		wipe(c.kas, rs)
		c.kas = nil
		c.keys = keys
		c.phase = clientAwaitAccept
	}}
}

// disconnect is the paper's "disconnects": the session ends, the role
// emits Disconnected and refuses further messages until a new Login.
func (c *Client) disconnect(label, reason string) step {
	var out role.Output
	out.Emit(role.Event{Kind: role.Disconnected, Role: c.cfg.Identity, Peer: c.cfg.Server, Note: reason})
	return step{out: out, err: alert(role.AuthFailed, label, "%s; disconnected", reason), commit: func() {
		c.resetSession()
		c.phase = clientDisconnected
	}}
}

// handleServerData opens a 4.3 and acts on its item.
func (c *Client) handleServerData(msg []byte) step {
	if c.phase != clientAwaitAccept && c.phase != clientLoggedIn {
		return reject(alert(role.UnexpectedMessage, "4.3", "no session key yet"))
	}
	m, err := UnmarshalServerData(msg)
	if err != nil {
		return reject(err)
	}
	data, err := unprotect(c.ctx, c.keys, bindFor(c.cfg.Variant, labelServerData, m.Seq, c.cfg.Server, c.cfg.Identity), m.Sealed, m.MAC, "4.3")
	if err != nil {
		return reject(err)
	}
	if m.Seq <= c.recvSeq {
		return reject(alert(role.Replay, "4.3", "sequence number %d, last accepted %d", m.Seq, c.recvSeq))
	}
	it, err := UnmarshalServerItem(data)
	if err != nil {
		return reject(err)
	}
	var inner step
	switch {
	case it.Kind == ItemLoginAccepted:
		if c.phase != clientAwaitAccept || it.Peer != c.cfg.Identity {
			return reject(alert(role.UnexpectedMessage, "4.3", "login acceptance out of place"))
		}
		var out role.Output
		out.Emit(role.Event{Kind: role.LoginAccepted, Role: c.cfg.Identity, Peer: c.cfg.Server})
		inner = step{out: out, commit: func() { c.phase = clientLoggedIn }}
	case c.phase != clientLoggedIn:
		return reject(alert(role.UnexpectedMessage, "4.3", "%s before login acceptance", it.Kind))
	case it.Kind == ItemText:
		var out role.Output
		out.Emit(role.Event{Kind: role.MessageAccepted, Role: c.cfg.Identity, Peer: c.cfg.Server, Index: m.Seq, Body: it.Body})
		inner = step{out: out}
	case it.Kind == ItemPeerKey && c.cfg.Variant.hardened():
		inner = c.acceptPeerKey(it.Peer, it.Key, "b1/b2")
	case it.Kind == ItemRenewal && c.cfg.Variant.hardened():
		inner = c.acceptServerRenewal(it.Key, it.Phase, it.Confirm, "4.5")
	case it.Kind == ItemRelayed:
		if !relayable(it.Body) {
			return reject(alert(role.UnexpectedMessage, "4.3", "relayed message is not c1, c2, c3 or 4.7"))
		}
		if it.Peer == c.cfg.Identity || it.Peer == c.cfg.Server {
			return reject(alert(role.UnexpectedMessage, "4.3", "relayed from %q", it.Peer))
		}
		inner = c.handlePeerMessage(it.Peer, it.Body, true)
	default:
		return reject(alert(role.UnexpectedMessage, "4.3", "%s not expected in this variant", it.Kind))
	}
	if inner.err != nil {
		return inner
	}
	seq := m.Seq
	return step{out: inner.out, commit: func() {
		c.recvSeq = seq
		if inner.commit != nil {
			inner.commit()
		}
	}}
}

// sealToServer builds a 4.2 carrying it under the current keys with the
// next sequence number; commit advances the counter.
func (c *Client) sealToServer(it *Item, label string) (role.Message, func(), error) {
	if c.renewal != nil && c.renewal.initiator {
		return role.Message{}, nil, alert(role.UnexpectedMessage, label, "key renewal in progress: the initiator stops sending (profile §7.2)")
	}
	return c.sealToServerAnyway(it, label)
}

func (c *Client) sealToServerAnyway(it *Item, label string) (role.Message, func(), error) {
	data, err := it.Marshal()
	if err != nil {
		return role.Message{}, nil, err
	}
	seq := c.sendSeq + 1
	sealed, mac, err := protect(c.ctx, c.keys, bindFor(c.cfg.Variant, labelClientData, seq, c.cfg.Identity, c.cfg.Server), data)
	if err != nil {
		return role.Message{}, nil, alert(role.InternalError, label, "seal: %v", err)
	}
	b, err := (&ClientData{Sequenced{Suite: c.suiteID(), Seq: seq, Sealed: sealed, MAC: mac}}).Marshal()
	if err != nil {
		return role.Message{}, nil, err
	}
	return role.Message{From: c.cfg.Identity, To: c.cfg.Server, Label: label, Bytes: b}, func() { c.sendSeq = seq }, nil
}

// SendToServer sends body to the server as ClientData (4.2).
func (c *Client) SendToServer(body []byte) (role.Output, error) {
	if c.phase != clientLoggedIn {
		return role.Output{}, alert(role.UnexpectedMessage, "4.2", "not logged in")
	}
	m, commit, err := c.sealToServer(&Item{Kind: ItemText, Body: body}, "4.2")
	if err != nil {
		return role.Output{}, err
	}
	commit()
	var out role.Output
	out.Send(m)
	out.Emit(role.Event{Kind: role.MessageSent, Role: c.cfg.Identity, Peer: c.cfg.Server, Index: c.sendSeq, Body: clone(body)})
	return out, nil
}

// RequestPeer asks the server to communicate with peer (4.2, paper §4.2):
// S answers with b1 to A and b2 to the peer, and A then starts c1.
func (c *Client) RequestPeer(peer string) (role.Output, error) {
	if c.phase != clientLoggedIn {
		return role.Output{}, alert(role.UnexpectedMessage, "4.2", "not logged in")
	}
	if (peer == c.cfg.Identity || peer == c.cfg.Server) && c.cfg.TestingOnlyDefect != testingOnlyHostileUser || !wire.ValidIdentity(peer) {
		return role.Output{}, alert(role.UnknownPeer, "4.2", "cannot request peer %q", peer)
	}
	m, commit, err := c.sealToServer(&Item{Kind: ItemPeerRequest, Peer: peer}, "4.2")
	if err != nil {
		return role.Output{}, err
	}
	commit()
	c.peer(peer).requested = true
	var out role.Output
	out.Send(m)
	return out, nil
}

// checkHeader reads msg's header and checks version and suite.
func checkHeader(msg []byte, want suite.ID) (wire.Header, error) {
	h, err := wire.PeekHeader(msg)
	if err != nil {
		return h, alert(role.DecodeError, "", "truncated header")
	}
	label := Label(h.Type)
	if label == "" {
		return h, alert(role.DecodeError, "", "message type 0x%02x is not an IMKE message (wire.md §2)", h.Type)
	}
	if h.Version != wire.Version {
		return h, alert(role.BadVersion, label, "profile version %d", h.Version)
	}
	if suite.ID(h.Suite) != want {
		return h, alert(role.UnknownSuite, label, "suite 0x%04x, session uses 0x%04x", h.Suite, uint16(want))
	}
	return h, nil
}

func labelOrType(t uint8) string {
	if l := Label(t); l != "" {
		return l
	}
	return fmt.Sprintf("type 0x%02x", t)
}

// relayable reports whether b is an IMKE message that S may relay between
// users: c1, c2, c3 or 4.7.
func relayable(b []byte) bool {
	h, err := wire.PeekHeader(b)
	if err != nil {
		return false
	}
	switch h.Type {
	case TypeKeyTransport, TypeKeyTransportReply, TypeKeyConfirm, TypePeerData:
		return true
	}
	return false
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
