package adversary

import (
	"bytes"
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
)

// keyReuse: one key protecting two messages (KeyUsed events are emitted
// once per protection, by the protecting party, so two events with the
// same key are two messages, whoever sent them), or a key used after the
// renewal that replaced it.
func (o oracle) keyReuse() []Violation {
	var out []Violation
	type use struct {
		step int
		e    role.Event
	}
	byKey := map[string][]use{}
	var keys []string
	renewed := map[[2]string][]int{} // (role, peer) → steps of renewals
	before := map[[2]string][]use{}  // keys used or established before, per pair
	for _, s := range o.n.Events {
		e := s.Event
		pair := [2]string{e.Role, e.Peer}
		switch e.Kind {
		case role.KeysRenewed:
			renewed[pair] = append(renewed[pair], s.Step)
		case role.KeyUsed:
			if len(e.Key) == 0 || !o.inScope(e.Role, e.Peer) {
				continue
			}
			k := string(e.Key)
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], use{s.Step, e})
		}
		if (e.Kind == role.KeyUsed || e.Kind == role.SessionKeyEstablished) && len(e.Key) > 0 {
			for _, r := range renewed[pair] {
				for _, u := range before[pair] {
					if u.step < r && r < s.Step && bytes.Equal(u.e.Key, e.Key) && e.Kind == role.KeyUsed && o.inScope(e.Role, e.Peer) {
						out = append(out, Violation{Property: KeyReuse, Party: e.Role, Peer: e.Peer, What: "renewed-key", Step: s.Step, Data: e.Key,
							Detail: fmt.Sprintf("%s used a key with %s after renewing it at step %d", e.Role, e.Peer, r)})
					}
				}
			}
			before[pair] = append(before[pair], use{s.Step, e})
		}
	}
	for _, k := range keys {
		us := byKey[k]
		if len(us) < 2 {
			continue
		}
		u := us[1]
		out = append(out, Violation{Property: KeyReuse, Party: u.e.Role, Peer: u.e.Peer, What: "key-index", Step: u.step, Data: u.e.Key,
			Detail: fmt.Sprintf("%s used key index %d with %s, already used by %s at step %d (%d uses in all)", u.e.Role, u.e.Index, u.e.Peer, us[0].e.Role, us[0].step, len(us))})
	}
	return out
}

// KeyIdentifier is implemented by dissectors that can tell which of some
// keys protected a message (IMKE, whose roles emit no KeyUsed).
type KeyIdentifier interface {
	KeyOf(msg []byte, keys [][]byte) []byte
}

// keyAfterRenewal: a message sent or accepted by a party under a key it
// had replaced by a renewal (KeysRenewed) before that step. The keys of a
// pair are those of its SessionKeyEstablished and KeysRenewed events; the
// dissector says which one protected the packet.
func (o oracle) keyAfterRenewal() []Violation {
	ki, ok := o.n.Dissector.(KeyIdentifier)
	if !ok {
		return nil
	}
	type keyAt struct {
		step int
		key  []byte
	}
	keys := map[[2]string][]keyAt{} // (party, peer) → keys in order
	for _, s := range o.n.Events {
		e := s.Event
		if (e.Kind == role.SessionKeyEstablished || e.Kind == role.KeysRenewed) && len(e.Key) > 0 {
			p := [2]string{e.Role, e.Peer}
			keys[p] = append(keys[p], keyAt{s.Step, e.Key})
		}
	}
	// stale reports whether the key of packet b, for party with peer at
	// step, was replaced before step.
	stale := func(party, peer string, step int, b []byte) ([]byte, int, bool) {
		ks := keys[[2]string{party, peer}]
		var all [][]byte
		for _, k := range ks {
			all = append(all, k.key)
		}
		k := ki.KeyOf(b, all)
		if k == nil {
			return nil, 0, false
		}
		for i, x := range ks {
			if bytes.Equal(x.key, k) && i+1 < len(ks) && ks[i+1].step < step {
				return k, ks[i+1].step, true
			}
		}
		return nil, 0, false
	}
	var out []Violation
	for _, e := range o.n.Trace.Entries {
		// Accepted: the receiver emitted MessageAccepted for this packet.
		for _, ev := range e.Events {
			if ev.Kind != role.MessageAccepted || !o.inScope(ev.Role, ev.Peer) || e.Op == OpAct {
				continue
			}
			if k, r, bad := stale(ev.Role, ev.Peer, e.Step, e.Bytes); bad {
				out = append(out, Violation{Property: KeyReuse, Party: ev.Role, Peer: ev.Peer, What: "renewed-key", Step: e.Step, Data: k,
					Detail: fmt.Sprintf("%s accepted a message from %s under the key it renewed at step %d", ev.Role, ev.Peer, r)})
			}
		}
	}
	for _, p := range o.n.History {
		if p.Injected || !o.inScope(p.Msg.From, p.Msg.To) {
			continue
		}
		if k, r, bad := stale(p.Msg.From, p.Msg.To, p.Step, p.Msg.Bytes); bad {
			out = append(out, Violation{Property: KeyReuse, Party: p.Msg.From, Peer: p.Msg.To, What: "renewed-key", Step: p.Step, Data: k,
				Detail: fmt.Sprintf("%s sent %s under the key it renewed at step %d", p.Msg.From, p.Msg.Label, r)})
		}
	}
	return out
}
