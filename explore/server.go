package explore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/model"
	"github.com/imcheck/imcheck/model/lang"
)

// Options configure the explorer.
type Options struct {
	// Files are the model files to show; none means the shipped models.
	// Given files are editable: saving in the page writes them.
	Files []string
	// Check bounds every search (sessions, timeout).
	Check model.Options
	// Paper returns the paper claims a model claim formalises, by attack
	// ID; nil shows none.
	Paper func(attackID string) []Paper
	// Replay runs a model attack on the reference implementation; nil
	// hides the replay action.
	Replay func(ctx context.Context, req ReplayRequest) (*ReplayResult, error)
	// Variants and Suites are the choices the replay action offers.
	Variants, Suites []string
	// Version is shown in the page.
	Version string
	// Progress receives a line per model checked at start-up; nil is silent.
	Progress io.Writer
}

// ReplayRequest asks for one model attack to be run on the code.
type ReplayRequest struct {
	AttackID string `json:"id"`
	Variant  string `json:"variant"`
	Suite    string `json:"suite"`
	// Model is the model's JSON report (imcheck.model/v3) holding the trace.
	Model []byte `json:"-"`
}

// ReplayResult is a concrete run of a model attack.
type ReplayResult struct {
	AttackID string `json:"id"`
	Variant  string `json:"variant"`
	Suite    string `json:"suite"`
	// Outcome is reproduced, blocked, no-violation or not-realisable.
	Outcome string `json:"outcome"`
	// Verdict says in words what happened and which property broke.
	Verdict string `json:"verdict"`
	// Steps says, for each model step, what the concretiser did.
	Steps []string `json:"steps,omitempty"`
	// Transcript is the concrete run, each message decoded field by field.
	Transcript *role.Transcript `json:"transcript,omitempty"`
}

// Server serves the explorer page and its API.
type Server struct {
	opt    Options
	mu     sync.Mutex
	models []*entry
}

// entry is one model file and its latest check.
type entry struct {
	name     string
	file     string
	src      string
	editable bool
	rep      *model.Report
	view     modelView
}

// New loads and checks every model, so that the page loads at once.
func New(ctx context.Context, opt Options) (*Server, error) {
	s := &Server{opt: opt}
	type source struct {
		file, src string
		editable  bool
	}
	var srcs []source
	if len(opt.Files) == 0 {
		for _, f := range model.Shipped() {
			src, err := model.ShippedSource(f)
			if err != nil {
				return nil, err
			}
			srcs = append(srcs, source{"model/" + f, src, false})
		}
	}
	for _, f := range opt.Files {
		src, err := model.ReadFile(f) // at most the size limit of a model file
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, source{f, src, true})
	}
	seen := map[string]string{}
	for _, x := range srcs {
		name := modelName(x.file)
		if other, dup := seen[name]; dup {
			return nil, fmt.Errorf("explore: %s and %s have the same model name %q", other, x.file, name)
		}
		seen[name] = x.file
		e := &entry{name: name, file: x.file, src: x.src, editable: x.editable}
		if err := s.check(ctx, e, x.src); err != nil {
			return nil, err
		}
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "explore: checked %s\n", x.file)
		}
		s.models = append(s.models, e)
	}
	sort.SliceStable(s.models, func(i, j int) bool { return s.models[i].name < s.models[j].name })
	return s, nil
}

// check parses and checks src as e's model and, when it parses, makes it
// e's current version. A parse error is a *lang.Error.
func (s *Server) check(ctx context.Context, e *entry, src string) error {
	p, err := model.Parse(e.file, src)
	if err != nil {
		return err
	}
	opt := s.opt.Check
	if opt.Timeout == 0 {
		opt.Timeout = time.Minute
	}
	rep, err := model.Check(ctx, p, opt)
	if err != nil {
		return err
	}
	e.src, e.rep = src, rep
	e.view = newModelView(e.file, rep, e.editable, s.opt.Paper)
	return nil
}

func (s *Server) find(name string) *entry {
	for _, e := range s.models {
		if e.name == name {
			return e
		}
	}
	return nil
}

// errNotFound is a request for something the explorer does not have.
var errNotFound = errors.New("explore: not found")

// attack builds the step-through view of an attack ID.
func (s *Server) attack(id string) (*attackView, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, sc, claim, ok := splitID(id)
	if !ok {
		return nil, nil, fmt.Errorf("explore: %q is not an attack ID (model/scenario#claim)", id)
	}
	e := s.find(m)
	if e == nil {
		return nil, nil, errNotFound
	}
	for _, r := range e.rep.Scenarios {
		if r.Name != sc {
			continue
		}
		for _, c := range r.Claims {
			if c.Claim.ID != claim || c.Trace == nil {
				continue
			}
			var psc *model.Scenario
			for _, x := range e.rep.Proto().Scenarios {
				if x.Name == sc {
					psc = x
				}
			}
			av := newAttackView(id, e.rep.Proto(), psc, r, c)
			if s.opt.Paper != nil {
				av.Paper = s.opt.Paper(id)
			}
			var js bytes.Buffer
			if err := model.WriteJSON(&js, []*model.Report{e.rep}); err != nil {
				return nil, nil, err
			}
			return av, js.Bytes(), nil
		}
	}
	return nil, nil, errNotFound
}

// ModelReport returns the JSON report (imcheck.model/v3) of the model an
// attack ID names, as the replay receives it.
func (s *Server) ModelReport(id string) ([]byte, error) {
	_, js, err := s.attack(id)
	return js, err
}

// splitID splits "model/scenario#claim".
func splitID(id string) (m, sc, claim string, ok bool) {
	dir, rest := path.Split(id)
	if dir == "" || len(dir) < 2 {
		return "", "", "", false
	}
	m = dir[:len(dir)-1]
	for i := 0; i < len(rest); i++ {
		if rest[i] == '#' {
			return m, rest[:i], rest[i+1:], rest[:i] != "" && rest[i+1:] != ""
		}
	}
	return "", "", "", false
}

// parseError is a model error placed in the editor.
type parseError struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

func toParseError(err error) *parseError {
	var le *lang.Error
	if errors.As(err, &le) {
		return &parseError{Line: le.Pos.Line, Col: le.Pos.Col, Message: le.Msg}
	}
	return &parseError{Line: 1, Col: 1, Message: err.Error()}
}
