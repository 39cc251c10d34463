package imke

import (
	"errors"
	"io"
	"sort"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// ServerConfig configures the server S (profile §6).
type ServerConfig struct {
	Suite   *suite.Suite
	Variant Variant
	Name    string           // S's identity (default "S")
	Key     suite.PrivateKey // KR_S; KU_S is known to every client
	// Users maps ID_A to what S stores for A: P_A under StorePassword,
	// PasswordRecord(StoreImage, ID_A, P_A) under StoreImage.
	Users   map[string][]byte
	Storage PasswordStorage
	Rand    io.Reader // nil: crypto/rand
	// TestingOnlyDefect breaks one check for the conformance gate's
	// self-test (testing_only.go); "" in every real use.
	TestingOnlyDefect string
}

type serverPhase uint8

const (
	serverAwaitResponse serverPhase = iota + 1 // a2 sent
	serverLoggedIn                             // a3 verified
)

// serverSession is S's state for one user's login session.
type serverSession struct {
	id               string
	phase            serverPhase
	ku               suite.PublicKey // KU_A
	kuBytes          []byte
	kas, rs          []byte       // K_AS, R_S until a3: wiped
	keys             *channelKeys // K_AS^s, K_AS^m
	sendSeq, recvSeq uint64       // 4.3 sent, 4.2 accepted
	renewal          *renewal
	held             []Item // items held back while S's renewal is pending
}

func (s *serverSession) wipe() {
	wipe(s.kas, s.rs)
	s.keys.wipe()
	if s.renewal != nil {
		wipe(s.renewal.secret)
	}
}

// Server is the IMKE server S.
type Server struct {
	cfg      ServerConfig
	ctx      *suite.Ctx
	fn       functions
	sessions map[string]*serverSession // accepted logins
	// pending holds logins between a2 and a3. A new login does not
	// disturb an accepted one until its a3 verifies (profile §6.1).
	pending map[string]*serverSession
}

// NewServer returns a server with no sessions.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.Suite == nil || cfg.Key == nil {
		return nil, errors.New("imke: server needs a suite and its private key")
	}
	if _, err := ParseVariant(string(cfg.Variant)); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		cfg.Name = DefaultServer
	}
	if cfg.Storage == "" {
		cfg.Storage = StorePassword
	}
	if cfg.Rand == nil {
		cfg.Rand = cryptoRand()
	}
	ctx := suite.NewCtx(cfg.Suite, cfg.Rand)
	return &Server{cfg: cfg, ctx: ctx, fn: functions{ctx}, sessions: map[string]*serverSession{}, pending: map[string]*serverSession{}}, nil
}

// Name is S's identity.
func (s *Server) Name() string { return s.cfg.Name }

// Ops returns the operations the server has performed.
func (s *Server) Ops() suite.Ops { return s.ctx.Ops }

// LoggedIn lists the users with an accepted login, sorted.
func (s *Server) LoggedIn() []string {
	var out []string
	for id := range s.sessions {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Handle processes one message from user from (role.Role).
func (s *Server) Handle(from string, msg []byte) (role.Output, error) {
	st := s.handle(from, msg)
	if st.commit != nil {
		st.commit()
	}
	if st.err != nil {
		return st.out, st.err
	}
	return st.out, nil
}

func (s *Server) handle(from string, msg []byte) step {
	h, err := checkHeader(msg, s.cfg.Suite.ID)
	if err != nil {
		return reject(err)
	}
	label := Label(h.Type)
	if h.Type == TypeLoginRequest {
		return s.handleLoginRequest(from, msg)
	}
	if h.Type == TypeLoginResponse {
		if p := s.pending[from]; p != nil {
			return s.handleLoginResponse(p, msg)
		}
		return reject(alert(role.UnexpectedMessage, label, "no login in progress for %q", from))
	}
	ss := s.sessions[from]
	if ss == nil {
		return reject(alert(role.UnexpectedMessage, label, "no login session for %q", from))
	}
	switch h.Type {
	case TypeClientData:
		if ss.phase == serverLoggedIn {
			return s.handleClientData(ss, msg)
		}
	case TypeRenewalKey:
		if ss.phase == serverLoggedIn && !s.cfg.Variant.hardened() {
			return s.handleRenewalKey(ss, msg)
		}
	}
	return reject(alert(role.UnexpectedMessage, label, "not expected from %q now", from))
}

// handleLoginRequest checks a1 and answers a2 (paper §4.1 step 2).
func (s *Server) handleLoginRequest(from string, msg []byte) step {
	m, err := UnmarshalLoginRequest(msg)
	if err != nil {
		return reject(err)
	}
	w, ok := s.cfg.Users[m.ID]
	if !ok {
		return reject(alert(role.UnknownPeer, "a1", "no user %q", m.ID))
	}
	if s.cfg.Variant.hardened() && from != m.ID {
		return reject(alert(role.WrongIdentity, "a1", "ID_A %q arrived from %q", m.ID, from))
	}
	kas, err := s.ctx.Decrypt(s.cfg.Key, labelEncKAS, m.EncryptedKey)
	if err != nil || len(kas) != secretSize {
		return reject(alert(role.DecryptError, "a1", "cannot decrypt K_AS"))
	}
	var aad [][]byte
	if s.cfg.Variant.hardened() {
		aad = [][]byte{[]byte(m.ID)}
	}
	pt, err := s.ctx.Open(kas, labelSealA1, m.SealedProof, aad...)
	if err != nil {
		return reject(alert(role.DecryptError, "a1", "cannot open {KU_A, f1(P_A)} under K_AS"))
	}
	proof, err := UnmarshalLoginProof(pt)
	if err != nil {
		return reject(err)
	}
	ku, err := s.cfg.Suite.ParsePublicKey(proof.PublicKey)
	if err != nil {
		return reject(alert(role.DecodeError, "a1", "KU_A: %v", err))
	}
	if !suite.Equal(proof.F1, s.fn.f1(w, f1Binding(s.cfg.Variant, kas, proof.PublicKey)...)) {
		return s.disconnect(m.ID, "a1", "f1(P_A) does not match")
	}
	rs, err := s.ctx.Random(secretSize)
	if err != nil {
		return reject(alert(role.InternalError, "a2", "%v", err))
	}
	enc, err := s.ctx.Encrypt(ku, labelEncRS, rs)
	if err != nil {
		return reject(alert(role.InternalError, "a2", "encrypt R_S: %v", err))
	}
	sealed, err := s.ctx.Seal(kas, labelSealA2, s.f2(w, f2Binding(s.cfg.Variant, rs)...), aad...)
	if err != nil {
		return reject(alert(role.InternalError, "a2", "seal: %v", err))
	}
	b, err := (&LoginChallenge{Suite: s.cfg.Suite.ID, EncryptedChallenge: enc, SealedProof: sealed}).Marshal()
	if err != nil {
		return reject(err)
	}
	var out role.Output
	out.Send(role.Message{From: s.cfg.Name, To: m.ID, Label: "a2", Bytes: b})
	id := m.ID
	return step{out: out, commit: func() {
		if old := s.pending[id]; old != nil {
			old.wipe()
		}
		s.pending[id] = &serverSession{id: id, phase: serverAwaitResponse, ku: ku, kuBytes: proof.PublicKey, kas: kas, rs: rs}
	}}
}

// disconnect ends id's login attempt after a failed f1 or f3 check: S
// forgets it and refuses its a3. An accepted session of id, if any, is
// not this session and goes on (profile §6.1).
func (s *Server) disconnect(id, label, reason string) step {
	var out role.Output
	out.Emit(role.Event{Kind: role.Disconnected, Role: s.cfg.Name, Peer: id, Note: reason})
	return step{out: out, err: alert(role.AuthFailed, label, "%s; disconnected %q", reason, id), commit: func() {
		if old := s.pending[id]; old != nil {
			old.wipe()
		}
		delete(s.pending, id)
	}}
}

// handleLoginResponse checks a3, derives 4.1 and accepts the login with a
// 4.3 (paper §4.1 step 4).
func (s *Server) handleLoginResponse(ss *serverSession, msg []byte) step {
	if ss.phase != serverAwaitResponse {
		return reject(alert(role.UnexpectedMessage, "a3", "not waiting for a3"))
	}
	m, err := UnmarshalLoginResponse(msg)
	if err != nil {
		return reject(err)
	}
	if !suite.Equal(m.F3, s.fn.f3(ss.rs)) {
		return s.disconnect(ss.id, "a3", "f3(R_S) does not match")
	}
	keys := &channelKeys{enc: s.fn.f4(ss.kas, ss.rs), mac: s.fn.f5(ss.rs, ss.kas)}
	seq := ss.sendSeq + 1
	m43, err := s.sealItem(ss, keys, seq, &Item{Kind: ItemLoginAccepted, Peer: ss.id}, "4.3")
	if err != nil {
		return reject(err)
	}
	var out role.Output
	out.Send(m43)
	out.Emit(role.Event{Kind: role.SessionKeyEstablished, Role: s.cfg.Name, Peer: ss.id, Key: clone(keys.enc)})
	out.Emit(role.Event{Kind: role.LoginAccepted, Role: s.cfg.Name, Peer: ss.id})
	return step{out: out, commit: func() {
		wipe(ss.kas, ss.rs)
		ss.kas, ss.rs = nil, nil
		ss.keys = keys
		ss.sendSeq = seq
		ss.phase = serverLoggedIn
		delete(s.pending, ss.id)
		if old := s.sessions[ss.id]; old != nil {
			old.wipe()
		}
		s.sessions[ss.id] = ss
	}}
}

// sealItem builds a 4.3 to ss under keys with sequence number seq.
func (s *Server) sealItem(ss *serverSession, keys *channelKeys, seq uint64, it *Item, label string) (role.Message, error) {
	data, err := it.Marshal()
	if err != nil {
		return role.Message{}, err
	}
	sealed, mac, err := protect(s.ctx, keys, bindFor(s.cfg.Variant, labelServerData, seq, s.cfg.Name, ss.id), data)
	if err != nil {
		return role.Message{}, alert(role.InternalError, label, "seal: %v", err)
	}
	b, err := (&ServerData{Sequenced{Suite: s.cfg.Suite.ID, Seq: seq, Sealed: sealed, MAC: mac}}).Marshal()
	if err != nil {
		return role.Message{}, err
	}
	return role.Message{From: s.cfg.Name, To: ss.id, Label: label, Bytes: b}, nil
}

// outbox collects S's messages to several sessions in one step; its
// commit advances each session's counter or hold queue.
type outbox struct {
	s       *Server
	msgs    []role.Message
	seqs    map[*serverSession]uint64
	holds   map[*serverSession][]Item
	commits []func()
}

func (s *Server) newOutbox() *outbox {
	return &outbox{s: s, seqs: map[*serverSession]uint64{}, holds: map[*serverSession][]Item{}}
}

// send queues item it for ss: sealed now, or held back if S started a
// renewal with ss and awaits its answer (the stop-sending rule).
func (o *outbox) send(ss *serverSession, it Item, label string) error {
	if ss.renewal != nil && ss.renewal.initiator {
		o.holds[ss] = append(o.holds[ss], it)
		return nil
	}
	seq, ok := o.seqs[ss]
	if !ok {
		seq = ss.sendSeq
	}
	m, err := o.s.sealOut(ss, ss.keys, &seq, it, label)
	if err != nil {
		return err
	}
	o.seqs[ss] = seq
	o.msgs = append(o.msgs, m)
	return nil
}

func (o *outbox) commit() {
	for ss, seq := range o.seqs {
		ss.sendSeq = seq
	}
	for ss, items := range o.holds {
		ss.held = append(ss.held, items...)
	}
	for _, f := range o.commits {
		f()
	}
}

// sealOut builds the message for item it: a 4.3 (advancing *seq), or, as
// published, a peer key goes out as its own unsequenced b1/b2.
func (s *Server) sealOut(ss *serverSession, keys *channelKeys, seq *uint64, it Item, label string) (role.Message, error) {
	if it.Kind == ItemPeerKey && !s.cfg.Variant.hardened() {
		data, err := (&PeerKeyInfo{Key: it.Key, ID: it.Peer}).Marshal()
		if err != nil {
			return role.Message{}, err
		}
		sealed, mac, err := protect(s.ctx, keys, bindFor(AsPublished, "", 0, "", ""), data)
		if err != nil {
			return role.Message{}, alert(role.InternalError, label, "seal: %v", err)
		}
		b, err := (&PeerKey{Unsequenced{Suite: s.cfg.Suite.ID, Sealed: sealed, MAC: mac}}).Marshal()
		if err != nil {
			return role.Message{}, err
		}
		return role.Message{From: s.cfg.Name, To: ss.id, Label: label, Bytes: b}, nil
	}
	next := *seq + 1
	m, err := s.sealItem(ss, keys, next, &it, label)
	if err != nil {
		return role.Message{}, err
	}
	*seq = next
	return m, nil
}

// handleClientData opens a 4.2 and acts on its item.
func (s *Server) handleClientData(ss *serverSession, msg []byte) step {
	m, err := UnmarshalClientData(msg)
	if err != nil {
		return reject(err)
	}
	data, err := unprotect(s.ctx, ss.keys, bindFor(s.cfg.Variant, labelClientData, m.Seq, ss.id, s.cfg.Name), m.Sealed, m.MAC, "4.2")
	if err != nil {
		return reject(err)
	}
	if m.Seq <= ss.recvSeq {
		return reject(alert(role.Replay, "4.2", "sequence number %d, last accepted %d", m.Seq, ss.recvSeq))
	}
	it, err := UnmarshalClientItem(data)
	if err != nil {
		return reject(err)
	}
	var inner step
	switch it.Kind {
	case ItemText:
		var out role.Output
		out.Emit(role.Event{Kind: role.MessageAccepted, Role: s.cfg.Name, Peer: ss.id, Index: m.Seq, Body: it.Body})
		inner = step{out: out}
	case ItemPeerRequest:
		inner = s.distributeKeys(ss, it.Peer)
	case ItemRelay:
		inner = s.relay(ss, it.Peer, it.Body)
	case ItemRenewal:
		if !s.cfg.Variant.hardened() {
			return reject(alert(role.UnexpectedMessage, "4.2", "renewal item is hardened only"))
		}
		inner = s.acceptClientRenewal(ss, it.Key, it.Phase, it.Confirm, "4.4")
	}
	if inner.err != nil {
		return inner
	}
	seq := m.Seq
	return step{out: inner.out, commit: func() {
		ss.recvSeq = seq
		if inner.commit != nil {
			inner.commit()
		}
	}}
}

// loggedIn returns id's session if id is logged in.
func (s *Server) loggedIn(id string) *serverSession {
	if ss := s.sessions[id]; ss != nil && ss.phase == serverLoggedIn {
		return ss
	}
	return nil
}

// distributeKeys answers A's request for B: b1 to A with KU_B, b2 to B
// with KU_A (paper §4.2 step 1).
func (s *Server) distributeKeys(a *serverSession, peer string) step {
	b := s.loggedIn(peer)
	if b == nil || peer == a.id {
		return reject(alert(role.UnknownPeer, "4.2", "%q is not logged in", peer))
	}
	o := s.newOutbox()
	if err := o.send(a, Item{Kind: ItemPeerKey, Peer: b.id, Key: b.kuBytes}, "b1"); err != nil {
		return reject(err)
	}
	if err := o.send(b, Item{Kind: ItemPeerKey, Peer: a.id, Key: a.kuBytes}, "b2"); err != nil {
		return reject(err)
	}
	return step{out: role.Output{Messages: o.msgs}, commit: o.commit}
}

// relay forwards a c1–c3 or 4.7 from A to B inside a 4.3 (profile §3.13).
// S cannot read it: it is under K_AB or B's public key.
func (s *Server) relay(a *serverSession, peer string, body []byte) step {
	b := s.loggedIn(peer)
	if b == nil || peer == a.id {
		return reject(alert(role.UnknownPeer, "4.2", "%q is not logged in", peer))
	}
	if !relayable(body) {
		return reject(alert(role.UnexpectedMessage, "4.2", "S relays only c1, c2, c3 and 4.7"))
	}
	h, _ := wire.PeekHeader(body)
	o := s.newOutbox()
	if err := o.send(b, Item{Kind: ItemRelayed, Peer: a.id, Body: body}, Label(h.Type)+" (4.3)"); err != nil {
		return reject(err)
	}
	if s.cfg.TestingOnlyDefect == testingOnlyRogueReRelay {
		if err := o.send(b, Item{Kind: ItemRelayed, Peer: a.id, Body: body}, Label(h.Type)+" (4.3) again"); err != nil {
			return reject(err)
		}
	}
	return step{out: role.Output{Messages: o.msgs}, commit: o.commit}
}

// SendToUser sends body to a logged-in user as ServerData (4.3).
func (s *Server) SendToUser(id string, body []byte) (role.Output, error) {
	ss := s.loggedIn(id)
	if ss == nil {
		return role.Output{}, alert(role.UnknownPeer, "4.3", "%q is not logged in", id)
	}
	if len(body) == 0 {
		return role.Output{}, alert(role.InternalError, "4.3", "empty body")
	}
	o := s.newOutbox()
	if err := o.send(ss, Item{Kind: ItemText, Body: clone(body)}, "4.3"); err != nil {
		return role.Output{}, err
	}
	o.commit()
	var out role.Output
	out.Messages = o.msgs
	ev := role.Event{Kind: role.MessageSent, Role: s.cfg.Name, Peer: id, Index: ss.sendSeq, Body: clone(body)}
	if len(o.msgs) == 0 {
		ev.Index, ev.Note = 0, "held until the renewal completes"
	}
	out.Emit(ev)
	return out, nil
}

// Left tells S that user id's connection has ended (docs/serve.md
// §"State"): its login session and any login attempt end, their keys
// wiped, so S answers a peer request naming id with `unknown_peer` and
// hands out no stale KU_A until id logs in again.
func (s *Server) Left(id string) {
	for _, m := range []map[string]*serverSession{s.sessions, s.pending} {
		if ss := m[id]; ss != nil {
			ss.wipe()
			delete(m, id)
		}
	}
}
