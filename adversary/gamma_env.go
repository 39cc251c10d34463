package adversary

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// gammaEnv binds the model's subterms to concrete values: what the
// adversary read or opened in the packets bound to the trace's sends, the
// values it made up for the trace's attacker values, and its own keys.
type gammaEnv struct {
	val  map[string][]byte // subterm → its value (a field's bytes, an opened secret)
	raw  map[string][]byte // plaintext subterm → the plaintext as the code encoded it
	from map[string]string // subterm → the label of the message it was read from
	priv map[string]suite.PrivateKey
}

func newGammaEnv() *gammaEnv {
	return &gammaEnv{val: map[string][]byte{}, raw: map[string][]byte{}, from: map[string]string{}, priv: map[string]suite.PrivateKey{}}
}

func (e *gammaEnv) set(t *mterm, b []byte) {
	if t != nil && b != nil {
		e.val[t.String()] = b
	}
}

// setFrom binds a field of a message with label.
func (e *gammaEnv) setFrom(t *mterm, b []byte, label string) {
	e.set(t, b)
	e.from[t.String()] = label
}

func (e *gammaEnv) get(t *mterm) ([]byte, bool) {
	b, ok := e.val[t.String()]
	return b, ok
}

// learn binds the fields of an honest packet to the model's term, and
// opens what the adversary's knowledge opens: E4's plaintext, E2/E3's
// body, c1's K_AB and R_A, c2's R_B.
func (g *gammaRun) learn(t *mterm, label string, b []byte) {
	f := t.fields()
	k := g.n.Knowledge
	switch {
	case g.proto == "simp" && label == "E4" && len(f) == 2:
		m, err := simp.UnmarshalE4(b)
		if err != nil {
			return
		}
		g.env.setFrom(f[0], m.Ciphertext, label)
		g.env.setFrom(f[1], m.Signature, label)
		pt, ok := g.n.Dissector.(*simpDissector).decrypt(k, simpLabelE4, m.Ciphertext)
		if !ok || !f[0].is("aenc", 2) {
			return
		}
		p := f[0].arg(0)
		g.env.raw[p.String()] = pt
		g.env.set(p, pt)
		if body, err := simp.UnmarshalKeyTransportBody(pt); err == nil && p.Fn == "<>" && len(p.Args) >= 4 {
			last := p.Args[len(p.Args)-4:]
			g.env.set(last[0], body.N3)
			g.env.set(last[1], body.K)
			g.env.set(last[2], body.DK)
			g.env.set(last[3], u16(int(body.M)))
		}
	case g.proto == "simp" && (label == "E2" || label == "E3") && len(f) == 2:
		g.learnGrant(f, label, b)
	case g.proto == "simp" && (label == "E6" || label == "E7") && len(f) == 3 && f[1].is("senc", 2):
		// The composed model's ⟨j, senc(⟨…, msg, n⟩, …), mac(…)⟩: the
		// message and nonce, where the adversary holds SK_ABj.
		var m *simp.SecureMessage
		var err error
		if label == "E6" {
			m, err = simp.UnmarshalE6(b)
		} else {
			m, err = simp.UnmarshalE7(b)
		}
		body := f[1].arg(0)
		if err != nil || body.Fn != "<>" || len(body.Args) < 2 {
			return
		}
		facts := g.n.Dissector.(*simpDissector).openMessage(k, simpTypes[label], m)
		if len(facts) < 2 {
			return
		}
		g.env.set(body.Args[len(body.Args)-2], facts[0].Bytes)
		g.env.set(body.Args[len(body.Args)-1], facts[1].Bytes)
	case g.proto == "imke" && label == "a1" && len(f) == 3:
		g.learnA1(f, b)
	case g.proto == "imke" && label == "a2" && len(f) == 2:
		if m, err := imke.UnmarshalLoginChallenge(b); err == nil {
			g.env.setFrom(f[0], m.EncryptedChallenge, label)
			g.env.setFrom(f[1], m.SealedProof, label)
			if rs, ok := g.n.Dissector.(*imkeDissector).decrypt(k, imkeLabelEncRS, m.EncryptedChallenge); ok && f[0].is("aenc", 2) {
				r := f[0].arg(0)
				if r.Fn == "<>" && len(r.Args) == 2 {
					r = r.Args[1] // ⟨la2, R_S⟩
				}
				g.env.set(r, rs)
			}
		}
	case g.proto == "imke" && (label == "c1" || label == "c2") && len(f) == 2:
		ct, sealed, encLabel := []byte(nil), []byte(nil), imkeLabelEncKAB
		if label == "c1" {
			m, err := imke.UnmarshalKeyTransport(b)
			if err != nil {
				return
			}
			ct, sealed = m.EncryptedKey, m.SealedChallenge
		} else {
			m, err := imke.UnmarshalKeyTransportReply(b)
			if err != nil {
				return
			}
			ct, sealed, encLabel = m.EncryptedChallenge, m.SealedProof, imkeLabelEncRB
		}
		g.env.setFrom(f[0], ct, label)
		g.env.setFrom(f[1], sealed, label)
		d := g.n.Dissector.(*imkeDissector)
		pt, ok := d.decrypt(k, encLabel, ct)
		if !ok || !f[0].is("aenc", 2) {
			return
		}
		p := f[0].arg(0)
		g.env.raw[p.String()] = pt
		secret := d.secret(pt)
		if p.Fn == "<>" {
			g.env.set(p, pt)
			if l := p.arg(0); len(p.Args) == 2 && l.Fn == "" && (l.Name == "lc1" || l.Name == "lc2") {
				p = p.arg(1) // ⟨lc2, R_B⟩: the model's name of the encryption's label
			} else {
				p = p.arg(0)
			}
		}
		g.env.set(p, secret)
		if label == "c1" && f[1].is("senc", 2) {
			if ra, _, ok := d.open(k, imkeLabelSealC1, sealed, d.pairAADs()); ok {
				r := f[1].arg(0)
				if r.Fn == "<>" {
					r = r.arg(0)
				}
				g.env.set(r, ra)
			}
		}
	}
}

// learnA1 binds an a1's fields ⟨ID_A, {K_AS}_{E_S}, {KU_A, f1}_{K_AS}⟩
// and, where the adversary opens it (KR_S known or K_AS revealed), K_AS,
// KU_A and f1(P_A) (hardened the proof is ⟨ID_A, KU_A, f1⟩).
func (g *gammaRun) learnA1(f []*mterm, b []byte) {
	m, err := imke.UnmarshalLoginRequest(b)
	if err != nil {
		return
	}
	g.env.setFrom(f[1], m.EncryptedKey, "a1")
	g.env.setFrom(f[2], m.SealedProof, "a1")
	if !f[2].is("senc", 2) {
		return
	}
	var aad [][]byte
	if g.variant == "hardened" {
		aad = [][]byte{[]byte(m.ID)}
	}
	kasT := f[2].arg(1)
	kas, ok := g.env.get(kasT)
	if !ok {
		if kas, ok = g.n.Dissector.(*imkeDissector).decrypt(g.n.Knowledge, imkeLabelEncKAS, m.EncryptedKey); !ok {
			for _, k := range g.n.Knowledge.Tagged("K_AS") {
				if _, err := g.n.Ctx.Open(k, imkeLabelSealA1, m.SealedProof, aad...); err == nil {
					kas, ok = k, true
				}
			}
		}
	}
	if !ok {
		return
	}
	pt, err := g.n.Ctx.Open(kas, imkeLabelSealA1, m.SealedProof, aad...)
	if err != nil {
		return
	}
	g.env.set(kasT, kas)
	proof, err := imke.UnmarshalLoginProof(pt)
	body := f[2].arg(0)
	if err != nil || body.Fn != "<>" || len(body.Args) < 2 {
		return
	}
	g.env.set(body.Args[len(body.Args)-2], proof.PublicKey)
	g.env.set(body.Args[len(body.Args)-1], proof.F1)
}

// learnGrant opens an E2/E3 under the recipient's SK_j where the
// adversary holds it (an insider's own grants).
func (g *gammaRun) learnGrant(f []*mterm, label string, b []byte) {
	var m *simp.PeerKeyGrant
	var err error
	if label == "E2" {
		m, err = simp.UnmarshalE2(b)
	} else {
		m, err = simp.UnmarshalE3(b)
	}
	if err != nil {
		return
	}
	g.env.set(f[0], u16(int(m.Index)))
	g.env.set(f[1], m.Sealed)
	d := g.n.Dissector.(*simpDissector)
	var aads [][][]byte
	for _, u := range g.n.Setup.Users {
		aads = append(aads, [][]byte{[]byte(g.n.Setup.Server), []byte(u), u16(int(m.Index))})
	}
	pt, key, ok := d.open(g.n.Knowledge, "simp "+label, m.Sealed, d.aads(aads...))
	if !ok || !f[1].is("senc", 2) {
		return
	}
	g.env.set(f[1].arg(1), key)
	body, err := simp.UnmarshalPeerKeyBody(pt)
	p := f[1].arg(0)
	if err != nil || p.Fn != "<>" || len(p.Args) < 2 {
		return
	}
	g.env.set(p.Args[len(p.Args)-2], body.PublicKey)
	g.env.set(p.Args[len(p.Args)-1], body.Evidence)
	g.env.from[p.Args[len(p.Args)-1].String()] = label
}

// value resolves a subterm to its concrete value: a bound or opened
// value, an identity, a public key the adversary knows, or a value the
// adversary makes up for an attacker value of the trace.
func (g *gammaRun) value(t *mterm) ([]byte, error) {
	if b, ok := g.env.get(t); ok {
		return b, nil
	}
	if p := gammaAgents[t.Name]; t.Fn == "" && p != "" {
		return []byte(p), nil
	}
	if t.is("pk", 1) {
		return g.publicKey(t)
	}
	if t.attackerValue() {
		b, err := g.n.Ctx.Random(suite.KeySize)
		if err != nil {
			return nil, err
		}
		g.env.set(t, b)
		g.n.Knowledge.Learn([]Fact{fact(b, "", "the adversary's value for "+t.String())}, "")
		return b, nil
	}
	return nil, fmt.Errorf("adversary: needs %s", t)
}

// publicKey resolves pk(K): the key the adversary knows for the agent
// whose key K is (pri(b), kr(b): bob's current login key), or, for a key
// of a dishonest agent that has none (a dishonest server's kr(s)) and
// for the trace's attacker-made keys (skE2), a key pair of the
// adversary's own.
func (g *gammaRun) publicKey(t *mterm) ([]byte, error) {
	sk := t.arg(0)
	if (sk.is("krs", 1) || sk.is("prs", 1) || sk.is("sk", 1)) && agentOf(sk.arg(0)) == g.n.Setup.Server {
		priv, err := g.n.Setup.Suite.NewPrivateKey(g.n.Setup.ServerKeySeed())
		if err != nil {
			return nil, err
		}
		return priv.Public().Bytes(), nil // the server's long-term key is public
	}
	if p := g.sessionKeyOwner(sk); p != "" {
		if b := g.knownKey(p); b != nil {
			return b, nil
		}
		return nil, fmt.Errorf("adversary: needs %s (the adversary has not seen %s's key)", t, p)
	}
	if agent := sk.arg(0); (sk.is("pri", 1) || sk.is("kr", 1) || sk.is("krs", 1)) && gammaAgents[agent.Name] != "" {
		p := gammaAgents[agent.Name]
		if b := g.knownKey(p); b != nil {
			return b, nil
		}
		if g.n.Honest(p) {
			if err := g.askFor(p); err != nil {
				return nil, err
			}
			if b := g.knownKey(p); b != nil {
				return b, nil
			}
			return nil, fmt.Errorf("adversary: needs %s (the adversary has not seen %s's key)", t, p)
		}
	} else if !sk.attackerValue() && !(sk.is("prs", 1) && agentOf(sk.arg(0)) != "") {
		// SIMP's composed model declares pk(prs(X)) public for every X; a
		// user's has no counterpart in the code (only S has a long-term
		// key pair), so the adversary puts a key pair of its own there.
		return nil, fmt.Errorf("adversary: needs %s", t)
	}
	if priv, ok := g.env.priv[sk.String()]; ok {
		return priv.Public().Bytes(), nil
	}
	priv, err := g.n.Ctx.NewPrivateKey()
	if err != nil {
		return nil, err
	}
	g.env.priv[sk.String()] = priv
	g.n.Knowledge.AddPrivateKey(priv, "the adversary's key pair for "+sk.String())
	return priv.Public().Bytes(), nil
}

// sessionKeyOwner is the party whose fresh dynamic or one-time private
// key a name of the trace is (IMKE's KRA.1, SIMP's KB.2: the role's key
// variable, numbered with its session), or "".
func (g *gammaRun) sessionKeyOwner(sk *mterm) string {
	if sk == nil || sk.Fn != "" {
		return ""
	}
	name, num, ok := strings.Cut(sk.Name, ".")
	if !ok {
		return ""
	}
	keys := map[string][]string{"imke": {"KRA", "KRB"}, "simp": {"KA", "KB"}}
	if !slices.Contains(keys[g.proto], name) {
		return ""
	}
	session := 0
	if _, err := fmt.Sscanf(num, "%d", &session); err != nil {
		return ""
	}
	if _, ok := g.sessions[session]; !ok {
		return ""
	}
	return g.party(session)
}

// privateKey resolves a signing key of the trace (pri(e)): the dynamic
// key of a dishonest party, which the adversary holds.
func (g *gammaRun) privateKey(t *mterm) (suite.PrivateKey, error) {
	if priv, ok := g.env.priv[t.String()]; ok {
		return priv, nil
	}
	pub, err := g.publicKey(&mterm{Fn: "pk", Args: []*mterm{t}})
	if err != nil {
		return nil, err
	}
	if priv := g.n.Knowledge.PrivateKeyFor(pub); priv != nil {
		return priv, nil
	}
	return nil, fmt.Errorf("adversary: needs %s (the private key of an honest party)", t)
}

// agent is the party an agent name stands for.
func agentOf(t *mterm) string {
	if t == nil || t.Fn != "" {
		return ""
	}
	return gammaAgents[t.Name]
}

// needs turns a resolution error into the subterm it names.
func needs(err error) string { return strings.TrimPrefix(detail(err), "needs ") }

// knownKey is p's current public key as the adversary knows it: a
// dishonest party's own dynamic key, or the last key it read as p's.
func (g *gammaRun) knownKey(p string) []byte {
	k := g.n.Knowledge
	if !g.n.Honest(p) {
		var last []byte
		for _, priv := range k.PrivateKeys() {
			if priv.Origin == "dynamic private key of "+p {
				last = priv.Public
			}
		}
		if last != nil {
			return last
		}
	}
	for _, tag := range []string{"granted pub " + p, "pub " + p} {
		if ks := k.Tagged(tag); len(ks) > 0 {
			return ks[len(ks)-1]
		}
	}
	// A revealed state: the public half of p's latest dynamic key.
	var last []byte
	for _, priv := range k.PrivateKeys() {
		if priv.Origin == "dynamic private key of "+p {
			last = priv.Public
		}
	}
	return last
}

// askFor has an insider ask S for p, as any user may, so that the
// adversary reads p's public key in S's answer; the key transport the
// insider's client then starts is held back.
func (g *gammaRun) askFor(p string) error {
	n := g.n
	for _, u := range n.Setup.Users {
		if n.Honest(u) || u == p {
			continue
		}
		mark := len(n.History)
		if err := n.Need(n.Act(connect(u, p))); err != nil {
			return err
		}
		for {
			i := slices.IndexFunc(n.Pool, func(q *Packet) bool { return q.ID > mark })
			if i < 0 {
				break
			}
			q := n.Pool[i]
			if q.Msg.From == u && q.Msg.To == p {
				n.Drop(q.ID)
				continue
			}
			if err := n.Need(n.Deliver(q.ID)); err != nil {
				return err
			}
		}
		n.Saturate()
		g.out = append(g.out, GammaStep{Model: "(adversary)", Action: fmt.Sprintf("insider %s asks S for %s to learn %s's public key; %s's key transport is held back", u, p, p, u)})
		return nil
	}
	return nil
}
