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

// Client is one user's connection to a server. A goroutine reads frames
// into Incoming; another sends a keepalive every Keepalive so that an idle
// user is not timed out by the server.
type Client struct {
	nc     net.Conn
	name   string
	server string
	wmu    sync.Mutex

	in     chan Frame
	err    error // why in closed; set before close(in)
	done   chan struct{}
	closed sync.Once

	// OnAlert, if set, is called when the role rejects a frame during
	// Pump; Pump goes on after it.
	OnAlert func(from string, err error)
	// OnEvent, if set, is called for every event during Pump.
	OnEvent func(role.Event)
	// Label, if set, names a message type in ServerAlert errors.
	Label func(msgType uint8) string
	// Commit, if set, is called by Pump before it sends anything (the
	// messages it was given and each answer of the role), so that state
	// the role changed can be saved first; an error ends Pump.
	Commit func() error
}

// Frame is one frame a client received: a protocol payload from From, or
// an alert frame from the server (Alert set, Payload nil).
type Frame struct {
	From    string
	Payload []byte
	Alert   *ServerAlert
}

// DialConfig configures DialWith.
type DialConfig struct {
	Addr string
	Name string // this user's identity
	// Server is the server's identity, where keepalives go; "" means "S".
	Server string
	// Keepalive is the interval of keepalive frames; 0 means 30 s, a
	// negative value sends none.
	Keepalive time.Duration
	// Timeout bounds the dial and each write; 0 means 5 s.
	Timeout time.Duration
}

// ErrTimeout is returned by Pump when the awaited event did not come in
// time.
var ErrTimeout = errors.New("netio: timed out waiting for an event")

// Dial connects to addr as the user name, with the defaults of DialConfig.
func Dial(addr, name string) (*Client, error) {
	return DialWith(DialConfig{Addr: addr, Name: name})
}

// DialWith connects as cfg says.
func DialWith(cfg DialConfig) (*Client, error) {
	if !wire.ValidIdentity(cfg.Name) {
		return nil, fmt.Errorf("netio: %q is not a valid identity", cfg.Name)
	}
	if cfg.Server == "" {
		cfg.Server = "S"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Keepalive == 0 {
		cfg.Keepalive = 30 * time.Second
	}
	nc, err := net.DialTimeout("tcp", cfg.Addr, cfg.Timeout)
	if err != nil {
		return nil, fmt.Errorf("netio: dial %s: %w", cfg.Addr, err)
	}
	c := &Client{nc: nc, name: cfg.Name, server: cfg.Server, in: make(chan Frame, 16), done: make(chan struct{})}
	go c.readLoop()
	if cfg.Keepalive > 0 {
		go c.keepalive(cfg.Keepalive, cfg.Timeout)
	}
	return c, nil
}

// Close closes the connection.
func (c *Client) Close() error {
	var err error
	c.closed.Do(func() {
		close(c.done)
		err = c.nc.Close()
	})
	return err
}

// Incoming delivers every frame received, in order; it is closed when the
// connection ends, and Err then says why.
func (c *Client) Incoming() <-chan Frame { return c.in }

// Err is why Incoming closed: nil for a clean end of stream.
func (c *Client) Err() error { return c.err }

func (c *Client) readLoop() {
	defer close(c.in)
	for {
		body, err := wire.ReadFrame(c.nc)
		if err != nil {
			select {
			case <-c.done:
			default:
				if !errors.Is(err, net.ErrClosed) {
					c.err = err
				}
			}
			return
		}
		env, err := wire.ParseEnvelope(body)
		if err != nil {
			c.err = err
			return
		}
		f := Frame{From: env.From, Payload: env.Payload}
		if env.From == c.server && len(env.Payload) > 0 && env.Payload[0] == wire.TypeAlert {
			a, err := wire.ParseAlert(env.Payload)
			if err != nil {
				c.err = fmt.Errorf("netio: bad alert from the server: %w", err)
				return
			}
			f = Frame{From: env.From, Alert: &ServerAlert{Code: Code(a.Code), About: a.About}}
			if c.Label != nil && a.About != 0 {
				f.Alert.Label = c.Label(a.About)
			}
		}
		select {
		case c.in <- f:
		case <-c.done:
			return
		}
	}
}

func (c *Client) keepalive(every, timeout time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if err := c.write(wire.Envelope{To: c.server, From: c.name}, timeout); err != nil {
				return
			}
		}
	}
}

func (c *Client) write(e wire.Envelope, timeout time.Duration) error {
	body, err := e.Marshal()
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.nc.SetWriteDeadline(time.Now().Add(timeout))
	return wire.WriteFrame(c.nc, body)
}

// Send writes each message as a frame addressed to its To.
func (c *Client) Send(msgs ...role.Message) error {
	for _, m := range msgs {
		if err := c.write(wire.Envelope{To: m.To, From: c.name, Payload: m.Bytes}, 10*time.Second); err != nil {
			return fmt.Errorf("netio: send %s: %w", m.Label, err)
		}
	}
	return nil
}

// Recv returns the next protocol frame: who sent it and its payload. An
// alert frame is returned as a *ServerAlert error.
func (c *Client) Recv() (from string, payload []byte, err error) {
	f, ok := <-c.in
	if !ok {
		return "", nil, c.endErr()
	}
	if f.Alert != nil {
		return f.From, nil, f.Alert
	}
	return f.From, f.Payload, nil
}

func (c *Client) endErr() error {
	if c.err != nil {
		return fmt.Errorf("netio: receive: %w", c.err)
	}
	return errors.New("netio: the server closed the connection")
}

// Pump sends out's messages, then feeds every frame it receives to r and
// sends what r answers, until until returns true for an event (from out
// or from r) or timeout passes. It returns every event seen. An alert
// frame from the server ends Pump with the *ServerAlert as its error.
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
	if err := c.commitAndSend(out.Messages); err != nil {
		return events, err
	}
	if seen(out.Events) {
		return events, nil
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		var f Frame
		var ok bool
		select {
		case f, ok = <-c.in:
		case <-timer.C:
			return events, ErrTimeout
		}
		if !ok {
			return events, c.endErr()
		}
		if f.Alert != nil {
			return events, f.Alert
		}
		o, err := r.Handle(f.From, f.Payload)
		if err != nil {
			if c.OnAlert != nil {
				c.OnAlert(f.From, err)
			}
			continue
		}
		if err := c.commitAndSend(o.Messages); err != nil {
			return events, err
		}
		if seen(o.Events) {
			return events, nil
		}
	}
}

func (c *Client) commitAndSend(msgs []role.Message) error {
	if c.Commit != nil {
		if err := c.Commit(); err != nil {
			return err
		}
	}
	return c.Send(msgs...)
}
