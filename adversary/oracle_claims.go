package adversary

import (
	"bytes"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// Claim oracles: properties the model states for one claim that the
// general oracles (oracle.go) do not, because an honest run satisfies the
// general ones either way. Attacks that concretise such a claim attach the
// oracle (Attack.Check); it reads the same ground truth (events, the
// packets the honest parties really sent, the trace's user actions).

// answeredGrants is the model's b1_is_answer (IMKE) and E2_from_S (SIMP,
// paper's shape): a user that starts a key exchange with P on a public key
// from S does so on S's answer to its own request for P: a grant of P's
// key the server sent it while handling the user's own request.
// Injective: one answer justifies one start.
func answeredGrants(n *Network) []Violation {
	g := n.ground()
	if g == nil {
		return nil
	}
	used := make([]bool, len(g.grants))
	var out []Violation
	for _, s := range n.Events {
		e := s.Event
		if e.Kind != role.KeyExchangeStarted || !n.Honest(e.Role) || !n.Honest(e.Peer) || !n.Honest(n.Setup.Server) {
			continue
		}
		ok := false
		for i, gr := range g.grants {
			if !used[i] && gr.answer && gr.step <= s.Step && gr.to == e.Role && gr.peer == e.Peer {
				used[i], ok = true, true
				break
			}
		}
		if !ok {
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "peer-key-answer", Step: s.Step,
				Detail: e.Role + " started a key exchange with " + e.Peer + " on a grant the server did not send in answer to its request"})
		}
	}
	return out
}

// typedGrants is the model's E2_from_S / E3_from_S (SIMP, paper's shape):
// a public key a user accepted as an E2 (or E3) is one the server sent it
// as that message. SIMP's PeerKeyAccepted names the message in its note.
func typedGrants(n *Network) []Violation {
	g := n.ground()
	if g == nil {
		return nil
	}
	var out []Violation
	for _, s := range n.Events {
		e := s.Event
		if e.Kind != role.PeerKeyAccepted || e.Note == "" || !n.Honest(e.Role) || !n.Honest(e.Peer) || !n.Honest(n.Setup.Server) {
			continue
		}
		ok := false
		for _, gr := range g.grants {
			if gr.step <= s.Step && gr.to == e.Role && gr.peer == e.Peer && gr.label == e.Note && bytes.Equal(gr.key, e.Key) {
				ok = true
				break
			}
		}
		if !ok {
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "peer-key-type", Step: s.Step, Data: e.Key,
				Detail: e.Role + " accepted " + e.Peer + "'s key as " + e.Note + ", which the server never sent it as " + e.Note})
		}
	}
	return out
}

// requestedGrants is the model's E3_requested_by_A (SIMP): a user B that
// accepts A's public key from an E3 does so because A asked for B (A's
// connect action). Injective: one request justifies one E3.
func requestedGrants(n *Network) []Violation {
	var requests []Entry
	for _, e := range n.Trace.Entries {
		if e.Op == OpAct && e.Action != nil && e.Action.Verb == harness.Connect {
			requests = append(requests, e)
		}
	}
	used := make([]bool, len(requests))
	var out []Violation
	for _, s := range n.Events {
		e := s.Event
		if e.Kind != role.PeerKeyAccepted || e.Note != "E3" || !n.Honest(e.Role) || !n.Honest(e.Peer) || !n.Honest(n.Setup.Server) {
			continue
		}
		ok := false
		for i, r := range requests {
			if !used[i] && r.Step <= s.Step && r.Action.Party == e.Peer && r.Action.Peer == e.Role {
				used[i], ok = true, true
				break
			}
		}
		if !ok {
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "peer-key-request", Step: s.Step, Data: e.Key,
				Detail: e.Role + " accepted " + e.Peer + "'s key from an E3 that no request of " + e.Peer + "'s caused"})
		}
	}
	return out
}

// registeredFromServer is the model's R2_from_S (SIMP registration): a
// user's Registered event about S needs an R2 the server really sent that
// user (not one the adversary built), one per registration.
func registeredFromServer(n *Network) []Violation {
	used := map[int]bool{}
	var out []Violation
	for _, s := range n.Events {
		e := s.Event
		if e.Kind != role.Registered || !n.Honest(e.Role) || !n.Honest(e.Peer) {
			continue
		}
		ok := false
		for _, p := range n.History {
			if !used[p.ID] && !p.Injected && p.Step <= s.Step && p.Msg.From == e.Peer && p.Msg.To == e.Role && p.Msg.Label == "R2" {
				used[p.ID], ok = true, true
				break
			}
		}
		if !ok {
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "registration", Step: s.Step,
				Detail: e.Role + " registered on an R2 " + e.Peer + " never sent it"})
		}
	}
	return out
}

// loginConfirmedByServer is the model's L2_from_S (SIMP login): a user's
// LoginAccepted about S needs an L2 the server really sent that user (not
// one the adversary built), one per accepted login. The server's revealed
// private key does not exempt it: the model's claim is conditioned on S
// being honest, not on its key being secret.
func loginConfirmedByServer(n *Network) []Violation {
	if n.Dissector == nil || n.Dissector.Protocol() != "simp" {
		return nil
	}
	used := map[int]bool{}
	var out []Violation
	for _, s := range n.Events {
		e := s.Event
		if e.Kind != role.LoginAccepted || e.Peer != n.Setup.Server || !n.Honest(e.Role) || !n.Honest(e.Peer) {
			continue
		}
		ok := false
		for _, p := range n.History {
			if !used[p.ID] && !p.Injected && p.Step <= s.Step && p.Msg.From == e.Peer && p.Msg.To == e.Role && p.Msg.Label == "L2" {
				used[p.ID], ok = true, true
				break
			}
		}
		if !ok {
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "login-confirmation", Step: s.Step,
				Detail: e.Role + " accepted a login confirmation (L2) " + e.Peer + " never sent it"})
		}
	}
	return out
}
