package conformance

import (
	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// Hostile users: a dishonest user, eve, with her own valid credentials,
// drives the server under test with the requests an honest client refuses
// to make (her reference client runs with the testing-only option
// "simp-hostile-user" or "imke-hostile-user"): key requests about herself,
// the server and strangers, and (IMKE) relays of any type to anyone. Each
// is answered as the profile says, and the run of the honest users goes on
// (the probe).

// hostile is one hostile request: eve's action and the server's answer to
// the message it causes.
type hostile struct {
	what, summary, clause string
	act                   harness.Action
	label                 string
	expect                []role.AlertClass
}

func hostileCases(protocol, prefix, option string, script []harness.Action, probe []Step, events []EventPattern, hs []hostile) []Case {
	var out []Case
	for _, h := range hs {
		a := h.act
		steps := append(actSteps(script), Step{Act: &a,
			Intercept: &Intercept{Label: h.label, Mode: Judge, Expect: Outcome{Reject: h.expect}}})
		out = append(out, Case{
			ID: prefix + "/" + h.what, Clause: h.clause, Protocol: protocol, Party: defaultServer,
			Users: []string{"alice", "bob", "eve"}, RefOptions: map[string]string{DefectOption: option},
			Summary: "dishonest eve, logged in with her own password, " + h.summary + ": rejected (" + classList(h.expect) +
				"); the honest users' next steps still go through",
			Steps:  append(steps, probe...),
			Events: events,
		})
	}
	return out
}

func simpHostile() []Case {
	script := simpInsiderScript()
	if script == nil {
		return nil
	}
	probe, probeEvents := simpTable().probe(defaultServer)
	events := append(expectedEvents(script, defaultServer, defaultServer), probeEvents...)
	connect := func(peer string) harness.Action {
		return harness.Action{Party: "eve", Verb: harness.Connect, Peer: peer}
	}
	return hostileCases("simp", "SIMP/E1", "simp-hostile-user", script, probe, events, []hostile{
		{what: "hostile-user-asks-for-herself", summary: "asks S for her own key (E1 with ID_B = ID_A)",
			clause: "simp.md §5 Key exchange", act: connect("eve"), label: "E1", expect: classes(role.WrongIdentity)},
		{what: "hostile-user-asks-for-the-server", summary: "asks S for the server's own key (ID_B = S)",
			clause: "simp.md §5 Key exchange", act: connect(defaultServer), label: "E1", expect: classes(role.UnknownPeer)},
		{what: "hostile-user-asks-for-a-stranger", summary: "asks S for an identity nobody registered",
			clause: "simp.md §5 Key exchange", act: connect("mallory"), label: "E1", expect: classes(role.UnknownPeer)},
	})
}

// imkeHostileSetup is the IMKE server's setup for hostile cases: eve logs
// in first, then the honest run; the server probe follows.
func imkeHostileSetup() (script []harness.Action, probe []Step, events []EventPattern) {
	base := imkeScript(nil)
	if base == nil {
		return nil, nil, nil
	}
	script = append([]harness.Action{{Party: "eve", Verb: harness.Login}}, base...)
	probe, probeEvents := imkeTable().probe(defaultServer)
	return script, probe, append(expectedEvents(script, defaultServer, defaultServer), probeEvents...)
}

func imkeHostile() []Case {
	script, probe, events := imkeHostileSetup()
	if script == nil {
		return nil
	}
	connect := func(peer string) harness.Action {
		return harness.Action{Party: "eve", Verb: harness.Connect, Peer: peer}
	}
	relay := func(peer string, inner byte) harness.Action {
		// An inner message with a valid header of the given type; S
		// cannot read what follows it (imke.md §3.13).
		return harness.Action{Party: "eve", Verb: harness.Send, Peer: peer, Relay: true, Body: []byte{inner, 1, 0, 0, 0xde, 0xad}}
	}
	requests := hostileCases("imke", "IMKE/4.2-peer-request", "imke-hostile-user", script, probe, events, []hostile{
		{what: "hostile-user-asks-for-herself", summary: "asks S for her own public key",
			clause: "imke.md §6.2, §16 #20", act: connect("eve"), label: "4.2", expect: classes(role.UnknownPeer, role.WrongIdentity)},
		{what: "hostile-user-asks-for-the-server", summary: "asks S for the server's key as a peer's",
			clause: "imke.md §6.2, §16 #20", act: connect(defaultServer), label: "4.2", expect: classes(role.UnknownPeer)},
		{what: "hostile-user-asks-for-a-stranger", summary: "asks S for the key of a user who is not logged in",
			clause: "imke.md §6.2, §16 #20", act: connect("mallory"), label: "4.2", expect: classes(role.UnknownPeer)},
	})
	return append(requests, hostileCases("imke", "IMKE/4.2-relay", "imke-hostile-user", script, probe, events, []hostile{
		{what: "hostile-user-relays-a-login-message", summary: "asks S to relay an a1 to bob",
			clause: "imke.md §3.13", act: relay("bob", 0x20), label: "relay (4.2)", expect: classes(role.UnexpectedMessage)},
		{what: "hostile-user-relays-server-data", summary: "asks S to relay a 4.3 to bob",
			clause: "imke.md §3.13", act: relay("bob", 0x24), label: "relay (4.2)", expect: classes(role.UnexpectedMessage)},
		{what: "hostile-user-relays-to-a-stranger", summary: "asks S to relay a c1 to a user who is not logged in",
			clause: "imke.md §3.13", act: relay("mallory", 0x28), label: "relay (4.2)", expect: classes(role.UnknownPeer)},
		{what: "hostile-user-relays-to-herself", summary: "asks S to relay a c1 back to herself",
			clause: "imke.md §3.13, §16 #20", act: relay("eve", 0x28), label: "relay (4.2)", expect: classes(role.UnknownPeer, role.WrongIdentity)},
	})...)
}

func init() {
	topics = append(topics, simpHostile, imkeHostile)
}
