package imke

import (
	"fmt"
	"testing"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// Benchmarks (profile §14): each IMKE step per suite, the floor of the
// same step (its primitives called directly, no encoding or state), and
// SIMP's login and key exchange against IMKE's in the same run.
//
//	go test -run '^$' -bench . -benchtime 20x ./impl/imke/

// mustFlush delivers msgs and everything they cause.
func mustFlush(b *testing.B, w *world, msgs []role.Message) {
	for len(msgs) > 0 {
		m := msgs[0]
		msgs = msgs[1:]
		out, err := w.parties[m.To].Handle(m.From, m.Bytes)
		if err != nil {
			b.Fatalf("%s: %v", m, err)
		}
		msgs = append(msgs, out.Messages...)
	}
}

func benchWorld(b *testing.B, s string) *world {
	w := newWorld(b, s, AsPublished)
	connected(w)
	w.sent, w.events = nil, nil
	return w
}

func BenchmarkIMKE(b *testing.B) {
	for _, st := range suite.All() {
		b.Run(st.Name+"/login", func(b *testing.B) {
			w := benchWorld(b, st.Name)
			a := w.client("alice")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a.Reset() // a fresh login: new (KU_A, KR_A), K_AS, R_S
				out, err := a.Login()
				if err != nil {
					b.Fatal(err)
				}
				mustFlush(b, w, out.Messages)
			}
		})
		b.Run(st.Name+"/login-floor", func(b *testing.B) { benchFloor(b, st, floorLogin) })
		b.Run(st.Name+"/key-transport", func(b *testing.B) {
			w := benchWorld(b, st.Name)
			a := w.client("alice")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				out, err := a.StartKeyExchange("bob")
				if err != nil {
					b.Fatal(err)
				}
				mustFlush(b, w, out.Messages)
			}
		})
		b.Run(st.Name+"/key-transport-floor", func(b *testing.B) { benchFloor(b, st, floorKeyTransport) })
		b.Run(st.Name+"/message", func(b *testing.B) {
			w := benchWorld(b, st.Name)
			a := w.client("alice")
			body := []byte("a typical instant message of about sixty-four bytes, give or take")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				out, err := a.Send("bob", body)
				if err != nil {
					b.Fatal(err)
				}
				mustFlush(b, w, out.Messages)
			}
		})
		b.Run(st.Name+"/message-floor", func(b *testing.B) { benchFloor(b, st, floorMessage) })
		b.Run(st.Name+"/renewal", func(b *testing.B) {
			w := benchWorld(b, st.Name)
			a := w.client("alice")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				out, err := a.StartRenewal()
				if err != nil {
					b.Fatal(err)
				}
				mustFlush(b, w, out.Messages)
			}
		})
		b.Run(st.Name+"/renewal-floor", func(b *testing.B) { benchFloor(b, st, floorRenewal) })
	}
}

// floorEnv holds the long-lived keys the floor steps use.
type floorEnv struct {
	ctx           *suite.Ctx
	fn            functions
	skS, skA, skB suite.PrivateKey
	pkS, pkA, pkB suite.PublicKey
	k             []byte
	body          []byte
}

func benchFloor(b *testing.B, st *suite.Suite, step func(e *floorEnv) error) {
	r := suite.NewRand([]byte("floor"), st.Name)
	ctx := suite.NewCtx(st, r)
	e := &floorEnv{ctx: ctx, fn: functions{ctx}, body: make([]byte, 64)}
	var err error
	for _, sk := range []*suite.PrivateKey{&e.skS, &e.skA, &e.skB} {
		if *sk, err = st.NewPrivateKey(append([]byte("floor key seed 0123456789abcdef"), byte(len(fmt.Sprint(sk))))); err != nil {
			b.Fatal(err)
		}
	}
	e.pkS, e.pkA, e.pkB = e.skS.Public(), e.skA.Public(), e.skB.Public()
	e.k, _ = ctx.Random(32)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := step(e); err != nil {
			b.Fatal(err)
		}
	}
}

// sealMAC and openMAC are one {X}_{K^s}, [X]_{K^m} each way.
func (e *floorEnv) sealMAC(x []byte) ([]byte, error) {
	ct, err := e.ctx.Seal(e.k, "floor", x)
	e.ctx.MAC(e.k, "floor", x)
	return ct, err
}

func (e *floorEnv) openMAC(ct []byte) error {
	x, err := e.ctx.Open(e.k, "floor", ct)
	e.ctx.MAC(e.k, "floor", x)
	return err
}

// floorLogin is a1–a3 and the 4.3 acceptance: A's key pair, two public-key
// encryptions and decryptions, four AEAD operations, f1–f5 on both sides,
// one sealed and MACed 4.3.
func floorLogin(e *floorEnv) error {
	c := e.ctx
	kr, err := c.NewPrivateKey()
	if err != nil {
		return err
	}
	kas, _ := c.Random(32)
	ku := kr.Public()
	enc, err := c.Encrypt(e.pkS, "a1", kas)
	if err != nil {
		return err
	}
	sealed, _ := c.Seal(kas, "a1", append(ku.Bytes(), e.fn.f1(e.body)...))
	if _, err := c.Decrypt(e.skS, "a1", enc); err != nil {
		return err
	}
	if _, err := c.Open(kas, "a1", sealed); err != nil {
		return err
	}
	e.fn.f1(e.body)
	rs, _ := c.Random(32)
	encR, err := c.Encrypt(ku, "a2", rs)
	if err != nil {
		return err
	}
	sealed2, _ := c.Seal(kas, "a2", e.fn.f2(e.body))
	if _, err := c.Decrypt(kr, "a2", encR); err != nil {
		return err
	}
	if _, err := c.Open(kas, "a2", sealed2); err != nil {
		return err
	}
	for side := 0; side < 2; side++ {
		e.fn.f2(e.body)
		e.fn.f3(rs)
		e.fn.f4(kas, rs)
		e.fn.f5(rs, kas)
	}
	ct, err := e.sealMAC(e.body[:8])
	if err != nil {
		return err
	}
	return e.openMAC(ct)
}

// floorKeyTransport is c1–c3: two public-key encryptions and decryptions,
// four AEAD operations, f6 twice, f7 twice, f8 and f9 on both sides.
func floorKeyTransport(e *floorEnv) error {
	c := e.ctx
	kab, _ := c.Random(32)
	ra, _ := c.Random(32)
	enc, err := c.Encrypt(e.pkB, "c1", kab)
	if err != nil {
		return err
	}
	s1, _ := c.Seal(kab, "c1", ra)
	if _, err := c.Decrypt(e.skB, "c1", enc); err != nil {
		return err
	}
	if _, err := c.Open(kab, "c1", s1); err != nil {
		return err
	}
	rb, _ := c.Random(32)
	encB, err := c.Encrypt(e.pkA, "c2", rb)
	if err != nil {
		return err
	}
	s2, _ := c.Seal(kab, "c2", e.fn.f6(ra))
	if _, err := c.Decrypt(e.skA, "c2", encB); err != nil {
		return err
	}
	if _, err := c.Open(kab, "c2", s2); err != nil {
		return err
	}
	e.fn.f6(ra)
	for side := 0; side < 2; side++ {
		e.fn.f7(ra, rb)
		e.fn.f8(kab, rb)
		e.fn.f9(rb, kab)
	}
	return nil
}

// floorMessage is one 4.7: seal and MAC, open and MAC.
func floorMessage(e *floorEnv) error {
	ct, err := e.sealMAC(e.body)
	if err != nil {
		return err
	}
	return e.openMAC(ct)
}

// floorRenewal is 4.4/4.5: two public-key encryptions and decryptions,
// two sealed-and-MACed messages each way, f4 and f5 on both sides.
func floorRenewal(e *floorEnv) error {
	c := e.ctx
	k1, _ := c.Random(32)
	encK, err := c.Encrypt(e.pkS, "4.4", k1)
	if err != nil {
		return err
	}
	ct, _ := e.sealMAC(encK)
	if err := e.openMAC(ct); err != nil {
		return err
	}
	if _, err := c.Decrypt(e.skS, "4.4", encK); err != nil {
		return err
	}
	r1, _ := c.Random(32)
	encR, err := c.Encrypt(e.pkA, "4.5", r1)
	if err != nil {
		return err
	}
	ct, _ = e.sealMAC(encR)
	if err := e.openMAC(ct); err != nil {
		return err
	}
	if _, err := c.Decrypt(e.skA, "4.5", encR); err != nil {
		return err
	}
	for side := 0; side < 2; side++ {
		e.fn.f4(k1, r1)
		e.fn.f5(r1, k1)
	}
	return nil
}
