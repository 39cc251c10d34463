package adversary

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ReadTrace parses a trace written by Trace.WriteJSON.
func ReadTrace(b []byte) (*Trace, error) {
	var t Trace
	if err := scanJSON(b); err != nil {
		return nil, fmt.Errorf("adversary: trace: %w", err)
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("adversary: trace: %w", err)
	}
	if t.Protocol == "" || len(t.Entries) == 0 {
		return nil, errors.New("adversary: trace: no protocol or no entries (is this an adversary trace?)")
	}
	return &t, nil
}

// ReplayTrace runs the adversary actions of t again, against suiteName
// and variant with seed ("" and 0 keep the trace's own). Packets are
// resolved by Ref, so a trace recorded on one variant can be replayed on
// another; injected bytes are sent as recorded. The verdict expects the
// violations the trace recorded, and Blocked is the first step that was
// accepted in the recording but rejected now.
func ReplayTrace(t *Trace, suiteName, variant string, seed uint64) (*Verdict, error) {
	if suiteName == "" {
		suiteName = t.Suite
	}
	if variant == "" {
		variant = t.Variant
	}
	if seed == 0 {
		seed = t.Seed
	}
	n, err := NewRun(Spec{Protocol: t.Protocol, Suite: suiteName, Variant: variant, Seed: seed, Users: t.Users, Options: t.Options})
	if err != nil {
		return nil, err
	}
	setup := n.Setup
	v := &Verdict{Attack: t.Attack, Suite: suiteName, Variant: variant, Seed: seed}
	var last Outcome
	for _, e := range t.Entries {
		o, err := n.replayEntry(e)
		if err != nil {
			return nil, err
		}
		if v.Blocked == nil && o.Alert != nil && e.Alert == "" {
			b := n.Need(o).(*Blocked)
			v.Blocked = b
		}
		last = o
	}
	// A script stops at the step the implementation rejected: a trace
	// whose last step is rejected again was blocked there again.
	if v.Blocked == nil && last.Alert != nil {
		v.Blocked = n.Need(last).(*Blocked)
	}
	v.Violations = n.Check(t.Scope)
	if a, err := LookupAttack(t.Attack); err == nil && a.Check != nil {
		v.Violations = append(v.Violations, a.Check(n)...)
	}
	for _, x := range v.Violations {
		for _, want := range t.Violations {
			if (Expect{Property: want.Property, Party: want.Party, Peer: want.Peer, What: want.What}).Match(x) {
				v.Expected = append(v.Expected, x)
				break
			}
		}
	}
	n.Trace.Protocol, n.Trace.Suite, n.Trace.Variant, n.Trace.Seed, n.Trace.Attack = t.Protocol, suiteName, variant, seed, t.Attack
	n.Trace.Users, n.Trace.Options, n.Trace.Violations, n.Trace.Scope = setup.Users, setup.Options, v.Violations, t.Scope
	v.Trace = &n.Trace
	if a, err := LookupAttack(t.Attack); err == nil && len(v.Violations) == 0 {
		v.judgeBlock(a.blockSpec(variant))
	}
	return v, nil
}

// replayEntry repeats one recorded action.
func (n *Network) replayEntry(e Entry) (Outcome, error) {
	id := e.Packet
	needsPacket := e.Op == OpDeliver || e.Op == OpRedirect || e.Op == OpReplay || e.Op == OpDrop
	if e.Ref != nil && needsPacket {
		if id = n.Resolve(e.Ref); id == 0 {
			n.begin()
			err := fmt.Errorf("adversary: trace: %s #%d from %s to %s was never sent in this run", e.Ref.Label, e.Ref.Nth, e.Ref.From, e.Ref.To)
			return n.finish(Entry{Op: e.Op, Label: e.Ref.Label, From: e.Ref.From, To: e.Ref.To}, Outcome{Err: err}), nil
		}
	}
	switch e.Op {
	case OpAct:
		if e.Action == nil {
			return Outcome{}, errors.New("adversary: trace: act without an action")
		}
		return n.Act(*e.Action), nil
	case OpDeliver, OpRedirect:
		return n.DeliverTo(id, e.To, e.From), nil
	case OpReplay:
		return n.Replay(id, e.To, e.From), nil
	case OpDrop:
		return n.Drop(id), nil
	case OpInject:
		return n.Inject(e.From, e.To, e.Bytes, e.Note), nil
	case OpCorrupt:
		return Outcome{}, n.Corrupt(e.Party)
	case OpReveal:
		if RevealKind(e.Note) == RevealValue {
			return Outcome{Err: n.RevealValue(e.Party, e.To, e.Bytes, e.Label)}, nil
		}
		return Outcome{Err: n.Reveal(e.Party, e.To, RevealKind(e.Note))}, nil
	case OpRestart:
		return n.Restart(e.Party), nil
	case OpPresent:
		return n.Present(e.From, e.Bytes, e.Note), nil
	}
	return Outcome{}, fmt.Errorf("adversary: trace: unknown op %q", e.Op)
}
