package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

func TestPutGetForEach(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "sub", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, ok, err := db.Get("b", "x"); ok || err != nil {
		t.Fatalf("empty bucket: %v %v", ok, err)
	}
	if err := db.Put("b", KV{"z", []byte("1")}, KV{"a", []byte("2")}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	db.ForEach("b", func(k string, v []byte) error { keys = append(keys, k+"="+string(v)); return nil })
	if strings.Join(keys, ",") != "a=2,z=1" {
		t.Fatalf("ForEach = %v", keys)
	}
	if err := db.Delete("b", "a"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Get("b", "a"); ok {
		t.Fatal("deleted key still there")
	}
}

func TestOpenInUseAndMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second Open: %v", err)
	}
	db.Close()
	m, err := Open(Memory)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Path()
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("memory database left behind: %v", err)
	}
}

func TestBind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	d := Deployment{Protocol: "simp", Suite: "modern", Variant: "hardened", ServerID: "S", ServerKey: "ab", M: 32, Rounds: 3}
	db, _ := Open(path)
	if created, err := db.Bind(d); !created || err != nil {
		t.Fatalf("first Bind: %v %v", created, err)
	}
	db.Close()
	db, _ = Open(path)
	defer db.Close()
	if created, err := db.Bind(d); created || err != nil {
		t.Fatalf("same deployment: %v %v", created, err)
	}
	other := d
	other.Suite, other.M = "classic", 64
	_, err := db.Bind(other)
	if err == nil || !strings.Contains(err.Error(), "suite modern (asked for classic)") || !strings.Contains(err.Error(), "m 32 (asked for 64)") {
		t.Fatalf("other deployment: %v", err)
	}
}

func TestParseDeploymentStrict(t *testing.T) {
	for _, b := range []string{`{"protocol":"simp","extra":1}`, `{"protocol":"tls"}`, `{"protocol":"simp"} {}`, `[`} {
		if _, err := ParseDeployment([]byte(b)); err == nil {
			t.Errorf("%s accepted", b)
		}
	}
}

func FuzzParseDeployment(f *testing.F) {
	f.Add([]byte(`{"protocol":"imke","suite":"modern","variant":"hardened","server_id":"S","server_key":"00","storage":"image"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := ParseDeployment(b); err == nil && d.Protocol == "" {
			t.Fatal("accepted without a protocol")
		}
	})
}

// TestSIMPServerCommitLoad: the accounts a run commits load into a new
// server, which then accepts a login of the same users.
func TestSIMPServerCommitLoad(t *testing.T) {
	for _, v := range simp.Variants() {
		t.Run(string(v), func(t *testing.T) {
			cfg := memrun.SIMPConfig{Suite: "modern", Variant: v, Seed: 9}
			p, err := memrun.NewSIMPParties(cfg)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "state.db")
			db, _ := Open(path)
			dur := &SIMPServer{DB: db, S: p.S}
			deliver := func(act func() (role.Output, error)) {
				out, err := act()
				if err != nil {
					t.Fatal(err)
				}
				queue := out.Messages
				for len(queue) > 0 {
					m := queue[0]
					queue = queue[1:]
					r := p.Net.Roles[m.To]
					o, err := r.Handle(m.From, m.Bytes)
					if err != nil {
						t.Fatalf("%s: %v", m.Label, err)
					}
					if r == role.Role(p.S) {
						if err := dur.Commit(m.From, o); err != nil {
							t.Fatal(err)
						}
					}
					queue = append(queue, o.Messages...)
				}
			}
			deliver(p.A.Register)
			deliver(p.B.Register)
			deliver(p.A.Login)
			deliver(p.B.Login)
			deliver(func() (role.Output, error) { return p.A.RequestPeer("bob") })
			db.Close()

			q, _ := memrun.NewSIMPParties(cfg)
			db, _ = Open(path)
			defer db.Close()
			n, err := (&SIMPServer{DB: db, S: q.S}).Load()
			if err != nil || n != 2 {
				t.Fatalf("Load = %d, %v", n, err)
			}
			for _, id := range []string{"alice", "bob"} {
				want, _ := p.S.ExportAccount(id)
				got, _ := q.S.ExportAccount(id)
				if string(want) != string(got) {
					t.Fatalf("%s: the stored account is not the server's", id)
				}
			}
		})
	}
}

func TestSIMPUserSaveLoad(t *testing.T) {
	cfg := memrun.SIMPConfig{Suite: "modern", Variant: simp.Hardened, Seed: 9}
	p, _ := memrun.NewSIMPParties(cfg)
	db, _ := Open(filepath.Join(t.TempDir(), "u.db"))
	defer db.Close()
	u := &SIMPUser{DB: db, Key: UserKey("fp", "alice")}
	q, _ := memrun.NewSIMPParties(cfg)
	if err := u.Load(q.A); !errors.Is(err, ErrNoAccount) {
		t.Fatalf("Load before registration: %v", err)
	}
	if err := u.Save(p.A); err != nil { // not registered: nothing to save
		t.Fatal(err)
	}
	if err := p.Net.Do(p.A.Register, p.A.Login); err != nil {
		t.Fatal(err)
	}
	if err := u.Save(p.A); err != nil {
		t.Fatal(err)
	}
	u2 := &SIMPUser{DB: db, Key: u.Key}
	if err := u2.Load(q.A); err != nil {
		t.Fatal(err)
	}
	a, _ := p.A.ExportState()
	b, _ := q.A.ExportState()
	if string(a) != string(b) {
		t.Fatal("loaded user differs from the saved one")
	}
}
