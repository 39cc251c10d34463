package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/imcheck/imcheck/adversary"
	"github.com/imcheck/imcheck/explore"
	"github.com/imcheck/imcheck/impl/harness"
	_ "github.com/imcheck/imcheck/impl/protocols"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/internal/version"
	"github.com/imcheck/imcheck/model"
)

func init() {
	register(command{
		name:     "explore",
		summary:  "a local web page to explore models, claims and attack traces, and replay them on the code",
		synopsis: "[FILE...] [flags]",
		args:     []argHelp{{"FILE", "a model in the protocol language; given files can be edited and saved from the page; none: every shipped model"}},
		exits: []exitHelp{
			{exitOK, "the server stopped on SIGINT or SIGTERM"},
			{exitUsage, "bad arguments, a model that does not parse, or an address that cannot be listened on"},
		},
		run: runExplore,
	})
}

func runExplore(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("explore", stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to serve the page on; loopback only unless --public")
	public := fs.Bool("public", false, "allow a --listen address that is not loopback (the page can edit the given files)")
	sessions := fs.Int("sessions", 0, "number of sessions for every search (default: each scenario's own)")
	timeout := fs.Duration("timeout", time.Minute, "stop each model's search after this long")
	files, status, ok := parseInterleaved(fs, args)
	if !ok {
		return status
	}
	if *sessions < 0 || *sessions > 8 {
		fmt.Fprintln(stderr, "imcheck explore: --sessions must be between 1 and 8")
		return exitUsage
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "imcheck explore: --timeout must be positive")
		return exitUsage
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck explore: --listen %q: %v\n", *listen, err)
		return exitUsage
	}
	if ip := net.ParseIP(host); !*public && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(stderr, "imcheck explore: --listen %q is not a loopback address; add --public to serve it anyway\n", *listen)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck explore: %v\n", err)
		return exitUsage
	}
	defer ln.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := newExplorer(ctx, files, model.Options{Sessions: *sessions, Timeout: *timeout}, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "imcheck explore: serving http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		hs.Shutdown(sctx)
		return exitOK
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return exitOK
		}
		fmt.Fprintf(stderr, "imcheck explore: %v\n", err)
		return exitUsage
	}
}

// newExplorer builds the explorer with the paper's words from the claims
// table (docs/claims.md) and the adversary's replay.
func newExplorer(ctx context.Context, files []string, opt model.Options, progress io.Writer) (*explore.Server, error) {
	return explore.New(ctx, explore.Options{
		Files:    files,
		Check:    opt,
		Paper:    paperWords,
		Replay:   replayOnCode,
		Variants: []string{"as-published", "hardened"},
		Suites:   []string{"modern", "classic", "pq"},
		Version:  version.String(),
		Progress: progress,
	})
}

// paperWords lists the rows of the claims table that cite an attack ID.
func paperWords(id string) []explore.Paper {
	var out []explore.Paper
	for _, pc := range paperClaims {
		for _, r := range pc.rows {
			if r.attackID() == id {
				out = append(out, explore.Paper{Paper: pc.paper, Section: pc.section, Words: pc.words,
					Property: pc.property, Variant: r.variant})
			}
		}
	}
	return out
}

// replayOnCode concretises the model trace of an attack ID with the
// adversary and runs it on the reference implementation.
func replayOnCode(ctx context.Context, req explore.ReplayRequest) (*explore.ReplayResult, error) {
	traces, err := adversary.ReadModelTraces(req.Model)
	if err != nil {
		return nil, err
	}
	var mt *adversary.ModelTrace
	for i := range traces {
		c := traces[i].Claim
		if c.Model+"/"+c.Scenario+"#"+c.Claim == req.AttackID {
			mt = &traces[i]
		}
	}
	if mt == nil {
		return nil, fmt.Errorf("imcheck explore: no trace for %s", req.AttackID)
	}
	g, err := mt.Concretise(req.Suite, req.Variant, 1)
	if err != nil {
		return &explore.ReplayResult{AttackID: req.AttackID, Variant: req.Variant, Suite: req.Suite,
			Outcome: "not-realisable", Verdict: "not realisable on the code: " + err.Error()}, nil
	}
	res := &explore.ReplayResult{AttackID: req.AttackID, Variant: req.Variant, Suite: req.Suite}
	for _, s := range g.Steps {
		res.Steps = append(res.Steps, s.Model+" → "+s.Action)
	}
	v := g.Verdict
	switch {
	case g.Unrealisable != nil:
		res.Outcome, res.Verdict = "not-realisable", g.Summary()
	case g.Reproduced():
		res.Outcome = "reproduced"
		res.Verdict = "ATTACK reproduced: " + violations(v.Expected)
	case v != nil && v.Blocked != nil:
		res.Outcome = "blocked"
		res.Verdict = fmt.Sprintf("blocked: %s rejected %s with %s", v.Blocked.Party, v.Blocked.Label, v.Blocked.Alert)
	default:
		res.Outcome, res.Verdict = "no-violation", "no violation of the claim on the code"
	}
	if v != nil && v.Trace != nil {
		res.Transcript = transcriptOf(v.Trace)
	}
	return res, nil
}

func violations(vs []adversary.Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return strings.Join(parts, "; ")
}

// transcriptOf turns the adversary's trace into a transcript whose messages
// are decoded field by field.
func transcriptOf(t *adversary.Trace) *role.Transcript {
	p, err := harness.Lookup(t.Protocol)
	if err != nil {
		return nil
	}
	tr := &role.Transcript{}
	for _, e := range t.Entries {
		if len(e.Bytes) == 0 || e.To == "" {
			continue
		}
		st := role.Step{Message: role.Message{From: e.From, To: e.To, Label: e.Label, Bytes: e.Bytes}, Events: e.Events}
		if _, f, err := p.Describe(e.Bytes); err == nil {
			st.Fields = f
		}
		if e.Alert != "" {
			st.Alert = e.Alert + ": " + e.AlertText
		}
		tr.Add(st)
	}
	return tr
}
