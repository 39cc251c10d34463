package simp

import (
	"testing"

	"github.com/imcheck/imcheck/impl/role"
)

// H9: hardened S refuses an L1 that reuses an earlier login's n1, even under
// a fresh index and a correct password proof.
func TestLoginNonceReplayCache(t *testing.T) {
	p := established(t, "modern", Hardened, 0)
	// Log in again and keep the n1 alice used.
	out, err := p.A.Login()
	if err != nil {
		t.Fatal(err)
	}
	n1 := append([]byte(nil), p.A.login.n1...)
	if err := p.Net.Deliver(out.Messages...); err != nil {
		t.Fatal(err)
	}
	// Build an L1 under alice's next fresh index with the old n1.
	j, err := p.A.as.peekSend()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := (&LoginProof{PasswordProof: p.A.ctx.Hash(labelL1Password, p.A.verifier, n1), N1: n1, PublicKey: p.A.priv.Public().Bytes()}).Marshal()
	sealed, _ := p.A.ctx.Seal(p.A.as.key(j), labelL1, body, []byte("alice"), []byte("S"), u16(j))
	l1, _ := (&LoginRequest{Suite: p.A.cfg.Suite.ID, User: "alice", Index: uint16(j), Sealed: sealed}).Marshal()
	before := dumpState(p.S)
	if _, err := p.S.Handle("alice", l1); role.ClassOf(err) != role.Replay {
		t.Fatalf("got %v, want replay", err)
	}
	if dumpState(p.S) != before {
		t.Fatal("rejection changed S")
	}
}

func TestDescribe(t *testing.T) {
	res, err := Run(RunConfig{Suite: "modern", Variant: Hardened, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, st := range res.Transcript.Steps {
		label, fields, err := Describe(st.Message.Bytes)
		if err != nil || label != st.Message.Label || len(fields) < 2 || fields[0].Value != "modern" {
			t.Fatalf("Describe(%s) = %q, %v, %v", st.Message.Label, label, fields, err)
		}
		seen[label] = true
	}
	if len(seen) != len(sessionLabels) {
		t.Fatalf("transcript covers %d of %d message types", len(seen), len(sessionLabels))
	}
	for _, bad := range [][]byte{nil, {0x10}, {0x1F, 1, 0, 2}, {0x30, 1, 0, 2, 0}, {TypeE6, 1, 0, 2, 0, 1}} {
		if _, _, err := Describe(bad); err == nil {
			t.Fatalf("Describe(%x) succeeded", bad)
		}
	}
}
