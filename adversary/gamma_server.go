package adversary

import (
	"fmt"
	"slices"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/simp"
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
	pub, err := g.parsedKey(f[0].arg(1))
	if err != nil {
		return nil, "", unreal(f[0].String(), needs(err))
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
	enc, err := n.Ctx.Encrypt(pub, imkeLabelEncRS, rs)
	if err != nil {
		return nil, "", err
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
