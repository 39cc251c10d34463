package loadtest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

const waitStep = 20 * time.Second

var (
	modern, _    = suite.ByName("modern")
	serverKey, _ = memrun.ServerKey(modern, 1)
)

// user is one SIMP client connection: a goroutine feeds every frame to
// the role and sends its answers; tests wait for events.
type user struct {
	c      *simp.Client
	conn   *netio.Client
	mu     sync.Mutex // guards c
	events chan role.Event
	alerts chan *netio.ServerAlert
	done   chan struct{} // the frame loop has ended
}

// close ends the connection and waits for the frame loop.
func (u *user) close() {
	u.conn.Close()
	<-u.done
}

func newClient(id string) *simp.Client {
	c, err := simp.NewClient(simp.ClientConfig{Suite: modern, Variant: simp.Hardened, ID: id, Server: simp.DefaultServerID,
		ServerKey: serverKey.Public(), Password: []byte("pw-" + id)})
	if err != nil {
		panic(err)
	}
	return c
}

func connect(addr string, c *simp.Client) (*user, error) {
	conn, err := netio.DialWith(netio.DialConfig{Addr: addr, Name: c.Name(), Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	conn.Label = simp.Label
	u := &user{c: c, conn: conn, events: make(chan role.Event, 1024), alerts: make(chan *netio.ServerAlert, 1024), done: make(chan struct{})}
	go func() {
		defer close(u.done)
		for f := range conn.Incoming() {
			if f.Alert != nil {
				select {
				case u.alerts <- f.Alert:
				default:
				}
				continue
			}
			u.mu.Lock()
			out, err := c.Handle(f.From, f.Payload)
			if err == nil {
				conn.Send(out.Messages...)
			}
			u.mu.Unlock()
			u.emit(out.Events)
		}
	}()
	return u, nil
}

func (u *user) emit(evs []role.Event) {
	for _, e := range evs {
		select {
		case u.events <- e:
		default:
		}
	}
}

func (u *user) act(f func() (role.Output, error)) error {
	u.mu.Lock()
	out, err := f()
	if err == nil {
		err = u.conn.Send(out.Messages...)
	}
	u.mu.Unlock()
	u.emit(out.Events)
	return err
}

// wait waits for n events of kind k (from peer, if not "").
func (u *user) wait(k role.EventKind, peer string, n int) error {
	timer := time.NewTimer(waitStep)
	defer timer.Stop()
	for n > 0 {
		select {
		case e := <-u.events:
			if e.Kind == k && (peer == "" || e.Peer == peer) {
				n--
			}
		case a := <-u.alerts:
			return fmt.Errorf("%s: waiting for %s: %w", u.c.Name(), k, a)
		case <-u.done:
			// The connection ended: the events it delivered are all queued.
			for n > 0 {
				select {
				case e := <-u.events:
					if e.Kind == k && (peer == "" || e.Peer == peer) {
						n--
					}
					continue
				default:
				}
				return fmt.Errorf("%s: waiting for %s: the connection ended (%v)", u.c.Name(), k, u.conn.Err())
			}
			return nil
		case <-timer.C:
			return fmt.Errorf("%s: no %s within %v", u.c.Name(), k, waitStep)
		}
	}
	return nil
}

// restarted is c as a new client process would rebuild it from its
// saved state (what `imcheck client simp` does).
func restarted(c *simp.Client) *simp.Client {
	st, err := c.ExportState()
	if err != nil {
		panic(err)
	}
	n := newClient(c.Name())
	if err := n.ImportState(st); err != nil {
		panic(err)
	}
	return n
}

// validPair runs pairs of users until ctx ends: each new pair registers,
// then five times logs in, exchanges keys and chats three messages each
// way, as two client processes would.
func validPair(ctx context.Context, addr string, i int, c *counters) {
	for gen := 0; ctx.Err() == nil; gen++ {
		a, b := newClient(fmt.Sprintf("p%dg%da", i, gen)), newClient(fmt.Sprintf("p%dg%db", i, gen))
		for round := 0; round < 5 && ctx.Err() == nil; round++ {
			if round > 0 {
				a, b = restarted(a), restarted(b)
			}
			if err := pairRound(addr, a, b, round == 0, c); err != nil {
				c.fail(err)
				return
			}
			c.pairRounds.Add(1)
			if round == 0 {
				c.pairsRegistered.Add(1)
			}
		}
	}
}

// pairRound is one round of a pair: each user connects, as a client
// process does, only when it is about to speak (the server closes a
// connection whose first frame does not come within 10 s), registers if
// asked and logs in; then they exchange keys and chat.
func pairRound(addr string, a, b *simp.Client, register bool, c *counters) error {
	var users []*user
	defer func() {
		for _, u := range users {
			u.close()
		}
	}()
	for _, cl := range []*simp.Client{a, b} {
		u, err := connect(addr, cl)
		if err != nil {
			return err
		}
		users = append(users, u)
		if register {
			start := time.Now()
			if err := u.act(u.c.Register); err != nil {
				return err
			}
			if err := u.wait(role.Registered, "", 1); err != nil {
				return err
			}
			c.step("registration", time.Since(start))
		}
		start := time.Now()
		if err := u.act(u.c.Login); err != nil {
			return err
		}
		if err := u.wait(role.LoginAccepted, "S", 1); err != nil {
			return err
		}
		c.step("login", time.Since(start))
	}
	ua, ub := users[0], users[1]
	start := time.Now()
	if err := ua.act(func() (role.Output, error) { return a.RequestPeer(b.Name()) }); err != nil {
		return err
	}
	if err := ua.wait(role.SessionKeyEstablished, b.Name(), 1); err != nil {
		return err
	}
	if err := ub.wait(role.SessionKeyEstablished, a.Name(), 1); err != nil {
		return err
	}
	c.step("key exchange", time.Since(start))
	for k := range 3 {
		if err := ua.act(func() (role.Output, error) { return a.Send(b.Name(), fmt.Appendf(nil, "a%d", k)) }); err != nil {
			return err
		}
		if err := ub.act(func() (role.Output, error) { return b.Send(a.Name(), fmt.Appendf(nil, "b%d", k)) }); err != nil {
			return err
		}
	}
	if err := ub.wait(role.MessageAccepted, a.Name(), 3); err != nil {
		return err
	}
	return ua.wait(role.MessageAccepted, b.Name(), 3)
}
