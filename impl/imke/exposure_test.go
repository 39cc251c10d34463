package imke

import (
	"bytes"
	"testing"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// TestServerKeyExposure: an attacker who holds KR_S opens K_AS in a1
// (paper §5.3, profile §11 H8; found by the composed model,
// imke-full/server_key_revealed). As published it lets S answer, puts an
// R_S of its own into a2 (a2's two parts are not bound) and A accepts:
// A's K_AS^s is then f4(K_AS, R_S'), which the attacker computes. It also
// swaps KU_A in a1 for its own key and S answers. Hardened, f2 binds R_S
// and f1 binds K_AS and KU_A, so A and S refuse both.
func TestServerKeyExposure(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v)+"/R_S in a2", func(t *testing.T) {
			w := newWorld(t, "modern", v)
			a := w.client("alice")
			a1 := w.act(loginAlice).Messages[0]
			out, err := w.deliver(a1)
			if err != nil {
				t.Fatal(err)
			}
			m, err := UnmarshalLoginChallenge(out.Messages[0].Bytes)
			if err != nil {
				t.Fatal(err)
			}
			// With KR_S the attacker has a.kas (from a1) and KU_A (inside a1).
			f2, err := a.ctx.Open(a.kas, labelSealA2, m.SealedProof, a.a1Binding()...)
			if err != nil {
				t.Fatal(err)
			}
			ctx := suite.NewCtx(a.cfg.Suite, suite.NewRand([]byte("attacker"), "x"))
			rs := bytes.Repeat([]byte{9}, 32)
			enc, err := ctx.Encrypt(a.kr.Public(), labelEncRS, rs)
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := ctx.Seal(a.kas, labelSealA2, f2, a.a1Binding()...)
			if err != nil {
				t.Fatal(err)
			}
			forged, _ := (&LoginChallenge{Suite: a.suiteID(), EncryptedChallenge: enc, SealedProof: sealed}).Marshal()
			want := functions{ctx}.f4(a.kas, rs)
			out, err = w.deliverAs("alice", "S", forged)
			if v == Hardened {
				if role.ClassOf(err) != role.AuthFailed {
					t.Fatalf("hardened: got %v, want auth_failed (H8: f2 binds R_S)", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("as published: a2 with the attacker's R_S refused: %v", err)
			}
			var got []byte
			for _, e := range out.Events {
				if e.Kind == role.SessionKeyEstablished {
					got = e.Key
				}
			}
			if !bytes.Equal(got, want) {
				t.Fatal("as published: A's K_AS^s is not the one the attacker computes")
			}
		})
		t.Run(string(v)+"/KU_A in a1", func(t *testing.T) {
			w := newWorld(t, "modern", v)
			a := w.client("alice")
			a1 := w.act(loginAlice).Messages[0]
			req, err := UnmarshalLoginRequest(a1.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			pt, err := a.ctx.Open(a.kas, labelSealA1, req.SealedProof, a.a1Binding()...)
			if err != nil {
				t.Fatal(err)
			}
			proof, err := UnmarshalLoginProof(pt)
			if err != nil {
				t.Fatal(err)
			}
			ctx := suite.NewCtx(a.cfg.Suite, suite.NewRand([]byte("attacker"), "y"))
			sk, err := ctx.NewPrivateKey()
			if err != nil {
				t.Fatal(err)
			}
			swapped, _ := (&LoginProof{PublicKey: sk.Public().Bytes(), F1: proof.F1}).Marshal()
			sealed, err := ctx.Seal(a.kas, labelSealA1, swapped, a.a1Binding()...)
			if err != nil {
				t.Fatal(err)
			}
			req.SealedProof = sealed
			b, _ := req.Marshal()
			out, err := w.deliverAs("S", "alice", b)
			if v == Hardened {
				if role.ClassOf(err) != role.AuthFailed {
					t.Fatalf("hardened: got %v, want auth_failed (H8: f1 binds KU_A)", err)
				}
				return
			}
			if err != nil || len(out.Messages) != 1 || out.Messages[0].Label != "a2" {
				t.Fatalf("as published: S did not answer the swapped a1: %v", err)
			}
			m, _ := UnmarshalLoginChallenge(out.Messages[0].Bytes)
			if _, err := ctx.Decrypt(sk, labelEncRS, m.EncryptedChallenge); err != nil {
				t.Fatal("as published: R_S is not under the attacker's key")
			}
		})
	}
}
