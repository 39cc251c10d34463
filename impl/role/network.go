package role

import "fmt"

// Network is an honest network of roles, for in-memory runs and tests:
// each message goes once, in order sent (FIFO), to the role it names, and
// every delivery is recorded as a Step of Transcript (its fields from
// Describe, when set). The caller owns it; it has no goroutines.
type Network struct {
	Roles map[string]Role
	// Describe, if set, decodes a message into its fields for the
	// transcript (simp.Describe, imke.Describe).
	Describe   func([]byte) (string, []Field, error)
	Transcript Transcript
	Events     []Event // every event, actions' included, in order
}

// NewNetwork wires roles by name; describe may be nil.
func NewNetwork(describe func([]byte) (string, []Field, error), roles ...Role) *Network {
	n := &Network{Roles: map[string]Role{}, Describe: describe}
	for _, r := range roles {
		n.Roles[r.Name()] = r
	}
	return n
}

// Do runs each action and delivers everything that follows until the
// network is quiet. It stops at the first error or alert.
func (n *Network) Do(actions ...func() (Output, error)) error {
	for _, act := range actions {
		out, err := act()
		if err != nil {
			return err
		}
		n.Events = append(n.Events, out.Events...)
		if err := n.Deliver(out.Messages...); err != nil {
			return err
		}
	}
	return nil
}

// Deliver hands each message to its recipient, then the messages that
// produces, breadth first.
func (n *Network) Deliver(msgs ...Message) error {
	queue := append([]Message(nil), msgs...)
	for len(queue) > 0 {
		out, err := n.DeliverOne(queue[0])
		if err != nil {
			return err
		}
		queue = append(queue[1:], out.Messages...)
	}
	return nil
}

// DeliverOne hands one message to its recipient and records the step. The
// recipient's alert, if any, is returned.
func (n *Network) DeliverOne(m Message) (Output, error) {
	r, ok := n.Roles[m.To]
	if !ok {
		return Output{}, fmt.Errorf("role: no role %q on the network", m.To)
	}
	step := Step{Message: m}
	if n.Describe != nil {
		if _, fields, err := n.Describe(m.Bytes); err == nil {
			step.Fields = fields
		}
	}
	out, err := r.Handle(m.From, m.Bytes)
	if err != nil {
		step.Alert = err.Error()
	}
	step.Events = out.Events
	n.Transcript.Add(step)
	n.Events = append(n.Events, out.Events...)
	return out, err
}
