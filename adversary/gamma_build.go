package adversary

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// The builders of γ: a message no honest party sent is made with the
// profile's encoder and crypto (labels, associated data, lengths as the
// implementation uses them) from the subterms the adversary holds. A
// field whose term is bound is copied; any other is made by its
// primitive: aenc by public-key encryption under the recipient's key as
// the adversary knows it, senc and mac under a key it holds, sign with a
// dishonest party's own key. What the adversary cannot make is reported
// with the subterm it would need and the profile rule that keeps it from
// it.

// build makes the bytes of the model term t, received as lbl by `to`
// from `from`; note says what was built.
func (g *gammaRun) build(s ModelStep, t *mterm, lbl, from, to string) ([]byte, string, error) {
	unreal := func(sub, rule string) error {
		return &Unrealisable{Step: stepName(s), Subterm: sub, Rule: rule}
	}
	f := t.fields()
	switch {
	case g.proto == "simp" && lbl == "R2" && t.is("senc", 2):
		return g.buildR2(t, to, unreal)
	case g.proto == "simp" && lbl == "L1":
		return g.buildL1(f, from, unreal)
	case g.proto == "simp" && lbl == "L2":
		return g.buildL2(f, to, unreal)
	case g.proto == "simp" && (lbl == "E2" || lbl == "E3") && len(f) == 2 && (!g.n.Honest(g.n.Setup.Server) || g.simpUserKeys(to) != nil):
		return g.buildGrant(f, lbl, to, unreal)
	case g.proto == "simp" && lbl == "E5" && len(f) == 2:
		return g.buildE5(from, to, unreal)
	case g.proto == "simp" && lbl == "E1":
		return g.buildE1(f, from, unreal)
	case g.proto == "simp" && lbl == "E4" && len(f) == 2:
		return g.buildE4(f, from, to, unreal)
	case g.proto == "simp" && (lbl == "E6" || lbl == "E7") && len(f) == 2:
		return g.buildSecureMessage(f, lbl, from, to, unreal)
	case g.proto == "simp" && (lbl == "E6" || lbl == "E7") && len(f) == 3:
		return g.buildIndexedMessage(f, lbl, from, to, unreal)
	case g.proto == "simp" && lbl == "evidence" && len(f) == 3:
		return g.buildEvidence(f, from, unreal)
	case g.proto == "imke" && (lbl == "c1" || lbl == "c2") && len(f) == 2:
		return g.buildKeyTransport(f, lbl, from, to, unreal)
	case g.proto == "imke" && lbl == "a1":
		return g.buildA1(f, unreal)
	case g.proto == "imke" && lbl == "4.2":
		return g.buildRequest(f, from, unreal)
	case g.proto == "imke" && lbl == "a3":
		return g.buildA3(t, unreal)
	case g.proto == "imke" && lbl == "a2":
		return g.buildA2(f, to, unreal)
	case g.proto == "imke" && lbl == "c3" && t.Fn == "f7" && len(t.Args) >= 2:
		return g.buildC3(t, from, to, unreal)
	case g.proto == "imke" && lbl == "4.7" && len(f) == 3:
		return g.buildPeerData(s, f, from, to, unreal)
	case g.proto == "imke" && (lbl == "b1" || lbl == "b2" || lbl == "4.3"):
		return g.buildPeerKey(f, to, unreal)
	}
	return nil, "", unreal(t.String(), fmt.Sprintf("γ knows no encoding of a %s the adversary builds", lbl))
}

// field returns the bytes of a field bound in a message with label lbl,
// or nil; a field the trace copies from a message of another label is not
// realisable, since the profile encrypts and seals each field under its
// message's own label (imke.md §3, simp.md §3).
func (g *gammaRun) field(t *mterm, lbl string) ([]byte, error) {
	b, ok := g.env.get(t)
	if !ok {
		return nil, nil
	}
	if src := g.env.from[t.String()]; src != "" && src != lbl && !(isPeerKeyTransport(src) && isPeerKeyTransport(lbl)) {
		return nil, &Unrealisable{Subterm: t.String() + ", copied from " + src,
			Rule: fmt.Sprintf("%s: each field is encrypted or sealed under its own message's label; %s's does not open as %s's", g.profile(), src, lbl)}
	}
	return b, nil
}

func isPeerKeyTransport(l string) bool { return l == "c1" || l == "c2" || l == "E4" }

func (g *gammaRun) profile() string { return g.proto + ".md §3" }

// buildE1: as published ⟨A, request, B⟩ in clear (W3). Hardened E1
// carries j and KH(SK_ASj, ID_A, ID_B, j) (H5): SK_ASj is A's and S's, so
// the adversary can only guess the tag, and S rejects it.
func (g *gammaRun) buildE1(f []*mterm, from string, unreal func(string, string) error) ([]byte, string, error) {
	if len(f) != 3 || agentOf(f[2]) == "" {
		return nil, "", unreal(joinTerms(f), "an E1 names the requested user")
	}
	peer := agentOf(f[2])
	if g.variant == "hardened" {
		b, err := simpHardenedE1(g.n, from, peer)
		return b, fmt.Sprintf("E1 for %s with a guessed KH(SK_ASj, ID_A, ID_B, j): SK_ASj is %s's and S's (SIMP H5)", peer, from), err
	}
	b, err := (&simp.PeerRequest{Suite: g.n.Setup.Suite.ID, Peer: peer}).Marshal()
	return b, "E1 ⟨" + from + ", request, " + peer + "⟩ from public values", err
}

// buildE4: ⟨aenc(P, pk(pri(B))), sign(M, pri(X))⟩. The ciphertext is
// copied or P re-encrypted under B's key; the signature copied, or made
// with X's key when X is dishonest: as published it covers
// Encode("simp E4 sig", K_AB, DK_AB, m2), hardened (ID_A, ID_B, the
// ciphertext).
func (g *gammaRun) buildE4(f []*mterm, from, to string, unreal func(string, string) error) ([]byte, string, error) {
	ct, err := g.field(f[0], "E4")
	if err != nil {
		return nil, "", g.stepped(err, unreal)
	}
	note := "E4 with the ciphertext of a bound E4"
	if ct == nil {
		if !f[0].is("aenc", 2) {
			return nil, "", unreal(f[0].String(), "E4's first field is a public-key encryption")
		}
		pt, ok := g.env.raw[f[0].arg(0).String()]
		if !ok {
			var err error
			if pt, err = g.keyTransportBody(f[0].arg(0), from, to); err != nil {
				return nil, "", unreal(f[0].String(), "γ: "+needs(err))
			}
			g.env.raw[f[0].arg(0).String()] = pt
		}
		pub, err := g.parsedKey(f[0].arg(1))
		if err != nil {
			return nil, "", unreal(f[0].String(), needs(err))
		}
		if ct, err = g.n.Ctx.Encrypt(pub, simpLabelE4, pt); err != nil {
			return nil, "", err
		}
		note = "E4 re-encrypted under " + f[0].arg(1).String()
	}
	sig, err := g.field(f[1], "E4")
	if err != nil {
		return nil, "", g.stepped(err, unreal)
	}
	if sig != nil {
		note += ", signature copied"
	} else {
		if !f[1].is("sign", 2) {
			return nil, "", unreal(f[1].String(), "E4's second field is a signature")
		}
		priv, err := g.privateKey(f[1].arg(1))
		if err != nil {
			return nil, "", unreal(f[1].String(), needs(err))
		}
		var parts [][]byte
		label := simpLabelE4Sig
		if g.variant == "hardened" {
			// H6: over ID_A, ID_B and the ciphertext: the identities the
			// model's signed h(A, B, aenc(…)) names, else the initiator the
			// adversary speaks as and the responder, as B checks them.
			label = simpLabelE4SigH
			initiator, responder := from, to
			if m := f[1].arg(0); m.is("h", 3) && agentOf(m.arg(0)) != "" && agentOf(m.arg(1)) != "" {
				initiator, responder = agentOf(m.arg(0)), agentOf(m.arg(1))
			}
			parts = [][]byte{[]byte(initiator), []byte(responder), ct}
		} else {
			m := f[1].arg(0)
			for _, a := range m.Args {
				v, err := g.value(a)
				if err != nil {
					return nil, "", unreal(f[1].String()+" needs "+m.String(),
						"simp.md A24: the E4 signature is an appendix signature over Encode(\"simp E4 sig\", K_AB, DK_AB, m2); "+
							"nothing signed can be read from E4, so "+m.String()+" is not the adversary's (the model recovers it from the honest sign(…))")
				}
				parts = append(parts, v)
			}
		}
		if sig, err = g.n.Ctx.Sign(priv, label, parts...); err != nil {
			return nil, "", err
		}
		note += ", signed with " + f[1].arg(1).String()
	}
	b, err := (&simp.KeyTransport{Suite: g.n.Setup.Suite.ID, Ciphertext: ct, Signature: sig}).Marshal()
	return b, note, err
}

// keyTransportBody encodes E4's plaintext ⟨n3, K_AB, DK_AB, m2⟩ (the
// hardened model's ⟨A, B, …⟩) from its parts, as the variant's code does:
// hardened it names the initiator and responder the adversary claims.
func (g *gammaRun) keyTransportBody(p *mterm, from, to string) ([]byte, error) {
	if p.Fn != "<>" || len(p.Args) < 4 {
		return nil, fmt.Errorf("adversary: needs %s as E4's ⟨n3, K_AB, DK_AB, m2⟩", p)
	}
	var v [4][]byte
	if m2 := p.Args[len(p.Args)-1]; m2.attackerValue() {
		if _, ok := g.env.get(m2); !ok {
			g.env.set(m2, u16(simp.DefaultM)) // the adversary's m2: the default key-set size
		}
	}
	for i, a := range p.Args[len(p.Args)-4:] {
		b, err := g.value(a)
		if err != nil {
			return nil, err
		}
		v[i] = b
	}
	if len(v[0]) != suite.KeySize || len(v[1]) != suite.KeySize || len(v[2]) != suite.KeySize || len(v[3]) != 2 {
		return nil, fmt.Errorf("adversary: needs %s with the profile's lengths (32-byte n3, K_AB, DK_AB; 16-bit m2)", p)
	}
	kt := &simp.KeyTransportBody{N3: v[0], K: v[1], DK: v[2], M: uint16(v[3][0])<<8 | uint16(v[3][1])}
	if g.variant == "hardened" {
		kt.Initiator, kt.Responder = from, to
	}
	return kt.Marshal()
}

// parsedKey resolves pk(K) and parses it.
func (g *gammaRun) parsedKey(t *mterm) (suite.PublicKey, error) {
	b, err := g.value(t)
	if err != nil {
		return nil, err
	}
	return g.n.Setup.Suite.ParsePublicKey(b)
}

// buildSecureMessage: E6/E7 ⟨senc(⟨Msg, N⟩, K), h(N, Msg, K)⟩ with the
// adversary's own message and nonce under a key it holds: the model's
// kdf(K_AB, DK_AB, m2) is SK_AB1 of the key set the profile generates
// (§4), sealed under "simp msg" and keyed-hashed under "simp msg mac"
// (hardened: subkeys, per-direction labels and the identities).
func (g *gammaRun) buildSecureMessage(f []*mterm, lbl, from, to string, unreal func(string, string) error) ([]byte, string, error) {
	if !f[0].is("senc", 2) || !f[0].arg(1).is("kdf", 3) {
		return nil, "", unreal(f[0].String(), "an "+lbl+" the adversary builds is sealed under a key of the chain kdf(K_AB, DK_AB, m2)")
	}
	kdf := f[0].arg(1)
	var in [3][]byte
	for i, a := range kdf.Args {
		v, err := g.value(a)
		if err != nil {
			return nil, "", unreal(kdf.String(), needs(err))
		}
		in[i] = v
	}
	if len(in[2]) != 2 {
		return nil, "", unreal(kdf.String(), "m2 is a 16-bit count")
	}
	keys, err := simp.GenerateSessionKeys(simp.KeyParams{K: in[0], DK: in[1], M: int(in[2][0])<<8 | int(in[2][1]), Rounds: g.n.Dissector.(*simpDissector).rounds})
	if err != nil || len(keys) == 0 {
		return nil, "", unreal(kdf.String(), fmt.Sprintf("the key generation of §4 refuses it: %v", err))
	}
	body := f[0].arg(0).fields()
	if len(body) < 2 {
		return nil, "", unreal(f[0].String(), "the body is ⟨message, nonce⟩")
	}
	text, err := g.value(body[len(body)-2])
	if err != nil {
		return nil, "", unreal(body[len(body)-2].String(), needs(err))
	}
	nonce, err := g.value(body[len(body)-1])
	if err != nil {
		return nil, "", unreal(body[len(body)-1].String(), needs(err))
	}
	j := g.simpMessageIndex(lbl, from, to)
	if j > len(keys) {
		return nil, "", unreal(kdf.String(), fmt.Sprintf("simp.md §6: the key set has %d keys, and the next index of the direction is %d", len(keys), j))
	}
	sk := keys[j-1]
	t := simpTypes[lbl]
	enc, mac, aeadLabel, macLabel := sk, sk, simpLabelMsg, simpLabelMsgMAC
	var bind [][]byte
	if g.variant == "hardened" {
		enc, aeadLabel = g.n.Dissector.(*simpDissector).msgKey(sk, t)
		mac = g.n.Ctx.KDF(sk, suite.KeySize, simpLabelMACKey)
		macLabel = "simp " + lbl + " mac"
		bind = [][]byte{[]byte(from), []byte(to), u16(j)}
	}
	pt, err := (&simp.MessageBody{Text: text, Nonce: nonce}).Marshal()
	if err != nil {
		return nil, "", err
	}
	sealed, err := g.n.Ctx.Seal(enc, aeadLabel, pt, bind...)
	if err != nil {
		return nil, "", err
	}
	tag := g.n.Ctx.KeyedHash(mac, macLabel, append(bind, nonce, text)...)
	b, err := (&simp.SecureMessage{Type: t, Suite: g.n.Setup.Suite.ID, Index: uint16(j), Sealed: sealed, MAC: tag}).Marshal()
	return b, fmt.Sprintf("%s with the adversary's message under SK_%d of %s", lbl, j, kdf), err
}

// simpMessageIndex is the index the adversary's E5/E6/E7 from `from` to
// `to` is sent under: as published any index is accepted (simp.md §6),
// so the first; hardened (H1, H2) the next index of the direction's
// parity (the initiator's E6 odd, the responder's E5 and E7 even) above
// every index that direction used since the pair's latest E4.
func (g *gammaRun) simpMessageIndex(lbl, from, to string) int {
	if g.variant != "hardened" {
		return 1
	}
	last := 0
	for _, p := range g.n.History {
		m := p.Msg
		switch {
		case m.Label == "E4" && (m.From == from && m.To == to || m.From == to && m.To == from):
			last = 0
		case m.From != from || m.To != to:
		case m.Label == "E5":
			if c, err := simp.UnmarshalE5(m.Bytes); err == nil {
				last = max(last, int(c.Index))
			}
		case m.Label == "E6":
			if sm, err := simp.UnmarshalE6(m.Bytes); err == nil {
				last = max(last, int(sm.Index))
			}
		case m.Label == "E7":
			if sm, err := simp.UnmarshalE7(m.Bytes); err == nil {
				last = max(last, int(sm.Index))
			}
		}
	}
	j := last + 1
	if odd := j%2 == 1; odd != (lbl == "E6") {
		j++
	}
	return j
}

// buildEvidence: the judge's ⟨j, j_B, senc(⟨e2, B, Pub, h(SK_BSj)⟩,
// sk(kas(A, S), j))⟩ is an E2 under one of A's keys (A dishonest: its key
// set is the adversary's) carrying a key of the adversary's choice and
// S's h(SK_BSj) copied from a grant.
func (g *gammaRun) buildEvidence(f []*mterm, from string, unreal func(string, string) error) ([]byte, string, error) {
	seal := f[2]
	if !seal.is("senc", 2) || !seal.arg(1).is("sk", 2) || seal.arg(0).Fn != "<>" || len(seal.arg(0).Args) < 3 {
		return nil, "", unreal(seal.String(), "evidence is an E2 sealed under an SK_ASj")
	}
	body := seal.arg(0).Args
	peer := agentOf(body[len(body)-3])
	pub, err := g.value(body[len(body)-2])
	if err != nil {
		return nil, "", unreal(body[len(body)-2].String(), needs(err))
	}
	evidence, err := g.value(body[len(body)-1])
	if err != nil {
		return nil, "", unreal(body[len(body)-1].String(), needs(err)+": h(SK_BSj) only comes from S's grants")
	}
	if src := g.env.from[body[len(body)-1].String()]; src == "E3" {
		return nil, "", unreal(body[len(body)-1].String()+", read from S's E3",
			"simp.md §3: E2 carries Hash(\"simp E2 evidence\", SK_BSj), E3 Hash(\"simp E3 evidence\", SK_ASj); the model's one h makes the E3 evidence an E2's, "+
				"the code's distinct labels do not, and the judge checks the E2 label")
	}
	// The key: an SK_ASj of from's that the server used (the judge holds
	// those), opened from a grant S sent from.
	key, index := []byte(nil), 0
	for _, p := range g.n.History {
		if p.Msg.To != from || p.Msg.From != g.n.Setup.Server || (p.Msg.Label != "E2" && p.Msg.Label != "E3") {
			continue
		}
		t, err := parseTerm(g.termOf(p.ID))
		if err != nil || len(t.fields()) != 2 || !t.fields()[1].is("senc", 2) {
			continue
		}
		k, ok := g.env.get(t.fields()[1].arg(1))
		j, okj := g.env.get(t.fields()[0])
		if ok && okj && len(j) == 2 {
			key, index = k, int(j[0])<<8|int(j[1])
		}
	}
	if key == nil {
		return nil, "", unreal(seal.arg(1).String(), "needs an SK_ASj of "+from+"'s that S used: "+from+" must be dishonest and hold a grant from S")
	}
	var aad [][]byte
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(g.n.Setup.Server), []byte(from), u16(index)}
	}
	pt, err := (&simp.PeerKeyBody{Peer: peer, PublicKey: pub, Evidence: evidence}).Marshal()
	if err != nil {
		return nil, "", err
	}
	sealed, err := g.n.Ctx.Seal(key, simpLabelE2, pt, aad...)
	if err != nil {
		return nil, "", err
	}
	b, err := (&simp.PeerKeyGrant{Type: simp.TypeE2, Suite: g.n.Setup.Suite.ID, Index: uint16(index), Sealed: sealed}).Marshal()
	return b, fmt.Sprintf("an E2 about %s sealed under %s's SK_AS%d with %s and S's h(SK_BSj)", peer, from, index, body[len(body)-2]), err
}

// buildKeyTransport: IMKE c1 ⟨aenc(K_AB, pk(kr(B))), senc(R_A, K_AB)⟩ or
// c2 ⟨aenc(R_B, pk(kr(A))), senc(f6(R_A), K_AB)⟩: a bound field is
// copied; the encrypted secret is an opened one re-encrypted under the
// recipient's key, or the adversary's own (hardened: bound to the
// identities it claims, {secret, sender, receiver}); the seal of a bound
// exchange is copied.
func (g *gammaRun) buildKeyTransport(f []*mterm, lbl, from, to string, unreal func(string, string) error) ([]byte, string, error) {
	encLabel := imkeLabelEncKAB
	if lbl == "c2" {
		encLabel = imkeLabelEncRB
	}
	ct, err := g.field(f[0], lbl)
	if err != nil {
		return nil, "", g.stepped(err, unreal)
	}
	note := lbl + " with a bound " + f[0].String()
	if ct == nil {
		if !f[0].is("aenc", 2) {
			return nil, "", unreal(f[0].String(), lbl+"'s first field is a public-key encryption")
		}
		secret := f[0].arg(0)
		if secret.Fn == "<>" && len(secret.Args) == 2 && (secret.Args[0].Name == "lc2" || secret.Args[0].Name == "lc1") {
			secret = secret.Args[1] // ⟨lc2, R_B⟩: the model's name of the encryption's label
		}
		if secret.Fn == "<>" && len(secret.Args) == 3 && agentOf(secret.Args[1]) != "" && agentOf(secret.Args[2]) != "" {
			secret = secret.Args[0] // hardened ⟨R_B, B, A⟩: the identities are the BoundSecret's
		}
		pt, ok := g.env.raw[secret.String()]
		if !ok {
			v, err := g.value(secret)
			if err != nil {
				return nil, "", unreal(f[0].String(), needs(err))
			}
			// The adversary's own K_AB or R_B: the key schedule runs on it.
			tag := map[string]string{"c1": "K_AB", "c2": "R_B"}[lbl]
			g.n.Knowledge.Learn([]Fact{fact(v, tag, "the adversary's "+tag+" in its "+lbl)}, "")
			if pt = v; g.variant == "hardened" {
				if pt, err = (&imke.BoundSecret{Secret: v, Sender: from, Receiver: to}).Marshal(); err != nil {
					return nil, "", err
				}
			}
		}
		pub, err := g.parsedKey(f[0].arg(1))
		if err != nil {
			return nil, "", unreal(f[0].String(), needs(err))
		}
		if ct, err = g.n.Ctx.Encrypt(pub, encLabel, pt); err != nil {
			return nil, "", err
		}
		note = fmt.Sprintf("%s with %s encrypted under %s", lbl, secret, f[0].arg(1))
	}
	sealed, err := g.field(f[1], lbl)
	if err != nil {
		return nil, "", g.stepped(err, unreal)
	}
	if sealed == nil {
		if sealed, err = g.keyTransportSeal(f, lbl, from, to, ct); err != nil {
			var u *Unrealisable
			if errors.As(err, &u) {
				return nil, "", unreal(u.Subterm, u.Rule)
			}
			return nil, "", unreal(f[1].String(), "γ: "+needs(err))
		}
		note += ", " + f[1].String() + " sealed by the adversary"
	} else {
		note += ", seal copied"
	}
	var b []byte
	if lbl == "c1" {
		b, err = (&imke.KeyTransport{Suite: g.n.Setup.Suite.ID, EncryptedKey: ct, SealedChallenge: sealed}).Marshal()
	} else {
		b, err = (&imke.KeyTransportReply{Suite: g.n.Setup.Suite.ID, EncryptedChallenge: ct, SealedProof: sealed}).Marshal()
	}
	return b, note, err
}

// keyTransportSeal seals c1's R_A or c2's f6(R_A) under K_AB as the
// profile does: labels "imke c1" and "imke c2", hardened with the
// identities (initiator, responder) and, in c2, h(R_B) (H7).
func (g *gammaRun) keyTransportSeal(f []*mterm, lbl, from, to string, ct []byte) ([]byte, error) {
	if !f[1].is("senc", 2) {
		return nil, fmt.Errorf("adversary: needs %s as a seal under K_AB", f[1])
	}
	kab, err := g.value(f[1].arg(1))
	if err != nil {
		return nil, err
	}
	x := f[1].arg(0)
	if x.Fn == "<>" {
		x = x.arg(0) // hardened model: ⟨R_A, A, B⟩
	}
	initiator, responder, label := from, to, imkeLabelSealC1
	if lbl == "c2" {
		initiator, responder, label = to, from, imkeLabelSealC2
	}
	var pt []byte
	if x.is("f6", 1) {
		ra, err := g.value(x.arg(0))
		if err != nil {
			return nil, err
		}
		pt = g.n.Ctx.Hash("imke f6", ra)
	} else if pt, err = g.value(x); err != nil {
		return nil, err
	}
	var aad [][]byte
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(initiator), []byte(responder)}
		if lbl == "c2" {
			rbT := f[0].arg(0)
			if rbT.Fn == "<>" && len(rbT.Args) == 3 && agentOf(rbT.Args[1]) != "" {
				rbT = rbT.Args[0] // ⟨R_B, B, A⟩
			}
			if rbT.Fn == "<>" && len(rbT.Args) == 2 && rbT.Args[0].Name == "lc2" {
				rbT = rbT.Args[1] // ⟨lc2, R_B⟩ of an as-published trace
			}
			rb, err := g.value(rbT)
			if err != nil {
				return nil, &Unrealisable{Subterm: f[1].String() + " needs h(" + rbT.String() + ")",
					Rule: "imke.md IMKE H7: hardened c2's seal binds h(R_B), and R_B is encrypted to the initiator"}
			}
			aad = append(aad, g.n.Ctx.Hash(imkeLabelC2RB, rb))
		}
	}
	return g.n.Ctx.Seal(kab, label, pt, aad...)
}

// buildPeerKey: a b1/b2 (hardened: a 4.3 peer-key item) made by a
// dishonest server, under the user's channel keys kas(A, S) (K_AS^s,
// K_AS^m), with a key of the adversary's choice.
func (g *gammaRun) buildPeerKey(f []*mterm, to string, unreal func(string, string) error) ([]byte, string, error) {
	var seal, mac *mterm
	switch len(f) {
	case 2:
		seal, mac = f[0], f[1]
	case 3: // hardened: the sequence number is the adversary's choice
		seal, mac = f[1], f[2]
	default:
		return nil, "", unreal(joinTerms(f), "a peer key is ⟨{KU, ID}_{K^s}, [KU, ID]_{K^m}⟩ (hardened with a sequence number)")
	}
	if !seal.is("senc", 2) || !mac.is("mac", 2) || seal.arg(0).Fn != "<>" || len(seal.arg(0).Args) < 2 {
		return nil, "", unreal(seal.String(), "a peer key is sealed under K^s and MACed under K^m")
	}
	body := seal.arg(0).Args
	kuT, peerT := body[len(body)-2], body[len(body)-1]
	if agentOf(peerT) == "" && agentOf(kuT) != "" {
		kuT, peerT = peerT, kuT // hardened item: ⟨…, peerkey, ID, KU⟩
	}
	peer := agentOf(peerT)
	ku, err := g.value(kuT)
	if err != nil {
		return nil, "", unreal(kuT.String(), needs(err))
	}
	enc, mk, err := g.serverChannel(to)
	if err != nil {
		return nil, "", unreal(seal.arg(1).String(), detail(err))
	}
	suiteID := g.n.Setup.Suite.ID
	if g.variant != "hardened" {
		data, err := (&imke.PeerKeyInfo{Key: ku, ID: peer}).Marshal()
		if err != nil {
			return nil, "", err
		}
		sealed, err := g.n.Ctx.Seal(enc, imkeLabelData, data)
		if err != nil {
			return nil, "", err
		}
		b, err := (&imke.PeerKey{Unsequenced: imke.Unsequenced{Suite: suiteID, Sealed: sealed, MAC: g.n.Ctx.MAC(mk, imkeLabelData, data)}}).Marshal()
		return b, fmt.Sprintf("b1 to %s sealed as S with %s as %s's key", to, kuT, peer), err
	}
	seq := g.nextServerSeq(to)
	data, err := (&imke.Item{Kind: imke.ItemPeerKey, Peer: peer, Key: ku}).Marshal()
	if err != nil {
		return nil, "", err
	}
	parts := [][]byte{u64(seq), []byte(g.n.Setup.Server), []byte(to)}
	sealed, err := g.n.Ctx.Seal(enc, imkeLabel43, data, parts...)
	if err != nil {
		return nil, "", err
	}
	m := g.n.Ctx.MAC(mk, imkeLabel43, append(parts, data)...)
	b, err := (&imke.ServerData{Sequenced: imke.Sequenced{Suite: suiteID, Seq: seq, Sealed: sealed, MAC: m}}).Marshal()
	return b, fmt.Sprintf("4.3 #%d (the next sequence number) to %s sealed as S with %s as %s's key", seq, to, kuT, peer), err
}

// nextServerSeq is the sequence number after the last 4.3 S sent user.
func (g *gammaRun) nextServerSeq(user string) uint64 {
	var last uint64
	for _, p := range g.n.History {
		if p.Msg.From == g.n.Setup.Server && p.Msg.To == user {
			if m, err := imke.UnmarshalServerData(p.Msg.Bytes); err == nil {
				last = max(last, m.Seq)
			}
		}
	}
	return last + 1
}

// openedChannel is kas(user, S) where the adversary opened both halves
// of the user's login: K_AS from its latest a1 (with KR_S, or revealed)
// and R_S from the a2 S answered it with (with KR_A): f4 and f5 of them.
func (g *gammaRun) openedChannel(user string) (enc, mac []byte) {
	n := g.n
	kas, _ := g.openedLoginKey(user)
	a2 := n.Last("a2", n.Setup.Server, user)
	if kas == nil || a2 == nil {
		return nil, nil
	}
	m, err := imke.UnmarshalLoginChallenge(a2.Msg.Bytes)
	if err != nil {
		return nil, nil
	}
	rs, ok := n.Dissector.(*imkeDissector).decrypt(n.Knowledge, imkeLabelEncRS, m.EncryptedChallenge)
	if !ok && a2.Injected && g.advRS[user] != nil {
		rs, ok = g.advRS[user], true // the a2 the adversary made carries its own R_S
	}
	if !ok {
		return nil, nil
	}
	return n.Ctx.KDF(kas, suite.KeySize, imkeLabelF4, rs), n.Ctx.KDF(rs, suite.KeySize, imkeLabelF5, kas)
}

// serverChannel is kas(user, S) as a dishonest server holds it: K_AS^s
// from its own event, K_AS^m = f5(R_S, K_AS) with K_AS from the a1 its
// key opens and R_S found in its own randomness (the in-memory state of
// a corrupted party, as for dynamic keys: compromise.go).
func (g *gammaRun) serverChannel(user string) (enc, mac []byte, err error) {
	n, srv := g.n, g.n.Setup.Server
	if n.Honest(srv) {
		if enc, mac := g.openedChannel(user); enc != nil {
			return enc, mac, nil
		}
		return nil, nil, fmt.Errorf("adversary: needs K_%s,S^s and K_%s,S^m, which only %s and an honest S hold", user, user, user)
	}
	for _, s := range n.Events {
		if e := s.Event; e.Role == srv && e.Peer == user && len(e.Key) > 0 {
			enc = e.Key
		}
	}
	if enc == nil || n.Setup.RandLog == nil {
		return nil, nil, fmt.Errorf("adversary: needs K_%s,S^s: %s has not logged in", user, user)
	}
	stream := make([]byte, n.Setup.RandLog.Drawn(srv))
	suite.NewRand(n.Setup.Seed, "party "+srv).Read(stream)
	for _, kas := range n.Knowledge.Tagged("K_AS") {
		for i := 0; i+suite.KeySize <= len(stream); i++ {
			rs := stream[i : i+suite.KeySize]
			if suite.Equal(n.Ctx.KDF(kas, suite.KeySize, imkeLabelF4, rs), enc) {
				return enc, n.Ctx.KDF(rs, suite.KeySize, imkeLabelF5, kas), nil
			}
		}
	}
	return nil, nil, fmt.Errorf("adversary: needs K_%s,S^m: R_S not found in the server's randomness", user)
}

// stepped gives an Unrealisable from field the current step.
func (g *gammaRun) stepped(err error, unreal func(string, string) error) error {
	var u *Unrealisable
	if errors.As(err, &u) {
		return unreal(u.Subterm, u.Rule)
	}
	return err
}

// stepName names a model step in a verdict: "recv E4 in session 2".
func stepName(s ModelStep) string {
	return fmt.Sprintf("%s %s in session %d", s.Kind, s.Label, s.Session)
}

// buildC3: c3 is f7(R_A, R_B) (imke.md §7; hardened with ID_A, ID_B), from
// the R_A and R_B the adversary holds: its own R_A of the c1 it built and
// the R_B it opened from the responder's c2.
func (g *gammaRun) buildC3(t *mterm, from, to string, unreal func(string, string) error) ([]byte, string, error) {
	var in [][]byte
	for _, a := range t.Args[:2] {
		v, err := g.value(a)
		if err != nil {
			return nil, "", unreal(a.String(), "imke.md §7: f7 needs R_A and R_B: "+needs(err))
		}
		in = append(in, v)
	}
	if g.variant == "hardened" {
		in = append(in, []byte(from), []byte(to))
	}
	b, err := (&imke.KeyConfirm{Suite: g.n.Setup.Suite.ID, F7: g.n.Ctx.Hash(imkeLabelF7, in...)}).Marshal()
	return b, "c3 " + t.String() + " from the R_A and R_B the adversary holds", err
}

// buildPeerData: a 4.7 ⟨seq, {data}_{K_AB^s}, [seq, data]_{K_AB^m}⟩
// (imke.md §8; hardened bound to the sender and receiver) with the
// adversary's own body, under K_AB^s = f8(K_AB, R_B) and K_AB^m =
// f9(R_B, K_AB) of the K_AB and R_B it holds, the next sequence number of
// the direction.
func (g *gammaRun) buildPeerData(s ModelStep, f []*mterm, from, to string, unreal func(string, string) error) ([]byte, string, error) {
	seal, mac := f[1], f[2]
	if !seal.is("senc", 2) || seal.arg(1).Fn != "f8" || len(seal.arg(1).Args) < 2 || !mac.is("mac", 2) {
		return nil, "", unreal(joinTerms(f), "imke.md §8: a 4.7 is sealed under f8(K_AB, R_B) and MACed under f9(R_B, K_AB)")
	}
	kab, err := g.value(seal.arg(1).arg(0))
	if err != nil {
		return nil, "", unreal(seal.arg(1).String(), needs(err))
	}
	rb, err := g.value(seal.arg(1).arg(1))
	if err != nil {
		return nil, "", unreal(seal.arg(1).String(), needs(err))
	}
	data := seal.arg(0)
	if data.Fn == "<>" && len(data.Args) > 0 {
		data = data.Args[len(data.Args)-1] // hardened ⟨d47, seq, A, B, data⟩
	}
	body, err := g.value(data)
	if err != nil {
		return nil, "", unreal(data.String(), needs(err))
	}
	initiator, responder := from, to
	if s.Label == "d_ba" {
		initiator, responder = to, from
	}
	var ids [][]byte
	label := imkeLabelData
	seq := uint64(1)
	for _, p := range g.n.History {
		if p.Msg.From == from && p.Msg.To == to && p.Msg.Label == "4.7" {
			seq++
		}
	}
	parts := [][]byte{u64(seq)}
	if g.variant == "hardened" {
		ids = [][]byte{[]byte(initiator), []byte(responder)}
		label = imkeLabel47
		parts = append(parts, []byte(from), []byte(to))
	}
	ctx := g.n.Ctx
	ks := ctx.KDF(kab, suite.KeySize, imkeLabelF8, append([][]byte{rb}, ids...)...)
	km := ctx.KDF(rb, suite.KeySize, imkeLabelF9, append([][]byte{kab}, ids...)...)
	sealed, err := ctx.Seal(ks, label, body, parts...)
	if err != nil {
		return nil, "", err
	}
	b, err := (&imke.PeerData{Sequenced: imke.Sequenced{Suite: g.n.Setup.Suite.ID, Seq: seq, Sealed: sealed, MAC: ctx.MAC(km, label, append(parts, body)...)}}).Marshal()
	return b, fmt.Sprintf("4.7 #%d with the adversary's body under f8/f9 of the K_AB and R_B it holds", seq), err
}

// buildR2 impersonates S in R2 (simp.md §5): {DK_AS, K_AS, m,
// h(ID_A, P_A, DK_AS, K_AS, m)} sealed under the user's RK with ID_A as
// associated data, with registration keys of the adversary's: RK and P_A
// come from the user's R1, opened with the server's revealed key.
func (g *gammaRun) buildR2(t *mterm, to string, unreal func(string, string) error) ([]byte, string, error) {
	n := g.n
	body := t.arg(0)
	if body.Fn != "<>" || len(body.Args) != 4 {
		return nil, "", unreal(t.String(), "simp.md §5: R2 seals ⟨DK_AS, K_AS, m, h(ID_A, P_A, DK_AS, K_AS, m)⟩")
	}
	rk, err := g.value(t.arg(1))
	if err != nil {
		rks := n.Knowledge.Tagged("RK")
		if len(rks) == 0 {
			return nil, "", unreal(t.arg(1).String(), "simp.md §5: RK travels in R1 under the server's key, which the adversary does not hold")
		}
		rk = rks[len(rks)-1]
	}
	pws := n.Knowledge.Tagged("password " + to)
	if len(pws) == 0 {
		return nil, "", unreal("pw("+to+")", "simp.md §5: R2's check needs P_A, which travels in R1 under the server's key")
	}
	dk, err := g.value(body.Args[0])
	if err != nil {
		return nil, "", unreal(body.Args[0].String(), needs(err))
	}
	k, err := g.value(body.Args[1])
	if err != nil {
		return nil, "", unreal(body.Args[1].String(), needs(err))
	}
	m := uint16(simp.DefaultM)
	id := []byte(to)
	check := n.Ctx.Hash("simp R2 check", id, pws[0], dk, k, u16(int(m)))
	pt, err := (&simp.RegistrationParams{DK: dk, K: k, M: m, Check: check}).Marshal()
	if err != nil {
		return nil, "", err
	}
	sealed, err := n.Ctx.Seal(rk, simpLabelR2, pt, id)
	if err != nil {
		return nil, "", err
	}
	n.Knowledge.Learn([]Fact{fact(dk, "DK "+to, "the adversary's DK_AS for "+to), fact(k, "K "+to, "the adversary's K_AS for "+to)}, "")
	b, err := (&simp.RegistrationGrant{Suite: n.Setup.Suite.ID, Sealed: sealed}).Marshal()
	return b, fmt.Sprintf("R2 as S to %s: registration keys of the adversary's, sealed under the RK of %s's R1", to, to), err
}

// buildE5 answers an initiator's E4 as its responder would (simp.md §6):
// ⟨j, h(n3, SK_ABj)⟩ (hardened a keyed hash binding the identities, n3
// and j) under the first key the responder's new key set sends with,
// from the n3, K_AB, DK_AB and m2 the adversary opened in the E4 the
// initiator sent (it holds the key the E4 is encrypted under).
func (g *gammaRun) buildE5(from, to string, unreal func(string, string) error) ([]byte, string, error) {
	n := g.n
	var kt *simp.KeyTransportBody
	for i := len(n.History) - 1; i >= 0 && kt == nil; i-- {
		p := n.History[i]
		if p.Msg.From != to || p.Msg.Label != "E4" || p.Injected {
			continue
		}
		m, err := simp.UnmarshalE4(p.Msg.Bytes)
		if err != nil {
			continue
		}
		if pt, ok := n.Dissector.(*simpDissector).decrypt(n.Knowledge, simpLabelE4, m.Ciphertext); ok {
			kt, _ = simp.UnmarshalKeyTransportBody(pt)
		}
	}
	if kt == nil {
		return nil, "", unreal("h(n3, SK_ABj)", "simp.md §6: E5 needs n3 and K_AB, DK_AB of "+to+"'s E4, encrypted to a key the adversary does not hold")
	}
	keys, err := simp.GenerateSessionKeys(simp.KeyParams{K: kt.K, DK: kt.DK, M: int(kt.M), Rounds: n.Dissector.(*simpDissector).rounds})
	if err != nil {
		return nil, "", err
	}
	j := 1
	var conf []byte
	if g.variant == "hardened" {
		j = 2 // the responder sends under even indices (H1)
		if j > len(keys) {
			return nil, "", unreal("SK_AB2", "simp.md §4: a key set of one key")
		}
		conf = n.Ctx.KeyedHash(keys[j-1], "simp E5", []byte(to), []byte(from), kt.N3, u16(j))
	} else {
		conf = n.Ctx.Hash("simp E5", kt.N3, keys[j-1])
	}
	b, err := (&simp.KeyConfirmation{Suite: n.Setup.Suite.ID, Index: uint16(j), Confirm: conf}).Marshal()
	return b, fmt.Sprintf("E5 #%d as %s: h(n3, SK_AB%d) from %s's E4, opened by the adversary", j, from, j, to), err
}

// buildIndexedMessage: the composed model's E6/E7 ⟨j, senc(body,
// sk(K_AB, DK_AB, j)), mac(sk(…), …)⟩ (hardened ke(sk(…)), km(sk(…))): the
// key set of the K_AB and DK_AB the adversary holds, with the m2 of the E4
// that carried them, is the kdf chain buildSecureMessage seals under.
func (g *gammaRun) buildIndexedMessage(f []*mterm, lbl, from, to string, unreal func(string, string) error) ([]byte, string, error) {
	seal := f[1]
	if !seal.is("senc", 2) {
		return nil, "", unreal(seal.String(), "an "+lbl+" is sealed under a key of the set")
	}
	key := seal.arg(1)
	if key.is("ke", 1) || key.is("km", 1) {
		key = key.arg(0)
	}
	if !key.is("sk", 3) {
		return nil, "", unreal(key.String(), "an "+lbl+" is sealed under SK_ABj = sk(K_AB, DK_AB, j)")
	}
	k, err := g.value(key.arg(0))
	if err != nil {
		return nil, "", unreal(key.String(), needs(err))
	}
	var m2 []byte
	for _, pt := range g.env.raw {
		if kt, err := simp.UnmarshalKeyTransportBody(pt); err == nil && bytes.Equal(kt.K, k) {
			m2 = u16(int(kt.M))
		}
	}
	if m2 == nil {
		return nil, "", unreal(key.String(), "simp.md §6: the m2 of the E4 that carried "+key.arg(0).String()+", which the adversary did not open")
	}
	mv := &mterm{Name: "γ-m2(" + key.arg(0).String() + ")"}
	g.env.set(mv, m2)
	body := seal.arg(0)
	if body.Fn == "<>" && len(body.Args) > 2 {
		// hardened ⟨e7, B, A, j, msg, n⟩: the message and nonce are the
		// last two, in the order the two-field shape has them.
		body = &mterm{Fn: "<>", Args: body.Args[len(body.Args)-2:]}
	}
	chain := &mterm{Fn: "kdf", Args: []*mterm{key.arg(0), key.arg(1), mv}}
	return g.buildSecureMessage([]*mterm{{Fn: "senc", Args: []*mterm{body, chain}}, f[2]}, lbl, from, to, unreal)
}
