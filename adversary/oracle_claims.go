package adversary

import (
	"bytes"
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
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

// loginAgreement is the model's login agreement on both sides (imke.md
// §5; docs/model.md: non-injective agreement on the event's values):
//   - LoginA, S's agreement with the user (T3): the a3 on which S accepted
//     the user's login is one the user itself sent, so the user ran the
//     login with S's K_AS and R_S (f3(R_S) answers only the a2 it opened);
//   - ServerA2, the user's agreement with S (T2): the a2 the user answered
//     with its a3 is one S sent the user, so S ran the login with the
//     user's K_AS and its own R_S.
//
// The parties are honest; neither exempts a revealed server key, since
// the model's claims hold the server's key as the scenario reveals it.
func loginAgreement(n *Network) []Violation {
	if n.Setup.Protocol != "imke" || !n.Honest(n.Setup.Server) {
		return nil
	}
	own := func(b []byte, from, to, label string) bool {
		for _, p := range n.History {
			if !p.Injected && p.Msg.From == from && p.Msg.To == to && p.Msg.Label == label && bytes.Equal(p.Msg.Bytes, b) {
				return true
			}
		}
		return false
	}
	srv := n.Setup.Server
	var out []Violation
	for _, e := range n.Trace.Entries {
		switch e.Op {
		case OpDeliver, OpRedirect, OpReplay, OpInject:
		default:
			continue
		}
		if e.To == srv {
			for _, x := range e.Events {
				if x.Kind != role.LoginAccepted || x.Role != srv || !n.Honest(x.Peer) || own(e.Bytes, x.Peer, srv, "a3") {
					continue
				}
				out = append(out, Violation{Property: Agreement, Party: srv, Peer: x.Peer, What: "login", Step: e.Step,
					Detail: srv + " accepted a login of " + x.Peer + "'s on an a3 " + x.Peer + " never sent (LoginA)"})
			}
			continue
		}
		if !n.Honest(e.To) || own(e.Bytes, srv, e.To, "a2") {
			continue
		}
		for _, id := range e.Sent {
			if p := n.History[id-1]; p.Msg.From == e.To && p.Msg.Label == "a3" {
				out = append(out, Violation{Property: Agreement, Party: e.To, Peer: srv, What: "login-challenge", Step: e.Step,
					Detail: e.To + " answered with its a3 an a2 that " + srv + " never sent it (ServerA2)"})
			}
		}
	}
	return out
}

// answeredRequests is the model's G2_request_from_A (IMKE, injective
// agreement on Requested(A, S, B, seq)): each 4.2 peer request S answered
// with a b1 to A about B is one A itself made: a connect of A's to B
// whose 4.2 carried the same sequence number. Injective: one request of
// A's justifies one answer.
func answeredRequests(n *Network) []Violation {
	if n.Setup.Protocol != "imke" || !n.Honest(n.Setup.Server) {
		return nil
	}
	g := n.ground()
	if g == nil {
		return nil
	}
	srv := n.Setup.Server
	type request struct {
		user, peer string
		seq        uint64
	}
	var own []request
	for _, e := range n.Trace.Entries {
		if e.Op != OpAct || e.Action == nil || e.Action.Verb != harness.Connect {
			continue
		}
		for _, id := range e.Sent {
			p := n.History[id-1]
			if p.Msg.Label != "4.2" || p.Msg.To != srv {
				continue
			}
			if m, err := imke.UnmarshalClientData(p.Msg.Bytes); err == nil {
				own = append(own, request{e.Action.Party, e.Action.Peer, m.Seq})
			}
		}
	}
	used := make([]bool, len(own))
	var out []Violation
	for _, e := range n.Trace.Entries {
		if e.To != srv || !n.Honest(e.From) || e.Op != OpDeliver && e.Op != OpRedirect && e.Op != OpReplay && e.Op != OpInject {
			continue
		}
		m, err := imke.UnmarshalClientData(e.Bytes)
		if err != nil {
			continue
		}
		peer := ""
		for _, gr := range g.grants {
			if gr.step == e.Step && gr.to == e.From && gr.label == "b1" {
				peer = gr.peer
			}
		}
		if peer == "" {
			continue // not a peer request S answered
		}
		ok := false
		for i, r := range own {
			if !used[i] && r.user == e.From && r.peer == peer && r.seq == m.Seq {
				used[i], ok = true, true
				break
			}
		}
		if !ok {
			out = append(out, Violation{Property: Agreement, Party: srv, Peer: e.From, What: "peer-key-request", Step: e.Step,
				Detail: fmt.Sprintf("%s answered a request of %s's for %s (seq %d) that %s never made (Requested)", srv, e.From, peer, m.Seq, e.From)})
		}
	}
	return out
}

// renewalAgreement is the model's R_user_from_S and R_S_from_user (IMKE
// key renewal, imke.md §7; non-injective agreement on RenewR/RenewK): a
// party that switches to renewed keys with its peer does so on a renewal
// message (4.4, 4.5, or hardened the 4.2/4.3 renewal item) its peer
// itself sent it.
func renewalAgreement(n *Network) []Violation {
	if n.Setup.Protocol != "imke" || !n.Honest(n.Setup.Server) {
		return nil
	}
	var out []Violation
	for _, e := range n.Trace.Entries {
		switch e.Op {
		case OpDeliver, OpRedirect, OpReplay, OpInject:
		default:
			continue
		}
		for _, x := range e.Events {
			if x.Kind != role.KeysRenewed || x.Role != e.To || !n.Honest(x.Role) || !n.Honest(x.Peer) {
				continue
			}
			own := false
			for _, p := range n.History {
				if !p.Injected && p.Msg.From == x.Peer && p.Msg.To == x.Role && bytes.Equal(p.Msg.Bytes, e.Bytes) {
					own = true
					break
				}
			}
			if !own {
				out = append(out, Violation{Property: Agreement, Party: x.Role, Peer: x.Peer, What: "renewed-key", Step: e.Step, Data: x.Key,
					Detail: x.Role + " renewed its keys with " + x.Peer + " on a renewal message " + x.Peer + " never sent it"})
			}
		}
	}
	return out
}

// announcedKeys is the model's niagree LoginKey(B, S, KU_B): IMKE's
// b1_key_of_B and b2_key_of_A, SIMP's E2_key_of_B and E3_key_of_A (the
// one-time public key of a login, simp.md §5): a public key a user
// accepted from S as B's is one B announced in a login it really sent.
func announcedKeys(n *Network) []Violation {
	if !n.Honest(n.Setup.Server) {
		return nil
	}
	var out []Violation
	for _, s := range n.Events {
		e := s.Event
		if e.Kind != role.PeerKeyAccepted || !n.Honest(e.Role) || !n.Honest(e.Peer) {
			continue
		}
		ok := false
		for _, k := range n.ownKeys(e.Peer) {
			ok = ok || bytes.Equal(k, e.Key)
		}
		if !ok {
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "announced-key", Step: s.Step, Data: e.Key,
				Detail: e.Role + " accepted as " + e.Peer + "'s a key " + e.Peer + " never announced in a login"})
		}
	}
	return out
}

// claimOracles runs the claim oracles γ and the random runs add to the
// general ones.
func claimOracles(n *Network) []Violation {
	var out []Violation
	out = append(out, answeredGrants(n)...)
	out = append(out, typedGrants(n)...)
	out = append(out, requestedGrants(n)...)
	out = append(out, loginAgreement(n)...)
	out = append(out, answeredRequests(n)...)
	out = append(out, renewalAgreement(n)...)
	return append(out, announcedKeys(n)...)
}
