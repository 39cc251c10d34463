package vectors

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// sessionStep is any test of a session group, decoded.
type sessionStep struct {
	TcID     int         `json:"tcId"`
	Comment  string      `json:"comment"`
	Flags    []string    `json:"flags"`
	Kind     string      `json:"kind"`
	Party    string      `json:"party"`
	Action   *actionJSON `json:"action"`
	From     string      `json:"from"`
	Label    string      `json:"label"`
	Msg      Hex         `json:"msg"`
	Sends    []int       `json:"sends"`
	Events   []eventJSON `json:"events"`
	Mutation string      `json:"mutation"`
	Alert    string      `json:"alert"`
	Result   Result      `json:"result"`
}

type sessionGroupIn struct {
	Type         string            `json:"type"`
	Protocol     string            `json:"protocol"`
	Suite        string            `json:"suite"`
	Variant      string            `json:"variant"`
	Setup        setupJSON         `json:"setup"`
	Provisioning provisioningJSON  `json:"provisioning"`
	Source       *attackSourceJSON `json:"source"`
	Tests        []sessionStep     `json:"tests"`
}

func checkSessions(file string, data []byte, t Target, emit func(TestResult)) error {
	groups, err := decodeGroups(file, data, func(g sessionGroupIn) (ids []int) {
		for _, tc := range g.Tests {
			ids = append(ids, tc.TcID)
		}
		return ids
	})
	if err != nil {
		return err
	}
	for gi, g := range groups {
		if err := checkSessionGroup(file, gi, g, t, emit); err != nil {
			return err
		}
	}
	return nil
}

// roleName is the shim role of party in setup.
func roleName(setup harness.Setup, party string) string {
	if party == setup.Server {
		return "server"
	}
	return "client"
}

func checkSessionGroup(file string, gi int, g sessionGroupIn, t Target, emit func(TestResult)) error {
	s, err := suite.ByName(g.Suite)
	if err != nil {
		return &FileError{File: file, Path: fmt.Sprintf("/testGroups/%d/suite", gi), Reason: err.Error()}
	}
	setup := harness.Setup{Protocol: g.Protocol, Suite: s, Variant: g.Variant, Seed: g.Setup.Seed,
		Server: g.Setup.Server, Users: g.Setup.Users, Options: g.Setup.Options}
	byID := map[int]*sessionStep{}
	for i := range g.Tests {
		byID[g.Tests[i].TcID] = &g.Tests[i]
	}
	for i, st := range g.Tests {
		for _, id := range st.Sends {
			if d, ok := byID[id]; !ok || (d.Kind != "deliver" && d.Kind != "pending") {
				return &FileError{File: file, Path: fmt.Sprintf("/testGroups/%d/tests/%d/sends", gi, i),
					Reason: fmt.Sprintf("tcId %d is not a deliver or pending test of this group", id)}
			}
		}
	}
	parties := append([]string{setup.Server}, setup.Users...)
	for _, name := range parties {
		var mine []sessionStep
		for _, st := range g.Tests {
			if st.Party == name && st.Kind != "pending" { // pending messages are nobody's to handle
				mine = append(mine, st)
			}
		}
		if len(mine) == 0 {
			continue
		}
		if !t.Supports(g.Protocol, roleName(setup, name), g.Suite, g.Variant) {
			for _, st := range mine {
				emit(TestResult{TcID: st.TcID, Party: name, Verdict: Unsupported,
					Reason: fmt.Sprintf("the target does not play %s %s in %s %s", g.Protocol, roleName(setup, name), g.Suite, g.Variant)})
			}
			continue
		}
		checkParty(setup, name, mine, byID, t, emit)
		if err := t.EndGroup(); err != nil {
			return fmt.Errorf("vectors: target: %w", err)
		}
	}
	return nil
}

// checkParty replays the steps of one party against the target. After
// the first failure the party's state is unknown, so the rest of its
// steps are reported as failed because of it.
func checkParty(setup harness.Setup, name string, steps []sessionStep, byID map[int]*sessionStep, t Target, emit func(TestResult)) {
	p, err := t.NewParty(setup, name)
	if err != nil {
		v := Fail
		if errors.Is(err, ErrUnsupported) {
			v = Unsupported
		}
		for _, st := range steps {
			emit(TestResult{TcID: st.TcID, Party: name, Verdict: v, Reason: "building the party: " + err.Error()})
		}
		return
	}
	broken := 0
	for _, st := range steps {
		if broken != 0 {
			emit(TestResult{TcID: st.TcID, Party: name, Verdict: Fail, Reason: fmt.Sprintf("not run: tcId %d failed before", broken)})
			continue
		}
		r := checkStep(p, name, st, byID)
		r.Party = name
		if r.Verdict != Pass && st.Result != Acceptable {
			broken = st.TcID
		}
		emit(r)
	}
}

func checkStep(p Party, name string, st sessionStep, byID map[int]*sessionStep) TestResult {
	r := TestResult{TcID: st.TcID, Verdict: Pass}
	fail := func(format string, args ...any) TestResult {
		r.Verdict, r.Reason = Fail, fmt.Sprintf(format, args...)
		return r
	}
	var out role.Output
	var err error
	switch st.Kind {
	case "action":
		a := harness.Action{Party: name, Verb: harness.Verb(st.Action.Verb), Peer: st.Action.Peer, Body: bytes.Clone(st.Action.Body), Relay: st.Action.Relay}
		out, err = p.Act(a)
	default:
		out, err = p.Handle(st.From, bytes.Clone(st.Msg))
	}
	if errors.Is(err, ErrUnsupported) {
		r.Verdict, r.Reason = Unsupported, err.Error()
		return r
	}
	switch st.Kind {
	case "inject":
		if st.Result == Acceptable {
			return r
		}
		if err == nil {
			return fail("accepted a message it must reject with %s (%s)", st.Alert, st.Mutation)
		}
		if slices.Contains(st.Flags, "AnyAlert") && role.ClassOf(err) != 0 {
			return r
		}
		if got := role.ClassOf(err); got.String() != st.Alert {
			return fail("rejected with %v, want %s: %v", got, st.Alert, err)
		}
		return r
	}
	if err != nil {
		return fail("rejected an honest step: %v", err)
	}
	if len(out.Messages) != len(st.Sends) {
		return fail("sent %d messages, want %d", len(out.Messages), len(st.Sends))
	}
	for i, m := range out.Messages {
		want := byID[st.Sends[i]]
		if m.To != want.Party || !bytes.Equal(m.Bytes, want.Msg) {
			return fail("message %d to %s differs from tcId %d (to %s):\n got  %x\n want %x", i+1, m.To, want.TcID, want.Party, m.Bytes, []byte(want.Msg))
		}
	}
	if len(out.Events) != len(st.Events) {
		return fail("emitted %d events, want %d: %v", len(out.Events), len(st.Events), out.Events)
	}
	for i, e := range out.Events {
		w := st.Events[i]
		if e.Kind.String() != w.Kind || e.Role != w.Role || e.Peer != w.Peer || e.Index != w.Index ||
			!bytes.Equal(e.Body, w.Body) || !bytes.Equal(e.Key, w.Key) {
			return fail("event %d is %s, want %s role=%s peer=%s index=%d body=%x key=%x", i+1, e, w.Kind, w.Role, w.Peer, w.Index, []byte(w.Body), []byte(w.Key))
		}
	}
	return r
}
