package vectors

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// step is one recorded step of a run before tcIds are assigned.
type step struct {
	kind   string // "action", "deliver", "inject"
	party  string // who acts or receives
	action harness.Action
	msg    role.Message
	events []role.Event
	sends  []int // indices (into run.steps) of the deliver steps of the messages sent
	// inject only:
	flags    []string
	comment  string
	mutation string
	alert    role.AlertClass
	result   Result
}

// run is an honest run of one Setup with hooks that inject messages
// before each delivery and at the end.
type run struct {
	proto   harness.Protocol
	setup   harness.Setup
	parties map[string]harness.Party
	steps   []step
	// delivered lists the honest deliver steps so far, in order.
	delivered []int
}

// injector is called before each honest delivery (next is the message
// about to be delivered, k its 0-based position among deliveries) and
// once at the end (next nil).
type injector func(r *run, next *role.Message, k int) error

// errStop ends a run early without error (a branch run stops after its
// injection).
var errStop = errors.New("vectors: stop")

type queued struct {
	msg      role.Message
	producer int
}

// honestRun runs proto's honest script on setup, calling inject before
// every delivery and at the end. Any honest rejection is an error.
func honestRun(proto harness.Protocol, setup harness.Setup, inject injector) (*run, error) {
	parties, err := proto.NewParties(setup)
	if err != nil {
		return nil, fmt.Errorf("vectors: %s parties: %w", proto.Name(), err)
	}
	r := &run{proto: proto, setup: setup, parties: parties}
	for _, a := range proto.Honest(setup) {
		p, ok := parties[a.Party]
		if !ok {
			return nil, fmt.Errorf("vectors: honest script names unknown party %q", a.Party)
		}
		out, err := p.Act(a)
		if err != nil {
			return nil, fmt.Errorf("vectors: %s %s: %s: %w", proto.Name(), setup.Variant, a, err)
		}
		r.steps = append(r.steps, step{kind: "action", party: a.Party, action: a, events: out.Events, result: Valid})
		var queue []queued
		for _, m := range out.Messages {
			queue = append(queue, queued{m, len(r.steps) - 1})
		}
		for len(queue) > 0 {
			q := queue[0]
			queue = queue[1:]
			if inject != nil {
				if err := inject(r, &q.msg, len(r.delivered)); err == errStop {
					// The messages still in flight are recorded as pending,
					// so that every message a step sent is in the group.
					for _, p := range append([]queued{q}, queue...) {
						r.steps = append(r.steps, step{kind: "pending", party: p.msg.To, msg: p.msg, result: Valid})
						r.steps[p.producer].sends = append(r.steps[p.producer].sends, len(r.steps)-1)
					}
					return r, nil
				} else if err != nil {
					return nil, err
				}
			}
			to, ok := parties[q.msg.To]
			if !ok {
				return nil, fmt.Errorf("vectors: %s sent %s to unknown party %q", q.msg.From, q.msg.Label, q.msg.To)
			}
			o, err := to.Handle(q.msg.From, bytes.Clone(q.msg.Bytes))
			if err != nil {
				return nil, fmt.Errorf("vectors: %s %s %s: honest %s %s → %s rejected: %w", proto.Name(), setup.Suite.Name, setup.Variant, q.msg.Label, q.msg.From, q.msg.To, err)
			}
			r.steps = append(r.steps, step{kind: "deliver", party: q.msg.To, msg: q.msg, events: o.Events, result: Valid})
			idx := len(r.steps) - 1
			r.steps[q.producer].sends = append(r.steps[q.producer].sends, idx)
			r.delivered = append(r.delivered, idx)
			for _, m := range o.Messages {
				queue = append(queue, queued{m, idx})
			}
		}
	}
	if inject != nil {
		if err := inject(r, nil, len(r.delivered)); err != nil && err != errStop {
			return nil, err
		}
	}
	return r, nil
}

// inject hands msg to party, as if from from, and checks the outcome
// against the profile's expectation want. A rejection is recorded as an
// invalid test, an acceptance (only in branch runs) as an acceptable one.
func (r *run) inject(party, from, label string, msg []byte, mutation, comment string, flags []string, want outcome) error {
	p, ok := r.parties[party]
	if !ok {
		return fmt.Errorf("vectors: inject to unknown party %q", party)
	}
	_, err := p.Handle(from, bytes.Clone(msg))
	got := role.ClassOf(err)
	if err != nil && got == 0 {
		return fmt.Errorf("vectors: %s %s %s: %s on %s to %s: rejected without an alert: %v", r.proto.Name(), r.setup.Suite.Name, r.setup.Variant, mutation, label, party, err)
	}
	if got != want.class {
		wantS, gotS := want.class.String(), got.String()
		if want.accepted() {
			wantS = "acceptance"
		}
		if got == 0 {
			gotS = "acceptance"
		}
		return fmt.Errorf("vectors: %s %s %s: %s on %s %s → %s: the profile expects %s, the reference implementation gives %s (%v)",
			r.proto.Name(), r.setup.Suite.Name, r.setup.Variant, mutation, label, from, party, wantS, gotS, err)
	}
	st := step{kind: "inject", party: party, msg: role.Message{From: from, To: party, Label: label, Bytes: msg},
		flags: flags, comment: comment, mutation: mutation, alert: want.class, result: Invalid}
	if want.accepted() {
		st.result = Acceptable
	}
	r.steps = append(r.steps, st)
	return nil
}

// deliveredMsgs returns the honest messages delivered so far.
func (r *run) deliveredMsgs() []role.Message {
	out := make([]role.Message, len(r.delivered))
	for i, idx := range r.delivered {
		out[i] = r.steps[idx].msg
	}
	return out
}

// sameHonestRun checks that r's honest steps (actions and deliveries)
// are exactly those of clean, a run without injections: the same
// messages and the same events. So every rejected injection left its
// party's state (and random source) as it was.
func sameHonestRun(r, clean *run) error {
	honest := func(x *run) []step {
		var out []step
		for _, st := range x.steps {
			if st.kind == "action" || st.kind == "deliver" {
				out = append(out, st)
			}
		}
		return out
	}
	a, b := honest(r), honest(clean)
	fail := func(format string, args ...any) error {
		return fmt.Errorf("vectors: %s %s %s: %s: a rejection changed a party's state",
			r.proto.Name(), r.setup.Suite.Name, r.setup.Variant, fmt.Sprintf(format, args...))
	}
	if len(a) != len(b) {
		return fail("%d honest steps with injections, %d without", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.kind != y.kind || x.party != y.party || x.msg.From != y.msg.From || !bytes.Equal(x.msg.Bytes, y.msg.Bytes) {
			return fail("honest step %d (%s %s) differs", i+1, x.kind, x.msg.Label)
		}
		if len(x.events) != len(y.events) {
			return fail("honest step %d (%s %s) emits %d events, %d without injections", i+1, x.kind, x.msg.Label, len(x.events), len(y.events))
		}
		for j := range x.events {
			e, f := x.events[j], y.events[j]
			if e.Kind != f.Kind || e.Role != f.Role || e.Peer != f.Peer || e.Index != f.Index ||
				!bytes.Equal(e.Body, f.Body) || !bytes.Equal(e.Key, f.Key) || e.Note != f.Note {
				return fail("honest step %d (%s %s): event %d differs", i+1, x.kind, x.msg.Label, j+1)
			}
		}
	}
	return nil
}
