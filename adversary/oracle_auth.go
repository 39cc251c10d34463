package adversary

import (
	"bytes"
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
)

// agreement checks every accept against the sends (injectively), and
// every established key against its partner's run.
func (o oracle) agreement() []Violation {
	var out []Violation
	used := map[int]bool{} // indices into Events of sends already matched
	// match finds the earliest unmatched event before step at that
	// satisfies ok; it reports whether any (matched or not) existed.
	match := func(at int, ok func(e role.Event) bool) (found, fresh bool) {
		for i, s := range o.n.Events {
			if s.Step > at || !ok(s.Event) {
				continue
			}
			found = true
			if !used[i] {
				used[i] = true
				return true, true
			}
		}
		return found, false
	}
	for _, s := range o.n.Events {
		e := s.Event
		if !o.inScope(e.Role, e.Peer) || o.impersonable(e.Peer, s.Step) {
			continue
		}
		var what, claimant string
		var found, fresh bool
		switch {
		case e.Kind == role.MessageAccepted:
			what, claimant = "message", o.handshakeRole(e.Role, e.Peer, s.Step)
			found, fresh = match(s.Step, func(x role.Event) bool {
				return x.Kind == role.MessageSent && x.Role == e.Peer && x.Peer == e.Role && bytes.Equal(x.Body, e.Body)
			})
		case e.Kind == role.LoginAccepted && o.isServer(e.Role):
			what = "login"
			found, fresh = match(s.Step, func(x role.Event) bool {
				return x.Kind == role.LoginStarted && x.Role == e.Peer && x.Peer == e.Role
			})
		case e.Kind == role.SessionKeyEstablished:
			out = append(out, o.keyAgreement(e, s.Step)...)
			continue
		default:
			continue
		}
		switch {
		case !found:
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: what, Step: s.Step, Data: e.Body, Claimant: claimant,
				Detail: fmt.Sprintf("%s accepted a %s from %s that %s never sent to it", e.Role, what, e.Peer, e.Peer)})
		case !fresh:
			out = append(out, Violation{Property: Replay, Party: e.Role, Peer: e.Peer, What: what, Step: s.Step, Data: e.Body, Claimant: claimant,
				Detail: fmt.Sprintf("%s accepted a %s from %s more often than %s sent it", e.Role, what, e.Peer, e.Peer)})
		}
	}
	return out
}

// handshakeRole is the part party played in the last IMKE key transport
// (c1-c3) with peer that keyed what it accepts at step: "initiator" (the
// model's A) or "responder" (B), from the Note of its
// SessionKeyEstablished; "" if there was none (SIMP, or data with S).
func (o oracle) handshakeRole(party, peer string, step int) string {
	r := ""
	for _, s := range o.n.Events {
		x := s.Event
		if s.Step <= step && x.Kind == role.SessionKeyEstablished && x.Role == party && x.Peer == peer &&
			(x.Note == "initiator" || x.Note == "responder") {
			r = x.Note
		}
	}
	return r
}

// impersonable reports whether a long-term secret of party was revealed
// by step: then anyone may speak as it, and accepting a forgery in its
// name is no violation.
func (o oracle) impersonable(party string, step int) bool {
	for _, r := range o.n.Reveals {
		if r.Party == party && r.Kind.LongTerm() && r.Step <= step {
			return true
		}
	}
	return false
}

// keyAgreement checks a SessionKeyEstablished: the peer ran with the party
// (some event of the peer names it), and no other pair of parties holds
// the same key.
func (o oracle) keyAgreement(e role.Event, step int) []Violation {
	var out []Violation
	// The peer ran with the party if one of its events names the party
	// or it really sent the party a message (a server that answered a1
	// with a2 runs the login before it emits anything).
	ran := false
	for _, p := range o.n.History {
		if !p.Injected && p.Msg.From == e.Peer && p.Msg.To == e.Role && p.Step <= step {
			ran = true
		}
	}
	for _, s := range o.n.Events {
		x := s.Event
		if x.Role == e.Peer && x.Peer == e.Role {
			ran = true
		}
		if x.Kind == role.SessionKeyEstablished && bytes.Equal(x.Key, e.Key) && x.Role != e.Role &&
			!(x.Role == e.Peer && x.Peer == e.Role) {
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "session-key", Step: step, Data: e.Key,
				Detail: fmt.Sprintf("%s shares it with %s, but %s holds it for %s", e.Role, e.Peer, x.Role, x.Peer)})
		}
	}
	if !ran {
		out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "session-key", Step: step, Data: e.Key,
			Detail: fmt.Sprintf("%s established a key with %s, who never ran with %s", e.Role, e.Peer, e.Role)})
		return out
	}
	if o.isServer(e.Role) || o.isServer(e.Peer) || len(e.Key) == 0 || len(out) > 0 {
		return out
	}
	// Between users, the peer must hold the same key with the party: it
	// sent or accepted it (an event), or, running, derived it (IMKE's
	// responder before c3, read by the observer: oracle_running.go).
	for _, s := range o.n.Events {
		x := s.Event
		if x.Role == e.Peer && x.Peer == e.Role && bytes.Equal(x.Key, e.Key) &&
			(x.Kind == role.SessionKeyEstablished || x.Kind == role.KeyExchangeStarted) {
			return out
		}
	}
	running, decided := o.n.runningKeys(e.Peer, e.Role)
	for _, k := range running {
		if bytes.Equal(k, e.Key) {
			return out
		}
	}
	if decided {
		out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "session-key", Step: step, Data: e.Key,
			Detail: fmt.Sprintf("%s established a key with %s that %s never holds with %s", e.Role, e.Peer, e.Peer, e.Role)})
	}
	return out
}
