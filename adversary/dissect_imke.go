package adversary

import (
	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// IMKE labels (docs/spec/imke.md §4 and §5).
const (
	imkeLabelF1      = "imke f1"
	imkeLabelF2      = "imke f2"
	imkeLabelF3      = "imke f3"
	imkeLabelF7      = "imke f7"
	imkeLabelF4      = "imke f4"
	imkeLabelF5      = "imke f5"
	imkeLabelF8      = "imke f8"
	imkeLabelF9      = "imke f9"
	imkeLabelImage   = "imke password image"
	imkeLabelData    = "imke data"
	imkeLabel42      = "imke 4.2"
	imkeLabel43      = "imke 4.3"
	imkeLabel47      = "imke 4.7"
	imkeLabelEncKAS  = "imke a1 K_AS"
	imkeLabelSealA1  = "imke a1"
	imkeLabelEncRS   = "imke a2 R_S"
	imkeLabelSealA2  = "imke a2"
	imkeLabelEncKAS1 = "imke 4.4 K_AS1"
	imkeLabelEncRS1  = "imke 4.5 R_S1"
	imkeLabelEncKAB  = "imke c1 K_AB"
	imkeLabelSealC1  = "imke c1"
	imkeLabelEncRB   = "imke c2 R_B"
	imkeLabelSealC2  = "imke c2"
	imkeLabelC2RB    = "imke c2 rb" // hardened c2 aad: h(R_B) (imke.md H7)
)

// imkeDissector takes IMKE messages apart (docs/adversary.md §"IMKE"):
// a1 with KR_S gives K_AS, then KU_A and f1(P_A); a2 with KR_A gives R_S
// and with K_AS f2(P_A); any K_AS and R_S it holds give K_AS^s = f4(K_AS,
// R_S); 4.2/4.3/4.7, b1/b2, 4.4/4.5 open under any known K^s; c1/c2 with
// the recipient's dynamic private key give K_AB and R_B, hence K_AB^s =
// f8(K_AB, R_B). Renewal secrets K_AS1, R_S1 pair like K_AS, R_S.
type imkeDissector struct {
	kit
	derived map[string]bool
	guessed map[string]bool
	// f1bind is, by f1 value read from a hardened a1, what that f1 binds
	// besides W (K_AS, KU_A: profile H8).
	f1bind map[string][][]byte
}

func newIMKEDissector(t kit) *imkeDissector {
	return &imkeDissector{kit: t, derived: map[string]bool{}, guessed: map[string]bool{}, f1bind: map[string][][]byte{}}
}

func (*imkeDissector) Protocol() string { return "imke" }

func (d *imkeDissector) userAADs() [][][]byte {
	if !d.hardened {
		return noAAD
	}
	var out [][][]byte
	for _, u := range d.setup.Users {
		out = append(out, [][]byte{[]byte(u)})
	}
	return out
}

func (d *imkeDissector) pairAADs(parts ...[]byte) [][][]byte {
	if !d.hardened {
		return [][][]byte{parts}
	}
	var out [][][]byte
	for _, p := range d.pairs() {
		out = append(out, append(append([][]byte(nil), parts...), []byte(p[0]), []byte(p[1])))
	}
	return out
}

// c2AADs are the candidate associated data of c2's seal: the pair
// identities, and hardened also h(R_B) for each R_B known (imke.md H7).
func (d *imkeDissector) c2AADs(rbs [][]byte) [][][]byte {
	if !d.hardened {
		return d.pairAADs()
	}
	var out [][][]byte
	for _, rb := range rbs {
		h := d.ctx.Hash(imkeLabelC2RB, rb)
		for _, a := range d.pairAADs() {
			out = append(out, append(a, h))
		}
	}
	return out
}

// secret strips the hardened identity binding of c1/c2 secrets.
func (d *imkeDissector) secret(pt []byte) []byte {
	if !d.hardened {
		return pt
	}
	if b, err := imke.UnmarshalBoundSecret(pt); err == nil {
		return b.Secret
	}
	return nil
}

func (d *imkeDissector) Analyze(v []byte, k *Knowledge) []Fact {
	h, err := wire.PeekHeader(v)
	if err != nil || h.Type < wire.IMKETypeMin || h.Type > wire.IMKETypeMax || suite.ID(h.Suite) != d.setup.Suite.ID {
		return nil
	}
	var out []Fact
	switch h.Type {
	case imke.TypeLoginRequest:
		m, err := imke.UnmarshalLoginRequest(v)
		if err != nil {
			return nil
		}
		kas, haveKAS := d.decrypt(k, imkeLabelEncKAS, m.EncryptedKey)
		if haveKAS {
			out = append(out, fact(kas, "K_AS", "K_AS from a1"))
		}
		aads := noAAD
		if d.hardened {
			aads = [][][]byte{{[]byte(m.ID)}}
		}
		if pt, key, ok := d.open(k, imkeLabelSealA1, m.SealedProof, aads); ok {
			if p, err := imke.UnmarshalLoginProof(pt); err == nil {
				out = append(out, fact(p.PublicKey, "pub "+m.ID, "KU_A from a1"), fact(p.F1, "f1 "+m.ID, "f1(P_A) from a1"))
				if d.hardened {
					// The key that opens the proof is K_AS, decrypted with
					// KR_S or revealed.
					d.f1bind[string(p.F1)] = [][]byte{key, p.PublicKey}
				}
			}
		}
	case imke.TypeLoginChallenge:
		m, err := imke.UnmarshalLoginChallenge(v)
		if err != nil {
			return nil
		}
		if rs, ok := d.decrypt(k, imkeLabelEncRS, m.EncryptedChallenge); ok {
			out = append(out, fact(rs, "R_S", "R_S from a2"))
		}
		if pt, _, ok := d.open(k, imkeLabelSealA2, m.SealedProof, d.userAADs()); ok {
			out = append(out, fact(pt, "f2", "f2(P_A) from a2"))
		}
	case imke.TypeClientData, imke.TypeServerData, imke.TypePeerData:
		var q imke.Sequenced
		var label string
		switch h.Type {
		case imke.TypeClientData:
			m, err := imke.UnmarshalClientData(v)
			if err != nil {
				return nil
			}
			q, label = m.Sequenced, imkeLabel42
		case imke.TypeServerData:
			m, err := imke.UnmarshalServerData(v)
			if err != nil {
				return nil
			}
			q, label = m.Sequenced, imkeLabel43
		default:
			m, err := imke.UnmarshalPeerData(v)
			if err != nil {
				return nil
			}
			q, label = m.Sequenced, imkeLabel47
		}
		if !d.hardened {
			label = imkeLabelData
		}
		pt, _, ok := d.open(k, label, q.Sealed, d.pairAADs(u64(q.Seq)))
		if !ok {
			return nil
		}
		switch h.Type {
		case imke.TypePeerData:
			out = append(out, fact(pt, "body", "data of 4.7"))
		case imke.TypeClientData:
			out = append(out, d.item(k, pt, imke.UnmarshalClientItem)...)
		default:
			out = append(out, d.item(k, pt, imke.UnmarshalServerItem)...)
		}
	case imke.TypeRenewalKey, imke.TypeRenewalChallenge, imke.TypePeerKey:
		var u imke.Unsequenced
		switch h.Type {
		case imke.TypeRenewalKey:
			m, err := imke.UnmarshalRenewalKey(v)
			if err != nil {
				return nil
			}
			u = m.Unsequenced
		case imke.TypeRenewalChallenge:
			m, err := imke.UnmarshalRenewalChallenge(v)
			if err != nil {
				return nil
			}
			u = m.Unsequenced
		default:
			m, err := imke.UnmarshalPeerKey(v)
			if err != nil {
				return nil
			}
			u = m.Unsequenced
		}
		pt, _, ok := d.open(k, imkeLabelData, u.Sealed, noAAD)
		if !ok {
			return nil
		}
		if h.Type == imke.TypePeerKey {
			if p, err := imke.UnmarshalPeerKeyInfo(pt); err == nil {
				out = append(out, fact(p.Key, "granted pub "+p.ID, "KU from b1/b2"))
			}
			return out
		}
		out = append(out, d.renewal(k, pt)...)
	case imke.TypeKeyTransport:
		m, err := imke.UnmarshalKeyTransport(v)
		if err != nil {
			return nil
		}
		if pt, ok := d.decrypt(k, imkeLabelEncKAB, m.EncryptedKey); ok {
			if kab := d.secret(pt); kab != nil {
				out = append(out, fact(kab, "K_AB", "K_AB from c1"))
			}
		}
		if pt, _, ok := d.open(k, imkeLabelSealC1, m.SealedChallenge, d.pairAADs()); ok {
			out = append(out, fact(pt, "R_A", "R_A from c1"))
		}
	case imke.TypeKeyTransportReply:
		m, err := imke.UnmarshalKeyTransportReply(v)
		if err != nil {
			return nil
		}
		known := k.Tagged("R_B")
		if pt, ok := d.decrypt(k, imkeLabelEncRB, m.EncryptedChallenge); ok {
			if rb := d.secret(pt); rb != nil {
				out = append(out, fact(rb, "R_B", "R_B from c2"))
				known = append(known, rb)
			}
		}
		if pt, _, ok := d.open(k, imkeLabelSealC2, m.SealedProof, d.c2AADs(known)); ok {
			out = append(out, fact(pt, "", "f6(R_A) from c2"))
		}
	}
	return out
}

// item reads an opened 4.2/4.3 payload.
func (d *imkeDissector) item(k *Knowledge, pt []byte, parse func([]byte) (*imke.Item, error)) []Fact {
	it, err := parse(pt)
	if err != nil {
		return nil
	}
	switch it.Kind {
	case imke.ItemText:
		return []Fact{fact(it.Body, "body", "text of 4.2/4.3")}
	case imke.ItemRelay, imke.ItemRelayed:
		return []Fact{fact(it.Body, "", "relayed message for "+it.Peer)}
	case imke.ItemPeerKey:
		return []Fact{fact(it.Key, "granted pub "+it.Peer, "KU of "+it.Peer+" from 4.3")}
	case imke.ItemRenewal:
		return d.renewal(k, it.Key)
	}
	return nil
}

// renewal opens a renewal secret {K_AS1}_E_S or {R_S1}_E_A.
func (d *imkeDissector) renewal(k *Knowledge, ct []byte) []Fact {
	out := []Fact{fact(ct, "", "renewal ciphertext")}
	if pt, ok := d.decrypt(k, imkeLabelEncKAS1, ct); ok {
		out = append(out, fact(pt, "K_AS", "K_AS1 from 4.4"))
	}
	if pt, ok := d.decrypt(k, imkeLabelEncRS1, ct); ok {
		out = append(out, fact(pt, "R_S", "R_S1 from 4.5"))
	}
	return out
}

// Derive runs f4/f5 on every known (K_AS, R_S) and f8/f9 on every known
// (K_AB, R_B), with the hardened identity binding for every ordered pair.
func (d *imkeDissector) Derive(k *Knowledge) []Fact {
	var out []Fact
	for _, kas := range k.Tagged("K_AS") {
		for _, rs := range k.Tagged("R_S") {
			id := "as" + string(kas) + string(rs)
			if d.derived[id] {
				continue
			}
			d.derived[id] = true
			out = append(out, fact(d.ctx.KDF(kas, suite.KeySize, imkeLabelF4, rs), "K^s", "K_AS^s = f4(K_AS, R_S)"),
				fact(d.ctx.KDF(rs, suite.KeySize, imkeLabelF5, kas), "K^m", "K_AS^m = f5(R_S, K_AS)"))
		}
	}
	for _, kab := range k.Tagged("K_AB") {
		for _, rb := range k.Tagged("R_B") {
			id := "ab" + string(kab) + string(rb)
			if d.derived[id] {
				continue
			}
			d.derived[id] = true
			for _, aad := range d.pairAADs(rb) {
				out = append(out, fact(d.ctx.KDF(kab, suite.KeySize, imkeLabelF8, aad...), "K^s", "K_AB^s = f8(K_AB, R_B)"))
			}
		}
	}
	// Offline guessing (paper §5.3): a dictionary password whose f1 matches
	// an f1(P_A) read from an a1 is the password.
	image := d.setup.Options[imke.OptionPasswordStorage] == string(imke.StoreImage)
	for _, u := range d.setup.Users {
		f1s := k.Tagged("f1 " + u)
		if len(f1s) == 0 {
			continue
		}
		for _, x := range f1s {
			bind := d.f1bind[string(x)]
			if d.hardened && bind == nil {
				continue // H8: without that a1's K_AS and KU_A no guess can be tested
			}
			for _, pw := range k.Dictionary {
				key := u + "\x00" + pw + "\x00" + string(x)
				if d.guessed[key] {
					continue
				}
				d.guessed[key] = true
				w := []byte(pw)
				if image {
					w = d.ctx.Hash(imkeLabelImage, []byte(u), w)
				}
				if suite.Equal(x, d.ctx.Hash(imkeLabelF1, append([][]byte{w}, bind...)...)) {
					out = append(out, fact([]byte(pw), "password "+u, "P_A guessed offline against f1(P_A)"), fact(w, "record "+u, "W_A of the guessed P_A"))
				}
			}
		}
	}
	return out
}

// PasswordEquivalents: as published f1(W_A), which logs in as A to S with
// any K_AS and KU_A, and W_A itself when the server stores the image.
func (d *imkeDissector) PasswordEquivalents(setup harness.Setup) []Secret {
	ctx := suite.NewCtx(setup.Suite, nil)
	var out []Secret
	for _, u := range setup.Users {
		w := []byte(setup.Password(u))
		if setup.Options[imke.OptionPasswordStorage] == string(imke.StoreImage) {
			w = ctx.Hash(imkeLabelImage, []byte(u), w)
			out = append(out, Secret{What: "password-equivalent", Owner: u, Peer: setup.Server, Bytes: w})
		}
		if setup.Variant != string(imke.Hardened) { // H8: a hardened f1 binds one login's K_AS and KU_A
			out = append(out, Secret{What: "password-equivalent", Owner: u, Peer: setup.Server, Bytes: ctx.Hash(imkeLabelF1, w)})
		}
	}
	return out
}

// RevealState of the server gives its password records (P_A or the image
// W_A, profile §10), computed from the Setup as the server holds them.
func (d *imkeDissector) RevealState(p harness.Party) []Fact {
	if p == nil || p.Name() != d.setup.Server {
		return nil
	}
	storage, err := imke.ParsePasswordStorage(d.setup.Options[imke.OptionPasswordStorage])
	if err != nil {
		return nil
	}
	var out []Fact
	for _, u := range d.setup.Users {
		out = append(out, fact(imke.PasswordRecord(storage, u, []byte(d.setup.Password(u))), "record "+u, "the server's password record of "+u))
	}
	return out
}

// KeyOf returns the candidate key K^s under which msg (a 4.2, 4.3, 4.7,
// b1/b2 or 4.4/4.5) was sealed, or nil: the key-renewal oracle asks it
// which key protected a message.
func (d *imkeDissector) KeyOf(msg []byte, keys [][]byte) []byte {
	h, err := wire.PeekHeader(msg)
	if err != nil {
		return nil
	}
	var sealed []byte
	var aads [][][]byte
	label := imkeLabelData
	switch h.Type {
	case imke.TypeClientData, imke.TypeServerData, imke.TypePeerData:
		q, err := imke.UnmarshalPeerData(append([]byte{imke.TypePeerData}, msg[1:]...)) // same layout
		if err != nil {
			return nil
		}
		sealed, aads = q.Sealed, d.pairAADs(u64(q.Seq))
		if d.hardened {
			label = map[uint8]string{imke.TypeClientData: imkeLabel42, imke.TypeServerData: imkeLabel43, imke.TypePeerData: imkeLabel47}[h.Type]
		}
	case imke.TypeRenewalKey, imke.TypeRenewalChallenge, imke.TypePeerKey:
		u, err := imke.UnmarshalPeerKey(append([]byte{imke.TypePeerKey}, msg[1:]...))
		if err != nil {
			return nil
		}
		sealed, aads = u.Sealed, noAAD
	default:
		return nil
	}
	for _, k := range keys {
		for _, aad := range aads {
			if _, err := d.ctx.Open(k, label, sealed, aad...); err == nil {
				return k
			}
		}
	}
	return nil
}
