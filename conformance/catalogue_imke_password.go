package conformance

import (
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// imkeWrongPassword is the server's f1 check (imke.md §6.1): an a1 whose
// f1 is not computed from the credential S holds for the user is the
// paper's "disconnects": auth_failed, the attempt forgotten, and an
// accepted session of the same user untouched. The wrong a1 comes from a
// reference client of the same user provisioned with the other password
// storage (§4: its credential is then the image of P_A where S holds P_A,
// or the reverse), so that it knows K_AS and KU_S but not the credential.
func imkeWrongPassword() Case {
	return Case{ID: "IMKE/a1/wrong-password", Clause: "imke.md §6.1", Protocol: "imke", Party: defaultServer,
		Summary: "an a1 whose f1 is not the user's credential is refused (auth_failed) with no attempt open, with one open (its a3 is then unexpected_message) " +
			"and with the user logged in (whose session goes on); the user then logs in",
		Custom: runWrongPassword}
}

func runWrongPassword(run *CustomRun) error {
	p, err := harness.Lookup("imke")
	if err != nil {
		return err
	}
	setup := run.Setup
	ref, err := p.NewParties(setup)
	if err != nil {
		return err
	}
	wrong := setup
	wrong.Options = map[string]string{}
	for k, v := range setup.Options {
		wrong.Options[k] = v
	}
	if setup.Options["password-storage"] == "image" {
		wrong.Options["password-storage"] = "password"
	} else {
		wrong.Options["password-storage"] = "image"
	}
	impostor := func(user string) (harness.Party, error) { return p.NewParty(wrong, user) }
	iut := run.Party
	deliver := func(msgs []role.Message) ([]role.Event, error) {
		events, _, err := deliverAround(run, ref, msgs)
		return events, err
	}
	// wrongA1 sends user's a1 with a wrong f1 and expects auth_failed.
	wrongA1 := func(user, when string) error {
		q, err := impostor(user)
		if err != nil {
			return err
		}
		out, err := q.Act(harness.Action{Party: user, Verb: harness.Login})
		if err != nil || len(out.Messages) != 1 {
			return fmt.Errorf("conformance: the impostor's login: %v", err)
		}
		_, err = iut.Handle(user, out.Messages[0].Bytes)
		switch {
		case iutFailure(err):
			return err
		case role.ClassOf(err) != role.AuthFailed:
			return Failf("%s: the a1 of %s with a wrong f1 was answered %s, want auth_failed", when, user, answerOf(err))
		}
		run.Logf("%s: %s's a1 with a wrong f1: auth_failed", when, user)
		return nil
	}
	login := func(user string) error {
		out, err := ref[user].Act(harness.Action{Party: user, Verb: harness.Login})
		if err != nil {
			return err
		}
		events, err := deliver(out.Messages)
		if iutFailure(err) {
			return err
		}
		if err != nil || !hasEvent(events, role.LoginAccepted, user) {
			return Failf("%s's genuine login was not accepted (%s)", user, answerOf(err))
		}
		return nil
	}

	// No attempt open.
	if err := wrongA1("alice", "before any login"); err != nil {
		return err
	}
	// The user then logs in.
	if err := login("alice"); err != nil {
		return err
	}
	// With the user logged in: its session goes on.
	if err := wrongA1("alice", "with alice logged in"); err != nil {
		return err
	}
	body := []byte("still logged in")
	out, err := ref["alice"].Act(harness.Action{Party: "alice", Verb: harness.Send, Peer: run.Name, Body: body})
	if err != nil {
		return err
	}
	events, err := deliver(out.Messages)
	if iutFailure(err) {
		return err
	}
	if err != nil || !hasEvent(events, role.MessageAccepted, "alice") {
		return Failf("after a wrong a1, alice's session did not go on: her 4.2 was answered %s", answerOf(err))
	}
	// With an attempt open: it is forgotten, its a3 refused.
	out, err = ref["bob"].Act(harness.Action{Party: "bob", Verb: harness.Login})
	if err != nil || len(out.Messages) != 1 {
		return fmt.Errorf("conformance: bob's login: %v", err)
	}
	a2, err := iut.Handle("bob", out.Messages[0].Bytes)
	if iutFailure(err) {
		return err
	}
	if err != nil || len(a2.Messages) != 1 {
		return Failf("bob's genuine a1 was answered %s, want an a2", answerOf(err))
	}
	if err := wrongA1("bob", "with bob's attempt open"); err != nil {
		return err
	}
	a3, err := ref["bob"].Handle(run.Name, a2.Messages[0].Bytes)
	if err != nil || len(a3.Messages) != 1 {
		return fmt.Errorf("conformance: bob's a3: %v", err)
	}
	_, err = iut.Handle("bob", a3.Messages[0].Bytes)
	if iutFailure(err) {
		return err
	}
	if role.ClassOf(err) != role.UnexpectedMessage {
		return Failf("the a3 of bob's attempt, forgotten after a wrong a1, was answered %s, want unexpected_message", answerOf(err))
	}
	return nil
}

func hasEvent(events []role.Event, kind role.EventKind, peer string) bool {
	for _, e := range events {
		if e.Kind == kind && e.Peer == peer {
			return true
		}
	}
	return false
}

// answerOf names an answer: "accepted" or the alert.
func answerOf(err error) string {
	if err == nil {
		return "accepted"
	}
	if c := role.ClassOf(err); c != 0 {
		return c.String()
	}
	return err.Error()
}

// deliverAround hands msgs to their recipients, the IUT (run.Name) or the
// reference parties ref, and what they answer, until the network is quiet.
// It returns the IUT's events, the reference parties' events, and the
// first alert or error.
func deliverAround(run *CustomRun, ref map[string]harness.Party, msgs []role.Message) (iutEvents, refEvents []role.Event, err error) {
	for len(msgs) > 0 {
		m := msgs[0]
		msgs = msgs[1:]
		var out role.Output
		if m.To == run.Name {
			out, err = run.Party.Handle(m.From, m.Bytes)
			iutEvents = append(iutEvents, out.Events...)
		} else if q := ref[m.To]; q != nil {
			out, err = q.Handle(m.From, m.Bytes)
			refEvents = append(refEvents, out.Events...)
		} else {
			return iutEvents, refEvents, Failf("the IUT sent %s to %q, who is not in the case", m.Label, m.To)
		}
		if err != nil {
			return iutEvents, refEvents, err
		}
		msgs = append(msgs, out.Messages...)
	}
	return iutEvents, refEvents, nil
}

// iutFailure: err is the IUT's failure (not an alert), which a Custom case
// returns as it is.
func iutFailure(err error) bool {
	var ie *IUTError
	return errors.As(err, &ie) || errors.Is(err, ErrUnsupported)
}

// imkeServerSentIndex: the index of S's message-sent event for a text it
// sends a user (4.3, imke.md §6.2) is the sequence number the 4.3 carries
// (shim.md §4, "message-sent": the index the body was protected under),
// which the user's reference client reads when it accepts it.
func imkeServerSentIndex() Case {
	return Case{ID: "IMKE/4.3-text/message-sent-index", Clause: "imke.md §6.2, shim.md §4", Protocol: "imke", Party: defaultServer,
		Summary: "S sends alice a text after her login: its message-sent event names the sequence number alice accepts the 4.3 under",
		Custom:  runServerSentIndex}
}

func runServerSentIndex(run *CustomRun) error {
	p, err := harness.Lookup("imke")
	if err != nil {
		return err
	}
	ref, err := p.NewParties(run.Setup)
	if err != nil {
		return err
	}
	out, err := ref["alice"].Act(harness.Action{Party: "alice", Verb: harness.Login})
	if err != nil {
		return err
	}
	if _, _, err := deliverAround(run, ref, out.Messages); err != nil {
		if iutFailure(err) {
			return err
		}
		return Failf("alice's login was answered %s", answerOf(err))
	}
	for _, body := range []string{"first text", "second text"} {
		out, err := run.Party.Act(harness.Action{Party: run.Name, Verb: harness.Send, Peer: "alice", Body: []byte(body)})
		if err != nil {
			if iutFailure(err) {
				return err
			}
			return Failf("S refused to send alice a text after her login: %s", answerOf(err))
		}
		_, refEvents, err := deliverAround(run, ref, out.Messages)
		if iutFailure(err) {
			return err
		}
		var got, sent *role.Event
		for i, e := range refEvents {
			if e.Kind == role.MessageAccepted && e.Peer == run.Name && string(e.Body) == body {
				got = &refEvents[i]
			}
		}
		for i, e := range out.Events {
			if e.Kind == role.MessageSent && e.Peer == "alice" && string(e.Body) == body {
				sent = &out.Events[i]
			}
		}
		switch {
		case err != nil || got == nil:
			return Failf("alice did not accept S's text %q (%s)", body, answerOf(err))
		case sent == nil:
			return Failf("S emitted no message-sent event for its text %q to alice", body)
		case sent.Index != got.Index:
			return Failf("S's message-sent event for %q names index %d; the 4.3 carried sequence number %d", body, sent.Index, got.Index)
		}
		run.Logf("S sent %q under %d", body, sent.Index)
	}
	return nil
}

// imkeServerHolds is the stop-sending rule at the server (imke.md §7.2): a
// server that started a renewal with A holds what it would send A and
// releases it, under the new keys, in order, once A's answer arrives.
func imkeServerHolds() Case {
	return Case{ID: "IMKE/4.5/server-holds-while-renewing", Clause: "imke.md §7.2", Protocol: "imke", Party: defaultServer,
		Summary: "S starts a key renewal with alice and sends her two texts before her answer: it sends nothing meanwhile, then both, in order, under the new keys",
		Custom:  runServerHolds}
}

func runServerHolds(run *CustomRun) error {
	p, err := harness.Lookup("imke")
	if err != nil {
		return err
	}
	ref, err := p.NewParties(run.Setup)
	if err != nil {
		return err
	}
	act := func(a harness.Action) (role.Output, error) {
		out, err := run.Party.Act(a)
		if err != nil && !iutFailure(err) {
			return out, Failf("S refused %s: %s", a, answerOf(err))
		}
		return out, err
	}
	out, err := ref["alice"].Act(harness.Action{Party: "alice", Verb: harness.Login})
	if err != nil {
		return err
	}
	if _, _, err := deliverAround(run, ref, out.Messages); err != nil {
		if iutFailure(err) {
			return err
		}
		return Failf("alice's login was answered %s", answerOf(err))
	}
	start, err := act(harness.Action{Party: run.Name, Verb: harness.Renew, Peer: "alice"})
	if err != nil {
		return err
	}
	texts := []string{"held one", "held two"}
	for _, body := range texts {
		out, err := act(harness.Action{Party: run.Name, Verb: harness.Send, Peer: "alice", Body: []byte(body)})
		if err != nil {
			return err
		}
		for _, m := range out.Messages {
			if m.To == "alice" {
				return Failf("S sent alice %s while its renewal with her was open (the text %q must be held)", m.Label, body)
			}
		}
	}
	iutEvents, refEvents, err := deliverAround(run, ref, start.Messages)
	if iutFailure(err) {
		return err
	}
	if err != nil {
		return Failf("the renewal S started, with texts held, was answered %s", answerOf(err))
	}
	if !hasEvent(iutEvents, role.KeysRenewed, "alice") {
		return Failf("S did not renew its keys with alice on her answer")
	}
	var got []string
	for _, e := range refEvents {
		if e.Kind == role.MessageAccepted && e.Peer == run.Name {
			got = append(got, string(e.Body))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(texts) {
		return Failf("after the renewal alice accepted %q from S, want the held texts %q in order", got, texts)
	}
	renewed := false
	for i, e := range refEvents {
		if e.Kind == role.KeysRenewed {
			renewed = true
		}
		if e.Kind == role.MessageAccepted && !renewed {
			return Failf("alice accepted S's held text %q (event %d) before she renewed her keys", e.Body, i)
		}
	}
	return nil
}
