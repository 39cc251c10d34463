package conformance

import (
	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// The SIMP restart cases (simp.md §14 "State that survives a restart"):
// the gate restarts the IUT's party (shim.md §3.6) and checks that what it
// kept is what the profile says: S keeps each user's V_A, SK_AS with its
// index state and (hardened, H9) every accepted n1; a user keeps V_A and
// SK_AS with its index state. Logins end with the process. Each case runs
// only for an IUT that advertises FeatureRestart.

func init() { topics = append(topics, simpRestart) }

// fastSuites are the suites whose key pairs are cheap to draw.
var fastSuites = []string{"modern", "pq"}

func simpRestart() []Case {
	script := simpScript(nil)
	if len(script) < 5 {
		return nil
	}
	act := func(party string, v harness.Verb, peer string) *harness.Action {
		return &harness.Action{Party: party, Verb: v, Peer: peer}
	}
	loginAccepted := func(user string) []EventPattern {
		return []EventPattern{{Kind: role.LoginAccepted, Role: user, Peer: defaultServer}}
	}
	restart := Step{Restart: &Restart{}}
	register := []Step{{Act: act("alice", harness.Register, "")}, {Act: act("bob", harness.Register, "")}}
	// The server's side: both users log in again after each restart, and
	// their logins reach S.
	relogin := []Step{
		{Act: act("alice", harness.Login, ""), RefEvents: loginAccepted("alice")},
		{Act: act("bob", harness.Login, ""), RefEvents: loginAccepted("bob")},
	}
	honestRest := actSteps(script[4:]) // after the registrations and logins: connect, a message each way
	steps := func(parts ...[]Step) []Step {
		var out []Step
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	var out []Case
	out = append(out, Case{ID: "SIMP/restart/server-users-log-in-again", Clause: "simp.md §14, §6", Protocol: "simp", Party: "S",
		Summary:    "S restarted after the registrations and again after a session: the users log in again, exchange keys, and no key of SK_AS is used twice",
		Steps:      steps(register, []Step{restart}, relogin, honestRest, []Step{restart}, relogin, simpProbe(defaultServer)),
		UniqueKeys: true})
	// Hardened (H2, H9): the index state and the n1 cache survive, so the
	// L1 of the first login is still a replay.
	out = append(out, Case{ID: "SIMP/restart/server-l1-replayed", Clause: "simp.md §14, §6, §10 H2 H9", Protocol: "simp", Party: "S",
		Variants: hardened,
		Summary:  "an L1 accepted before S restarted is a replay after it",
		Steps: steps(register, relogin, []Step{restart,
			{Inject: &Inject{Source: FromLog, Label: "L1", Nth: 1, Expect: Outcome{Reject: classes(role.Replay)}}}},
			relogin, simpProbe(defaultServer)),
		UniqueKeys: true})
	// As published (W1): S tracks no index or nonce, before a restart or
	// after it; the replayed L1 logs alice in again.
	out = append(out, Case{ID: "SIMP/restart/server-l1-replayed", Clause: "simp.md §14, §10 W1", Protocol: "simp", Party: "S",
		Variants: asPublished,
		Summary:  "as published, an L1 accepted before S restarted is accepted again after it (W1)",
		Steps: steps(register, relogin, []Step{restart,
			{Inject: &Inject{Source: FromLog, Label: "L1", Nth: 1, Expect: Outcome{Events: []EventPattern{{Kind: role.LoginAccepted, Peer: "alice"}}}}}},
			relogin, simpProbe(defaultServer))})

	// The client's side.
	login := Step{Act: act("alice", harness.Login, ""), Events: []EventPattern{{Kind: role.LoginAccepted, Peer: defaultServer}}}
	peers := []Step{{Act: act("bob", harness.Register, "")}, {Act: act("bob", harness.Login, "")}}
	out = append(out, Case{ID: "SIMP/restart/client-logs-in-again", Clause: "simp.md §14, §6", Protocol: "simp", Party: "alice",
		Summary: "alice restarted after registering and again after a session logs in again with the state she kept, exchanges keys, and uses no key of SK_AS twice",
		Steps: steps([]Step{{Act: act("alice", harness.Register, "")}, restart, login}, peers, honestRest,
			[]Step{restart, login}, simpProbe("alice")),
		UniqueKeys: true})
	// A stale state: alice is restarted from what she kept after her first
	// login, behind S's index state (docs/serve.md §5 "SIMP L1 with a stale
	// key index"). Hardened, S refuses the L1 as a replay; her next login
	// moves past S's index and goes on.
	stale := []Step{{Act: act("alice", harness.Register, "")}, login, {Restart: &Restart{Keep: "first login"}},
		restart, login, {Restart: &Restart{From: "first login"}}}
	out = append(out, Case{ID: "SIMP/restart/client-stale-state", Clause: "simp.md §14, §6, §10 H2", Protocol: "simp", Party: "alice",
		Variants: hardened,
		Summary:  "alice restarted from a state kept before a later login sends an L1 S refuses (replay); her next login succeeds",
		Steps: steps(stale, []Step{
			{Act: act("alice", harness.Login, ""), RefRejects: classes(role.Replay, role.BadIndex), Absent: []role.EventKind{role.LoginAccepted}},
			login}, peers, simpProbe("alice"))})
	// As published (W1) S accepts any index: the stale login succeeds.
	out = append(out, Case{ID: "SIMP/restart/client-stale-state", Clause: "simp.md §14, §6, §10 W1", Protocol: "simp", Party: "alice",
		Variants: asPublished,
		Summary:  "as published, alice restarted from a state kept before a later login logs in again (S takes any index, W1)",
		Steps:    steps(stale, []Step{login}, peers, simpProbe("alice"))})
	// SK_AS used up (m = 8, simp.md §4): hardened, four logins use its
	// odd and even indices to the last (S's last sent and the user's last
	// received is m); as published, eight take next to m + 1. The index
	// state at its bound survives the restart: the user's next login is
	// refused (keys_exhausted), S takes the last L1 as a replay (hardened)
	// or, as published, again (W1), and bob's login goes on. The index
	// bound does not depend on the suite; the classic suite, whose every
	// login draws a fresh RSA key pair, is left out to keep the gate fast.
	usedUp := func(variant string, logins int) []Case {
		var used []Step
		for range logins {
			used = append(used, Step{Act: act("alice", harness.Login, "")})
		}
		opts := map[string]string{"m": "8"}
		last := Outcome{Reject: classes(role.Replay)}
		clause := "simp.md §14, §4, §6, §10 H2"
		if variant == "as-published" {
			last, clause = Outcome{Events: []EventPattern{{Kind: role.LoginAccepted, Peer: "alice"}}}, "simp.md §14, §4, §6, §10 W1"
		}
		return []Case{
			{ID: "SIMP/restart/server-key-set-used-up", Clause: clause, Protocol: "simp", Party: "S",
				Variants: []string{variant}, Suites: fastSuites, Options: opts,
				Summary: "S restarted once alice's SK_AS is used up keeps its index state at the bound: her last L1 is judged as before, and bob logs in",
				Steps: steps(register, used, []Step{restart,
					{Inject: &Inject{Source: FromLog, Label: "L1", Expect: last}},
					{Act: act("bob", harness.Login, ""), RefEvents: loginAccepted("bob")}})},
			{ID: "SIMP/restart/client-key-set-used-up", Clause: clause, Protocol: "simp", Party: "alice",
				Variants: []string{variant}, Suites: fastSuites, Options: opts,
				Summary: "alice restarted once her SK_AS is used up keeps her index state at the bound: she refuses to log in again (keys_exhausted)",
				Steps: steps([]Step{{Act: act("alice", harness.Register, "")}}, used, []Step{restart,
					{Act: act("alice", harness.Login, ""), Refuse: classes(role.KeysExhausted)}})},
		}
	}
	out = append(out, usedUp("hardened", 4)...)
	out = append(out, usedUp("as-published", 8)...)
	return out
}
