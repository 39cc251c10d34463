package adversary

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"github.com/imcheck/imcheck/impl/harness"
)

// Chooser draws the adversary's choices. A seeded Chooser makes a random
// run reproducible; the rapid tests implement it with rapid's draws so
// that a failing run shrinks.
type Chooser interface {
	// Choose returns a number in [0, n), n ≥ 1; label names the choice.
	Choose(label string, n int) int
}

// SeededChooser draws from a PCG stream seeded with Seed.
type SeededChooser struct{ r *rand.Rand }

// NewSeededChooser returns the chooser of seed; the same seed gives the
// same choices.
func NewSeededChooser(seed uint64) *SeededChooser {
	return &SeededChooser{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Choose implements Chooser.
func (s *SeededChooser) Choose(_ string, n int) int { return s.r.IntN(n) }

// Forgery is a message the adversary built from its knowledge, addressed
// to a party under a claimed sender.
type Forgery struct {
	From, To string
	Bytes    []byte
	Note     string // how it was built, e.g. "E6 re-MACed under SK_AB3"
}

// Forger is implemented by dissectors that can build protocol messages
// from the adversary's knowledge: re-encrypt, re-MAC, re-sign with keys it
// holds, or recombine fields.
type Forger interface {
	Forgeries(n *Network) []Forgery
}

// Plan is what a random adversary may do.
type Plan struct {
	// Actions are the user actions honest users may start; Send bodies
	// are made unique per send.
	Actions []harness.Action
	// Script is the honest script; two thirds of the user actions are its
	// next step, so runs reach every phase.
	Script []harness.Action
	// Ops are the adversary actions allowed, with repeats as weights.
	Ops []Op
	// Reveals lists the reveals allowed (for forward secrecy runs).
	Reveals []Reveal
	// Mutate lets the adversary inject known messages with one byte
	// changed.
	Mutate bool
}

// DefaultPlan lets honest users repeat every action of the protocol's
// honest script, and the mirror of each peer action (B connects to A,
// sends to A, renews with A); the adversary may use every network
// operation, deliveries and the script's next step weighted highest so
// that runs reach every phase before the adversary disturbs them.
// Restarts are left to the scripts (a restarted user must log in again,
// which random runs seldom do).
func DefaultPlan(p harness.Protocol, setup harness.Setup) Plan {
	var acts []harness.Action
	add := func(a harness.Action) {
		for _, b := range acts {
			if b.Party == a.Party && b.Verb == a.Verb && b.Peer == a.Peer && b.Relay == a.Relay {
				return
			}
		}
		acts = append(acts, a)
	}
	for _, a := range p.Honest(setup) {
		add(a)
		if a.Peer != "" && a.Peer != setup.Server && a.Verb != harness.Register && a.Verb != harness.Login {
			m := a
			m.Party, m.Peer = a.Peer, a.Party
			add(m)
		}
	}
	return Plan{
		Script:  p.Honest(setup),
		Actions: acts,
		Ops:     weighted(map[Op]int{OpAct: 6, OpDeliver: 12, OpReplay: 2, OpRedirect: 1, OpDrop: 1, OpInject: 1}),
		Mutate:  true,
	}
}

// weighted lists each op as often as its weight, in a fixed order.
func weighted(w map[Op]int) []Op {
	var out []Op
	for _, op := range []Op{OpAct, OpDeliver, OpReplay, OpRedirect, OpDrop, OpInject, OpRestart, OpReveal} {
		for range w[op] {
			out = append(out, op)
		}
	}
	return out
}

// Random runs one adversary strategy step by step.
type Random struct {
	N    *Network
	C    Chooser
	Plan Plan
	sent int // bodies sent so far, for unique bodies
	next int // the next step of Plan.Script
}

// Body returns the i-th unique message body of a run: unguessable to the
// adversary except through the protocol.
func Body(from, to string, i int) []byte {
	return fmt.Appendf(nil, "secret %d from %s to %s", i, from, to)
}

// Step takes one adversary action, chosen by weight.
func (r *Random) Step() Outcome {
	return r.StepOp(r.Plan.Ops[r.C.Choose("op", len(r.Plan.Ops))])
}

// StepOp takes one adversary action of kind op (an action or a delivery
// when op needs a packet and none is in flight), its details chosen by
// the Chooser.
func (r *Random) StepOp(op Op) Outcome {
	n, c := r.N, r.C
	if len(n.Pool) == 0 && (op == OpDeliver || op == OpDrop || op == OpRedirect) {
		op = OpAct
	}
	if len(n.History) == 0 && op != OpAct {
		op = OpAct
	}
	switch op {
	case OpDeliver:
		// Mostly the oldest packet (progress), sometimes any (reorder).
		i := 0
		if c.Choose("reorder", 4) == 0 {
			i = c.Choose("packet", len(n.Pool))
		}
		return n.Deliver(n.Pool[i].ID)
	case OpDrop:
		return n.Drop(n.Pool[c.Choose("packet", len(n.Pool))].ID)
	case OpReplay:
		p := n.History[c.Choose("history", len(n.History))]
		to, from := r.retarget(p)
		return n.Replay(p.ID, to, from)
	case OpRedirect:
		p := n.Pool[c.Choose("packet", len(n.Pool))]
		to, from := r.retarget(p)
		return n.DeliverTo(p.ID, to, from)
	case OpInject:
		if f, ok := r.forgery(); ok {
			return n.Inject(f.From, f.To, f.Bytes, f.Note)
		}
		p := n.History[c.Choose("history", len(n.History))]
		return n.Replay(p.ID, "", "")
	case OpRestart:
		return n.Restart(n.Names[c.Choose("party", len(n.Names))])
	case OpReveal:
		if len(r.Plan.Reveals) > 0 {
			rv := r.Plan.Reveals[c.Choose("reveal", len(r.Plan.Reveals))]
			return Outcome{Err: n.Reveal(rv.Party, rv.Peer, rv.Kind)}
		}
	}
	var a harness.Action
	if len(r.Plan.Script) > 0 && c.Choose("scripted", 3) > 0 {
		// The next step of the honest script, once the previous one's
		// messages are all handled (until then, the oldest is delivered):
		// deep states come quickly.
		if len(n.Pool) > 0 {
			return n.Deliver(n.Pool[0].ID)
		}
		a = r.Plan.Script[r.next%len(r.Plan.Script)]
		r.next++
	} else {
		a = r.Plan.Actions[c.Choose("action", len(r.Plan.Actions))]
	}
	if a.Verb == harness.Send {
		r.sent++
		a.Body = Body(a.Party, a.Peer, r.sent)
	}
	return n.Act(a)
}

// retarget keeps a packet's addressing, reflects it to its sender as if
// from its recipient, or picks another recipient and claimed sender.
func (r *Random) retarget(p *Packet) (to, from string) {
	names := r.N.Names
	switch r.C.Choose("retarget", 3) {
	case 0:
		return "", ""
	case 1:
		return p.Msg.From, p.Msg.To
	}
	return names[r.C.Choose("to", len(names))], names[r.C.Choose("from", len(names))]
}

// forgery picks a forged message from the dissector, or a known message
// with one byte flipped.
func (r *Random) forgery() (Forgery, bool) {
	n, c := r.N, r.C
	var fs []Forgery
	if f, ok := n.Dissector.(Forger); ok {
		fs = f.Forgeries(n)
	}
	if len(fs) > 0 && (!r.Plan.Mutate || c.Choose("forge", 3) > 0) {
		return fs[c.Choose("forgery", len(fs))], true
	}
	if !r.Plan.Mutate || len(n.History) == 0 {
		return Forgery{}, false
	}
	p := n.History[c.Choose("history", len(n.History))]
	b := bytes.Clone(p.Msg.Bytes)
	if len(b) == 0 {
		return Forgery{}, false
	}
	i := c.Choose("byte", len(b))
	b[i] ^= byte(1 + c.Choose("flip", 255))
	return Forgery{From: p.Msg.From, To: p.Msg.To, Bytes: b, Note: fmt.Sprintf("#%d with byte %d changed", p.ID, i)}, true
}

// Run takes steps actions, then (if settle) delivers everything in flight
// so that honest sessions can finish.
func (r *Random) Run(steps int, settle bool) {
	for range steps {
		r.Step()
	}
	if settle {
		r.N.DeliverAll(200)
	}
}
