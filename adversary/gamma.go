package adversary

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/wire"
)

// γ, the concretisation of a model attack trace (docs/adversary.md §4): each
// step of the trace (`imcheck check --format json`) becomes an adversary
// action on the concrete network (docs/adversary.md §4 "γ"):
//   - a session start of an initiating role, and an honest send the run
//     has not produced yet, become the user action that makes the party
//     send that message (login, connect, send), plus honest delivery of
//     the phases the model abstracts (support: packets whose label no
//     step of the trace names);
//   - an honest send binds its term to the concrete packet the party sent
//     (held in flight: in the model it goes to the attacker);
//   - a receive whose term equals a bound term delivers, redirects or
//     replays that packet to the receiving session's party, retyping it
//     when the model delivers it under another label;
//   - a receive of a term no honest party sent is a fresh construction:
//     built from public values where a builder exists (SIMP's
//     as-published E1), otherwise γ stops with "not concretisable".
// The run is then checked by the oracles (and the claim oracles), and the
// model's claim is compared with what was violated.

// ModelStep is one step of a model attack trace.
type ModelStep struct {
	Kind     string   `json:"kind"`
	Session  int      `json:"session"`
	Role     string   `json:"role,omitempty"`
	Agents   []string `json:"agents,omitempty"`
	Label    string   `json:"label,omitempty"`
	Term     string   `json:"term,omitempty"`
	Violated bool     `json:"violated,omitempty"`
}

// GammaStep says what γ did for one model step.
type GammaStep struct {
	Model  string `json:"model"`
	Action string `json:"action"`
}

// GammaResult is a concretised model attack.
type GammaResult struct {
	Claim ClaimID     `json:"claim"`
	Steps []GammaStep `json:"steps"`
	Want  Expect      `json:"want"`
	// NotConcretisable says which step and subterm γ could not build; the
	// verdict then covers the run up to there.
	NotConcretisable string   `json:"not_concretisable,omitempty"`
	Verdict          *Verdict `json:"verdict"`
}

// Reproduced reports whether the concrete run violated what the model's
// claim says is violated.
func (g *GammaResult) Reproduced() bool { return g.Verdict != nil && g.Verdict.Succeeded() }

// gammaAgents maps the model's agent names to the harness's parties.
var gammaAgents = map[string]string{"a": "alice", "b": "bob", "s": "S", "e": "eve", "j": judgeName}

// gammaLabels maps a model message label to the implementation's, per
// protocol (labels not listed are the same).
var gammaLabels = map[string]map[string]string{
	"imke": {"req": "4.2", "d_ab": "4.7", "d_ba": "4.7"},
}

// serverLabels are messages a user receives from the server.
var serverLabels = map[string]bool{"L2": true, "E2": true, "E3": true, "R2": true, "a2": true, "b1": true, "b2": true, "4.3": true}

func gammaProtocol(model string) (string, error) {
	for _, p := range []string{"simp", "imke"} {
		if model == p || strings.HasPrefix(model, p+"-") {
			return p, nil
		}
	}
	return "", fmt.Errorf("adversary: γ: model %q is not of SIMP or IMKE", model)
}

// claimExpect is the violation the model's claim predicts on the code.
func claimExpect(kind, party string) (Expect, error) {
	switch kind {
	case "niagree":
		return Expect{Property: Agreement, Party: party}, nil
	case "injagree":
		return Expect{Property: Replay, Party: party}, nil
	case "unique":
		return Expect{Property: KeyReuse, Party: party}, nil
	case "secret", "weaksecret":
		return Expect{Property: Confidentiality}, nil
	}
	return Expect{}, fmt.Errorf("adversary: γ: claim kind %q has no concrete property", kind)
}

type gammaRun struct {
	n        *Network
	proto    string
	variant  string
	sessions map[int]ModelStep // start step of each session
	bound    map[string]int    // term → packet ID of the honest send
	modelLbl map[string]bool   // concrete labels the trace names
	sends    int
	out      []GammaStep
}

func (g *gammaRun) label(l string) string {
	if g.proto == "imke" && g.variant == "hardened" && (l == "b1" || l == "b2") {
		return "4.3" // H3: peer keys are items of a sequenced 4.3
	}
	if c, ok := gammaLabels[g.proto][l]; ok {
		return c
	}
	return l
}

func (g *gammaRun) party(session int) string { return gammaAgents[g.selfAgent(session)] }

func (g *gammaRun) selfAgent(session int) string {
	if s, ok := g.sessions[session]; ok && len(s.Agents) > 0 {
		return s.Agents[0]
	}
	return ""
}

// peer is the other user of a session: its first agent that is neither
// itself nor the server.
func (g *gammaRun) peer(session int) string {
	s := g.sessions[session]
	for _, a := range s.Agents[1:] {
		if p := gammaAgents[a]; p != "" && p != g.n.Setup.Server && p != g.party(session) {
			return p
		}
	}
	return g.n.Setup.Server
}

func (g *gammaRun) log(m ModelStep, format string, args ...any) {
	desc := fmt.Sprintf("%s #%d", m.Kind, m.Session)
	if m.Label != "" {
		desc += " " + m.Label
	}
	g.out = append(g.out, GammaStep{Model: desc, Action: fmt.Sprintf(format, args...)})
}

// Concretise runs γ on one model attack trace.
func ConcretiseTrace(c ClaimID, kind, claimRole string, steps []ModelStep, suiteName, variant string, seed uint64) (*GammaResult, error) {
	proto, err := gammaProtocol(c.Model)
	if err != nil {
		return nil, err
	}
	users := []string{"alice", "bob"}
	var dishonest []string
	g := &gammaRun{proto: proto, variant: variant, sessions: map[int]ModelStep{}, bound: map[string]int{}, modelLbl: map[string]bool{}}
	claimParty := ""
	for _, s := range steps {
		if s.Kind == "start" {
			g.sessions[s.Session] = s
			for _, a := range s.Agents {
				if a == "e" && len(users) == 2 {
					users, dishonest = append(users, "eve"), []string{"eve"}
				}
			}
		}
		if s.Label != "" && (s.Kind == "send" || s.Kind == "recv") {
			g.modelLbl[g.label(s.Label)] = true
		}
		if s.Kind == "claim" && s.Violated {
			claimParty = gammaAgents[g.sessions[s.Session].Agents[0]]
		}
	}
	want, err := claimExpect(kind, claimParty)
	if err != nil {
		return nil, err
	}
	n, err := NewRun(Spec{Protocol: proto, Suite: suiteName, Variant: variant, Seed: seed, Users: users, Dishonest: dishonest})
	if err != nil {
		return nil, err
	}
	g.n = n
	res := &GammaResult{Claim: c, Want: want}
	if err := g.prelude(); err != nil {
		return nil, fmt.Errorf("adversary: γ: prelude: %w", err)
	}
	var stop error
	for _, s := range steps {
		if stop = g.step(s); stop != nil {
			break
		}
	}
	if stop != nil {
		var b *Blocked
		if !errors.As(stop, &b) {
			res.NotConcretisable = stop.Error()
		}
	}
	v := &Verdict{Attack: "γ " + c.String(), Suite: suiteName, Variant: variant, Seed: seed}
	var b *Blocked
	if stop != nil && errors.As(stop, &b) {
		v.Blocked = b
	}
	v.Violations = n.Check(Scope{})
	v.Violations = append(v.Violations, answeredGrants(n)...)
	v.Violations = append(v.Violations, typedGrants(n)...)
	v.Violations = append(v.Violations, requestedGrants(n)...)
	for _, x := range v.Violations {
		if want.Match(x) {
			v.Expected = append(v.Expected, x)
		}
	}
	n.Trace.Protocol, n.Trace.Suite, n.Trace.Variant, n.Trace.Seed, n.Trace.Attack = proto, suiteName, variant, seed, v.Attack
	n.Trace.Users, n.Trace.Violations = n.Setup.Users, v.Violations
	v.Trace = &n.Trace
	res.Verdict, res.Steps = v, g.out
	return res, nil
}

// prelude brings the run to where the model's sub-protocol starts: SIMP
// users register, and every user logs in unless the trace itself runs
// the login (L1 / a1).
func (g *gammaRun) prelude() error {
	n := g.n
	for _, u := range n.Setup.Users {
		if g.proto == "simp" {
			if err := n.Do(register(u)); err != nil {
				return err
			}
		}
		if !g.modelLbl["L1"] && !g.modelLbl["a1"] {
			if err := n.Do(login(u)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *gammaRun) step(s ModelStep) error {
	switch s.Kind {
	case "start":
		g.log(s, "session of %s as %s (%s)", g.party(s.Session), s.Role, strings.Join(s.Agents, ", "))
	case "send":
		return g.send(s)
	case "recv":
		return g.recv(s)
	case "claim":
		if s.Violated {
			g.log(s, "the model's claim %s is violated here", s.Label)
		}
	}
	return nil
}

// send binds the term of an honest send to the packet the party sent,
// acting and delivering support packets until there is one.
func (g *gammaRun) send(s ModelStep) error {
	n, party, lbl := g.n, g.party(s.Session), g.label(s.Label)
	if !n.Honest(party) {
		g.log(s, "%s is dishonest: its sends are the adversary's", party)
		return nil
	}
	acted := false
	for tries := 0; ; tries++ {
		if p := g.unbound(party, lbl); p != nil {
			g.bound[s.Term] = p.ID
			g.log(s, "%s sent #%d %s → %s; held by the adversary", party, p.ID, p.Msg.Label, p.Msg.To)
			return nil
		}
		if !acted {
			acted = true
			if a, ok := g.actionFor(s.Session, lbl); ok {
				if err := n.Need(n.Act(a)); err != nil {
					return err
				}
				g.log(s, "%s acts: %s", party, a)
				continue
			}
		}
		sp := g.support()
		if sp == nil || tries > 50 {
			return fmt.Errorf("not concretisable: %s never sent %s (the model's session %d)", party, lbl, s.Session)
		}
		if err := n.Need(n.Deliver(sp.ID)); err != nil {
			return err
		}
		g.log(s, "support: delivered #%d %s %s → %s (a phase the model abstracts)", sp.ID, sp.Msg.Label, sp.Msg.From, sp.Msg.To)
	}
}

// unbound is the oldest packet in flight from party with the label that
// no model term is bound to yet.
func (g *gammaRun) unbound(party, lbl string) *Packet {
	for _, p := range g.n.Pool {
		if p.Msg.From == party && p.Msg.Label == lbl && !g.isBound(p.ID) {
			return p
		}
	}
	return nil
}

func (g *gammaRun) isBound(id int) bool {
	for _, b := range g.bound {
		if b == id {
			return true
		}
	}
	return false
}

// support is the oldest packet in flight of a phase the model does not
// name (e.g. IMKE's request and b1/b2 under a model of c1–c3 alone).
func (g *gammaRun) support() *Packet {
	for _, p := range g.n.Pool {
		if !g.modelLbl[p.Msg.Label] {
			return p
		}
	}
	return nil
}

// actionFor is the user action that makes a session's party send lbl.
func (g *gammaRun) actionFor(session int, lbl string) (harness.Action, bool) {
	party, peer := g.party(session), g.peer(session)
	switch lbl {
	case "L1", "a1":
		return login(party), true
	case "E1", "4.2", "c1", "E4":
		return connect(party, peer), true
	case "E6", "E7", "4.7":
		if !g.established(party, peer) {
			if err := g.n.Do(connect(party, peer)); err != nil {
				return harness.Action{}, false
			}
		}
		g.sends++
		return send(party, peer, fmt.Sprintf("model data %d of session %d", g.sends, session)), true
	}
	return harness.Action{}, false
}

func (g *gammaRun) established(a, b string) bool {
	for _, s := range g.n.Events {
		if s.Event.Kind == role.SessionKeyEstablished && s.Event.Role == a && s.Event.Peer == b {
			return true
		}
	}
	return false
}

// recv delivers to the session's party the packet whose term the model
// delivers, or builds it.
func (g *gammaRun) recv(s ModelStep) error {
	n, to, lbl := g.n, g.party(s.Session), g.label(s.Label)
	from := g.peer(s.Session)
	if serverLabels[lbl] {
		from = n.Setup.Server
	}
	// The phases the model abstracts complete first (e.g. IMKE's b2, which
	// gives the responder the initiator's key before c1).
	for sp := g.support(); sp != nil; sp = g.support() {
		if err := n.Need(n.Deliver(sp.ID)); err != nil {
			return err
		}
		g.log(s, "support: delivered #%d %s %s → %s (a phase the model abstracts)", sp.ID, sp.Msg.Label, sp.Msg.From, sp.Msg.To)
	}
	id, ok := g.bound[s.Term]
	if !ok {
		b, err := g.build(s, lbl)
		if err != nil {
			return err
		}
		o := n.Inject(from, to, b, "γ: built "+s.Term)
		g.log(s, "injected %s built from public values, as %s → %s", lbl, from, to)
		return n.Need(o)
	}
	p := n.History[id-1]
	if p.Msg.Label != lbl {
		b, err := g.retype(p.Msg.Bytes, p.Msg.Label, lbl)
		if err != nil {
			return err
		}
		if !bytes.Equal(b, p.Msg.Bytes) {
			g.log(s, "injected #%d %s retyped %s, as %s → %s", p.ID, p.Msg.Label, lbl, from, to)
			return n.Need(n.Inject(from, to, b, fmt.Sprintf("γ: #%d retyped %s", p.ID, lbl)))
		}
	}
	inFlight := false
	for _, q := range n.Pool {
		inFlight = inFlight || q.ID == p.ID
	}
	switch {
	case inFlight && p.Msg.To == to && p.Msg.From == from:
		g.log(s, "delivered #%d %s %s → %s", p.ID, p.Msg.Label, from, to)
		return n.Need(n.Deliver(p.ID))
	case inFlight:
		g.log(s, "redirected #%d %s (%s → %s) to %s as from %s", p.ID, p.Msg.Label, p.Msg.From, p.Msg.To, to, from)
		return n.Need(n.DeliverTo(p.ID, to, from))
	}
	g.log(s, "replayed #%d %s (%s → %s) to %s as from %s", p.ID, p.Msg.Label, p.Msg.From, p.Msg.To, to, from)
	return n.Need(n.Replay(p.ID, to, from))
}

// retype gives b, sent as label `from`, the wire type of label `to`.
func (g *gammaRun) retype(b []byte, from, to string) ([]byte, error) {
	if g.proto == "imke" {
		// b1/b2 share a wire type, and 4.7 serves both directions.
		return b, nil
	}
	t, ok := simpTypes[to]
	if !ok || len(b) == 0 {
		return nil, fmt.Errorf("not concretisable: no %s type to retype %s into", to, from)
	}
	if h, err := wire.PeekHeader(b); err != nil || h.Type == t {
		return b, err
	}
	out := bytes.Clone(b)
	out[0] = t // the type is a clear header field
	return out, nil
}

var simpTypes = map[string]uint8{"E1": simp.TypeE1, "E2": simp.TypeE2, "E3": simp.TypeE3, "E4": simp.TypeE4, "E5": simp.TypeE5, "E6": simp.TypeE6, "E7": simp.TypeE7}

// build makes the bytes of a term no honest party sent, from public
// values only; the one builder is SIMP's as-published E1 ⟨A, request, B⟩.
func (g *gammaRun) build(s ModelStep, lbl string) ([]byte, error) {
	if g.proto == "simp" && lbl == "E1" && g.n.Setup.Variant == string(simp.AsPublished) {
		args := splitTuple(s.Term)
		if len(args) == 3 && args[1] == "request" && gammaAgents[args[2]] != "" {
			return (&simp.PeerRequest{Suite: g.n.Setup.Suite.ID, Peer: gammaAgents[args[2]]}).Marshal()
		}
	}
	if g.proto == "simp" && lbl == "E1" {
		return nil, fmt.Errorf("not concretisable: E1 %s: the hardened E1 needs KH(SK_ASj, ID_A, ID_B, j) (H5), under a key the adversary does not hold", s.Term)
	}
	return nil, fmt.Errorf("not concretisable: %s %s is the adversary's own construction; γ has no builder for it (needs %s)", lbl, s.Term, firstSecretSubterm(s.Term))
}

// splitTuple splits "<x, y, z>" (or ⟨…⟩) into its top-level fields.
func splitTuple(t string) []string {
	t = strings.TrimSpace(t)
	for _, p := range [][2]string{{"<", ">"}, {"⟨", "⟩"}} {
		if strings.HasPrefix(t, p[0]) && strings.HasSuffix(t, p[1]) {
			t = t[len(p[0]) : len(t)-len(p[1])]
			var out []string
			depth, start := 0, 0
			for i, r := range t {
				switch r {
				case '(', '<', '⟨':
					depth++
				case ')', '>', '⟩':
					depth--
				case ',':
					if depth == 0 {
						out = append(out, strings.TrimSpace(t[start:i]))
						start = i + 1
					}
				}
			}
			return append(out, strings.TrimSpace(t[start:]))
		}
	}
	return []string{t}
}

// firstSecretSubterm names the first field of a built term that is a
// cryptographic construction (what a builder would need keys for).
func firstSecretSubterm(t string) string {
	for _, f := range splitTuple(t) {
		for _, c := range []string{"aenc(", "senc(", "sign(", "mac(", "h("} {
			if strings.HasPrefix(f, c) {
				return f
			}
		}
	}
	return t
}

// ReadModelTraces lists the attacks of a model report with their steps.
func ReadModelTraces(b []byte) ([]ModelTrace, error) {
	var out []ModelTrace
	err := eachModelAttack(b, func(id ClaimID, c modelReportClaim) {
		out = append(out, ModelTrace{Claim: id, Kind: c.Kind, Role: c.Role, Steps: c.Trace.Steps})
	})
	return out, err
}

// ModelTrace is a model attack with its steps.
type ModelTrace struct {
	Claim      ClaimID
	Kind, Role string
	Steps      []ModelStep
}

// Gamma concretises a model trace on the variant the model describes.
func (t ModelTrace) Gamma(suiteName string, seed uint64) (*GammaResult, error) {
	variant := "as-published"
	if strings.HasSuffix(t.Claim.Model, "-hardened") {
		variant = "hardened"
	}
	return ConcretiseTrace(t.Claim, t.Kind, t.Role, t.Steps, suiteName, variant, seed)
}
