package simp

import (
	"errors"
	"testing"

	"github.com/imcheck/imcheck/impl/role"
)

// TestLeftEndsTheLogin: once bob's connection has ended, S refuses an E1
// naming him (no stale Pub-B handed out), and bob's next login works.
func TestLeftEndsTheLogin(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			p, err := NewParties(RunConfig{Suite: "modern", Variant: v, Seed: 4})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Net.Do(p.A.Register, p.B.Register, p.A.Login, p.B.Login); err != nil {
				t.Fatal(err)
			}
			before, _ := p.S.ExportAccount("bob")
			p.S.Left("bob")
			p.S.Left("nobody")
			if after, _ := p.S.ExportAccount("bob"); string(after) != string(before) {
				t.Fatal("Left changed what S keeps across a restart")
			}
			e1, err := p.A.RequestPeer("bob")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Net.DeliverOne(e1.Messages[0]); !errors.Is(err, role.AlertOf(role.UnknownPeer)) {
				t.Fatalf("E1 naming a user who left: %v, want unknown_peer", err)
			}
			if err := p.Net.Do(p.B.Login, func() (role.Output, error) { return p.A.RequestPeer("bob") }); err != nil {
				t.Fatalf("after bob's new login: %v", err)
			}
			if !p.B.Established("alice") {
				t.Fatal("no session after bob's new login")
			}
		})
	}
}
