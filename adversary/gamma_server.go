package adversary

import (
	"fmt"
	"slices"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// A dishonest server's messages (docs/adversary.md §4): the model's
// dishonest s has no role session, so the adversary makes everything it
// sends. On the code the corrupted server still runs its implementation,
// and the adversary holds its state, so a login or registration answer
// (SIMP R2, L2; IMKE a2) is the server's own answer to the user's
// request, with the trace's attacker values (x0: R_S, n2, …) being the
// values the server drew; every message whose term departs from the
// protocol (a peer key that is not the peer's) is built with the server's
// keys (gamma_build.go).

// serverAnswerLabels are the server answers γ takes from a dishonest
// server's own code.
var serverAnswerLabels = map[string]bool{"R2": true, "L2": true, "a2": true}

// loginLabels are the user messages of registration and login: what a
// dishonest server's code is given to answer and to derive the user's
// keys from (never a request about a peer, which its code would judge
// by its own sessions).
var loginLabels = map[string]bool{"R1": true, "L1": true, "a1": true, "a3": true}

// serverAnswers delivers to a dishonest server what `to` sent it, and
// binds s's term to the server's answer; false when the server is honest,
// the label is not an answer, or the server's code gave none.
func (g *gammaRun) serverAnswers(s ModelStep, lbl, to string) (bool, error) {
	n, srv := g.n, g.n.Setup.Server
	if n.Honest(srv) || !serverAnswerLabels[lbl] {
		return false, nil
	}
	p := g.unbound(srv, to, lbl)
	for _, q := range slices.Clone(n.Pool) {
		if p != nil {
			break
		}
		if q.Msg.From != to || q.Msg.To != srv || !loginLabels[q.Msg.Label] {
			continue
		}
		if err := n.Need(n.Deliver(q.ID)); err != nil {
			return true, err
		}
		g.log(s, "the dishonest server's code receives #%d %s from %s", q.ID, q.Msg.Label, to)
		p = g.unbound(srv, to, lbl)
	}
	if p == nil || p.Msg.To != to {
		return false, nil
	}
	g.bind(s, p)
	g.log(s, "the dishonest server's own %s #%d to %s (the trace's attacker values are the ones it drew), delivered", lbl, p.ID, to)
	return true, n.Need(n.Deliver(p.ID))
}

// buildA2 impersonates S in a2 (imke.md §5): as published ⟨{R_S}_E_A,
// {f2(W_A)}_K_AS⟩, hardened {f2(W_A, R_S)} bound to ID_A (H8). K_AS is
// the one the adversary opened from the user's a1 (with KR_S), E_A the
// KU_A read from it, W_A the user's password record, which the adversary
// has only by guessing P_A against f1(P_A) or from a dishonest server.
func (g *gammaRun) buildA2(f []*mterm, to string, unreal func(string, string) error) ([]byte, string, error) {
	if len(f) != 2 || !f[0].is("aenc", 2) || !f[1].is("senc", 2) {
		return nil, "", unreal(joinTerms(f), "imke.md §5: a2 is ⟨{R_S}_E_A, {f2(W_A)}_K_AS⟩")
	}
	n := g.n
	rsTerm := f[0].arg(0)
	if rsTerm.Fn == "<>" && len(rsTerm.Args) == 2 {
		rsTerm = rsTerm.Args[1] // ⟨la2, R_S⟩: the label of the encryption
	}
	rs, err := g.value(rsTerm)
	if err != nil {
		return nil, "", unreal(rsTerm.String(), needs(err))
	}
	n.Knowledge.Learn([]Fact{fact(rs, "R_S", "the adversary's R_S for "+to)}, "")
	g.advRS[to] = rs
	pub, err := g.parsedKey(f[0].arg(1))
	if err != nil {
		return nil, "", unreal(f[0].String(), needs(err))
	}
	enc, err := n.Ctx.Encrypt(pub, imkeLabelEncRS, rs)
	if err != nil {
		return nil, "", err
	}
	if sealed, err := g.field(f[1], "a2"); len(n.Knowledge.Tagged("record "+to)) == 0 && (err != nil || sealed != nil) {
		// S's own {f2(W_A)}_K_AS, copied: as published it binds nothing
		// of R_S, so any R_S goes with it (hardened f2 binds R_S, H8).
		if err != nil {
			return nil, "", g.stepped(err, unreal)
		}
		b, err := (&imke.LoginChallenge{Suite: n.Setup.Suite.ID, EncryptedChallenge: enc, SealedProof: sealed}).Marshal()
		return b, fmt.Sprintf("a2 as S to %s: R_S of the adversary's under KU_A, S's own {f2(W_A)}_K_AS copied", to), err
	}
	kas, a1 := g.openedLoginKey(to)
	if kas == nil {
		return nil, "", unreal(f[1].arg(1).String(), "imke.md §5: K_AS travels under E_S; without KR_S the adversary cannot open "+to+"'s a1")
	}
	records := n.Knowledge.Tagged("record " + to)
	if len(records) == 0 {
		return nil, "", unreal("f2(pw("+to+"))", "imke.md §5: f2 needs "+to+"'s password record W_A, which the adversary has neither guessed nor been given")
	}
	var bind, aad [][]byte
	if g.variant == "hardened" {
		bind, aad = [][]byte{rs}, [][]byte{[]byte(a1.ID)}
	}
	sealed, err := n.Ctx.Seal(kas, imkeLabelSealA2, n.Ctx.Hash(imkeLabelF2, append([][]byte{records[0]}, bind...)...), aad...)
	if err != nil {
		return nil, "", err
	}
	b, err := (&imke.LoginChallenge{Suite: n.Setup.Suite.ID, EncryptedChallenge: enc, SealedProof: sealed}).Marshal()
	return b, fmt.Sprintf("a2 as S to %s: R_S of the adversary's under KU_A, f2 of the guessed W_A under the K_AS of %s's a1", to, to), err
}

// openedLoginKey is the K_AS of user's latest a1 that the adversary holds
// (a known 32-byte value that opens the a1's proof), with that a1.
func (g *gammaRun) openedLoginKey(user string) ([]byte, *imke.LoginRequest) {
	n := g.n
	for i := len(n.History) - 1; i >= 0; i-- {
		p := n.History[i]
		if p.Msg.From != user || p.Msg.Label != "a1" || p.Injected {
			continue
		}
		a1, err := imke.UnmarshalLoginRequest(p.Msg.Bytes)
		if err != nil {
			continue
		}
		var aad [][]byte
		if g.variant == "hardened" {
			aad = [][]byte{[]byte(a1.ID)}
		}
		for _, k := range n.Knowledge.Tagged("K_AS") {
			if _, err := n.Ctx.Open(k, imkeLabelSealA1, a1.SealedProof, aad...); err == nil {
				return k, a1
			}
		}
		return nil, a1
	}
	return nil, nil
}

// serverCatchUp delivers to a dishonest server, before the adversary
// builds a message in its name to user, what user sent it and the trace
// never has it receive (a3, a 4.2): the server's state is the adversary's,
// and its builders need the keys the server's code derives from them.
func (g *gammaRun) serverCatchUp(s ModelStep, from, user string) error {
	n, srv := g.n, g.n.Setup.Server
	if from != srv || n.Honest(srv) || user == srv {
		return nil
	}
	for _, q := range slices.Clone(n.Pool) {
		if q.Msg.From != user || q.Msg.To != srv || !loginLabels[q.Msg.Label] {
			continue
		}
		if err := n.Need(n.Deliver(q.ID)); err != nil {
			return err
		}
		g.log(s, "the dishonest server's code receives #%d %s from %s", q.ID, q.Msg.Label, user)
	}
	return nil
}

// buildGrant: a dishonest server's E2/E3 (simp.md §6): ⟨j, {ID_P, Pub,
// evidence}_{SK_ASj}⟩ (hardened with S, the recipient and j as associated
// data) with the key the trace names as P's, under the recipient's key
// set with S, which the dishonest server generated at registration (read
// back from the R2 it sent, under the RK of the user's R1), at the next
// index S would use.
func (g *gammaRun) buildGrant(f []*mterm, lbl, to string, unreal func(string, string) error) ([]byte, string, error) {
	n, srv := g.n, g.n.Setup.Server
	if len(f) != 2 || !f[1].is("senc", 2) || f[1].arg(0).Fn != "<>" || len(f[1].arg(0).Args) < 3 {
		return nil, "", unreal(joinTerms(f), "simp.md §6: "+lbl+" is ⟨j, {ID_P, Pub-P, evidence}_{SK_ASj}⟩")
	}
	if n.Honest(srv) && g.simpUserKeys(to) == nil {
		return nil, "", unreal(f[1].arg(1).String(), "simp.md §6: "+lbl+" is sealed under SK_ASj, which only "+to+" and an honest S hold")
	}
	body := f[1].arg(0).Args
	peer := agentOf(body[len(body)-3])
	pub, err := g.value(body[len(body)-2])
	if err != nil {
		return nil, "", unreal(body[len(body)-2].String(), needs(err))
	}
	ev, err := g.value(body[len(body)-1])
	if err != nil {
		return nil, "", unreal(body[len(body)-1].String(), needs(err))
	}
	keys := g.simpUserKeys(to)
	if keys == nil {
		return nil, "", unreal(f[1].arg(1).String(), "simp.md §5: "+to+"'s key set with S, which the adversary cannot read from the R2 S sent")
	}
	j := g.simpNextIndex(to)
	if g.variant == "hardened" && j%2 == 1 {
		j++ // S sends under even indices (H1)
	}
	if j < 1 || j > len(keys) {
		return nil, "", unreal(f[0].String(), fmt.Sprintf("simp.md §4: %s's key set has %d keys", to, len(keys)))
	}
	pt, err := (&simp.PeerKeyBody{Peer: peer, PublicKey: pub, Evidence: ev}).Marshal()
	if err != nil {
		return nil, "", err
	}
	var aad [][]byte
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(srv), []byte(to), u16(j)}
	}
	label, typ := simpLabelE2, simp.TypeE2
	if lbl == "E3" {
		label, typ = simpLabelE3, simp.TypeE3
	}
	sealed, err := n.Ctx.Seal(keys[j-1], label, pt, aad...)
	if err != nil {
		return nil, "", err
	}
	b, err := (&simp.PeerKeyGrant{Type: typ, Suite: n.Setup.Suite.ID, Index: uint16(j), Sealed: sealed}).Marshal()
	return b, fmt.Sprintf("%s #%d to %s as the dishonest S, with %s as %s's key", lbl, j, to, body[len(body)-2], peer), err
}

// simpUserKeys is user's key set with S as a dishonest server knows it:
// the (K_AS, DK_AS, m) of the R2 S sent user, opened under a known RK.
func (g *gammaRun) simpUserKeys(user string) [][]byte {
	n := g.n
	r2 := n.Last("R2", n.Setup.Server, user)
	if r2 == nil {
		return nil
	}
	m, err := simp.UnmarshalR2(r2.Msg.Bytes)
	if err != nil {
		return nil
	}
	for _, rk := range n.Knowledge.Tagged("RK") {
		pt, err := n.Ctx.Open(rk, simpLabelR2, m.Sealed, []byte(user))
		if err != nil {
			continue
		}
		p, err := simp.UnmarshalRegistrationParams(pt)
		if err != nil {
			return nil
		}
		keys, err := simp.GenerateSessionKeys(simp.KeyParams{K: p.K, DK: p.DK, M: int(p.M), Rounds: n.Dissector.(*simpDissector).rounds})
		if err != nil {
			return nil
		}
		return keys
	}
	return nil
}

// simpNextIndex is one above the highest key index of the messages user
// and S exchanged (L1, L2, E2, E3).
func (g *gammaRun) simpNextIndex(user string) int {
	last := 0
	for _, p := range g.n.History {
		if !(p.Msg.From == user && p.Msg.To == g.n.Setup.Server || p.Msg.From == g.n.Setup.Server && p.Msg.To == user) {
			continue
		}
		b := p.Msg.Bytes
		if m, err := simp.UnmarshalL1(b); err == nil {
			last = max(last, int(m.Index))
		} else if m, err := simp.UnmarshalL2(b); err == nil {
			last = max(last, int(m.Index))
		} else if m, err := simp.UnmarshalE2(b); err == nil {
			last = max(last, int(m.Index))
		} else if m, err := simp.UnmarshalE3(b); err == nil {
			last = max(last, int(m.Index))
		}
	}
	return last + 1
}

// buildA1 makes a login request in the adversary's hands (imke.md §5):
// ⟨ID_A, {K_AS}_{E_S}, {KU_A, f1(W_A)}_{K_AS}⟩ (hardened f1 binds K_AS
// and KU_A, and the seal ID_A). The encrypted K_AS is copied from the
// user's own a1 where the trace does, else K_AS (opened with KR_S, or the
// adversary's own) is encrypted under the server's public key; KU_A is a
// key the adversary names (its own key pair for an insider's krs(e)); f1
// is the one read from the user's a1 (as published it binds nothing), or
// made from W_A: an insider's own credential, or a guessed password.
func (g *gammaRun) buildA1(f []*mterm, unreal func(string, string) error) ([]byte, string, error) {
	if len(f) != 3 || agentOf(f[0]) == "" || !f[1].is("aenc", 2) || !f[2].is("senc", 2) || f[2].arg(0).Fn != "<>" || len(f[2].arg(0).Args) < 2 {
		return nil, "", unreal(joinTerms(f), "imke.md §5: a1 is ⟨ID_A, {K_AS}_{E_S}, {KU_A, f1(P_A)}_{K_AS}⟩")
	}
	n, id := g.n, agentOf(f[0])
	kasT := f[2].arg(1)
	kas, err := g.value(kasT)
	if err != nil {
		return nil, "", unreal(kasT.String(), "imke.md §5: K_AS travels under E_S; "+needs(err))
	}
	n.Knowledge.Learn([]Fact{fact(kas, "K_AS", "the adversary's K_AS in its a1 as "+id)}, "")
	note := "a1 as " + id
	ct, err := g.field(f[1], "a1")
	if err != nil {
		return nil, "", g.stepped(err, unreal)
	}
	if ct == nil {
		pub, err := g.parsedKey(f[1].arg(1))
		if err != nil {
			return nil, "", unreal(f[1].String(), needs(err))
		}
		if ct, err = n.Ctx.Encrypt(pub, imkeLabelEncKAS, kas); err != nil {
			return nil, "", err
		}
		note += ", " + kasT.String() + " encrypted under the server's key"
	} else {
		note += ", {K_AS}_{E_S} copied"
	}
	body := f[2].arg(0).Args
	kuT, f1T := body[len(body)-2], body[len(body)-1]
	ku, err := g.value(kuT)
	if err != nil {
		return nil, "", unreal(kuT.String(), needs(err))
	}
	// f1 is made from W_A where the adversary holds it, as the variant's
	// code computes it (hardened binding this a1's K_AS and KU_A, H8),
	// else copied from the user's a1.
	f1, ok := g.env.get(f1T)
	if w := g.credential(id); w != nil && (g.variant == "hardened" || !ok) {
		parts := [][]byte{w}
		if g.variant == "hardened" {
			parts = append(parts, kas, ku)
		}
		f1 = n.Ctx.Hash(imkeLabelF1, parts...)
		note += ", f1 of " + id + "'s W_A"
	} else if !ok {
		return nil, "", unreal(f1T.String(), "imke.md §5: f1 needs "+id+"'s password record W_A, which the adversary has neither guessed nor been given")
	} else {
		note += ", f1 copied from " + id + "'s a1"
	}
	proof, err := (&imke.LoginProof{PublicKey: ku, F1: f1}).Marshal()
	if err != nil {
		return nil, "", err
	}
	var aad [][]byte
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(id)}
	}
	sealed, err := n.Ctx.Seal(kas, imkeLabelSealA1, proof, aad...)
	if err != nil {
		return nil, "", err
	}
	b, err := (&imke.LoginRequest{Suite: n.Setup.Suite.ID, ID: id, EncryptedKey: ct, SealedProof: sealed}).Marshal()
	return b, note + ", KU_A " + kuT.String(), err
}

// credential is W_A of user as the adversary holds it: an insider's own
// (its password, or the image the server stores), else a record it
// guessed or was given; nil if none.
func (g *gammaRun) credential(user string) []byte {
	n := g.n
	if !n.Honest(user) {
		storage, err := imke.ParsePasswordStorage(n.Setup.Options[imke.OptionPasswordStorage])
		if err == nil {
			return imke.PasswordRecord(storage, user, []byte(n.Setup.Password(user)))
		}
	}
	if rs := n.Knowledge.Tagged("record " + user); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

// buildA3 is a3 = f3(R_S) (imke.md §5) from an R_S the adversary opened
// from S's a2 (under a KU_A of its own or a revealed KR_A).
func (g *gammaRun) buildA3(t *mterm, unreal func(string, string) error) ([]byte, string, error) {
	if !t.is("f3", 1) {
		return nil, "", unreal(t.String(), "imke.md §5: a3 is f3(R_S)")
	}
	rs, err := g.value(t.arg(0))
	if err != nil {
		return nil, "", unreal(t.arg(0).String(), "imke.md §5: R_S travels under the user's E_A: "+needs(err))
	}
	b, err := (&imke.LoginResponse{Suite: g.n.Setup.Suite.ID, F3: g.n.Ctx.Hash(imkeLabelF3, rs)}).Marshal()
	return b, "a3 " + t.String() + " from the R_S the adversary opened", err
}

// a3Sender is the user whose a2 carried the R_S of an a3 term: S's
// session serves every user, and the a3 comes from the one it challenged.
func (g *gammaRun) a3Sender(t *mterm) string {
	if !t.is("f3", 1) {
		return ""
	}
	rs := t.arg(0).String()
	for term, ids := range g.bound {
		m, err := parseTerm(term)
		if err != nil || len(m.fields()) != 2 || !m.fields()[0].is("aenc", 2) || !m.fields()[0].contains(rs) {
			continue
		}
		if p := g.n.History[ids[0]-1]; p.Msg.Label == "a2" {
			return p.Msg.To
		}
	}
	return ""
}

// acceptAsServer ends, as S, a login whose a2 the adversary made (S
// impersonated with the user's K_AS, opened with KR_S, and an R_S of its
// own): the user's a3 stays with the adversary, which answers with the
// 4.3 login-accepted item S would send (imke.md §5, §6: the next sequence
// number under K_AS^s = f4(K_AS, R_S), K_AS^m = f5(R_S, K_AS)). The model
// abstracts that item; the code's client asks S for a peer only once it
// has it.
func (g *gammaRun) acceptAsServer(s ModelStep, user string) (bool, error) {
	n, srv := g.n, g.n.Setup.Server
	a2 := n.Last("a2", srv, user)
	if g.proto != "imke" || a2 == nil || !a2.Injected || g.advRS[user] == nil {
		return false, nil
	}
	a3 := n.Last("a3", user, srv)
	if a3 == nil || a3.ID < a2.ID || n.inPool(a3.ID) < 0 || g.answered[a3.ID] {
		return false, nil
	}
	g.answered[a3.ID] = true
	enc, mac := g.openedChannel(user)
	if enc == nil {
		return false, nil
	}
	data, err := (&imke.Item{Kind: imke.ItemLoginAccepted, Peer: user}).Marshal()
	if err != nil {
		return false, err
	}
	seq := g.nextServerSeq(user)
	label, parts := imkeLabelData, [][]byte{u64(seq)}
	if g.variant == "hardened" {
		label, parts = imkeLabel43, append(parts, []byte(srv), []byte(user))
	}
	sealed, err := n.Ctx.Seal(enc, label, data, parts...)
	if err != nil {
		return false, err
	}
	b, err := (&imke.ServerData{Sequenced: imke.Sequenced{Suite: n.Setup.Suite.ID, Seq: seq, Sealed: sealed, MAC: n.Ctx.MAC(mac, label, append(parts, data)...)}}).Marshal()
	if err != nil {
		return false, err
	}
	g.log(s, "%s's a3 #%d stays with the adversary, which answers as S: 4.3 #%d login-accepted under f4/f5 of %s's K_AS and its own R_S", user, a3.ID, seq, user)
	return true, n.Need(n.Inject(srv, user, b, "γ: 4.3 login-accepted as S"))
}

// buildRequest is a 4.2 peer request in the user's name (imke.md §6):
// ⟨seq, {request, B}_{K_AS^s}, [seq, request, B]_{K_AS^m}⟩ (hardened
// bound to the sender and S), under f4/f5 of the K_AS and R_S the
// adversary holds for the user's login. The trace's attacker-chosen
// sequence number is the next S accepts from the user after every 4.2 the
// user itself sent (S takes any seq above the last it accepted).
func (g *gammaRun) buildRequest(f []*mterm, from string, unreal func(string, string) error) ([]byte, string, error) {
	n, srv := g.n, g.n.Setup.Server
	if len(f) != 3 || !f[1].is("senc", 2) || !f[1].arg(1).is("f4", 2) || f[1].arg(0).Fn != "<>" {
		return nil, "", unreal(joinTerms(f), "imke.md §6: a 4.2 is ⟨seq, {item}_{f4(K_AS, R_S)}, [seq, item]_{f5(R_S, K_AS)}⟩")
	}
	body := f[1].arg(0).Args
	peer := agentOf(body[len(body)-1])
	if len(body) < 2 || body[len(body)-2].Name != "preq" || peer == "" {
		return nil, "", unreal(f[1].arg(0).String(), "γ builds only a 4.2 peer request ⟨preq, B⟩")
	}
	key := f[1].arg(1)
	kas, err := g.value(key.arg(0))
	if err != nil {
		return nil, "", unreal(key.String(), needs(err))
	}
	rs, err := g.value(key.arg(1))
	if err != nil {
		return nil, "", unreal(key.String(), needs(err))
	}
	seq, ok := uint64(0), false
	if b, bound := g.env.get(f[0]); bound && len(b) == 8 {
		seq, ok = uint64(b[0])<<56|uint64(b[1])<<48|uint64(b[2])<<40|uint64(b[3])<<32|uint64(b[4])<<24|uint64(b[5])<<16|uint64(b[6])<<8|uint64(b[7]), true
	}
	if !ok {
		if !f[0].attackerValue() {
			return nil, "", unreal(f[0].String(), "imke.md §6: the sequence number of a 4.2 the adversary builds is its own")
		}
		seq = 1
		for _, p := range n.History {
			if p.Msg.From == from && p.Msg.To == srv {
				if m, err := imke.UnmarshalClientData(p.Msg.Bytes); err == nil {
					seq = max(seq, m.Seq+1)
				}
			}
		}
		g.env.set(f[0], u64(seq))
	}
	data, err := (&imke.Item{Kind: imke.ItemPeerRequest, Peer: peer}).Marshal()
	if err != nil {
		return nil, "", err
	}
	label, parts := imkeLabelData, [][]byte{u64(seq)}
	if g.variant == "hardened" {
		label, parts = imkeLabel42, append(parts, []byte(from), []byte(srv))
	}
	ks := n.Ctx.KDF(kas, suite.KeySize, imkeLabelF4, rs)
	km := n.Ctx.KDF(rs, suite.KeySize, imkeLabelF5, kas)
	sealed, err := n.Ctx.Seal(ks, label, data, parts...)
	if err != nil {
		return nil, "", err
	}
	b, err := (&imke.ClientData{Sequenced: imke.Sequenced{Suite: n.Setup.Suite.ID, Seq: seq, Sealed: sealed, MAC: n.Ctx.MAC(km, label, append(parts, data)...)}}).Marshal()
	return b, fmt.Sprintf("4.2 #%d as %s asking S for %s, under %s", seq, from, peer, key), err
}
