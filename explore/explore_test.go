package explore

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/model"
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// shipped is the explorer over every shipped model, built once.
var shipped *Server

func server(t testing.TB) *Server {
	t.Helper()
	if shipped == nil {
		s, err := New(context.Background(), Options{Variants: []string{"as-published"}, Suites: []string{"modern"}})
		if err != nil {
			t.Fatal(err)
		}
		shipped = s
	}
	return shipped
}

func get(t *testing.T, h http.Handler, url string, v any) int {
	t.Helper()
	r := httptest.NewRequest("GET", url, nil)
	r.Host = "127.0.0.1:8080"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if v != nil {
		if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
			t.Fatalf("GET %s: %v: %s", url, err, w.Body.String())
		}
	}
	return w.Code
}

func post(t *testing.T, h http.Handler, url string, body any, v any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	r := httptest.NewRequest("POST", url, strings.NewReader(string(b)))
	r.Host = "localhost:8080"
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if v != nil {
		if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
			t.Fatalf("POST %s: %v: %s", url, err, w.Body.String())
		}
	}
	return w.Code
}

type modelsDoc struct {
	Models []modelView `json:"models"`
}

// TestEveryAttackSteps opens every attack of every shipped model and checks
// the step-through view against the engine's trace: one step per trace
// step, and every message the attacker sends is derivable from what it knew
// (the derivation agrees with the independent trace checker, which accepted
// the trace).
func TestEveryAttackSteps(t *testing.T) {
	s := server(t)
	h := s.Handler()
	var doc modelsDoc
	if code := get(t, h, "/api/models", &doc); code != 200 {
		t.Fatalf("models: %d", code)
	}
	attacks := 0
	for _, m := range doc.Models {
		for _, sc := range m.Scenarios {
			for _, c := range sc.Claims {
				if c.Verdict != string(model.VerdictAttack) {
					continue
				}
				attacks++
				var av attackView
				if code := get(t, h, "/api/attack?id="+urlEscape(c.AttackID), &av); code != 200 {
					t.Fatalf("%s: %d", c.AttackID, code)
				}
				if av.ID != c.AttackID || len(av.Steps) == 0 || !strings.HasPrefix(av.Mermaid, "sequenceDiagram") {
					t.Fatalf("%s: bad view %+v", c.AttackID, av)
				}
				violated := 0
				for _, st := range av.Steps {
					if st.Violated {
						violated++
					}
					if st.Kind == "recv" {
						if st.Derived == nil || notDerivable(st.Derived) {
							t.Errorf("%s step %d: the attacker cannot build %s: %+v", c.AttackID, st.Index, st.Term, st.Derived)
						}
					}
				}
				if violated == 0 {
					t.Errorf("%s: no violated step", c.AttackID)
				}
			}
		}
	}
	if attacks < 10 {
		t.Fatalf("only %d attacks in the shipped models", attacks)
	}
}

func notDerivable(d *Derivation) bool {
	if d.How == "not-derivable" {
		return true
	}
	for _, x := range d.From {
		if notDerivable(x) {
			return true
		}
	}
	return false
}

func urlEscape(s string) string { return strings.ReplaceAll(s, "#", "%23") }

func TestDerivationOpensAndComposes(t *testing.T) {
	p, err := model.Parse("t.imp", `protocol t
secret sk(X)
public pk(sk(X))
role A(A: user, B: user) {
  fresh N: nonce
  send aenc(<N, A>, pk(sk(B)))
}
scenario s { users a dishonest e sessions 1 }
`)
	if err != nil {
		t.Fatal(err)
	}
	k := newKnowledge(p.Theory)
	for _, x := range proto.NewWorld(p, p.Scenarios[0]).Know {
		k.add(x, origin{how: "initial"})
	}
	a := &term.Name{Text: "a", Kind: term.KindAgent, Type: "agent"}
	e := &term.Name{Text: "e", Kind: term.KindAgent, Type: "agent"}
	n := &term.Name{Text: "N.1", Kind: term.KindFresh, Type: "nonce"}
	pk := func(x term.Term) term.Term { return term.Fn(term.FnPK, term.Fn("sk", x)) }
	// the attacker opens a message to e and re-encrypts its nonce for a
	k.add(term.Fn(term.FnAenc, term.Tuple(n, a), pk(e)), origin{how: "observed"})
	d := k.derive(term.Fn(term.FnAenc, n, pk(a)))
	if d.How != "composed" || len(d.From) != 2 || d.From[0].How != "opened" || d.From[1].How != "initial" {
		t.Fatalf("derivation %+v", d)
	}
	if got := k.derive(term.Fn("sk", a)); got.How != "not-derivable" {
		t.Fatalf("sk(a) is secret, got %+v", got)
	}
}

func TestCheckShowsErrorsInPlace(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "mine.imp")
	src, err := model.ShippedSource("ping")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), Options{Files: []string{f}})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	bad := strings.Replace(src, "role", "rol", 1)
	var resp checkResponse
	post(t, h, "/api/check", checkRequest{Model: "mine", Source: bad, Save: true}, &resp)
	if resp.Error == nil || resp.Error.Line < 1 || resp.Error.Col < 1 || resp.Saved {
		t.Fatalf("want a positioned error, got %+v", resp)
	}
	if b, _ := os.ReadFile(f); string(b) != src {
		t.Fatal("a model that does not parse was saved")
	}
	edited := src + "\n# edited\n"
	resp = checkResponse{}
	post(t, h, "/api/check", checkRequest{Model: "mine", Source: edited, Save: true}, &resp)
	if resp.Error != nil || !resp.Saved || resp.Model == nil {
		t.Fatalf("want saved, got %+v", resp)
	}
	if b, _ := os.ReadFile(f); string(b) != edited {
		t.Fatal("the edit was not written")
	}
	var apiErr apiError
	if code := post(t, server(t).Handler(), "/api/check", checkRequest{Model: "ping", Source: src, Save: true}, &apiErr); code != http.StatusForbidden {
		t.Fatalf("saving a shipped model: %d %v", code, apiErr)
	}
}

func TestGuards(t *testing.T) {
	h := server(t).Handler()
	cases := []struct {
		name, method, host, ctype, url string
		want                           int
	}{
		{"page", "GET", "127.0.0.1:1", "", "/", 200},
		{"ipv6 loopback", "GET", "[::1]:1", "", "/api/models", 200},
		{"rebinding", "GET", "attacker.example:1", "", "/api/models", 403},
		{"form post", "POST", "127.0.0.1:1", "text/plain", "/api/check", 415},
		{"no replay", "POST", "127.0.0.1:1", "application/json", "/api/replay", 501},
		{"unknown attack", "GET", "127.0.0.1:1", "", "/api/attack?id=nspk/default%23nothing", 404},
		{"not an ID", "GET", "127.0.0.1:1", "", "/api/attack?id=nspk", 400},
		{"mermaid", "GET", "127.0.0.1:1", "", "/static/mermaid.min.js", 200},
		{"no such asset", "GET", "127.0.0.1:1", "", "/static/explore.go", 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.url, strings.NewReader("{}"))
			r.Host = tc.host
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("%s %s: %d, want %d: %s", tc.method, tc.url, w.Code, tc.want, w.Body.String())
			}
		})
	}
}

func TestMermaidIsServedWhole(t *testing.T) {
	h := server(t).Handler()
	r := httptest.NewRequest("GET", "/static/mermaid.min.js", nil)
	r.Host = "127.0.0.1:1"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r) // no Accept-Encoding: decompressed
	b, _ := io.ReadAll(w.Body)
	if len(b) < 1<<20 || !strings.Contains(string(b[:4096]), "mermaid") {
		t.Fatalf("mermaid.min.js: %d bytes", len(b))
	}
}

// BenchmarkPageLoad is what the browser fetches to show the page: the
// page, its assets and the list of models (the models are checked once, at
// start-up, before the server listens).
func BenchmarkPageLoad(b *testing.B) {
	h := server(b).Handler()
	for b.Loop() {
		for _, u := range []string{"/", "/static/app.js", "/static/style.css", "/static/mermaid.min.js", "/api/models"} {
			r := httptest.NewRequest("GET", u, nil)
			r.Host = "127.0.0.1:1"
			r.Header.Set("Accept-Encoding", "gzip")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				b.Fatalf("%s: %d", u, w.Code)
			}
		}
	}
}
