package adversary

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imcheck/imcheck/impl/role"

	"github.com/imcheck/imcheck/model"
	"github.com/imcheck/imcheck/model/proto" // the action kinds, which the facade does not re-export
)

// The concrete verdict of a model attack is the model claim's own: the
// oracle of the claim's kind (docs/model.md), for the claim's claimant
// and the parties its violated instance names (docs/adversary.md §4).

// kindProperties maps a claim kind to the properties that violate it on
// the code: injective agreement fails with no match at all (agreement)
// or with a match used up (replay).
var kindProperties = map[string][]Property{
	"niagree":    {Agreement},
	"weakagree":  {Agreement},
	"alive":      {Agreement},
	"injagree":   {Replay, Agreement},
	"unique":     {KeyReuse},
	"secret":     {Confidentiality},
	"fsecret":    {Confidentiality},
	"weaksecret": {Confidentiality},
}

// claimData maps the model's events to the data the concrete oracles
// name: what the claimant agrees on.
var claimData = map[string]string{
	"RunA": "session-key", "RunB": "session-key", "E4Sent": "session-key", "E5Sent": "session-key",
	"SentA": "message", "SentB": "message", "MsgA": "message", "MsgB": "message", "MsgSent": "message",
	"L1Sent": "login", "PeerKey": "peer-key", "B1Sent": "peer-key-answer", "Registered": "registration",
	"L2Sent": "login-confirmation",
	"E2Sent": "peer-key-answer", "E3Sent": "peer-key-type", "Requested": "peer-key-request", "Vouched": "E2-key",
	"LoginA": "login", "ServerA2": "login-challenge", "RenewR": "renewed-key", "RenewK": "renewed-key", "LoginKey": "announced-key",
}

// ClaimParties is the model claim's claimant and peer on the code, as a
// trace gives them: the parties of the violated claim's session, and the
// agent its violated instance is about.
type ClaimParties struct {
	Claimant, Peer string
}

// claimWant is what violates the trace's claim on the code: the claim
// kind's properties, for the claimant of each violated claim step (a
// unique claim has two) with the peer its instance names, about the data
// its event names.
func claimWant(t ModelTrace) ([]Expect, error) {
	props, ok := kindProperties[t.Kind]
	if !ok {
		return nil, fmt.Errorf("adversary: γ: claim kind %q has no concrete property", t.Kind)
	}
	what := claimWhat(t)
	var out []Expect
	for _, cp := range t.ClaimParties() {
		for _, p := range props {
			out = append(out, Expect{Property: p, Party: cp.Claimant, Peer: cp.Peer, What: what})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("adversary: γ: %s: no violated claim step", t.Claim)
	}
	return out, nil
}

// ClaimParties lists the claimant and peer of every violated claim step.
func (t ModelTrace) ClaimParties() []ClaimParties {
	sessions := map[int][]string{}
	var out []ClaimParties
	for _, s := range t.Steps {
		if s.Kind == "start" {
			sessions[s.Session] = s.Agents
		}
		if s.Kind != "claim" || !s.Violated || len(sessions[s.Session]) == 0 {
			continue
		}
		agents := sessions[s.Session]
		cp := ClaimParties{Claimant: gammaAgents[agents[0]], Peer: sessionPeer(agents)}
		if p := witnessPeer(t, agents[0]); p != "" {
			cp.Peer = p
		}
		if !containsParties(out, cp) {
			out = append(out, cp)
		}
	}
	return out
}

func containsParties(l []ClaimParties, c ClaimParties) bool {
	for _, x := range l {
		if x == c {
			return true
		}
	}
	return false
}

// sessionPeer is the first agent of a session after its own that is a
// user; the server if there is none.
func sessionPeer(agents []string) string {
	for _, a := range agents[1:] {
		if a != "s" && a != agents[0] && gammaAgents[a] != "" {
			return gammaAgents[a]
		}
	}
	return "S"
}

// witnessPeer is, for an agreement claim, the party its violated event
// instance names beside the claimant: the first other agent, except that
// a user's agreement with the server about a peer's key is about that
// peer (the grant oracles name it).
//
// For a secrecy claim, the secret's own parties: a password pw(A, S) is
// A's with S, and IMKE's f4/f5 of a login (K_AS^s, K_AS^m) are keys with
// the server; any other secret is the session's.
func witnessPeer(t ModelTrace, self string) string {
	props := kindProperties[t.Kind]
	if len(props) == 0 || props[0] == KeyReuse {
		return ""
	}
	w, err := parseTerm(t.Witness)
	if err != nil || w.Fn == "" {
		return ""
	}
	if props[0] == Confidentiality {
		switch {
		case w.is("pw", 2) && gammaAgents[w.arg(1).Name] != "" && w.arg(0).Name == self:
			return gammaAgents[w.arg(1).Name]
		case (w.is("f4", 2) || w.is("f5", 2)) && strings.HasPrefix(t.Claim.Model, "imke") && self != "s":
			return gammaAgents["s"]
		}
		return ""
	}
	var agents []string
	for _, a := range w.Args {
		if a.Fn == "" && gammaAgents[a.Name] != "" && a.Name != self {
			agents = append(agents, a.Name)
		}
	}
	if len(agents) == 0 {
		return ""
	}
	if agents[0] == "s" && self != "j" && len(agents) > 1 {
		return gammaAgents[agents[1]]
	}
	return gammaAgents[agents[0]]
}

// claimWhat is the data the claim is about, as the oracles name it; ""
// when the claim's event has no concrete counterpart listed.
func claimWhat(t ModelTrace) string {
	switch t.Kind {
	case "unique":
		return "key-index"
	case "weaksecret":
		return "password"
	case "secret", "fsecret":
		if strings.HasPrefix(t.Witness, "pw(") {
			return "password"
		}
		return "session-key"
	}
	w, err := parseTerm(t.Witness)
	if err != nil {
		return ""
	}
	if w.Fn == "E2Sent" && t.Role == "Judge" {
		return "E2-origin"
	}
	return claimData[w.Fn]
}

// violations runs every oracle on the run: the general ones, in the
// scope the scenario sets (with a dishonest server, the model's
// user-to-user claims are end to end), the claim oracles, and secrecy of
// the claim's own secret where the adversary opened it from the
// claimant's own packet.
func (g *gammaRun) violations() []Violation {
	n := g.n
	sc := Scope{EndToEnd: !n.Honest(n.Setup.Server)}
	out := n.Check(sc)
	out = append(out, claimOracles(n)...)
	if g.proto == "simp" {
		out = append(out, judgedE2(n)...)
		out = append(out, registeredFromServer(n)...)
		out = append(out, loginConfirmedByServer(n)...)
	}
	return append(out, g.secretViolations()...)
}

// secretViolations: a secret claim's term that the adversary holds (a
// value γ bound to it, opened from a packet the claimant itself sent or
// made by the adversary; a tuple when every part is), and, for a
// `secret` claim, a revealed session key of the claimant (revealedSecrets).
func (g *gammaRun) secretViolations() []Violation {
	t := g.trace
	if t.Kind != "secret" && t.Kind != "fsecret" {
		return nil
	}
	w, err := parseTerm(t.Witness)
	if err != nil {
		return nil
	}
	var out []Violation
	if t.Kind == "secret" && claimWhat(t) == "session-key" {
		out = g.revealedSecrets()
	}
	b, ok := g.env.get(w)
	if w.Fn == "<>" && !ok {
		// A tuple secret (SIMP's ⟨K_AS, DK_AS⟩) is known when every part is.
		ok = len(w.Args) > 0
		for _, a := range w.Args {
			v, bound := g.env.get(a)
			ok = ok && bound && g.n.Knowledge.Knows(v)
			if b == nil {
				b = v
			}
		}
	}
	if !ok || !g.n.Knowledge.Knows(b) {
		return out
	}
	for _, cp := range t.ClaimParties() {
		if !g.n.Honest(cp.Claimant) {
			continue
		}
		out = append(out, Violation{Property: Confidentiality, Party: cp.Claimant, Peer: cp.Peer, What: claimWhat(t), Step: g.n.Step(), Data: b,
			Detail: fmt.Sprintf("the adversary holds %s, the secret of %s's claim", t.Witness, cp.Claimant)})
	}
	return out
}

// revealedSecrets: a model `secret` claim (unlike `fsecret`) says the
// term is never known, whatever the scenario reveals; so a session key
// of the claimant with the peer that the adversary holds violates it even
// where a reveal exempts it from the confidentiality oracle (docs/adversary.md
// §2: a session or state reveal exempts what arose before it).
func (g *gammaRun) revealedSecrets() []Violation {
	n := g.n
	if len(n.Reveals) == 0 {
		return nil
	}
	var out []Violation
	for _, cp := range g.trace.ClaimParties() {
		if !n.Honest(cp.Claimant) || !n.Honest(cp.Peer) {
			continue
		}
		for _, s := range n.Events {
			e := s.Event
			if e.Role != cp.Claimant || e.Peer != cp.Peer || e.Kind != role.SessionKeyEstablished && e.Kind != role.KeysRenewed || !n.Knowledge.Knows(e.Key) {
				continue
			}
			out = append(out, Violation{Property: Confidentiality, Party: cp.Claimant, Peer: cp.Peer, What: "session-key", Step: n.Step(), Data: e.Key,
				Detail: fmt.Sprintf("the adversary holds %s's session key with %s (the model's secret %s; a revealed secret stays a secret claim's violation)", cp.Claimant, cp.Peer, g.trace.Witness)})
			break
		}
	}
	return out
}

// modelFacts is what γ reads from the model source beside the report:
// the labels its roles send (a label none sends is a phase the model
// abstracts) and the scenario's revealed terms.
type modelFacts struct {
	sent      map[string]bool
	reveals   []string
	dishonest []string
	// relayed: the scenario's roles run IMKE's c1–c3 through S (c1r).
	relayed bool
}

// loadModelFacts reads the shipped model of c; a model that is not
// shipped gives none (γ then builds every received term itself).
func loadModelFacts(c ClaimID) modelFacts {
	p, err := model.LoadShipped(c.Model)
	if err != nil {
		return modelFacts{}
	}
	f := modelFacts{sent: map[string]bool{}}
	for _, r := range p.Roles {
		for _, a := range r.Actions {
			if a.Kind == proto.ActSend {
				f.sent[a.Label] = true
			}
		}
	}
	for _, s := range p.Scenarios {
		if s.Name == c.Scenario {
			f.dishonest = append(append(f.dishonest, s.Dishonest...), s.DishonestServers...)
			for _, t := range s.Reveal {
				f.reveals = append(f.reveals, t.String())
			}
			for _, r := range p.Roles {
				if len(s.Roles) > 0 && !slices.Contains(s.Roles, r.Name) {
					continue
				}
				for _, a := range r.Actions {
					f.relayed = f.relayed || a.Kind == proto.ActSend && a.Label == "c1r"
				}
			}
		}
	}
	return f
}
