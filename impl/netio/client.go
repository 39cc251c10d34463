package netio

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// Client is one user's connection to a server.
type Client struct {
	nc   net.Conn
	name string
	wmu  sync.Mutex

	// OnAlert, if set, is called when the role rejects a frame during
	// Pump; Pump goes on after it.
	OnAlert func(from string, err error)
	// OnEvent, if set, is called for every event during Pump.
	OnEvent func(role.Event)
}

// ErrTimeout is returned by Pump when the awaited event did not come in
// time.
var ErrTimeout = errors.New("netio: timed out waiting for an event")

// Dial connects to addr as the user name.
func Dial(addr, name string) (*Client, error) {
	if !wire.ValidIdentity(name) {
		return nil, fmt.Errorf("netio: %q is not a valid identity", name)
	}
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("netio: dial %s: %w", addr, err)
	}
	return &Client{nc: nc, name: name}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.nc.Close() }

// Send writes each message as a frame addressed to its To.
func (c *Client) Send(msgs ...role.Message) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for _, m := range msgs {
		body, err := wire.Envelope{To: m.To, From: c.name, Payload: m.Bytes}.Marshal()
		if err != nil {
			return err
		}
		if err := wire.WriteFrame(c.nc, body); err != nil {
			return fmt.Errorf("netio: send %s: %w", m.Label, err)
		}
	}
	return nil
}

// Recv reads one frame and returns who sent it and its payload.
func (c *Client) Recv() (from string, payload []byte, err error) {
	body, err := wire.ReadFrame(c.nc)
	if err != nil {
		return "", nil, err
	}
	env, err := wire.ParseEnvelope(body)
	if err != nil {
		return "", nil, err
	}
	return env.From, env.Payload, nil
}

// Pump sends out's messages, then feeds every frame it receives to r and
// sends what r answers, until until returns true for an event (from out
// or from r) or timeout passes. It returns every event seen.
func (c *Client) Pump(r role.Role, out role.Output, until func(role.Event) bool, timeout time.Duration) ([]role.Event, error) {
	var events []role.Event
	seen := func(evs []role.Event) bool {
		for _, e := range evs {
			events = append(events, e)
			if c.OnEvent != nil {
				c.OnEvent(e)
			}
			if until != nil && until(e) {
				return true
			}
		}
		return false
	}
	if err := c.Send(out.Messages...); err != nil {
		return events, err
	}
	if seen(out.Events) {
		return events, nil
	}
	if err := c.nc.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return events, err
	}
	defer c.nc.SetReadDeadline(time.Time{})
	for {
		from, payload, err := c.Recv()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return events, ErrTimeout
			}
			return events, fmt.Errorf("netio: receive: %w", err)
		}
		o, err := r.Handle(from, payload)
		if err != nil {
			if c.OnAlert != nil {
				c.OnAlert(from, err)
			}
			continue
		}
		if err := c.Send(o.Messages...); err != nil {
			return events, err
		}
		if seen(o.Events) {
			return events, nil
		}
	}
}
