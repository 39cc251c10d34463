package adversary

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/simp"
)

// SIMP login messages the adversary builds (simp.md §5) once it holds a
// user's key set with S: with the server's private key revealed it opens
// the user's R1 (P_A, RK), then S's R2 under RK (K_AS, DK_AS, m), and so
// generates every SK_ASj (§4).

const simpLabelL2Proof = "simp L2 proof"

// simpLoginIndex is the index the adversary's message of the user's login
// pair is sent under: as published L2 reuses L1's (A11) and L1 takes the
// pair's next; hardened the user sends on odd indices, S on even ones
// (H1, H3), above every index the pair has used.
func (g *gammaRun) simpLoginIndex(user string, fromServer bool) int {
	j := g.simpNextIndex(user)
	if g.variant != "hardened" {
		if fromServer {
			if l1 := g.n.Last("L1", user, g.n.Setup.Server); l1 != nil {
				if m, err := simp.UnmarshalL1(l1.Msg.Bytes); err == nil {
					return int(m.Index)
				}
			}
		}
		return j
	}
	if odd := j%2 == 1; odd == fromServer {
		j++
	}
	return j
}

// buildL1 impersonates user in L1: ⟨ID_A, j, Seal(SK_ASj, "simp L1",
// {H("simp L1 pw", V_A, n1), n1, Pub}, aad hardened ID_A, S, j)⟩ with the
// adversary's n1 and one-time key, V_A = H("simp pw", ID_A, P_A) from the
// P_A of the user's R1.
func (g *gammaRun) buildL1(f []*mterm, from string, unreal func(string, string) error) ([]byte, string, error) {
	n, srv := g.n, g.n.Setup.Server
	if len(f) != 3 || agentOf(f[0]) == "" || !f[2].is("senc", 2) || f[2].arg(0).Fn != "<>" || len(f[2].arg(0).Args) < 3 {
		return nil, "", unreal(joinTerms(f), "simp.md §2: L1 is ⟨ID_A, j, Seal(SK_ASj, {h(V_A, n1), n1, Pub-A})⟩")
	}
	user := agentOf(f[0])
	keys := g.simpUserKeys(user)
	if keys == nil {
		return nil, "", unreal(f[2].arg(1).String(), "simp.md §5: "+user+"'s key set with S travels in R2 under the RK of "+user+"'s R1, which the adversary has not opened")
	}
	pws := n.Knowledge.Tagged("password " + user)
	if len(pws) == 0 {
		return nil, "", unreal("pw("+user+")", "simp.md §5: L1's proof needs P_A, which travels in R1 under the server's key")
	}
	body := f[2].arg(0).Args
	n1, err := g.value(body[len(body)-2])
	if err != nil {
		return nil, "", unreal(body[len(body)-2].String(), needs(err))
	}
	pub, err := g.value(body[len(body)-1])
	if err != nil {
		return nil, "", unreal(body[len(body)-1].String(), needs(err))
	}
	j := g.simpLoginIndex(user, false)
	if j < 1 || j > len(keys) {
		return nil, "", unreal(f[1].String(), fmt.Sprintf("simp.md §6: %s's key set has %d keys", user, len(keys)))
	}
	g.env.set(f[1], u16(j))
	ver := n.Ctx.Hash(simpLabelVerifier, []byte(user), pws[0])
	pt, err := (&simp.LoginProof{PasswordProof: n.Ctx.Hash(simpLabelL1Pw, ver, n1), N1: n1, PublicKey: pub}).Marshal()
	if err != nil {
		return nil, "", err
	}
	var aad [][]byte
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(user), []byte(srv), u16(j)}
	}
	sealed, err := n.Ctx.Seal(keys[j-1], simpLabelL1, pt, aad...)
	if err != nil {
		return nil, "", err
	}
	b, err := (&simp.LoginRequest{Suite: n.Setup.Suite.ID, User: user, Index: uint16(j), Sealed: sealed}).Marshal()
	return b, fmt.Sprintf("L1 as %s under SK_AS%d of the key set opened from S's R2, P_A from %s's R1, with %s as the one-time key", user, j, user, body[len(body)-1]), err
}

// buildL2 impersonates S in L2: ⟨j', Seal(SK_ASj', "simp L2", {n2,
// H("simp L2 proof", n1, n2)}, aad hardened S, ID_A, j')⟩ with the
// adversary's n2 and the n1 of the user's latest L1, opened under the key
// set the adversary holds.
func (g *gammaRun) buildL2(f []*mterm, to string, unreal func(string, string) error) ([]byte, string, error) {
	n, srv := g.n, g.n.Setup.Server
	if len(f) != 2 || !f[1].is("senc", 2) || f[1].arg(0).Fn != "<>" || len(f[1].arg(0).Args) < 2 {
		return nil, "", unreal(joinTerms(f), "simp.md §2: L2 is ⟨j, Seal(SK_ASj, {n2, h(n1, n2)})⟩")
	}
	keys := g.simpUserKeys(to)
	if keys == nil {
		return nil, "", unreal(f[1].arg(1).String(), "simp.md §5: "+to+"'s key set with S travels in R2 under the RK of "+to+"'s R1, which the adversary has not opened")
	}
	l1 := n.Last("L1", to, srv)
	if l1 == nil {
		return nil, "", unreal("n1", "simp.md §5: L2 answers "+to+"'s L1, and "+to+" sent none")
	}
	m, err := simp.UnmarshalL1(l1.Msg.Bytes)
	if err != nil || m.Index < 1 || int(m.Index) > len(keys) {
		return nil, "", unreal("n1", "simp.md §6: "+to+"'s L1 is not under a key of its set")
	}
	var aad [][]byte
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(to), []byte(srv), u16(int(m.Index))}
	}
	pt, err := n.Ctx.Open(keys[m.Index-1], simpLabelL1, m.Sealed, aad...)
	if err != nil {
		return nil, "", unreal("n1", "simp.md §5: "+to+"'s L1 does not open under its key set")
	}
	proof, err := simp.UnmarshalLoginProof(pt)
	if err != nil {
		return nil, "", err
	}
	body := f[1].arg(0).Args
	n2, err := g.value(body[len(body)-2])
	if err != nil {
		return nil, "", unreal(body[len(body)-2].String(), needs(err))
	}
	j := g.simpLoginIndex(to, true)
	if j < 1 || j > len(keys) {
		return nil, "", unreal(f[0].String(), fmt.Sprintf("simp.md §6: %s's key set has %d keys", to, len(keys)))
	}
	conf, err := (&simp.LoginConfirmation{N2: n2, Proof: n.Ctx.Hash(simpLabelL2Proof, proof.N1, n2)}).Marshal()
	if err != nil {
		return nil, "", err
	}
	aad = nil
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(srv), []byte(to), u16(j)}
	}
	sealed, err := n.Ctx.Seal(keys[j-1], simpLabelL2, conf, aad...)
	if err != nil {
		return nil, "", err
	}
	b, err := (&simp.LoginResponse{Suite: n.Setup.Suite.ID, Index: uint16(j), Sealed: sealed}).Marshal()
	return b, fmt.Sprintf("L2 #%d as S to %s under the key set opened from S's R2, n1 from %s's L1", j, to, to), err
}
