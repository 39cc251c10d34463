package conformance

import (
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// The IMKE catalogue, written from docs/spec/imke.md (cited as §N). Message
// layouts are §3; the alert of each check is §15; what each party does with
// a replay is §8; the paper's "disconnects" is §5 and §6.1.

var (
	imkeA1 = Layout{{"ID_A", ID8}, {"enc_kas", Opaque16}, {"sealed_proof", Opaque16}}
	imkeA2 = Layout{{"enc_rs", Opaque16}, {"sealed_f2", Opaque16}}
	imkeA3 = Layout{{"f3", Opaque16}}
	// imkeData is 4.2, 4.3 and 4.7 (§3.5, §3.12); the hardened b1/b2, 4.4
	// and 4.5 are items inside 4.2/4.3 (§3.5).
	imkeData = Layout{{"seq", U64}, {"sealed", Opaque32}, {"mac", Opaque16}}
	// imkeUnsequenced is the as-published 4.4, 4.5, b1/b2 (§3.6, §3.8).
	imkeUnsequenced = Layout{{"sealed", Opaque16}, {"mac", Opaque16}}
	imkeC1          = Layout{{"enc_k", Opaque16}, {"sealed_ra", Opaque16}}
	imkeC2          = Layout{{"enc_r", Opaque16}, {"sealed_f6", Opaque16}}
	imkeC3          = Layout{{"f7", Opaque16}}
)

var (
	asPublished = []string{"as-published"}
	hardened    = []string{"hardened"}
)

func imkeScript(options map[string]string) []harness.Action {
	p, err := harness.Lookup("imke")
	if err != nil {
		return nil
	}
	s := harness.DefaultSetup("imke", nil, "hardened")
	s.Options = options
	return p.Honest(s)
}

// dataFields are the tampered fields of a sequenced data message: the
// sequence number is bound into the AEAD data and the MAC (§3.5), and a
// zero one is a decode_error (§3.1).
func dataFields() []fieldRule {
	return []fieldRule{
		{Field: "seq", Reject: []role.AlertClass{role.DecodeError, role.DecryptError, role.BadMAC, role.Replay}},
		{Field: "sealed", Reject: []role.AlertClass{role.DecryptError}},
		{Field: "mac", Reject: []role.AlertClass{role.BadMAC}},
	}
}

func unsequencedFields() []fieldRule {
	return []fieldRule{
		{Field: "sealed", Reject: []role.AlertClass{role.DecryptError}},
		{Field: "mac", Reject: []role.AlertClass{role.BadMAC}},
	}
}

var unexpected = reject(role.UnexpectedMessage)

// staleKeys is the answer to a client–server message replayed after a key
// renewal: it no longer opens under the new keys (§7.1, §8); before one, its
// sequence number is not fresh.
var staleKeys = reject(role.Replay, role.DecryptError, role.BadMAC)

func imkeTable() *protocolTable {
	return &protocolTable{
		Protocol: "imke", Prefix: "IMKE", Script: imkeScript,
		Roles:         []struct{ Party, Name string }{{"S", "server"}, {"alice", "initiator"}, {"bob", "responder"}},
		HonestOptions: []map[string]string{{"relay": "true"}, {"password-storage": "image"}},
		Targets: []target{
			// The server.
			{Msg: "a1", Label: "a1", Party: "S", Clause: "imke.md §3.2, §6.1", Layout: imkeA1,
				Fields: []fieldRule{
					{Field: "ID_A", Reject: []role.AlertClass{role.UnknownPeer}},
					{Field: "enc_kas", Reject: []role.AlertClass{role.DecryptError}},
					{Field: "sealed_proof", Reject: []role.AlertClass{role.DecryptError}},
				},
				// §6.1: a replayed a1 after login only yields a useless a2.
				ReplayedLater: accepted()},
			{Msg: "a1", Label: "a1", Party: "S", Clause: "imke.md §6.1, §11.2 H6", Layout: imkeA1, Variants: hardened, Supplement: true,
				WrongFrom: "bob", WrongSender: reject(role.WrongIdentity)},
			{Msg: "a3", Label: "a3", Party: "S", Clause: "imke.md §3.4, §6.1", Layout: imkeA3,
				Fields:    []fieldRule{{Field: "f3", Reject: []role.AlertClass{role.AuthFailed}, Fatal: true}},
				Replayed:  unexpected,
				WrongFrom: "bob", WrongSender: unexpected, Early: unexpected},
			{Msg: "4.2-peer-request", Label: "4.2", Party: "S", Clause: "imke.md §3.5, §6.2, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay), ReplayedLater: staleKeys,
				WrongFrom: "bob", WrongSender: reject(role.DecryptError, role.BadMAC), Early: unexpected},
			{Msg: "4.2-relay", Label: "4.7 (4.2)", Party: "S", Clause: "imke.md §3.13, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay)},
			{Msg: "4.2-text", Label: "4.2", Nth: 2, Party: "S", Clause: "imke.md §3.5, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay), ReplayedLater: staleKeys},
			{Msg: "4.4", Label: "4.4", Party: "S", Clause: "imke.md §3.6, §7", Layout: imkeUnsequenced, Variants: asPublished,
				Fields: unsequencedFields(),
				// §8: a replay across a renewal fails under the new keys.
				Replayed: reject(role.DecryptError, role.BadMAC)},
			{Msg: "4.4", Label: "4.4", Party: "S", Clause: "imke.md §3.5, §7, §11.2 H5", Layout: imkeData, Variants: hardened,
				Fields: dataFields(), Replayed: staleKeys},

			// The initiator.
			{Msg: "a2", Label: "a2", Party: "alice", Clause: "imke.md §3.3, §5", Layout: imkeA2,
				Fields: []fieldRule{
					{Field: "enc_rs", Reject: []role.AlertClass{role.DecryptError}},
					{Field: "sealed_f2", Reject: []role.AlertClass{role.DecryptError}},
				},
				Replayed: unexpected, WrongFrom: "bob", WrongSender: unexpected, Early: unexpected},
			{Msg: "4.3-login-accepted", Label: "4.3", Party: "alice", Clause: "imke.md §3.5, §5, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay),
				WrongFrom: "bob", WrongSender: unexpected, Early: unexpected},
			{Msg: "b1", Label: "b1", Party: "alice", Clause: "imke.md §3.8, §5", Layout: imkeUnsequenced, Variants: asPublished,
				Fields: unsequencedFields(), WrongFrom: "bob", WrongSender: unexpected, Early: unexpected},
			{Msg: "b1", Label: "b1", Party: "alice", Clause: "imke.md §3.5, §5, §11.2 H3", Layout: imkeData, Variants: hardened,
				Fields: dataFields(), Replayed: reject(role.Replay), ReplayedLater: staleKeys,
				WrongFrom: "bob", WrongSender: unexpected, Early: unexpected},
			{Msg: "c2", Label: "c2", Party: "alice", Clause: "imke.md §3.10, §8", Layout: imkeC2,
				Fields: []fieldRule{
					{Field: "enc_r", Reject: []role.AlertClass{role.DecryptError}},
					{Field: "sealed_f6", Reject: []role.AlertClass{role.DecryptError}},
				},
				Replayed: unexpected, WrongFrom: "S", WrongSender: unexpected, Early: unexpected},
			{Msg: "4.7-direct", Label: "4.7", Party: "alice", Clause: "imke.md §3.12, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay), ReplayedLater: reject(role.Replay),
				WrongFrom: "S", WrongSender: unexpected, Early: unexpected},
			{Msg: "4.3-relayed", Label: "4.7 (4.3)", Party: "alice", Clause: "imke.md §3.13, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay), ReplayedLater: staleKeys},
			{Msg: "4.3-text", Label: "4.3", Nth: 2, Party: "alice", Clause: "imke.md §3.5, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay)},
			{Msg: "4.5", Label: "4.5", Party: "alice", Clause: "imke.md §3.6, §7", Layout: imkeUnsequenced, Variants: asPublished,
				Fields: unsequencedFields(), Replayed: reject(role.DecryptError, role.BadMAC)},
			{Msg: "4.5", Label: "4.5", Party: "alice", Clause: "imke.md §3.5, §7, §11.2 H5", Layout: imkeData, Variants: hardened,
				Fields: dataFields(), Replayed: staleKeys},

			// The responder.
			{Msg: "b2", Label: "b2", Party: "bob", Clause: "imke.md §3.8, §5", Layout: imkeUnsequenced, Variants: asPublished,
				Fields: unsequencedFields(), WrongFrom: "alice", WrongSender: unexpected},
			{Msg: "b2", Label: "b2", Party: "bob", Clause: "imke.md §3.5, §5, §11.2 H3", Layout: imkeData, Variants: hardened,
				Fields: dataFields(), Replayed: reject(role.Replay), WrongFrom: "alice", WrongSender: unexpected},
			{Msg: "c1", Label: "c1", Party: "bob", Clause: "imke.md §3.9, §5, §8", Layout: imkeC1,
				Fields: []fieldRule{
					{Field: "enc_k", Reject: []role.AlertClass{role.DecryptError}},
					{Field: "sealed_ra", Reject: []role.AlertClass{role.DecryptError}},
				},
				// §5, §8: a replayed c1 is answered with a fresh c2.
				ReplayedLater: accepted(), WrongFrom: "S", WrongSender: unexpected, Early: unexpected},
			{Msg: "c3", Label: "c3", Party: "bob", Clause: "imke.md §3.11, §8", Layout: imkeC3,
				Fields:   []fieldRule{{Field: "f7", Reject: []role.AlertClass{role.AuthFailed}}},
				Replayed: unexpected, WrongFrom: "S", WrongSender: unexpected, Early: unexpected},
			{Msg: "4.7-direct-to-responder", Label: "4.7", Party: "bob", Clause: "imke.md §3.12, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay), ReplayedLater: reject(role.Replay)},
			{Msg: "4.3-relayed-to-responder", Label: "4.7 (4.3)", Party: "bob", Clause: "imke.md §3.13, §8", Layout: imkeData,
				Fields: dataFields(), Replayed: reject(role.Replay), ReplayedLater: reject(role.Replay)},
		},
		Reflections: []reflection{
			{Msg: "a1", Label: "a1", Party: "alice", Clause: "imke.md §5, §15", Expect: *unexpected},
			{Msg: "a2", Label: "a2", Party: "S", Clause: "imke.md §6, §15", Expect: *unexpected},
			{Msg: "4.3", Label: "4.3", Party: "S", Clause: "imke.md §6, §15", Expect: *unexpected},
			{Msg: "4.2", Label: "4.2", Party: "alice", Clause: "imke.md §5, §15", Expect: *unexpected},
			{Msg: "c1", Label: "c1", Party: "alice", Clause: "imke.md §3.9, §15", Expect: Outcome{Reject: []role.AlertClass{role.DecryptError, role.UnexpectedMessage}}},
			// §11.2 H4: hardened 4.7 binds sender and receiver.
			{Msg: "4.7", Label: "4.7", Party: "alice", Clause: "imke.md §3.12, §11.2 H4", Variants: hardened,
				Expect: Outcome{Reject: []role.AlertClass{role.DecryptError, role.BadMAC}}},
		},
		Extra: imkeExtra,
		States: &stateRules{
			Clause:      "imke.md §3.13, §5, §6, §7, §15",
			Follows:     imkeFollows,
			ServerNever: []string{"a2", "4.3", "4.5", "b1", "b2", "c1", "c2", "c3", "4.7", "4.7 (4.3)"},
			ClientNever: []string{"a1", "a3", "4.2", "4.4", "4.7 (4.2)"},
		},
		Probe: imkeProbe,
	}
}

// imkeFollows is the order IMKE's keys and handshakes impose (§5, §6, §7,
// §3.13). At the server: a3 needs its a1 (a pending attempt); every later
// message of a user needs the user's login (K_AS) and any renewal before it
// (the keys changed); the first peer request and a relay need the peer
// logged in (unknown_peer). At a client: every message from S needs a2
// (K_AS) and any renewal before it; a 4.3 needs login-accepted (hardened:
// every server message is a 4.3); the initiator takes c2 only after b1 (it
// sent c1), a 4.7 only after c2; the responder takes c1 only after b2 (it
// needs KU_A), c3 and 4.7 only after c1.
func imkeFollows(party, variant string, rs []received, j int) []int {
	m := rs[j]
	var deps []int
	firstOf := func(label, from string) int {
		for i := 0; i < j; i++ {
			if rs[i].Label == label && (from == "" || rs[i].From == from) {
				return i
			}
		}
		return -1
	}
	add := func(i int) {
		if i >= 0 {
			deps = append(deps, i)
		}
	}
	if party == defaultServer {
		for i := 0; i < j; i++ {
			r := rs[i]
			switch {
			case m.Label == "a1":
			case m.Label == "a3":
				if r.Label == "a1" && r.From == m.From {
					add(i)
				}
			case r.From == m.From && (r.Label == "a1" || r.Label == "a3" || r.Label == "4.4"):
				add(i)
			case r.From != m.From && (r.Label == "a1" || r.Label == "a3") &&
				(m.Label == "4.7 (4.2)" || m.Label == "4.2" && firstOf("4.2", m.From) < 0):
				add(i)
			}
		}
		return deps
	}
	initiator := party == "alice"
	switch {
	case m.From == defaultServer:
		for i := 0; i < j; i++ {
			if rs[i].From == defaultServer && (rs[i].Label == "a2" || rs[i].Label == "4.5") {
				add(i)
			}
		}
		if variant == "hardened" || m.Label == "4.3" || m.Label == "4.7 (4.3)" {
			add(firstOf("4.3", defaultServer))
		}
		if m.Label == "4.7 (4.3)" {
			if initiator {
				add(firstOf("c2", ""))
			} else {
				add(firstOf("c1", ""))
			}
		}
	case initiator && m.Label == "c2":
		add(firstOf("b1", defaultServer))
	case initiator && m.Label == "4.7":
		add(firstOf("c2", m.From))
	case !initiator && m.Label == "c1":
		add(firstOf("b2", defaultServer))
	case !initiator && (m.Label == "c3" || m.Label == "4.7"):
		add(firstOf("c1", m.From))
	}
	return deps
}

// imkeProbe: after the run, a user and the server still exchange 4.2/4.3
// and the users 4.7 (§6.2, §3.12).
func imkeProbe(party string) []Step {
	send := func(from, to string, relay bool) *harness.Action {
		return &harness.Action{Party: from, Verb: harness.Send, Peer: to, Body: []byte("probe from " + from), Relay: relay}
	}
	accepted := func(by, from string) EventPattern {
		return EventPattern{Kind: role.MessageAccepted, Role: by, Peer: from, Body: []byte("probe from " + from)}
	}
	switch party {
	case defaultServer:
		return []Step{
			{Act: send("alice", "S", false), Events: []EventPattern{accepted("S", "alice")}},
			{Act: send("S", "alice", false), RefEvents: []EventPattern{accepted("alice", "S")}},
			{Act: send("alice", "bob", true), RefEvents: []EventPattern{accepted("bob", "alice")}},
		}
	case "alice":
		return []Step{
			{Act: send("bob", "alice", false), Events: []EventPattern{accepted("alice", "bob")}},
			{Act: send("alice", "S", false), RefEvents: []EventPattern{accepted("S", "alice")}},
		}
	default:
		return []Step{
			{Act: send("alice", "bob", false), Events: []EventPattern{accepted("bob", "alice")}},
			{Act: send("bob", "S", false), RefEvents: []EventPattern{accepted("S", "bob")}},
		}
	}
}

// imkeExtra are the cases against misbehaving servers, made with the
// reference server's testing-only options.
func imkeExtra() []Case {
	script := imkeScript(nil)
	rogue := func(defect string) map[string]string { return map[string]string{"testing-only-defect": defect} }
	// §11.1 unknown-key share, §11.2 H1: insider eve passes alice's c1 to
	// bob as her own; the hardened c1 names (alice, bob) inside.
	uks := append([]Step{{Act: &harness.Action{Party: "eve", Verb: harness.Login}}}, actSteps(script)...)
	uks = append(uks, Step{Act: &harness.Action{Party: "eve", Verb: harness.Connect, Peer: "bob"}})
	var refuse []Case
	// A client does not ask for its own key or the server's as a peer's
	// (§5 Peer request); the run then goes on.
	for _, peer := range []string{"alice", defaultServer} {
		what := map[string]string{"alice": "itself", defaultServer: "the-server"}[peer]
		steps := actSteps(script[:2])
		steps = append(steps, Step{Act: &harness.Action{Party: "alice", Verb: harness.Connect, Peer: peer}, Refuse: anyAlert()})
		refuse = append(refuse, Case{ID: "IMKE/4.2-peer-request/no-request-for-" + what, Clause: "imke.md §5 (Peer request)",
			Protocol: "imke", Party: "alice",
			Summary: "the client refuses to ask S for " + strings.ReplaceAll(what, "-", " ") + " as a peer; the run then goes on",
			Steps:   append(steps, actSteps(script[2:])...), Events: expectedEvents(script, "alice", defaultServer)})
	}
	// §7.3: both sides start a renewal at once (S's start is held back
	// until alice has sent hers). As published each takes the other's
	// start as the answer; hardened the server wins: S refuses alice's
	// start and alice answers S's as the responder. Either way both end
	// with the same new keys.
	for _, v := range []struct {
		variant string
		refuse  []role.AlertClass
		how     string
	}{{"as-published", nil, "each takes the other's start as the answer"},
		{"hardened", classes(role.UnexpectedMessage), "the server wins: S refuses alice's start (unexpected_message) and alice answers S's"}} {
		steps := actSteps(script[:2])
		steps = append(steps,
			Step{Act: &harness.Action{Party: defaultServer, Verb: harness.Renew, Peer: "alice"}, Intercept: &Intercept{Label: "4.5", Mode: Hold}},
			Step{Act: &harness.Action{Party: "alice", Verb: harness.Renew, Peer: defaultServer}, RefRejects: v.refuse,
				Events:    []EventPattern{{Kind: role.KeysRenewed, Peer: defaultServer}},
				RefEvents: []EventPattern{{Kind: role.KeysRenewed, Role: defaultServer, Peer: "alice"}}})
		// Under the new keys, a message each way.
		toS := &harness.Action{Party: "alice", Verb: harness.Send, Peer: defaultServer, Body: []byte("after the renewal")}
		toA := &harness.Action{Party: defaultServer, Verb: harness.Send, Peer: "alice", Body: []byte("after the renewal")}
		steps = append(steps,
			Step{Act: toS, RefEvents: []EventPattern{{Kind: role.MessageAccepted, Role: defaultServer, Peer: "alice", Body: toS.Body}}},
			Step{Act: toA, Events: []EventPattern{{Kind: role.MessageAccepted, Peer: defaultServer, Body: toA.Body}}})
		refuse = append(refuse, Case{ID: "IMKE/4.4/simultaneous-start", Clause: "imke.md §7.3", Protocol: "imke", Party: "alice",
			Variants: []string{v.variant},
			Summary:  "alice and S start a key renewal at once: " + v.how + "; both then use the same new keys",
			Steps:    steps})
	}
	refuse = append(refuse, imkeWrongPassword(), imkeServerSentIndex(), imkeServerHolds())
	return append(refuse, []Case{
		{ID: "IMKE/c1/passed-off-by-insider", Clause: "imke.md §3.9, §11.1, §11.2 H1", Protocol: "imke", Party: "bob",
			Variants: hardened, Users: []string{"alice", "bob", "eve"},
			Summary:   "insider eve passes alice's c1 to bob as her own (unknown-key share): wrong_identity",
			Steps:     uks,
			Intercept: &Intercept{Label: "c1", Nth: 2, Substitute: "c1", Expect: Outcome{Reject: classes(role.WrongIdentity)}, Resume: true}},
		{ID: "IMKE/a2/impostor-server", Clause: "imke.md §5 (a2), §15", Protocol: "imke", Party: "alice",
			Summary:    "a server that does not know P_A sends an a2 with a wrong f2: the client disconnects (auth_failed) and refuses the a2 again (unexpected_message)",
			RefOptions: rogue("imke-rogue-wrong-f2"), Steps: actSteps(script),
			Intercept: &Intercept{Label: "a2", Expect: Outcome{Reject: classes(role.AuthFailed)}, Gone: unexpected}},
		{ID: "IMKE/a2/impostor-server-then-login-again", Clause: "imke.md §5 (a2, Login after a disconnect)", Protocol: "imke", Party: "alice",
			Summary:    "after disconnecting from a server with a wrong f2, the client may log in again: it sends a new a1 (and disconnects again from the same impostor)",
			RefOptions: rogue("imke-rogue-wrong-f2"),
			Steps: []Step{
				{Act: &harness.Action{Party: "alice", Verb: harness.Login}, Intercept: &Intercept{Label: "a2", Mode: Judge, Expect: Outcome{Reject: classes(role.AuthFailed)}}},
				{Act: &harness.Action{Party: "alice", Verb: harness.Login}, Intercept: &Intercept{Label: "a2", Mode: Judge, Expect: Outcome{Reject: classes(role.AuthFailed)}},
					Events: []EventPattern{{Kind: role.LoginStarted}}},
			}},
		{ID: "IMKE/4.3-relayed-to-responder/relayed-twice", Clause: "imke.md §3.13, §8", Protocol: "imke", Party: "bob",
			Summary:    "a malicious server relays alice's 4.7 a second time under a fresh 4.3: its sequence number is a replay",
			RefOptions: rogue("imke-rogue-re-relay"), Steps: actSteps(script),
			Intercept: &Intercept{Label: "4.7 (4.3) again", Expect: Outcome{Reject: classes(role.Replay)}}},
		{ID: "IMKE/4.3-relayed/relayed-twice", Clause: "imke.md §3.13, §8", Protocol: "imke", Party: "alice",
			Summary:    "a malicious server relays bob's 4.7 a second time under a fresh 4.3: its sequence number is a replay",
			RefOptions: rogue("imke-rogue-re-relay"), Steps: actSteps(script),
			Intercept: &Intercept{Label: "4.7 (4.3) again", Expect: Outcome{Reject: classes(role.Replay)}}},
	}...)
}

func init() { topics = append(topics, imkeTable().generate, serverNamedOtherwise) }
