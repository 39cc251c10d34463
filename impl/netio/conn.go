package netio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imcheck/imcheck/impl/wire"
)

// conn is one client connection: a reader that hands frames to the role or
// relays them, and a writer that drains a bounded queue. Nothing blocks on
// a client that does not read: a full queue or a passed write deadline
// closes that client alone.
type conn struct {
	s    *server
	nc   net.Conn
	addr string // remote IP
	id   string // bound identity; set once by the reader, under s.mu

	out       chan []byte  // encoded frames
	queued    atomic.Int64 // bytes in out
	done      chan struct{}
	closeOnce sync.Once
	reason    string // why it closed; written once before done closes

	frames  int            // frames read
	rejects map[string]int // "code on label" → count
	order   []string       // the keys of rejects, first seen first
	nreject int
}

func newConn(s *server, nc net.Conn, addr string) *conn {
	return &conn{s: s, nc: nc, addr: addr, out: make(chan []byte, s.opts.QueueLen),
		done: make(chan struct{}), rejects: map[string]int{}}
}

// close ends the connection once; later calls do nothing.
func (c *conn) close(reason string) {
	c.closeOnce.Do(func() {
		c.reason = reason
		close(c.done)
		c.nc.Close()
	})
}

func frameBytes(e wire.Envelope) ([]byte, error) {
	if !wire.ValidIdentity(e.To) || (e.From != "" && !wire.ValidIdentity(e.From)) {
		return nil, fmt.Errorf("netio: bad envelope identities %q, %q", e.To, e.From)
	}
	n := 2 + len(e.To) + len(e.From) + len(e.Payload)
	if n > wire.MaxFrame {
		return nil, fmt.Errorf("netio: frame of %d bytes exceeds %d", n, wire.MaxFrame)
	}
	f := make([]byte, 0, 4+n)
	f = binary.BigEndian.AppendUint32(f, uint32(n))
	f = append(f, byte(len(e.To)))
	f = append(f, e.To...)
	f = append(f, byte(len(e.From)))
	f = append(f, e.From...)
	return append(f, e.Payload...), nil
}

// enqueue queues a frame for the client without ever blocking; a client
// whose queue is full is disconnected.
func (c *conn) enqueue(e wire.Envelope) {
	f, err := frameBytes(e)
	if err != nil {
		c.s.log.Warn("frame not sent", "to", e.To, "err", err)
		return
	}
	if q := c.queued.Add(int64(len(f))); q > int64(c.s.opts.QueueBytes) && q > int64(len(f)) {
		c.queued.Add(-int64(len(f)))
		c.close("outgoing queue full: the client is not reading")
		return
	}
	select {
	case <-c.done:
	case c.out <- f:
	default:
		c.close("outgoing queue full: the client is not reading")
	}
}

func (c *conn) writeLoop() {
	for {
		select {
		case <-c.done:
			return
		case f := <-c.out:
			c.nc.SetWriteDeadline(time.Now().Add(c.s.opts.WriteTimeout))
			_, err := c.nc.Write(f)
			c.queued.Add(-int64(len(f)))
			if err != nil {
				c.close("write: " + errText(err))
				return
			}
		}
	}
}

// readLoop reads frames until the connection fails or is closed, then
// logs a summary and forgets the connection.
func (c *conn) readLoop() {
	defer func() {
		c.close("closed by the client")
		c.s.forget(c)
		c.logClose()
	}()
	o := &c.s.opts
	headerBy := time.Now().Add(o.FirstFrameTimeout)
	for {
		c.nc.SetReadDeadline(headerBy)
		var hdr [4]byte
		if _, err := io.ReadFull(c.nc, hdr[:]); err != nil {
			switch {
			case errors.Is(err, io.EOF):
				c.close("closed by the client")
			case isTimeout(err) && c.frames == 0:
				c.close("no complete first frame in time")
			case isTimeout(err):
				c.close("idle too long")
			default:
				c.close("read: " + errText(err))
			}
			return
		}
		n := int(binary.BigEndian.Uint32(hdr[:]))
		if n > wire.MaxFrame {
			c.close(fmt.Sprintf("frame of %d bytes announced, limit %d", n, wire.MaxFrame))
			return
		}
		bodyBy := time.Now().Add(o.FrameTimeout)
		if c.frames == 0 && headerBy.Before(bodyBy) {
			bodyBy = headerBy
		}
		c.nc.SetReadDeadline(bodyBy)
		held := 0 // budget taken: the capacity above the free allowance
		body, err := wire.ReadBody(c.nc, n, func(capacity int) error {
			k := max(0, capacity-freeBody) - held
			if k > 0 && !c.s.reserve(k) {
				return errBudget
			}
			held += max(k, 0)
			return nil
		})
		if err != nil {
			c.s.release(held)
			switch {
			case errors.Is(err, errBudget):
				c.close("server body budget exhausted")
			case isTimeout(err):
				c.close("frame body not complete in time")
			default:
				c.close("read: " + errText(err))
			}
			return
		}
		c.frames++
		ok := c.handle(body)
		c.s.release(held)
		if !ok {
			return
		}
		headerBy = time.Now().Add(o.IdleTimeout)
	}
}

var errBudget = errors.New("netio: body budget exhausted")

// freeBody is the part of every frame body that does not count against
// the body budget: each protocol message fits (the largest, a pq login,
// is under 4 KiB), so users are served even while others hold the whole
// budget. MaxConns × freeBody bounds what it costs.
const freeBody = 16 << 10

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// errText shortens a network error for the log.
func errText(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

// handle routes one frame; false closes the connection.
func (c *conn) handle(body []byte) bool {
	env, err := wire.ParseEnvelope(body)
	if err != nil || env.From == "" {
		c.close("bad envelope")
		return false
	}
	switch {
	case c.id == "":
		c.s.bind(c, env.From)
		if c.id == "" {
			return false
		}
		c.s.log.Debug("connected", "user", c.id, "addr", c.addr)
	case env.From != c.id:
		c.close(fmt.Sprintf("bound to %q, sent as %q", c.id, env.From))
		return false
	}
	switch {
	case env.To == c.s.name && len(env.Payload) == 0:
		// Keepalive (wire.md §4): nothing to do.
	case env.To == c.s.name:
		c.s.toRole(c, env.Payload)
	default:
		c.s.relay(c, env)
	}
	select {
	case <-c.done:
		return false
	default:
	}
	if c.nreject >= c.s.opts.MaxRejects {
		c.close(fmt.Sprintf("%d frames rejected", c.nreject))
		return false
	}
	return true
}

// rejected answers a refused frame with an alert and records it for the
// summary. The first rejection of each kind on a connection is logged at
// once; the rest only in the summary when the connection closes.
func (c *conn) rejected(code Code, label string, payload []byte, attrs ...any) {
	c.enqueue(wire.Envelope{To: c.id, From: c.s.name, Payload: alertFrame(c.s.opts.Suite, code, payload).Marshal()})
	key := code.String()
	if label != "" {
		key += " on " + label
	}
	c.nreject++
	if c.rejects[key] == 0 {
		if len(c.order) >= 32 {
			key = "other"
		}
		if c.rejects[key] == 0 {
			c.order = append(c.order, key)
			c.s.log.Info("frame rejected", append([]any{"user", c.id, "addr", c.addr, "alert", key}, attrs...)...)
		}
	}
	c.rejects[key]++
}

func (c *conn) logClose() {
	args := []any{"user", c.id, "addr", c.addr, "frames", c.frames, "why", c.reason}
	if c.nreject > 0 {
		parts := make([]string, 0, len(c.order))
		keys := append([]string(nil), c.order...)
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s ×%d", k, c.rejects[k]))
		}
		args = append(args, "rejected", c.nreject, "alerts", strings.Join(parts, ", "))
	}
	switch c.reason {
	case "closed by the client", "server shutting down":
		if c.nreject == 0 {
			c.s.log.Debug("disconnected", args...)
			return
		}
	}
	c.s.log.Info("disconnected", args...)
}
