package adversary

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/suite"
)

// γ, the concretisation of a model attack trace (docs/adversary.md §4):
// each step of a grounded trace (`imcheck check --format json`) becomes
// an adversary action on the concrete network, with nothing but the trace
// and the profile to go by:
//   - the scenario's compromises become the adversary's: a dishonest
//     agent is a corrupted party (insider eve, a dishonest server or
//     user), a revealed long-term key a reveal before the run;
//   - each model session is its own concrete session: an initiator's
//     session is its user action (login, connect, send), a responder's
//     session starts after the phases the model abstracts have run for it
//     (the claimed peer asks S for the responder, so that the responder
//     awaits it);
//   - an honest send binds its term to the packet the party really sent,
//     and the values the adversary can open in it to the model's subterms
//     (gamma_env.go);
//   - a receive of a bound term delivers, redirects, replays or retypes
//     that packet; a receive of a term no honest party sent is built by
//     the profile's encoder and crypto from the subterms the adversary
//     holds (gamma_build.go), or reported as not realisable, naming the
//     subterm and the profile rule that prevents it.
// The run is then checked by the oracle of the model claim's own kind,
// for the claim's own claimant and parties (gamma_claim.go).

// ModelStep is one step of a model attack trace.
type ModelStep struct {
	Kind     string   `json:"kind"`
	Session  int      `json:"session"`
	Role     string   `json:"role,omitempty"`
	Agents   []string `json:"agents,omitempty"`
	Label    string   `json:"label,omitempty"`
	Term     string   `json:"term,omitempty"`
	Args     []string `json:"args,omitempty"`
	Violated bool     `json:"violated,omitempty"`
}

// ModelTrace is a model attack: the claim, its scenario's bound and the
// grounded trace.
type ModelTrace struct {
	Claim ClaimID
	// Kind is the claim kind (niagree, injagree, secret, unique, ...),
	// Role the claimant's role, Text the claim (`niagree RunB(A, B, …)`)
	// and Witness the violated instance (`RunB(a, b, Kab.1, …)`, or the
	// secret term).
	Kind, Role, Text, Witness string
	Bound                     ModelBound
	Steps                     []ModelStep
}

// MaxModelTraceSteps bounds the steps of a model trace γ reads or
// concretises, so a hostile report (`imcheck attack replay`, the explore
// page) cannot make it run without end. The shipped models' longest
// attack has a few dozen steps.
const MaxModelTraceSteps = 512

// ReadModelTraces lists the attacks of a model report with their steps.
// A trace of more than MaxModelTraceSteps steps is an error.
func ReadModelTraces(b []byte) ([]ModelTrace, error) {
	var out []ModelTrace
	var long error
	err := eachModelAttack(b, func(id ClaimID, bound ModelBound, c modelReportClaim) {
		if len(c.Trace.Steps) > MaxModelTraceSteps && long == nil {
			long = fmt.Errorf("adversary: model trace of %s: %d steps, more than %d", id, len(c.Trace.Steps), MaxModelTraceSteps)
		}
		out = append(out, ModelTrace{Claim: id, Kind: c.Kind, Role: c.Role, Text: c.Text, Witness: c.Trace.Witness, Bound: bound, Steps: c.Trace.Steps})
	})
	if err == nil && long != nil {
		return nil, long
	}
	return out, err
}

// Variant is the variant the model describes: "-hardened" models are
// the hardened profile, every other the as-published one.
func (t ModelTrace) Variant() string {
	if strings.HasSuffix(t.Claim.Model, "-hardened") {
		return "hardened"
	}
	return "as-published"
}

// GammaStep says what γ did for one model step.
type GammaStep struct {
	Model  string `json:"model"`
	Action string `json:"action"`
}

// Unrealisable says why a model step has no concrete counterpart: the
// model step, the subterm the adversary cannot make, and the profile rule
// (a label, an appendix signature, a length) that prevents it.
type Unrealisable struct {
	Step    string `json:"step"`
	Subterm string `json:"subterm"`
	Rule    string `json:"rule"`
}

func (u *Unrealisable) Error() string {
	return fmt.Sprintf("not realisable: %s: %s (%s)", u.Step, u.Subterm, u.Rule)
}

// GammaResult is a concretised model attack.
type GammaResult struct {
	Claim ClaimID     `json:"claim"`
	Steps []GammaStep `json:"steps"`
	// Want lists what counts as the model claim's violation on the code:
	// the claim kind's properties for its claimant and peer.
	Want []Expect `json:"want"`
	// Unrealisable, when set, says which step of the trace the code does
	// not allow and why; the verdict then covers the run up to there.
	Unrealisable *Unrealisable `json:"unrealisable,omitempty"`
	Verdict      *Verdict      `json:"verdict"`
}

// Reproduced reports whether the concrete run violated the model claim's
// property for its claimant and peer.
func (g *GammaResult) Reproduced() bool { return g.Verdict != nil && g.Verdict.Succeeded() }

// gammaAgents maps the model's agent names to the harness's parties.
var gammaAgents = map[string]string{"a": "alice", "b": "bob", "s": "S", "e": "eve", "j": judgeName}

// gammaLabels maps a model message label to the implementation's, per
// protocol (labels not listed are the same).
var gammaLabels = map[string]map[string]string{
	"imke": {"req": "4.2", "d_ab": "4.7", "d_ba": "4.7"},
}

// serverLabels are messages a user receives from the server, toServer
// those it sends the server.
var (
	serverLabels = map[string]bool{"L2": true, "E2": true, "E3": true, "R2": true, "a2": true, "b1": true, "b2": true, "4.3": true}
	toServer     = map[string]bool{"L1": true, "E1": true, "R1": true, "a1": true, "a3": true, "4.2": true}
)

func gammaProtocol(model string) (string, error) {
	for _, p := range []string{"simp", "imke"} {
		if model == p || strings.HasPrefix(model, p+"-") {
			return p, nil
		}
	}
	return "", fmt.Errorf("adversary: γ: model %q is not of SIMP or IMKE", model)
}

type gammaRun struct {
	n        *Network
	proto    string
	variant  string
	trace    ModelTrace
	facts    modelFacts
	sessions map[int]ModelStep // start step of each session
	bound    map[string][]int  // term → packet IDs of its honest sends, in order
	env      *gammaEnv
	modelLbl map[string]bool   // concrete labels the trace names
	prepared map[int]bool      // responder sessions whose abstracted phases ran
	early    map[int]bool      // packets delivered before the trace's receive of them
	advRS    map[string][]byte // user → the R_S of the a2 the adversary made for it (impersonating S)
	answered map[int]bool      // a3 packets the adversary answered as S (acceptAsServer)
	pos      int               // the index of the step being played
	sends    int
	out      []GammaStep
}

func (g *gammaRun) label(l string) string {
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
// itself nor the server; the server if there is none.
func (g *gammaRun) peer(session int) string {
	s := g.sessions[session]
	for _, a := range s.Agents[min(1, len(s.Agents)):] {
		if p := gammaAgents[a]; p != "" && p != g.n.Setup.Server && p != g.party(session) {
			return p
		}
	}
	return g.n.Setup.Server
}

// recipient is who the session's party addresses a message with label.
func (g *gammaRun) recipient(session int, lbl string) string {
	if g.party(session) == g.n.Setup.Server || !toServer[lbl] {
		return g.peer(session)
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

// Concretise runs γ on the trace against variant (suite, seed): the
// variant the model describes for its own verdict, the other one to see
// where the profile blocks the model's attack.
func (t ModelTrace) Concretise(suiteName, variant string, seed uint64) (*GammaResult, error) {
	if len(t.Steps) > MaxModelTraceSteps {
		return nil, fmt.Errorf("adversary: γ %s: %d steps, more than %d", t.Claim, len(t.Steps), MaxModelTraceSteps)
	}
	proto, err := gammaProtocol(t.Claim.Model)
	if err != nil {
		return nil, err
	}
	g := &gammaRun{proto: proto, variant: variant, trace: t, facts: loadModelFacts(t.Claim),
		sessions: map[int]ModelStep{}, bound: map[string][]int{}, modelLbl: map[string]bool{}, prepared: map[int]bool{}, early: map[int]bool{}, advRS: map[string][]byte{}, answered: map[int]bool{}}
	users := []string{"alice", "bob"}
	for _, s := range t.Steps {
		if s.Kind == "start" {
			g.sessions[s.Session] = s
		}
		if s.Label != "" && (s.Kind == "send" || s.Kind == "recv") {
			g.modelLbl[g.label(s.Label)] = true
		}
	}
	if t.mentions("e") || slices.Contains(t.Bound.Dishonest, "e") {
		users = append(users, "eve") // the scenario's insider
	}
	var dishonest []string
	for _, a := range t.Bound.Dishonest {
		if p := gammaAgents[a]; p != "" && (p != "eve" || slices.Contains(users, "eve")) {
			dishonest = append(dishonest, p)
		}
	}
	want, err := claimWant(t)
	if err != nil {
		return nil, err
	}
	n, err := NewRun(Spec{Protocol: proto, Suite: suiteName, Variant: variant, Seed: seed, Users: users, Dishonest: dishonest})
	if err != nil {
		return nil, err
	}
	g.n, g.env = n, newGammaEnv()
	res := &GammaResult{Claim: t.Claim, Want: want}
	stop := g.prelude()
	claimed := false // the violated claim's step has been played
	for i, s := range t.Steps {
		if stop != nil {
			break
		}
		g.pos = i
		stop = g.step(s)
		var b *Blocked
		if stop != nil && claimed && (!errors.As(stop, &b) || variant == t.Variant()) {
			// Steps after the violation do not decide the claim (on the
			// variant the model describes, a rejection there neither: on
			// the other, it is where hardening stops the rest).
			g.log(s, "stopped after the claim: %v", stop)
			stop = nil
			break
		}
		claimed = claimed || s.Kind == "claim" && s.Violated
	}
	v := &Verdict{Attack: "γ " + t.Claim.String(), Suite: suiteName, Variant: variant, Seed: seed}
	var b *Blocked
	var u *Unrealisable
	switch {
	case errors.As(stop, &b):
		v.Blocked = b
	case errors.As(stop, &u):
		res.Unrealisable = u
	case stop != nil:
		res.Steps = g.out
		return res, wrapf(stop, "adversary: γ %s", t.Claim)
	}
	v.Violations = g.violations()
	for _, x := range v.Violations {
		for _, w := range want {
			if w.Match(x) {
				v.Expected = append(v.Expected, x)
				break
			}
		}
	}
	n.Trace.Protocol, n.Trace.Suite, n.Trace.Variant, n.Trace.Seed, n.Trace.Attack = proto, suiteName, variant, seed, v.Attack
	n.Trace.Users, n.Trace.Violations = n.Setup.Users, v.Violations
	v.Trace = &n.Trace
	if spec := gammaHardenedBlock(t.Claim); variant == "hardened" && t.Variant() == "as-published" && spec != nil {
		if u := res.Unrealisable; u != nil && spec.names(u.Rule) {
			v.Declared = spec // blocked by construction: hardened leaves the adversary no way to build it
		} else if u == nil {
			v.judgeBlock(spec)
		}
	}
	res.Verdict, res.Steps = v, g.out
	return res, nil
}

// mentions reports whether agent appears in a session or a term.
func (t ModelTrace) mentions(agent string) bool {
	for _, s := range t.Steps {
		if slices.Contains(s.Agents, agent) {
			return true
		}
		if m, err := parseTerm(s.Term); err == nil && s.Term != "" && m.contains(agent) {
			return true
		}
	}
	return false
}

// contains reports whether name occurs in t.
func (t *mterm) contains(name string) bool {
	if t.Fn == "" {
		return t.Name == name
	}
	for _, a := range t.Args {
		if a.contains(name) {
			return true
		}
	}
	return false
}

// prelude gives the adversary the scenario's revealed keys, then brings
// the run to where the model's sub-protocol starts: SIMP users register,
// and every user logs in unless the trace itself runs the login (L1 /
// a1); an insider's own SIMP key set with S is the adversary's.
func (g *gammaRun) prelude() error {
	n := g.n
	for _, r := range g.facts.reveals {
		party, kind, ok := gammaReveal(r)
		if !ok {
			g.out = append(g.out, GammaStep{Model: "reveal " + r, Action: "no concrete counterpart: not given to the adversary"})
			continue
		}
		if err := n.Reveal(party, "", kind); err != nil {
			return err
		}
		g.out = append(g.out, GammaStep{Model: "reveal " + r, Action: fmt.Sprintf("the adversary is given %s's %s", party, kind)})
	}
	registers := map[string]bool{} // users the trace itself registers (R1)
	for _, s := range g.trace.Steps {
		if s.Kind == "send" && s.Label == "R1" {
			registers[g.party(s.Session)] = true
		}
	}
	for _, u := range n.Setup.Users {
		if registers[u] {
			continue // registration, then login, are the trace's
		}
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
		if g.proto == "simp" && !n.Honest(u) {
			if err := simpInsiderKeySet(n, u); err != nil {
				return err
			}
		}
	}
	return nil
}

// gammaReveal maps a scenario's revealed long-term term to a reveal: the
// server's private key (SIMP's prs(s), IMKE's krs(s)) or a user's
// password.
func gammaReveal(t string) (string, RevealKind, bool) {
	m, err := parseTerm(t)
	if err != nil {
		return "", "", false
	}
	switch {
	case (m.is("sk", 1) || m.is("krs", 1) || m.is("prs", 1)) && m.arg(0).Name == "s":
		return "S", RevealServerKey, true
	case m.is("pw", 2) && gammaAgents[m.arg(0).Name] != "":
		return gammaAgents[m.arg(0).Name], RevealPassword, true
	}
	return "", "", false
}

func (g *gammaRun) step(s ModelStep) error {
	switch s.Kind {
	case "start":
		g.log(s, "session of %s as %s (%s)", g.party(s.Session), s.Role, strings.Join(s.Agents, ", "))
	case "send":
		return g.send(s)
	case "recv":
		return g.recv(s)
	case "reveal":
		return g.reveal(s)
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
	to := g.recipient(s.Session, lbl)
	acted := false
	for tries := 0; ; tries++ {
		if p := g.unbound(party, to, lbl); p != nil {
			g.bind(s, p)
			if g.early[p.ID] && g.n.inPool(p.ID) < 0 {
				g.log(s, "%s sent #%d %s → %s, delivered early", party, p.ID, p.Msg.Label, p.Msg.To)
				return nil
			}
			g.log(s, "%s sent #%d %s → %s; held by the adversary", party, p.ID, p.Msg.Label, p.Msg.To)
			return nil
		}
		if !acted {
			acted = true
			if a, ok := g.actionFor(s.Session, lbl); ok {
				err := n.Need(n.Act(a))
				var b *Blocked
				if errors.As(err, &b) && b.Party == party && lbl == "a1" && g.loggingIn(party) {
					return &Unrealisable{Step: stepName(s), Subterm: s.Term,
						Rule: fmt.Sprintf("imke.md §5: a client is in one login state at a time (idle → a1 sent → a3 sent → logged in), and %s's login of an earlier session of the trace is still open: its client refuses a second a1 (%s)", party, b.Alert)}
				}
				if errors.As(err, &b) {
					// The code may need what the party sent delivered first.
					if early, eerr := g.deliverEarly(s, party); eerr != nil || !early {
						return err
					}
					err = n.Need(n.Act(a))
				}
				if err != nil {
					return err
				}
				g.log(s, "%s acts: %s", party, a)
				continue
			}
		}
		sp := g.support()
		if sp == nil || tries > 50 {
			return fmt.Errorf("adversary: %s never sent %s (the model's session %d)", party, lbl, s.Session)
		}
		if err := g.deliverSupport(s, sp); err != nil {
			return err
		}
	}
}

// loggingIn reports whether party sent an a1 bound to an earlier step of
// the trace.
func (g *gammaRun) loggingIn(party string) bool {
	for _, ids := range g.bound {
		for _, id := range ids {
			if p := g.n.History[id-1]; p.Msg.From == party && p.Msg.Label == "a1" {
				return true
			}
		}
	}
	return false
}

// bind records that the model's term is the packet p, and what of it the
// adversary can open.
func (g *gammaRun) bind(s ModelStep, p *Packet) {
	g.bound[s.Term] = append(g.bound[s.Term], p.ID)
	if t, err := parseTerm(s.Term); err == nil {
		g.n.Saturate()
		g.learn(t, p.Msg.Label, p.Msg.Bytes)
	}
}

// unbound is the oldest packet in flight from party with the label that
// no model term is bound to yet, addressed to `to` if there is one; a
// packet γ delivered early (deliverEarly) counts as in flight until the
// trace's send of it binds it.
func (g *gammaRun) unbound(party, to, lbl string) *Packet {
	var any *Packet
	for _, p := range g.earlyAndPool() {
		if p.Msg.From != party || p.Msg.Label != lbl || g.isBound(p.ID) {
			continue
		}
		if p.Msg.To == to {
			return p
		}
		if any == nil {
			any = p
		}
	}
	return any
}

// earlyAndPool is the packets delivered early, oldest first, then the
// pool.
func (g *gammaRun) earlyAndPool() []*Packet {
	var out []*Packet
	for _, p := range g.n.History {
		if g.early[p.ID] && g.n.inPool(p.ID) < 0 {
			out = append(out, p)
		}
	}
	return append(out, g.n.Pool...)
}

func (g *gammaRun) isBound(id int) bool { return g.termOf(id) != "" }

// termOf is the model term bound to packet id, or "".
func (g *gammaRun) termOf(id int) string {
	for t, ids := range g.bound {
		if slices.Contains(ids, id) {
			return t
		}
	}
	return ""
}

// boundPacket is the packet of an honest send of term for a receive by
// to: one in flight to it, else one in flight, else the first.
func (g *gammaRun) boundPacket(term, to string) (*Packet, bool) {
	ids := g.bound[term]
	if len(ids) == 0 {
		return nil, false
	}
	best := g.n.History[ids[0]-1]
	for _, id := range ids {
		p := g.n.History[id-1]
		if g.n.inPool(id) < 0 {
			continue
		}
		if p.Msg.To == to {
			return p, true
		}
		if g.n.inPool(best.ID) < 0 {
			best = p
		}
	}
	return best, true
}

// support is the oldest packet in flight of a phase the model does not
// name (e.g. IMKE's request and b1/b2 under a model of c1–c3 alone).
func (g *gammaRun) support() *Packet {
	for _, p := range g.n.Pool {
		if !g.modelLbl[p.Msg.Label] && !g.adversaryLogin(p.Msg.To) {
			return p
		}
	}
	return nil
}

// adversaryLogin reports whether party's latest login with S is the
// adversary's: an a1 it built in the party's name, or the party's own a1
// that the adversary finished with an a3 of its own (from the R_S it
// opened with a revealed KR_A) while the party's client, never given S's
// a2, sent no a3. Either way the party's client never ran that login to
// its end, so S's answers under its keys stay with the adversary.
func (g *gammaRun) adversaryLogin(party string) bool {
	if g.proto != "imke" {
		return false
	}
	srv := g.n.Setup.Server
	a1 := g.n.Last("a1", party, srv)
	if a1 == nil {
		return false
	}
	if a1.Injected {
		return true
	}
	finished := false
	for _, p := range g.n.History[a1.ID:] {
		if matches(p, "a3", party, srv) {
			if !p.Injected {
				return false
			}
			finished = true
		}
	}
	return finished
}

func (g *gammaRun) deliverSupport(s ModelStep, sp *Packet) error {
	if err := g.n.Need(g.n.Deliver(sp.ID)); err != nil {
		return err
	}
	g.log(s, "support: delivered #%d %s %s → %s (a phase the model abstracts)", sp.ID, sp.Msg.Label, sp.Msg.From, sp.Msg.To)
	return nil
}

// actionFor is the user action that makes a session's party send lbl.
func (g *gammaRun) actionFor(session int, lbl string) (harness.Action, bool) {
	party, peer := g.party(session), g.peer(session)
	switch lbl {
	case "R1":
		return register(party), true
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
		text := fmt.Sprintf("model data %d of session %d", g.sends, session)
		if g.proto == "simp" && len(text) < suite.KeySize {
			// The SIMP models type a message as a nonce, so a trace may put
			// one where the profile has a fixed32 nonce (an E7 with its
			// message and nonce swapped): a text of a nonce's length.
			text += strings.Repeat(".", suite.KeySize-len(text))
		}
		return send(party, peer, text), true
	}
	return harness.Action{}, false
}
