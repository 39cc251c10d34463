package explore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

// maxBody bounds every request body (a model source in the editor).
const maxBody = 1 << 20

// Handler serves the page (/), its assets (/static/) and the JSON API
// (/api/...). Requests must name a loopback host (DNS rebinding) and
// writes must be JSON (no cross-site form posts).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.Handle("GET /static/", staticHandler())
	mux.HandleFunc("GET /api/models", s.apiModels)
	mux.HandleFunc("GET /api/attack", s.apiAttack)
	mux.HandleFunc("GET /api/source", s.apiSource)
	mux.HandleFunc("POST /api/check", s.apiCheck)
	mux.HandleFunc("POST /api/replay", s.apiReplay)
	return guard(mux)
}

func guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "explore: this page answers only on a loopback address", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			http.Error(w, "explore: POST bodies are JSON", http.StatusUnsupportedMediaType)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a Host header names this machine.
func loopbackHost(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

type apiError struct {
	Error string `json:"error"`
}

func fail(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, apiError{Error: err.Error()})
}

func (s *Server) apiModels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	views := make([]modelView, len(s.models))
	for i, e := range s.models {
		views[i] = e.view
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct {
		Version  string      `json:"version"`
		Models   []modelView `json:"models"`
		Variants []string    `json:"variants"`
		Suites   []string    `json:"suites"`
		Replay   bool        `json:"replay"`
	}{s.opt.Version, views, s.opt.Variants, s.opt.Suites, s.opt.Replay != nil})
}

func (s *Server) apiAttack(w http.ResponseWriter, r *http.Request) {
	av, _, err := s.attack(r.URL.Query().Get("id"))
	switch {
	case errors.Is(err, errNotFound):
		fail(w, http.StatusNotFound, fmt.Errorf("explore: no attack %q", r.URL.Query().Get("id")))
	case err != nil:
		fail(w, http.StatusBadRequest, err)
	default:
		writeJSON(w, http.StatusOK, av)
	}
}

func (s *Server) apiSource(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(r.URL.Query().Get("model"))
	if e == nil {
		fail(w, http.StatusNotFound, fmt.Errorf("explore: no model %q", r.URL.Query().Get("model")))
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Name     string `json:"name"`
		File     string `json:"file"`
		Source   string `json:"source"`
		Editable bool   `json:"editable"`
	}{e.name, e.file, e.src, e.editable})
}

type checkRequest struct {
	Model  string `json:"model"`
	Source string `json:"source"`
	Save   bool   `json:"save"`
}

type checkResponse struct {
	Error *parseError `json:"error,omitempty"`
	Model *modelView  `json:"model,omitempty"`
	Saved bool        `json:"saved"`
}

// apiCheck re-checks an edited model. A model that does not parse or check
// gives its first error with line and column and changes nothing; one that
// checks replaces the model on the page, and, when asked and the file was
// given on the command line, is written back to it.
func (s *Server) apiCheck(w http.ResponseWriter, r *http.Request) {
	var req checkRequest
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(req.Model)
	if e == nil {
		fail(w, http.StatusNotFound, fmt.Errorf("explore: no model %q", req.Model))
		return
	}
	if req.Save && !e.editable {
		fail(w, http.StatusForbidden, fmt.Errorf("explore: %s is a shipped model; give a copy on the command line to save edits", e.file))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	if err := s.check(ctx, e, req.Source); err != nil {
		writeJSON(w, http.StatusOK, checkResponse{Error: toParseError(err)})
		return
	}
	resp := checkResponse{Model: &e.view}
	if req.Save {
		if err := os.WriteFile(e.file, []byte(req.Source), 0o644); err != nil {
			fail(w, http.StatusInternalServerError, fmt.Errorf("explore: %w", err))
			return
		}
		resp.Saved = true
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) apiReplay(w http.ResponseWriter, r *http.Request) {
	if s.opt.Replay == nil {
		fail(w, http.StatusNotImplemented, errors.New("explore: replay on code is not available"))
		return
	}
	var req ReplayRequest
	if !decode(w, r, &req) {
		return
	}
	if !slices.Contains(s.opt.Variants, req.Variant) || !slices.Contains(s.opt.Suites, req.Suite) {
		fail(w, http.StatusBadRequest, fmt.Errorf("explore: unknown variant %q or suite %q", req.Variant, req.Suite))
		return
	}
	_, js, err := s.attack(req.AttackID)
	switch {
	case errors.Is(err, errNotFound):
		fail(w, http.StatusNotFound, fmt.Errorf("explore: no attack %q", req.AttackID))
		return
	case err != nil:
		fail(w, http.StatusBadRequest, err)
		return
	}
	req.Model = js
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	res, err := s.opt.Replay(ctx, req)
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fail(w, http.StatusBadRequest, fmt.Errorf("explore: bad request: %w", err))
		return false
	}
	return true
}
