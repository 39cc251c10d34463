package suite

import (
	"bytes"
	"testing"
)

func TestSuitesRoundTrip(t *testing.T) {
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			c := NewCtx(s, NewRand([]byte("seed"), "test"))
			sk, err := s.NewPrivateKey(bytes.Repeat([]byte{7}, 32))
			if err != nil {
				t.Fatal(err)
			}
			pk, err := s.ParsePublicKey(sk.Public().Bytes())
			if err != nil {
				t.Fatalf("parse own public key: %v", err)
			}
			msg := []byte("a limited-use session key")
			ct, err := c.Encrypt(pk, "test enc", msg)
			if err != nil {
				t.Fatal(err)
			}
			pt, err := c.Decrypt(sk, "test enc", ct)
			if err != nil || !bytes.Equal(pt, msg) {
				t.Fatalf("decrypt = %q, %v", pt, err)
			}
			if _, err := c.Decrypt(sk, "other label", ct); err == nil {
				t.Fatal("decrypt under another label succeeded")
			}
			bad := append([]byte(nil), ct...)
			bad[len(bad)-1] ^= 1
			if _, err := c.Decrypt(sk, "test enc", bad); err == nil {
				t.Fatal("decrypt of a tampered ciphertext succeeded")
			}
			sig, err := c.Sign(sk, "test sig", msg)
			if err != nil {
				t.Fatal(err)
			}
			if !c.Verify(pk, sig, "test sig", msg) {
				t.Fatal("signature does not verify")
			}
			if c.Verify(pk, sig, "test sig", []byte("other")) || c.Verify(pk, sig, "other", msg) {
				t.Fatal("signature verifies over other data")
			}
			key := bytes.Repeat([]byte{1}, KeySize)
			sealed, err := c.Seal(key, "test aead", msg, []byte("aad"))
			if err != nil {
				t.Fatal(err)
			}
			if len(sealed) != len(msg)+s.SealOverhead() {
				t.Fatalf("sealed %d bytes, want %d", len(sealed), len(msg)+s.SealOverhead())
			}
			if got, err := c.Open(key, "test aead", sealed, []byte("aad")); err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("open = %q, %v", got, err)
			}
			if _, err := c.Open(key, "test aead", sealed, []byte("other")); err == nil {
				t.Fatal("open with other aad succeeded")
			}
			if _, err := c.Open(key, "test aead", sealed[:5]); err == nil {
				t.Fatal("open of a truncated ciphertext succeeded")
			}
			want := Ops{PKEncrypt: 1, PKDecrypt: 3, SigGen: 1, SigVerify: 3, Symmetric: 4}
			if c.Ops != want {
				t.Fatalf("ops = %v, want %v", c.Ops, want)
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			run := func() []byte {
				c := NewCtx(s, NewRand([]byte("seed"), "det"))
				sk, err := c.NewPrivateKey()
				if err != nil {
					t.Fatal(err)
				}
				ct, err := c.Encrypt(sk.Public(), "l", []byte("m"))
				if err != nil {
					t.Fatal(err)
				}
				sig, err := c.Sign(sk, "l", []byte("m"))
				if err != nil {
					t.Fatal(err)
				}
				sealed, err := c.Seal(make([]byte, KeySize), "l", []byte("m"))
				if err != nil {
					t.Fatal(err)
				}
				return bytes.Join([][]byte{sk.Public().Bytes(), ct, sig, sealed}, nil)
			}
			if a, b := run(), run(); !bytes.Equal(a, b) {
				t.Fatal("two runs from the same seed differ")
			}
		})
	}
}

func TestParsePublicKeyStrict(t *testing.T) {
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			sk, err := s.NewPrivateKey(bytes.Repeat([]byte{9}, 32))
			if err != nil {
				t.Fatal(err)
			}
			b := sk.Public().Bytes()
			for _, bad := range [][]byte{nil, b[:len(b)-1], append(append([]byte(nil), b...), 0)} {
				if _, err := s.ParsePublicKey(bad); err == nil {
					t.Errorf("parsed a %d-byte key (valid is %d)", len(bad), len(b))
				}
			}
		})
	}
}

func TestEncodeInjective(t *testing.T) {
	a := Encode("l", []byte("ab"), []byte("c"))
	b := Encode("l", []byte("a"), []byte("bc"))
	c := Encode("la", []byte("b"), []byte("c"))
	if bytes.Equal(a, b) || bytes.Equal(a, c) || bytes.Equal(b, c) {
		t.Fatal("Encode is not injective")
	}
}

func TestRegistry(t *testing.T) {
	for _, s := range All() {
		if got, err := ByName(s.Name); err != nil || got != s {
			t.Errorf("ByName(%q) = %v, %v", s.Name, got, err)
		}
		if got, err := ByID(s.ID); err != nil || got != s {
			t.Errorf("ByID(%d) = %v, %v", s.ID, got, err)
		}
	}
	if _, err := ByName("rot13"); err == nil {
		t.Error("ByName accepted an unknown suite")
	}
	if _, err := ByID(0xffff); err == nil {
		t.Error("ByID accepted an unknown id")
	}
}

func BenchmarkNewPrivateKey(b *testing.B) {
	for _, s := range All() {
		b.Run(s.Name, func(b *testing.B) {
			seed := make([]byte, 32)
			for i := 0; b.Loop(); i++ {
				seed[0], seed[1] = byte(i), byte(i>>8)
				rsaCache.Lock()
				clear(rsaCache.m)
				rsaCache.Unlock()
				if _, err := s.NewPrivateKey(seed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
