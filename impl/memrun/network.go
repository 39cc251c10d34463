package memrun

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

// Network delivers messages between in-memory SIMP roles in FIFO order and
// records the transcript (its steps' fields from simp.Describe). It is the
// honest network of RunSIMP; tests drive it step by step.
type Network struct {
	Roles      map[string]role.Role
	Transcript role.Transcript
	Events     []role.Event // every event, actions' included, in order
}

// NewNetwork wires roles by name.
func NewNetwork(roles ...role.Role) *Network {
	n := &Network{Roles: map[string]role.Role{}}
	for _, r := range roles {
		n.Roles[r.Name()] = r
	}
	return n
}

// Do runs each action and delivers everything that follows until the
// network is quiet. It stops at the first error or alert.
func (n *Network) Do(actions ...func() (role.Output, error)) error {
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
func (n *Network) Deliver(msgs ...role.Message) error {
	queue := append([]role.Message(nil), msgs...)
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		out, err := n.DeliverOne(m)
		if err != nil {
			return err
		}
		queue = append(queue, out.Messages...)
	}
	return nil
}

// DeliverOne hands one message to its recipient and records the step. The
// recipient's alert, if any, is returned.
func (n *Network) DeliverOne(m role.Message) (role.Output, error) {
	r, ok := n.Roles[m.To]
	if !ok {
		return role.Output{}, fmt.Errorf("memrun: no role %q on the network", m.To)
	}
	step := role.Step{Message: m}
	if _, fields, err := simp.Describe(m.Bytes); err == nil {
		step.Fields = fields
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
