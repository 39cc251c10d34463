package conformance

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// The SIMP catalogue, written from docs/spec/simp.md (cited as §N):
// message layouts §2, the checks of each step and their alerts §5 and §8,
// the key index discipline §6, the weaknesses the as-published variant keeps
// and the hardened changes that remove them §10.

var (
	simpR1      = Layout{{"ciphertext", Opaque16}}
	simpR2      = Layout{{"sealed", Opaque16}}
	simpL1      = Layout{{"ID_A", ID8}, {"j", U16}, {"sealed", Opaque16}}
	simpIndexed = Layout{{"j", U16}, {"sealed", Opaque16}} // L2, E2, E3
	simpE1      = Layout{{"ID_B", ID8}, {"j", U16}, {"tag", Opaque16}}
	simpE4      = Layout{{"ciphertext", Opaque16}, {"signature", Opaque16}}
	simpE5      = Layout{{"j", U16}, {"confirmation", Opaque16}}
	simpSecure  = Layout{{"j", U16}, {"sealed", Opaque16}, {"mac", Opaque16}} // E6, E7
)

func simpScript(options map[string]string) []harness.Action {
	p, err := harness.Lookup("simp")
	if err != nil {
		return nil
	}
	s := harness.DefaultSetup("simp", nil, "hardened")
	s.Options = options
	return p.Honest(s)
}

// simpMaxText is the longest MessageBody text (simp.md §2).
const simpMaxText = 16384

func classes(c ...role.AlertClass) []role.AlertClass { return c }

// secureFields are E6/E7's: a changed index selects another key (as
// published) or breaks the direction's parity (hardened, §6); the index is
// also bound into the hardened AEAD and keyed hash (§10 H4).
func secureFields() []fieldRule {
	return []fieldRule{
		{Field: "j", Reject: classes(role.BadIndex, role.DecryptError, role.BadMAC)},
		{Field: "sealed", Reject: classes(role.DecryptError)},
		{Field: "mac", Reject: classes(role.BadMAC)},
	}
}

func simpTable() *protocolTable {
	unknownPeer := reject(role.UnknownPeer)
	return &protocolTable{
		Protocol: "simp", Prefix: "SIMP", Script: simpScript,
		Roles: []struct{ Party, Name string }{{"S", "server"}, {"alice", "initiator"}, {"bob", "responder"}},
		// §4 Limits: the largest m and the fewest and most rounds.
		HonestOptions: []map[string]string{{"m": "4096"}, {"rounds": "1"}, {"rounds": "16"}},
		Targets: []target{
			// The server.
			{Msg: "R1", Label: "R1", Party: "S", Clause: "simp.md §2, §5 Registration", Layout: simpR1,
				Fields: []fieldRule{{Field: "ciphertext", Reject: classes(role.DecryptError)}},
				// §5: a registered ID_A cannot register again.
				Replayed:  reject(role.AuthFailed),
				WrongFrom: "bob", WrongSender: reject(role.WrongIdentity)},
			{Msg: "L1", Label: "L1", Party: "S", Clause: "simp.md §5 Login, §6", Layout: simpL1,
				Fields: []fieldRule{
					{Field: "ID_A", Reject: classes(role.WrongIdentity)},
					{Field: "j", Reject: classes(role.BadIndex, role.DecryptError)},
					{Field: "sealed", Reject: classes(role.DecryptError)},
				},
				WrongFrom: "bob", WrongSender: reject(role.WrongIdentity), Early: unknownPeer},
			// §10 H2, H9: the hardened server rejects a replayed L1 (W1).
			{Msg: "L1", Label: "L1", Party: "S", Clause: "simp.md §6, §10 H2 H9", Layout: simpL1, Variants: hardened, Supplement: true,
				Replayed: reject(role.Replay), ReplayedLater: reject(role.Replay)},
			{Msg: "E1", Label: "E1", Party: "S", Clause: "simp.md §5 Key exchange, §6", Layout: simpE1, MayBeEmpty: []string{"tag"},
				Fields: []fieldRule{
					{Field: "ID_B", Reject: classes(role.UnknownPeer), Variants: asPublished},
					{Field: "ID_B", Reject: classes(role.BadMAC), Variants: hardened},
					{Field: "j", Reject: classes(role.BadIndex, role.BadMAC), Variants: hardened},
					{Field: "tag", Reject: classes(role.BadMAC), Variants: hardened},
				},
				Early: unknownPeer},
			// §10 H5, H2: the hardened E1 is authenticated and fresh (W3, W8).
			{Msg: "E1", Label: "E1", Party: "S", Clause: "simp.md §5, §10 H2 H5", Layout: simpE1, Variants: hardened, Supplement: true,
				Replayed: reject(role.Replay), ReplayedLater: reject(role.Replay),
				WrongFrom: "bob", WrongSender: reject(role.BadMAC, role.Replay, role.BadIndex, role.WrongIdentity)},

			// The initiator.
			{Msg: "R2", Label: "R2", Party: "alice", Clause: "simp.md §5 Registration", Layout: simpR2,
				Fields:   []fieldRule{{Field: "sealed", Reject: classes(role.DecryptError)}},
				Replayed: unexpected, WrongFrom: "bob", WrongSender: unknownPeer, Early: unexpected},
			{Msg: "L2", Label: "L2", Party: "alice", Clause: "simp.md §5 Login, §6", Layout: simpIndexed,
				Fields: []fieldRule{
					{Field: "j", Reject: classes(role.BadIndex)},
					{Field: "sealed", Reject: classes(role.DecryptError)},
				},
				Replayed: unexpected, WrongFrom: "bob", WrongSender: unknownPeer, Early: unexpected},
			{Msg: "E2", Label: "E2", Party: "alice", Clause: "simp.md §5 Key exchange, §6", Layout: simpIndexed,
				Fields: []fieldRule{
					{Field: "j", Reject: classes(role.BadIndex, role.DecryptError)},
					{Field: "sealed", Reject: classes(role.DecryptError)},
				},
				Replayed:  reject(role.Replay, role.UnexpectedMessage),
				WrongFrom: "bob", WrongSender: unknownPeer, Early: unexpected},
			{Msg: "E5", Label: "E5", Party: "alice", Clause: "simp.md §5 Key exchange, §6", Layout: simpE5,
				Fields: []fieldRule{
					{Field: "j", Reject: classes(role.BadIndex, role.AuthFailed)},
					{Field: "confirmation", Reject: classes(role.AuthFailed)},
				},
				Replayed:  reject(role.Replay, role.UnexpectedMessage),
				WrongFrom: "S", WrongSender: unknownPeer, Early: reject(role.UnknownPeer, role.UnexpectedMessage)},
			{Msg: "E7", Label: "E7", Party: "alice", Clause: "simp.md §5 Messages, §6", Layout: simpSecure,
				Fields: secureFields(), WrongFrom: "S", WrongSender: unknownPeer, Early: unknownPeer},
			{Msg: "E7", Label: "E7", Party: "alice", Clause: "simp.md §6, §10 H2", Layout: simpSecure, Variants: hardened, Supplement: true,
				Replayed: reject(role.Replay), ReplayedLater: reject(role.Replay)},

			// The responder.
			{Msg: "E3", Label: "E3", Party: "bob", Clause: "simp.md §5 Key exchange, §6", Layout: simpIndexed,
				Fields: []fieldRule{
					{Field: "j", Reject: classes(role.BadIndex, role.DecryptError)},
					{Field: "sealed", Reject: classes(role.DecryptError)},
				},
				WrongFrom: "alice", WrongSender: unknownPeer, Early: unexpected},
			{Msg: "E3", Label: "E3", Party: "bob", Clause: "simp.md §6, §10 H2", Layout: simpIndexed, Variants: hardened, Supplement: true,
				Replayed: reject(role.Replay)},
			{Msg: "E4", Label: "E4", Party: "bob", Clause: "simp.md §5 Key exchange", Layout: simpE4,
				Fields: []fieldRule{
					{Field: "ciphertext", Reject: classes(role.DecryptError)},
					{Field: "signature", Reject: classes(role.BadSignature)},
				},
				Replayed: unexpected, WrongFrom: "S", WrongSender: unknownPeer, Early: unknownPeer},
			{Msg: "E6", Label: "E6", Party: "bob", Clause: "simp.md §5 Messages, §6", Layout: simpSecure,
				Fields: secureFields(), WrongFrom: "S", WrongSender: unknownPeer, Early: unknownPeer},
			{Msg: "E6", Label: "E6", Party: "bob", Clause: "simp.md §6, §10 H2", Layout: simpSecure, Variants: hardened, Supplement: true,
				Replayed: reject(role.Replay), ReplayedLater: reject(role.Replay)},
		},
		Reflections: []reflection{
			{Msg: "L1", Label: "L1", Party: "alice", Clause: "simp.md §8", Expect: *unexpected},
			{Msg: "L2", Label: "L2", Party: "S", Clause: "simp.md §8", Expect: *unexpected},
			{Msg: "E6", Label: "E6", Party: "alice", Clause: "simp.md §5 Messages, §8", Expect: *unexpected},
			{Msg: "E5", Label: "E5", Party: "bob", Clause: "simp.md §5, §8", Expect: Outcome{Reject: classes(role.UnexpectedMessage, role.UnknownPeer)}},
			// §10 W6, H1 H4: E6 reflected to its sender retyped as E7.
			{Msg: "E6", Label: "E6", Party: "alice", Clause: "simp.md §10 W6, H1, H4", Variants: hardened,
				Mutate: SetType(0x1a), Expect: Outcome{Reject: classes(role.BadIndex, role.DecryptError, role.BadMAC)}},
		},
		Extra: simpExtra,
		States: &stateRules{
			Clause:      "simp.md §5, §6, §8",
			Follows:     simpFollows,
			ServerNever: []string{"R2", "L2", "E2", "E3", "E4", "E5", "E6", "E7"},
			ClientNever: []string{"R1", "L1", "E1"},
		},
		Probe: simpProbe,
	}
}

// simpFollows is the order of SIMP's phases (§5): the server takes a
// user's L1 only after its R1, and E1 only once both users are logged in
// (unknown_peer); a client takes each message only in the phase the one
// before it opened (registration, login, key exchange, messages).
func simpFollows(party, _ string, rs []received, j int) []int {
	var deps []int
	for i := 0; i < j; i++ {
		switch {
		case party != defaultServer:
			deps = append(deps, i)
		case rs[j].Label == "L1" && rs[i].Label == "R1" && rs[i].From == rs[j].From:
			deps = append(deps, i)
		case rs[j].Label == "E1" && (rs[i].Label == "R1" || rs[i].Label == "L1"):
			deps = append(deps, i)
		}
	}
	return deps
}

// simpProbe: after the run the users still exchange messages (§5
// Messages) and, for the server, run another key exchange (§5 E1–E5).
func simpProbe(party string) []Step {
	send := func(from, to string) *harness.Action {
		return &harness.Action{Party: from, Verb: harness.Send, Peer: to, Body: []byte("probe from " + from)}
	}
	accepted := func(by, from string) EventPattern {
		return EventPattern{Kind: role.MessageAccepted, Role: by, Peer: from, Body: []byte("probe from " + from)}
	}
	switch party {
	case defaultServer:
		return []Step{
			{Act: &harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"},
				RefEvents: []EventPattern{{Kind: role.PeerKeyAccepted, Role: "alice", Peer: "bob"}, {Kind: role.SessionKeyEstablished, Role: "alice", Peer: "bob"}}},
			{Act: send("alice", "bob"), RefEvents: []EventPattern{accepted("bob", "alice")}},
		}
	case "alice":
		return []Step{
			{Act: &harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"},
				Events: []EventPattern{{Kind: role.SessionKeyEstablished, Peer: "bob"}}},
			{Act: send("alice", "bob"), RefEvents: []EventPattern{accepted("bob", "alice")}},
			{Act: send("bob", "alice"), Events: []EventPattern{accepted("alice", "bob")}},
		}
	default:
		return []Step{
			{Act: send("alice", "bob"), Events: []EventPattern{accepted("bob", "alice")}},
			{Act: send("bob", "alice"), RefEvents: []EventPattern{accepted("alice", "bob")}},
		}
	}
}

// simpExtra are the cases of key exhaustion and single use (§6).
func simpExtra() []Case {
	script := simpScript(map[string]string{"m": "8"})
	if script == nil {
		return nil
	}
	var setupSteps []harness.Action
	for _, a := range script {
		if a.Verb == harness.Send {
			break
		}
		setupSteps = append(setupSteps, a)
	}
	sends := func(n int) []Step {
		steps := actSteps(setupSteps)
		for i := 0; i < n; i++ {
			steps = append(steps, Step{Act: &harness.Action{Party: "alice", Verb: harness.Send, Peer: "bob", Body: []byte("one more")}})
		}
		steps[len(steps)-1].Refuse = classes(role.KeysExhausted)
		return steps
	}
	var out []Case
	// Replay across sessions (§6, §10 H2 H9): alice logs in a second time,
	// then her first session's L1 is replayed.
	relogin := append(actSteps(simpScript(nil)), Step{Act: &harness.Action{Party: "alice", Verb: harness.Login}})
	out = append(out, Case{ID: "SIMP/L1/replayed-across-sessions", Clause: "simp.md §5 Login, §6, §10 H2 H9", Protocol: "simp",
		Party: "S", Variants: hardened,
		Summary: "after alice logs in again, the L1 of her first login is a replay",
		Steps:   append(relogin, Step{Inject: &Inject{Source: FromLog, Label: "L1", Nth: 1, Expect: Outcome{Reject: classes(role.Replay)}}})})
	// §10 W4, H6: insider eve passes alice's E4 to bob as her own. Bob,
	// expecting eve's E4 after her E1, gets alice's: hardened, the
	// identities inside are (alice, bob), not (eve, bob); as published the
	// signature is alice's, not eve's.
	insider := []string{"alice", "bob", "eve"}
	withEve := append(actSteps(simpInsiderScript()), Step{Act: &harness.Action{Party: "eve", Verb: harness.Connect, Peer: "bob"}})
	for _, v := range []struct {
		variant string
		expect  []role.AlertClass
	}{{"hardened", classes(role.WrongIdentity)}, {"as-published", classes(role.BadSignature)}} {
		out = append(out, Case{ID: "SIMP/E4/passed-off-by-insider", Clause: "simp.md §5 Key exchange, §10 W4 H6", Protocol: "simp",
			Party: "bob", Variants: []string{v.variant}, Users: insider,
			Summary:   "insider eve passes alice's E4 to bob as her own: rejected (" + classList(v.expect) + ")",
			Steps:     withEve,
			Intercept: &Intercept{Label: "E4", Nth: 2, Substitute: "E4", Expect: Outcome{Reject: v.expect}, Resume: true}})
	}
	// Hardened, m = 8: the initiator sends on 1, 3, 5, 7 (§6), so the fifth
	// message has no key.
	out = append(out, Case{ID: "SIMP/E6/keys-exhausted", Clause: "simp.md §6 exhaustion", Protocol: "simp", Party: "alice",
		Variants: hardened, Options: map[string]string{"m": "8"}, UniqueKeys: true,
		Summary: "with m = 8 the initiator sends four E6 and refuses the fifth with keys_exhausted",
		Steps:   sends(5)})
	// §6 exhaustion of SK_AS: hardened, m = 8, a user logs in on 1, 3, 5,
	// 7; the fifth login has no key (keys_exhausted: register again).
	logins := []Step{{Act: &harness.Action{Party: "alice", Verb: harness.Register}}}
	for i := 0; i < 5; i++ {
		logins = append(logins, Step{Act: &harness.Action{Party: "alice", Verb: harness.Login}})
	}
	logins[len(logins)-1].Refuse = classes(role.KeysExhausted)
	out = append(out, Case{ID: "SIMP/L1/keys-exhausted", Clause: "simp.md §6 exhaustion", Protocol: "simp", Party: "alice",
		Variants: hardened, Options: map[string]string{"m": "8"},
		Summary: "with m = 8 a user logs in four times (L1 on 1, 3, 5, 7) and refuses the fifth login with keys_exhausted",
		Steps:   logins})
	// §6: the responder's last key. With m = 8, bob confirms on 2 (E5) and
	// sends E7 on 4, 6 and 8, the last index; a fourth E7 has no key. The
	// initiator accepts index 8.
	lastKey := actSteps(setupSteps)
	for i := 0; i < 3; i++ {
		lastKey = append(lastKey, Step{Act: &harness.Action{Party: "bob", Verb: harness.Send, Peer: "alice", Body: []byte(fmt.Sprintf("E7 %d", i+1))}})
	}
	var accepted []EventPattern
	for i := 0; i < 3; i++ {
		accepted = append(accepted, EventPattern{Kind: role.MessageAccepted, Peer: "bob", Body: []byte(fmt.Sprintf("E7 %d", i+1))})
	}
	out = append(out,
		Case{ID: "SIMP/E7/keys-exhausted", Clause: "simp.md §6 exhaustion", Protocol: "simp", Party: "bob",
			Variants: hardened, Options: map[string]string{"m": "8"}, UniqueKeys: true,
			Summary: "with m = 8 the responder sends E7 on 4, 6 and 8, the last key, and refuses a fourth with keys_exhausted",
			Steps: append(slices.Clone(lastKey), Step{Act: &harness.Action{Party: "bob", Verb: harness.Send, Peer: "alice", Body: []byte("no key left")},
				Refuse: classes(role.KeysExhausted)})},
		Case{ID: "SIMP/E7/last-key-accepted", Clause: "simp.md §6", Protocol: "simp", Party: "alice",
			Variants: hardened, Options: map[string]string{"m": "8"},
			Summary: "with m = 8 the initiator accepts E7 on 4, 6 and 8, the last index of the set",
			Steps:   lastKey, Events: accepted})
	// A client does not ask for a key exchange with itself or the server
	// (§5 E1: ID_B ≠ ID_A and a logged-in user); the run then goes on.
	for _, peer := range []string{"alice", defaultServer} {
		full := simpScript(nil)
		steps := actSteps(full[:4])
		steps = append(steps, Step{Act: &harness.Action{Party: "alice", Verb: harness.Connect, Peer: peer}, Refuse: anyAlert()})
		out = append(out, Case{ID: "SIMP/E1/no-exchange-with-" + map[string]string{"alice": "itself", defaultServer: "the-server"}[peer],
			Clause: "simp.md §5 Key exchange", Protocol: "simp", Party: "alice",
			Summary: "the client refuses to start a key exchange with " + map[string]string{"alice": "itself", defaultServer: "the server"}[peer] + "; the run then goes on",
			Steps:   append(steps, actSteps(full[4:])...), Events: expectedEvents(full, "alice", defaultServer)})
	}
	// §2: a MessageBody text holds 0–16384 bytes; the longest is sent and
	// accepted both ways.
	longest := simpScript(nil)
	for i := range longest {
		if longest[i].Verb == harness.Send {
			longest[i].Body = bytes.Repeat([]byte{'x'}, simpMaxText)
		}
	}
	for _, r := range []struct{ party, name string }{{"alice", "initiator"}, {"bob", "responder"}} {
		out = append(out, Case{ID: "SIMP/E6/longest-text-" + r.name, Clause: "simp.md §2 (MessageBody)", Protocol: "simp", Party: r.party,
			Summary: fmt.Sprintf("the %s sends and accepts a message of %d bytes, the longest MessageBody text", r.name, simpMaxText),
			Steps:   actSteps(longest), Events: expectedEvents(longest, r.party, defaultServer)})
	}
	for _, r := range []struct{ party, name string }{{"S", "server"}, {"alice", "initiator"}, {"bob", "responder"}} {
		full := simpScript(nil)
		out = append(out, Case{ID: "SIMP/honest/" + r.name + "-keys-used-once", Clause: "simp.md §6, §7 KeyUsed, §10 H1–H3",
			Protocol: "simp", Party: r.party, Variants: hardened, UniqueKeys: true,
			Summary: "in the hardened honest run the " + r.name + " protects no two messages under one key",
			Steps:   actSteps(full), Events: expectedEvents(full, r.party, defaultServer)})
	}
	return out
}

func init() { topics = append([]func() []Case{simpTable().generate}, topics...) }

// simpInsiderScript is the honest script with a third user, eve, who
// registers and logs in too.
func simpInsiderScript() []harness.Action {
	p, err := harness.Lookup("simp")
	if err != nil {
		return nil
	}
	s := harness.DefaultSetup("simp", nil, "hardened")
	s.Users = []string{"alice", "bob", "eve"}
	return p.Honest(s)
}
