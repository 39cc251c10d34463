package adversary

import "fmt"

// ref names p by label, addressing and rank.
func (n *Network) ref(p *Packet) *Ref {
	r := &Ref{Label: p.Msg.Label, From: p.Msg.From, To: p.Msg.To}
	for _, q := range n.History[:p.ID] {
		if matches(q, r.Label, r.From, r.To) {
			r.Nth++
		}
	}
	return r
}

// Resolve finds the packet a Ref names in this run's history, or 0.
func (n *Network) Resolve(r *Ref) int {
	k := 0
	for _, q := range n.History {
		if matches(q, r.Label, r.From, r.To) {
			if k++; k == r.Nth {
				return q.ID
			}
		}
	}
	return 0
}

// InFlight lists the IDs of the packets in flight, oldest first.
func (n *Network) InFlight() []int {
	ids := make([]int, len(n.Pool))
	for i, p := range n.Pool {
		ids[i] = p.ID
	}
	return ids
}

// Restart has a party drop its session state and start afresh (a user
// restarting its client), when the party supports it: a new session, so
// that old messages can be replayed into it.
func (n *Network) Restart(party string) Outcome {
	n.begin()
	e := Entry{Op: OpRestart, Party: party}
	p, err := n.party(party)
	if err != nil {
		return n.finish(e, Outcome{Err: err})
	}
	r, ok := p.(interface{ Reset() })
	if !ok {
		return n.finish(e, Outcome{Err: fmt.Errorf("adversary: %s cannot restart", party)})
	}
	r.Reset()
	return n.finish(e, Outcome{})
}

// Find returns the newest packet in flight with the given label whose
// sender and recipient match (empty matches any), or nil.
func (n *Network) Find(label, from, to string) *Packet {
	for i := len(n.Pool) - 1; i >= 0; i-- {
		if p := n.Pool[i]; matches(p, label, from, to) {
			return p
		}
	}
	return nil
}

// Last returns the newest packet ever sent with the given label, sender
// and recipient (empty matches any), or nil.
func (n *Network) Last(label, from, to string) *Packet {
	for i := len(n.History) - 1; i >= 0; i-- {
		if p := n.History[i]; matches(p, label, from, to) {
			return p
		}
	}
	return nil
}

func matches(p *Packet, label, from, to string) bool {
	return (label == "" || p.Msg.Label == label) && (from == "" || p.Msg.From == from) && (to == "" || p.Msg.To == to)
}
