package adversary

import (
	"strconv"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// SIMP labels (docs/spec/simp.md §"Labels"): public, so the adversary
// uses them as the implementation does.
const (
	simpLabelVerifier = "simp pw"
	simpLabelR1       = "simp R1"
	simpLabelR2       = "simp R2"
	simpLabelL1       = "simp L1"
	simpLabelL1Pw     = "simp L1 pw"
	simpLabelL2       = "simp L2"
	simpLabelE2       = "simp E2"
	simpLabelE3       = "simp E3"
	simpLabelE4       = "simp E4"
	simpLabelE4Sig    = "simp E4 sig"
	simpLabelE4SigH   = "simp E4 sig bound"
	simpLabelMsgMAC   = "simp msg mac"
	simpLabelMsg      = "simp msg"
	simpLabelEncKey   = "simp msg enc key"
	simpLabelMACKey   = "simp msg mac key"
	simpLabelE6       = "simp E6"
	simpLabelE7       = "simp E7"
)

// simpDissector takes SIMP messages apart (docs/adversary.md §"SIMP"):
// R1 with a known private key gives ID_A, P_A and RK; R2 under a known RK
// gives K_AS, DK_AS and m; any (K, DK, m) it holds runs the paper's key
// generation (§4) into SK_1..SK_m; L1, L2, E2, E3, E6 and E7 open under
// any known SK_j; E4 with a known one-time private key gives n3, K_AB,
// DK_AB and m2. Passwords in the dictionary are checked offline against
// every h(ID_A, P_A, n1) it opened.
type simpDissector struct {
	kit
	rounds  int
	keysets map[string]bool // K||DK||m already expanded
	proofs  [][2][]byte     // (h(ID_A, P_A, n1), n1) pairs opened from L1
	guessed map[string]bool
}

func newSIMPDissector(t kit) (*simpDissector, error) {
	rounds := simp.DefaultRounds
	if r := t.setup.Options["rounds"]; r != "" {
		n, err := strconv.Atoi(r)
		if err != nil {
			return nil, err
		}
		rounds = n
	}
	return &simpDissector{kit: t, rounds: rounds, keysets: map[string]bool{}, guessed: map[string]bool{}}, nil
}

func (*simpDissector) Protocol() string { return "simp" }

// aads is the associated data of a sealed field: none as published, the
// given parts when hardened.
func (d *simpDissector) aads(parts ...[][]byte) [][][]byte {
	if !d.hardened {
		return noAAD
	}
	return parts
}

// pairAADs lists (from, to, j) for every ordered pair of identities.
func (d *simpDissector) pairAADs(j int) [][][]byte {
	var out [][][]byte
	for _, p := range d.pairs() {
		out = append(out, [][]byte{[]byte(p[0]), []byte(p[1]), u16(j)})
	}
	return d.aads(out...)
}

func (d *simpDissector) Analyze(v []byte, k *Knowledge) []Fact {
	h, err := wire.PeekHeader(v)
	if err != nil || h.Type < wire.SIMPTypeMin || h.Type > wire.SIMPTypeMax || suite.ID(h.Suite) != d.setup.Suite.ID {
		return nil
	}
	switch h.Type {
	case simp.TypeR1:
		m, err := simp.UnmarshalR1(v)
		if err != nil {
			return nil
		}
		pt, ok := d.decrypt(k, simpLabelR1, m.Ciphertext)
		if !ok {
			return nil
		}
		s, err := simp.UnmarshalRegistrationSecret(pt)
		if err != nil {
			return nil
		}
		return []Fact{fact(s.Password, "password "+s.User, "P_A from R1"), fact(s.RegistrationKey, "RK", "RK from R1")}
	case simp.TypeR2:
		m, err := simp.UnmarshalR2(v)
		if err != nil {
			return nil
		}
		var aads [][][]byte
		for _, u := range d.setup.Users {
			aads = append(aads, [][]byte{[]byte(u)})
		}
		pt, _, ok := d.open(k, simpLabelR2, m.Sealed, aads)
		if !ok {
			return nil
		}
		p, err := simp.UnmarshalRegistrationParams(pt)
		if err != nil {
			return nil
		}
		return []Fact{fact(p.K, "K_AS", "K_AS from R2"), fact(p.DK, "DK_AS", "DK_AS from R2"), fact(keyParams(p.K, p.DK, int(p.M)), "keyparams", "(K_AS, DK_AS, m) from R2")}
	case simp.TypeL1:
		m, err := simp.UnmarshalL1(v)
		if err != nil {
			return nil
		}
		pt, _, ok := d.open(k, simpLabelL1, m.Sealed, d.aads([][]byte{[]byte(m.User), []byte(d.setup.Server), u16(int(m.Index))}))
		if !ok {
			return nil
		}
		p, err := simp.UnmarshalLoginProof(pt)
		if err != nil {
			return nil
		}
		d.proofs = append(d.proofs, [2][]byte{p.PasswordProof, p.N1})
		return []Fact{fact(p.PasswordProof, "L1 proof", "h(ID_A, P_A, n1) from L1"), fact(p.N1, "n1", "n1 from L1"), fact(p.PublicKey, "pub "+m.User, "Pub-A from L1")}
	case simp.TypeL2:
		m, err := simp.UnmarshalL2(v)
		if err != nil {
			return nil
		}
		var aads [][][]byte
		for _, u := range d.setup.Users {
			aads = append(aads, [][]byte{[]byte(d.setup.Server), []byte(u), u16(int(m.Index))})
		}
		pt, _, ok := d.open(k, simpLabelL2, m.Sealed, d.aads(aads...))
		if !ok {
			return nil
		}
		c, err := simp.UnmarshalLoginConfirmation(pt)
		if err != nil {
			return nil
		}
		return []Fact{fact(c.N2, "n2", "n2 from L2"), fact(c.Proof, "", "h(n1, n2) from L2")}
	case simp.TypeE2, simp.TypeE3:
		var m *simp.PeerKeyGrant
		label := simpLabelE2
		if h.Type == simp.TypeE2 {
			m, err = simp.UnmarshalE2(v)
		} else {
			m, err = simp.UnmarshalE3(v)
			label = simpLabelE3
		}
		if err != nil {
			return nil
		}
		var aads [][][]byte
		for _, u := range d.setup.Users {
			aads = append(aads, [][]byte{[]byte(d.setup.Server), []byte(u), u16(int(m.Index))})
		}
		pt, _, ok := d.open(k, label, m.Sealed, d.aads(aads...))
		if !ok {
			return nil
		}
		b, err := simp.UnmarshalPeerKeyBody(pt)
		if err != nil {
			return nil
		}
		return []Fact{fact(b.PublicKey, "granted pub "+b.Peer, "public key of "+b.Peer+" from "+simp.Label(h.Type)), fact(b.Evidence, "", "evidence from "+simp.Label(h.Type))}
	case simp.TypeE4:
		m, err := simp.UnmarshalE4(v)
		if err != nil {
			return nil
		}
		out := []Fact{fact(m.Signature, "", "E4 signature")}
		pt, ok := d.decrypt(k, simpLabelE4, m.Ciphertext)
		if !ok {
			return out
		}
		b, err := simp.UnmarshalKeyTransportBody(pt)
		if err != nil {
			return out
		}
		return append(out, fact(pt, "E4 body", "plaintext of E4"), fact(b.N3, "n3", "n3 from E4"), fact(b.K, "K_AB", "K_AB from E4"), fact(b.DK, "DK_AB", "DK_AB from E4"),
			fact(keyParams(b.K, b.DK, int(b.M)), "keyparams", "(K_AB, DK_AB, m2) from E4"))
	case simp.TypeE6, simp.TypeE7:
		var m *simp.SecureMessage
		if h.Type == simp.TypeE6 {
			m, err = simp.UnmarshalE6(v)
		} else {
			m, err = simp.UnmarshalE7(v)
		}
		if err != nil {
			return nil
		}
		return d.openMessage(k, h.Type, m)
	}
	return nil
}

// msgKeys mirrors the profile: as published SK_ABj itself under one
// label; hardened, subkeys and a label per direction.
func (d *simpDissector) msgKey(sk []byte, t uint8) (enc []byte, label string) {
	if !d.hardened {
		return sk, simpLabelMsg
	}
	label = simpLabelE7
	if t == simp.TypeE6 {
		label = simpLabelE6
	}
	return d.ctx.KDF(sk, suite.KeySize, simpLabelEncKey), label
}

func (d *simpDissector) openMessage(k *Knowledge, t uint8, m *simp.SecureMessage) []Fact {
	aads := d.pairAADs(int(m.Index))
	for _, sk := range k.OfSize(suite.KeySize) {
		enc, label := d.msgKey(sk, t)
		for _, aad := range aads {
			pt, err := d.ctx.Open(enc, label, m.Sealed, aad...)
			if err != nil {
				continue
			}
			b, err := simp.UnmarshalMessageBody(pt)
			if err != nil {
				return nil
			}
			return []Fact{fact(b.Text, "body", "text of "+simp.Label(t)), fact(b.Nonce, "", "nonce of "+simp.Label(t)), fact(sk, "SK used", "")}
		}
	}
	return nil
}

// keyParams packs (K, DK, m) as one value so Derive can find the triples.
func keyParams(k, dk []byte, m int) []byte {
	return append(append(append([]byte("simp keyparams "), u16(m)...), k...), dk...)
}

// Derive expands every known (K, DK, m) into SK_1..SK_m and checks
// dictionary passwords against the L1 proofs it opened.
func (d *simpDissector) Derive(k *Knowledge) []Fact {
	var out []Fact
	for _, p := range k.Tagged("keyparams") {
		if d.keysets[string(p)] || len(p) != len("simp keyparams ")+2+2*suite.KeySize {
			continue
		}
		d.keysets[string(p)] = true
		rest := p[len("simp keyparams "):]
		m := int(rest[0])<<8 | int(rest[1])
		keys, err := simp.GenerateSessionKeys(simp.KeyParams{K: append([]byte(nil), rest[2:34]...), DK: append([]byte(nil), rest[34:]...), M: m, Rounds: d.rounds})
		if err != nil {
			continue
		}
		for j, sk := range keys {
			out = append(out, fact(sk, "SK", "SK_"+strconv.Itoa(j+1)+" generated from known (K, DK, m)"))
		}
	}
	for _, pw := range k.Dictionary {
		for _, u := range d.setup.Users {
			if d.guessed[u+"\x00"+pw] {
				continue
			}
			ver := d.ctx.Hash(simpLabelVerifier, []byte(u), []byte(pw))
			for _, pr := range d.proofs {
				if suite.Equal(d.ctx.Hash(simpLabelL1Pw, ver, pr[1]), pr[0]) {
					d.guessed[u+"\x00"+pw] = true
					out = append(out, fact([]byte(pw), "password "+u, "P_A guessed offline against h(ID_A, P_A, n1)"), fact(ver, "verifier "+u, "h(ID_A, P_A)"))
				}
			}
		}
	}
	return out
}

// PasswordEquivalents: S's verifier h(ID_A, P_A), which with the L1 key
// passes login as A.
func (d *simpDissector) PasswordEquivalents(setup harness.Setup) []Secret {
	var out []Secret
	for _, u := range setup.Users {
		out = append(out, Secret{What: "password-equivalent", Owner: u, Peer: setup.Server,
			Bytes: suite.NewCtx(setup.Suite, nil).Hash(simpLabelVerifier, []byte(u), []byte(setup.Password(u)))})
	}
	return out
}
