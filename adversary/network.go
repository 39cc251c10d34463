package adversary

import (
	"errors"
	"fmt"
	"slices"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// Packet is one message on the network: sent by a party, or built by the
// adversary. Every packet ever sent stays in History, so it can be
// replayed later, in another session too.
type Packet struct {
	ID       int          `json:"id"`
	Msg      role.Message `json:"msg"`
	Step     int          `json:"step"`               // when it was sent
	Injected bool         `json:"injected,omitempty"` // built by the adversary
}

// Stamped is an event with the network step at which it was emitted.
type Stamped struct {
	Step  int        `json:"step"`
	Event role.Event `json:"event"`
}

// Outcome is what one adversary action caused.
type Outcome struct {
	// Alert is the receiver's rejection, if it rejected the message.
	Alert *role.Alert
	// Err is any other failure (no such packet, party or verb).
	Err error
	// Events the receiver (or actor) emitted.
	Events []role.Event
	// Sent lists the IDs of the packets the step produced.
	Sent []int
}

// Accepted reports whether the step ran without rejection or error.
func (o Outcome) Accepted() bool { return o.Alert == nil && o.Err == nil }

// Config is what a Network is built from.
type Config struct {
	Protocol harness.Protocol
	Setup    harness.Setup
	// Dissector takes the protocol's messages apart; nil means the
	// adversary learns only whole messages and revealed secrets.
	Dissector Dissector
	// Dishonest lists parties corrupted from the start (insiders, a
	// dishonest server).
	Dishonest []string
	// Parties, if set, are used instead of building them from Setup
	// (e.g. to put an implementation under test in place of one).
	Parties map[string]harness.Party
}

// Network is the simulated network under the adversary's control. Honest
// parties send into it; nothing arrives until the adversary delivers it.
type Network struct {
	Protocol  harness.Protocol
	Setup     harness.Setup
	Dissector Dissector
	Parties   map[string]harness.Party
	// Names lists the parties, server first, then users in Setup order.
	Names []string

	// Pool holds the packets in flight, in the order they were sent.
	Pool []*Packet
	// History holds every packet ever sent; History[id-1] has ID id.
	History []*Packet
	// Events records every event, stamped with its step.
	Events []Stamped
	// Knowledge is the adversary's knowledge set.
	Knowledge *Knowledge
	// Corrupted maps a dishonest party to the step it was corrupted at.
	Corrupted map[string]int
	// Reveals records every reveal of a secret.
	Reveals []Reveal
	// Trace records every adversary action.
	Trace Trace
	// ServerPublic is the server's public key (public knowledge).
	ServerPublic []byte
	// Ctx is the adversary's own crypto context (its randomness is
	// Rand(seed, "adversary")), for building messages.
	Ctx *suite.Ctx

	step int

	stateRead   map[string]uint64 // per corrupted party, the bytes drawn when its state was last read
	groundCache *groundTruth
	groundAt    [2]int
}

// NewNetwork builds the parties of cfg.Setup and an adversary who knows
// everything public: identities, the server's public key, and a password
// dictionary holding the provisioned passwords (the papers' weak-password
// assumption; guessing still needs a verifier the adversary has seen).
func NewNetwork(cfg Config) (*Network, error) {
	if cfg.Protocol == nil {
		return nil, errors.New("adversary: no protocol")
	}
	if cfg.Setup.RandLog == nil {
		cfg.Setup.RandLog = &harness.RandLog{} // lets a state reveal rebuild dynamic keys
	}
	parties := cfg.Parties
	if parties == nil {
		var err error
		if parties, err = cfg.Protocol.NewParties(cfg.Setup); err != nil {
			return nil, fmt.Errorf("adversary: %w", err)
		}
	}
	n := &Network{
		Protocol:  cfg.Protocol,
		Setup:     cfg.Setup,
		Dissector: cfg.Dissector,
		Parties:   parties,
		Knowledge: NewKnowledge(),
		Corrupted: map[string]int{},
		stateRead: map[string]uint64{},
		Ctx:       suite.NewCtx(cfg.Setup.Suite, suite.NewRand(cfg.Setup.Seed, "adversary")),
	}
	n.Names = append([]string{cfg.Setup.Server}, cfg.Setup.Users...)
	for _, name := range n.Names {
		if _, ok := parties[name]; !ok {
			return nil, fmt.Errorf("adversary: setup names %q but no such party was built", name)
		}
		n.Knowledge.Add([]byte(name), "identity")
		if name != cfg.Setup.Server {
			n.Knowledge.Dictionary = append(n.Knowledge.Dictionary, cfg.Setup.Password(name))
		}
	}
	if cfg.Setup.Suite != nil {
		if sk, err := cfg.Setup.Suite.NewPrivateKey(cfg.Setup.ServerKeySeed()); err == nil {
			n.ServerPublic = sk.Public().Bytes()
			n.Knowledge.Add(n.ServerPublic, "server public key")
		}
	}
	for _, d := range cfg.Dishonest {
		if err := n.Corrupt(d); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// Step is the number of actions taken so far.
func (n *Network) Step() int { return n.step }

func (n *Network) party(name string) (harness.Party, error) {
	p, ok := n.Parties[name]
	if !ok {
		return nil, fmt.Errorf("adversary: no party %q", name)
	}
	return p, nil
}

// Packet returns the packet with the given ID from the history.
func (n *Network) Packet(id int) (*Packet, error) {
	if id < 1 || id > len(n.History) {
		return nil, fmt.Errorf("adversary: no packet #%d (have %d)", id, len(n.History))
	}
	return n.History[id-1], nil
}

// inPool returns the index of packet id in the pool, or -1.
func (n *Network) inPool(id int) int {
	return slices.IndexFunc(n.Pool, func(p *Packet) bool { return p.ID == id })
}

// send puts messages on the network: the adversary sees each one.
func (n *Network) send(msgs []role.Message, injected bool) []int {
	var ids []int
	for _, m := range msgs {
		p := &Packet{ID: len(n.History) + 1, Msg: m, Step: n.step, Injected: injected}
		n.History = append(n.History, p)
		n.Pool = append(n.Pool, p)
		n.Knowledge.Add(m.Bytes, fmt.Sprintf("seen %s #%d", m.Label, p.ID))
		ids = append(ids, p.ID)
	}
	return ids
}

// record stamps events and feeds a corrupted party's events to the
// adversary.
func (n *Network) record(events []role.Event) {
	for _, e := range events {
		n.Events = append(n.Events, Stamped{Step: n.step, Event: e})
		if _, bad := n.Corrupted[e.Role]; bad {
			n.Knowledge.Add(e.Key, fmt.Sprintf("%s's %s key", e.Role, e.Kind))
			n.Knowledge.Add(e.Body, fmt.Sprintf("%s's %s body", e.Role, e.Kind))
		}
	}
}

func (n *Network) begin() int {
	n.step++
	n.Knowledge.step = n.step
	return n.step
}

// Act has a party start an action: an honest user doing what users do, or
// the adversary driving a corrupted party.
func (n *Network) Act(a harness.Action) Outcome {
	n.begin()
	e := Entry{Op: OpAct, Party: a.Party, Action: &a}
	p, err := n.party(a.Party)
	if err != nil {
		return n.finish(e, Outcome{Err: err})
	}
	out, err := p.Act(a)
	o := n.result(out, err)
	return n.finish(e, o)
}

// result turns a role's output into an outcome and sends its messages.
func (n *Network) result(out role.Output, err error) Outcome {
	var o Outcome
	if err != nil {
		var al *role.Alert
		if errors.As(err, &al) {
			o.Alert = al
		} else {
			o.Err = err
		}
	}
	n.record(out.Events)
	o.Events = out.Events
	o.Sent = n.send(out.Messages, false)
	return o
}

// Deliver hands packet id to its recipient, as sent, and removes it from
// the pool. Delivering packets in another order than they were sent is
// reordering; not delivering one yet is delay.
func (n *Network) Deliver(id int) Outcome { return n.DeliverTo(id, "", "") }

// DeliverTo hands packet id, taken off the pool, to party to claiming to
// come from from; "" keeps the packet's own. A different to or from is a
// redirection to another party or session.
func (n *Network) DeliverTo(id int, to, from string) Outcome {
	n.begin()
	i := n.inPool(id)
	if i < 0 {
		return n.finish(Entry{Op: OpDeliver, Packet: id}, Outcome{Err: fmt.Errorf("adversary: packet #%d is not in flight", id)})
	}
	p := n.Pool[i]
	n.Pool = slices.Delete(n.Pool, i, i+1)
	op := OpDeliver
	if (to != "" && to != p.Msg.To) || (from != "" && from != p.Msg.From) {
		op = OpRedirect
	}
	return n.handle(op, p, to, from)
}

// Replay delivers a copy of packet id from the history (the packet may
// still be in flight, which makes this a duplicate) to to claiming from;
// "" keeps the packet's own.
func (n *Network) Replay(id int, to, from string) Outcome {
	n.begin()
	p, err := n.Packet(id)
	if err != nil {
		return n.finish(Entry{Op: OpReplay, Packet: id}, Outcome{Err: err})
	}
	return n.handle(OpReplay, p, to, from)
}

// Drop removes packet id from the pool: it never arrives.
func (n *Network) Drop(id int) Outcome {
	n.begin()
	e := Entry{Op: OpDrop, Packet: id}
	i := n.inPool(id)
	if i < 0 {
		return n.finish(e, Outcome{Err: fmt.Errorf("adversary: packet #%d is not in flight", id)})
	}
	p := n.Pool[i]
	n.Pool = slices.Delete(n.Pool, i, i+1)
	e.From, e.To, e.Label, e.Size, e.Ref = p.Msg.From, p.Msg.To, p.Msg.Label, len(p.Msg.Bytes), n.ref(p)
	return n.finish(e, Outcome{})
}

// Inject delivers bytes the adversary built to party to, claiming to come
// from from. The bytes join the history (so they can be replayed) and the
// knowledge. Whoever builds them must use only what Knowledge holds.
func (n *Network) Inject(from, to string, b []byte, note string) Outcome {
	n.begin()
	label := "?"
	if l, _, err := n.Protocol.Describe(b); err == nil {
		label = l
	}
	ids := n.send([]role.Message{{From: from, To: to, Label: label, Bytes: b}}, true)
	p := n.History[ids[0]-1]
	n.Pool = n.Pool[:len(n.Pool)-1]
	o := n.handle(OpInject, p, "", "")
	n.Trace.Entries[len(n.Trace.Entries)-1].Note = note
	return o
}

// handle delivers p to to (or p's recipient) claiming from (or p's
// sender) and records the step.
func (n *Network) handle(op Op, p *Packet, to, from string) Outcome {
	if to == "" {
		to = p.Msg.To
	}
	if from == "" {
		from = p.Msg.From
	}
	e := Entry{Op: op, Packet: p.ID, Ref: n.ref(p), From: from, To: to, Label: p.Msg.Label, Size: len(p.Msg.Bytes), Bytes: p.Msg.Bytes}
	if op == OpRedirect || op == OpReplay {
		e.Note = fmt.Sprintf("#%d was %s → %s", p.ID, p.Msg.From, p.Msg.To)
	}
	r, err := n.party(to)
	if err != nil {
		return n.finish(e, Outcome{Err: err})
	}
	out, err := r.Handle(from, p.Msg.Bytes)
	return n.finish(e, n.result(out, err))
}

// finish records the entry for the current step.
func (n *Network) finish(e Entry, o Outcome) Outcome {
	e.Step = n.step
	e.Events = o.Events
	e.Sent = o.Sent
	if o.Alert != nil {
		e.Alert = o.Alert.Class.String()
		e.AlertText = o.Alert.Error()
	}
	if o.Err != nil {
		e.Error = o.Err.Error()
	}
	n.Trace.Entries = append(n.Trace.Entries, e)
	return o
}

// DeliverAll delivers every packet in flight, oldest first, including
// those the deliveries produce, up to limit deliveries: an honest network
// for the rest of the run. It returns the first rejection.
func (n *Network) DeliverAll(limit int) Outcome {
	var first Outcome
	for i := 0; len(n.Pool) > 0 && i < limit; i++ {
		o := n.Deliver(n.Pool[0].ID)
		if first.Accepted() && !o.Accepted() {
			first = o
		}
	}
	return first
}

// Saturate closes the adversary's knowledge under the protocol's
// dissector.
// A corrupted party's state is read again first, since it may have made
// new keys since it was corrupted.
func (n *Network) Saturate() int {
	for _, name := range n.Names {
		if _, bad := n.Corrupted[name]; bad {
			drawn := uint64(0)
			if n.Setup.RandLog != nil {
				drawn = n.Setup.RandLog.Drawn(name)
			}
			if n.stateRead[name] != drawn {
				n.stateRead[name] = drawn
				for _, sk := range n.dynamicKeys(name) {
					n.Knowledge.AddPrivateKey(sk, "dynamic private key of "+name)
				}
			}
		}
	}
	return n.Knowledge.Saturate(n.Dissector)
}
