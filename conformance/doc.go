// Package conformance is imcheck's conformance gate (docs/conformance.md): it drives an
// implementation under test (the IUT) of SIMP or IMKE through a catalogue of
// honest and adversarial cases and reports a verdict per case, in formats
// that CI systems read.
//
// It owns:
//   - the IUT abstraction (iut.go): an in-process Go interface; the
//     reference implementation behind impl/harness is the first IUT
//     (Builtin);
//   - the out-of-process shim protocol of docs/spec/shim.md (shimproto.go,
//     shimclient.go, shimserver.go): JSON lines over a subprocess's stdin and
//     stdout, a capability query, exit status 89 for "unimplemented", and
//     the optional restart feature (snapshot, restart: shim.md §3.6);
//   - the case model (case.go) and the catalogue, one topic file per message
//     family (catalogue_*.go), each row a declarative table entry naming the
//     profile clause it tests (docs/spec/simp.md, docs/spec/imke.md,
//     docs/spec/wire.md) and the expected outcome: events the IUT must emit,
//     or the alert class with which it must reject;
//   - the gate's own network (network.go), which runs reference parties
//     around the IUT party and tampers, truncates, replays, reflects and
//     reorders the messages sent to it;
//   - the runner (runner.go): selection by glob, protocol, role, suite and
//     variant, a per-case timeout, verdicts pass, fail, unsupported,
//     disabled, xfail and xpass, a config file of disabled cases and
//     expected failures (config.go: parsed strictly, every error placed at
//     FILE:LINE:COL, read within the caller's context and 1 MiB), a
//     context that stops the run and the shims' starts
//     (ShimFactoryContext), and JSON and JUnit reports (report.go);
//   - the state cases (states.go), generated from each role's state
//     machine: in every state, every later message that must follow and
//     every foreign message type, then the genuine message and the run;
//   - the restart cases (catalogue_restart.go, simp.md §14): the IUT's
//     party restarted, from its state now or a stale one, keeps what the
//     profile says survives;
//   - the hostile users (catalogue_hostile.go): a dishonest insider with
//     valid credentials drives the server under test;
//   - the transcript invariants (invariants.go), checked on every case:
//     well-formed messages, key indices and sequence numbers per key and
//     direction, one nonce per key;
//   - the limits on what a shim may make the gate hold or wait for
//     (limits.go; docs/limits.md, section "Gate");
//   - the cases of the adversary's attacks, in the subpackage attacks
//     (PROTOCOL/attack/ID; docs/adversary.md): every attack the profile's
//     H-table says the hardened variant stops at a party's check runs its
//     script on the adversary's network with reference parties around the
//     IUT as that party, which must reject the declared message with the
//     declared alert, and the attack must not reach its goal. It imports
//     this package and registers its cases with RegisterCases when
//     imported (cmd/imcheck imports it): the catalogue of this package
//     alone has no attack cases;
//   - deliberately broken IUTs (mutants.go), with which the gate tests
//     itself: each must fail at least one case; and, in the subpackage
//     mutation, the gate as the test command of a mutation-testing tool
//     (make mutation).
//
// Like BoringSSL's BoGo runner, the expectations are written from the
// profiles, not from what the reference implementation happens to do.
package conformance
