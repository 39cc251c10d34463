package simp

import (
	"bytes"
	"errors"
	"testing"

	"github.com/imcheck/imcheck/impl/role"
)

// restart rebuilds S and the users from their exported state, as a server
// and clients started again would, and wires a fresh network.
func restart(t *testing.T, cfg RunConfig, p *Parties) *Parties {
	t.Helper()
	q, err := NewParties(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range p.S.Accounts() {
		b, ok := p.S.ExportAccount(id)
		if !ok {
			t.Fatalf("ExportAccount(%s) missing", id)
		}
		if err := q.S.ImportAccount(b); err != nil {
			t.Fatalf("ImportAccount(%s): %v", id, err)
		}
		if again, _ := q.S.ExportAccount(id); !bytes.Equal(again, b) {
			t.Fatalf("account %s does not round-trip", id)
		}
	}
	for _, pair := range [][2]*Client{{p.A, q.A}, {p.B, q.B}} {
		b, err := pair[0].ExportState()
		if err != nil {
			t.Fatal(err)
		}
		if err := pair[1].ImportState(b); err != nil {
			t.Fatalf("ImportState(%s): %v", pair[1].Name(), err)
		}
		if again, _ := pair[1].ExportState(); !bytes.Equal(again, b) {
			t.Fatalf("user %s does not round-trip", pair[1].Name())
		}
	}
	return q
}

// TestStateSurvivesRestart: register and log in, restart every party from
// its exported state, and log in again and chat; hardened, the L1 of the
// first run is still a replay after the restart.
func TestStateSurvivesRestart(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			cfg := RunConfig{Suite: "modern", Variant: v, Seed: 5}
			p, err := NewParties(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Net.Do(p.A.Register, p.B.Register); err != nil {
				t.Fatal(err)
			}
			l1, err := p.A.Login()
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Net.Deliver(l1.Messages...); err != nil {
				t.Fatal(err)
			}
			q := restart(t, cfg, p)
			if q.A.LoggedIn() || !q.A.Registered() {
				t.Fatal("a restored user is registered and not logged in")
			}
			if err := q.Net.Do(q.A.Login, q.B.Login, func() (role.Output, error) { return q.A.RequestPeer("bob") },
				func() (role.Output, error) { return q.A.Send("bob", []byte("after restart")) }); err != nil {
				t.Fatalf("after restart: %v", err)
			}
			if !q.B.Established("alice") {
				t.Fatal("no session keys after restart")
			}
			_, err = q.S.Handle("alice", l1.Messages[0].Bytes)
			if v == Hardened && !errors.Is(err, role.AlertOf(role.Replay)) {
				t.Fatalf("old L1 after restart: %v, want replay", err)
			}
			if v == AsPublished && err != nil {
				t.Fatalf("old L1 after restart (W1 accepts it): %v", err)
			}
		})
	}
}

func TestImportStateChecks(t *testing.T) {
	cfg := RunConfig{Suite: "modern", Variant: Hardened, Seed: 5}
	p, err := NewParties(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.A.ExportState(); err == nil {
		t.Fatal("ExportState before registration")
	}
	if err := p.Net.Do(p.A.Register); err != nil {
		t.Fatal(err)
	}
	b, _ := p.A.ExportState()
	acct, _ := p.S.ExportAccount("alice")

	fresh := func(v Variant, pw string) *Client {
		q, err := NewParties(RunConfig{Suite: "modern", Variant: v, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		if pw != "" {
			q.A.cfg.Password = []byte(pw)
		}
		return q.A
	}
	if err := fresh(Hardened, "not the password").ImportState(b); !errors.Is(err, ErrStatePassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := fresh(AsPublished, "").ImportState(b); err == nil {
		t.Fatal("hardened state imported into an as-published client")
	}
	if err := fresh(Hardened, "").ImportState(acct); err == nil {
		t.Fatal("an account record imported as a user's")
	}
	if err := p.S.ImportAccount(acct); err == nil {
		t.Fatal("an account imported twice")
	}
	for i := range b {
		if err := fresh(Hardened, "").ImportState(b[:i]); err == nil {
			t.Fatalf("a %d-byte prefix imported", i)
		}
	}
	if err := fresh(Hardened, "").ImportState(append(append([]byte(nil), b...), 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
}

// fuzzRoundTrip seeds f with the records export takes from a registered
// and logged-in alice of each variant, and checks that any bytes either
// fail to import or round-trip exactly.
func fuzzRoundTrip(f *testing.F, export func(p *Parties) []byte, imp func(p *Parties, b []byte) error) {
	parties := func(hard bool) *Parties {
		v := AsPublished
		if hard {
			v = Hardened
		}
		p, err := NewParties(RunConfig{Suite: "modern", Variant: v, Seed: 3})
		if err != nil {
			f.Fatal(err)
		}
		return p
	}
	for _, hard := range []bool{false, true} {
		p := parties(hard)
		if err := p.Net.Do(p.A.Register, p.A.Login); err != nil {
			f.Fatal(err)
		}
		f.Add(export(p), hard)
	}
	f.Fuzz(func(t *testing.T, b []byte, hard bool) {
		p := parties(hard)
		if err := imp(p, b); err != nil {
			return
		}
		if again := export(p); !bytes.Equal(again, b) {
			t.Fatalf("import/export changed the record")
		}
	})
}

// FuzzImportAccount: S's record of a user.
func FuzzImportAccount(f *testing.F) {
	fuzzRoundTrip(f, func(p *Parties) []byte {
		ids := p.S.Accounts()
		if len(ids) == 0 {
			return nil
		}
		b, _ := p.S.ExportAccount(ids[0])
		return b
	}, func(p *Parties, b []byte) error { return p.S.ImportAccount(b) })
}

// FuzzImportState: a user's own record.
func FuzzImportState(f *testing.F) {
	fuzzRoundTrip(f, func(p *Parties) []byte {
		b, _ := p.A.ExportState()
		return b
	}, func(p *Parties, b []byte) error { return p.A.ImportState(b) })
}
