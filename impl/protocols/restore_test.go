package protocols

import (
	"bytes"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/suite"
)

// TestSIMPRestore: after the honest run, every party restored from what
// Save kept saves the same bytes again (the state simp.md §14 keeps goes
// through a restart whole), a user not yet registered keeps nothing, and
// a cut server state is refused.
func TestSIMPRestore(t *testing.T) {
	p, err := harness.Lookup("simp")
	if err != nil {
		t.Fatal(err)
	}
	r := p.(harness.Restorer)
	st, err := suite.ByName("modern")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range p.Variants() {
		t.Run(v, func(t *testing.T) {
			setup := harness.DefaultSetup("simp", st, v)
			fresh, err := p.NewParty(setup, "alice")
			if err != nil {
				t.Fatal(err)
			}
			if b, err := r.Save(fresh); err != nil || len(b) != 0 {
				t.Fatalf("an unregistered user saves %x, %v; want nothing", b, err)
			}
			n, err := harness.RunHonest(p, setup)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"S", "alice", "bob"} {
				b, err := r.Save(n.Parties[name])
				if err != nil || len(b) == 0 {
					t.Fatalf("%s: saved %d bytes, %v", name, len(b), err)
				}
				q, err := r.Restore(setup, name, b, 1)
				if err != nil {
					t.Fatalf("%s: restore: %v", name, err)
				}
				again, err := r.Save(q)
				if err != nil || !bytes.Equal(again, b) {
					t.Fatalf("%s: the restored party saves %x, not %x (%v)", name, again, b, err)
				}
				if name == "S" {
					if _, err := r.Restore(setup, name, b[:len(b)-1], 1); err == nil {
						t.Fatal("a cut server state was restored")
					}
				}
			}
		})
	}
}

// FuzzSIMPRestore: Restore reads a state that came back from outside (the
// shim's restart): it must never panic, and what it accepts saves again.
func FuzzSIMPRestore(f *testing.F) {
	p, err := harness.Lookup("simp")
	if err != nil {
		f.Fatal(err)
	}
	r := p.(harness.Restorer)
	st, err := suite.ByName("modern")
	if err != nil {
		f.Fatal(err)
	}
	setup := harness.DefaultSetup("simp", st, "hardened")
	n, err := harness.RunHonest(p, setup)
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"S", "alice"} {
		b, err := r.Save(n.Parties[name])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name == "S", b)
	}
	f.Fuzz(func(t *testing.T, server bool, state []byte) {
		name := "alice"
		if server {
			name = "S"
		}
		q, err := r.Restore(setup, name, state, 1)
		if err != nil {
			return
		}
		if _, err := r.Save(q); err != nil {
			t.Fatalf("a restored %s cannot be saved: %v", name, err)
		}
	})
}
