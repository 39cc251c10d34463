package explore

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imcheck/imcheck/model"
)

// FuzzAPI posts arbitrary bodies to the API's POST endpoints and asks for
// arbitrary models and attacks (docs/limits.md, "Explorer"): every answer
// is JSON with a status below 500, and no input panics the server. The
// model is a copy of ping, checked in well under a second.
func FuzzAPI(f *testing.F) {
	dir := f.TempDir()
	file := filepath.Join(dir, "mine.imp")
	src, err := model.ShippedSource("ping")
	if err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		f.Fatal(err)
	}
	s, err := New(context.Background(), Options{Files: []string{file}, Check: model.Options{Timeout: time.Second},
		Variants: []string{"as-published"}, Suites: []string{"modern"}})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	body := func(v any) []byte { b, _ := json.Marshal(v); return b }
	f.Add(uint8(0), body(checkRequest{Model: "mine", Source: src}), "")
	f.Add(uint8(0), body(checkRequest{Model: "mine", Source: strings.Replace(src, "role", "rol", 1)}), "")
	f.Add(uint8(0), body(checkRequest{Model: "mine", Source: strings.Repeat("h(", 5000) + "A" + strings.Repeat(")", 5000)}), "")
	f.Add(uint8(1), body(ReplayRequest{AttackID: "mine/default#x", Variant: "as-published", Suite: "modern"}), "")
	f.Add(uint8(1), []byte(strings.Repeat("[", 10000)), "")
	f.Add(uint8(2), []byte(nil), "mine")
	f.Add(uint8(3), []byte(nil), "mine/default#x")
	f.Fuzz(func(t *testing.T, op uint8, b []byte, arg string) {
		var req *http.Request
		switch op % 4 {
		case 0:
			req = httptest.NewRequest("POST", "/api/check", bytes.NewReader(b))
		case 1:
			req = httptest.NewRequest("POST", "/api/replay", bytes.NewReader(b))
		case 2:
			req = httptest.NewRequest("GET", "/api/source?model="+url.QueryEscape(arg), nil)
		default:
			req = httptest.NewRequest("GET", "/api/attack?id="+url.QueryEscape(arg), nil)
		}
		req.Host = "127.0.0.1:8080" // the API answers only on loopback
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusForbidden && strings.Contains(rec.Body.String(), "loopback") {
			t.Fatal("the request did not reach the API")
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("status %d, %q: not a JSON answer", rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented { // replay is not configured
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("not JSON: %.200q", rec.Body.String())
		}
	})
}
