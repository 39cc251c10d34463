package harness

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
)

// Network delivers messages between parties honestly: in order, each
// once, to the named recipient. It records what happened.
type Network struct {
	Parties  map[string]Party
	Describe func([]byte) (string, []role.Field, error)
	// Transcript records every delivery.
	Transcript role.Transcript
	// Events records every event, in order (including those from Act).
	Events []role.Event
	// MaxSteps bounds deliveries per Do, to stop a ping-pong bug.
	MaxSteps int
}

// NewNetwork returns an honest network over parties.
func NewNetwork(p Protocol, parties map[string]Party) *Network {
	return &Network{Parties: parties, Describe: p.Describe, MaxSteps: 1000}
}

// Do starts a and delivers every resulting message until the network is
// quiet. It stops at the first rejection and returns it.
func (n *Network) Do(a Action) error {
	p, ok := n.Parties[a.Party]
	if !ok {
		return fmt.Errorf("harness: no party %q", a.Party)
	}
	out, err := p.Act(a)
	if err != nil {
		return fmt.Errorf("harness: %s: %w", a, err)
	}
	n.Events = append(n.Events, out.Events...)
	queue := out.Messages
	for steps := 0; len(queue) > 0; steps++ {
		if steps >= n.MaxSteps {
			return fmt.Errorf("harness: %s: more than %d deliveries", a, n.MaxSteps)
		}
		m := queue[0]
		queue = queue[1:]
		step := role.Step{Message: m}
		if n.Describe != nil {
			if _, f, err := n.Describe(m.Bytes); err == nil {
				step.Fields = f
			}
		}
		to, ok := n.Parties[m.To]
		if !ok {
			step.Alert = "no such party"
			n.Transcript.Add(step)
			return fmt.Errorf("harness: %s sent %s to unknown party %q", m.From, m.Label, m.To)
		}
		o, err := to.Handle(m.From, m.Bytes)
		if err != nil {
			step.Alert = err.Error()
			n.Transcript.Add(step)
			return err
		}
		step.Events = o.Events
		n.Transcript.Add(step)
		n.Events = append(n.Events, o.Events...)
		queue = append(queue, o.Messages...)
	}
	return nil
}

// RunHonest builds setup's parties and runs the honest script.
func RunHonest(p Protocol, setup Setup) (*Network, error) {
	parties, err := p.NewParties(setup)
	if err != nil {
		return nil, err
	}
	n := NewNetwork(p, parties)
	for _, a := range p.Honest(setup) {
		if err := n.Do(a); err != nil {
			return n, err
		}
	}
	return n, nil
}
