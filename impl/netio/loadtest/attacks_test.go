package loadtest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"time"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// frame encodes one frame from "from" to "to".
func frame(to, from string, payload []byte) []byte {
	body, err := wire.Envelope{To: to, From: from, Payload: payload}.Marshal()
	if err != nil {
		panic(err)
	}
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
}

// dial dials addr from 127.0.0.src, counting refusals.
func dial(addr string, src int, c *counters) (net.Conn, error) {
	nc, err := dialer(src).Dial("tcp", addr)
	if err != nil {
		c.refusedDials.Add(1)
	}
	return nc, err
}

// until waits for ctx, or for the server to close nc (reads drained).
func until(ctx context.Context, nc net.Conn) {
	closed := make(chan struct{})
	go func() { io.Copy(io.Discard, nc); close(closed) }()
	select {
	case <-ctx.Done():
	case <-closed:
	}
}

// idleConn binds one connection and leaves it silent until the end.
func idleConn(ctx context.Context, addr string, src, i int, c *counters) {
	nc, err := dial(addr, src, c)
	if err != nil {
		return
	}
	defer nc.Close()
	nc.Write(frame("S", fmt.Sprintf("idle%d", i), nil))
	c.idle.Add(1)
	until(ctx, nc)
}

// announceConn announces a 1 MiB frame, sends 64 bytes of it and stalls;
// when the server times it out, it does so again.
func announceConn(ctx context.Context, addr string, src int, c *counters) {
	for ctx.Err() == nil {
		nc, err := dial(addr, src, c)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		nc.Write(append([]byte{0, 0x10, 0, 0}, make([]byte, 64)...))
		c.announced.Add(1)
		until(ctx, nc)
		nc.Close()
	}
}

// garbageStreams sends n streams of random bytes, half of them behind a
// plausible frame length, each on its own connection.
func garbageStreams(ctx context.Context, addr string, src int, seed int64, n int, c *counters) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	for k := 0; k < n && ctx.Err() == nil; k++ {
		nc, err := dial(addr, src, c)
		if err != nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		b := make([]byte, 1+rng.IntN(8192))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		if k%2 == 0 && len(b) > 4 {
			binary.BigEndian.PutUint32(b, uint32(len(b)-4))
		}
		nc.SetDeadline(time.Now().Add(3 * time.Second))
		nc.Write(b)
		io.Copy(io.Discard, nc)
		nc.Close()
		c.garbage.Add(1)
	}
}

// churn opens, binds and closes connections as fast as the server takes
// them.
func churn(ctx context.Context, addr string, src, i int, c *counters) {
	for k := 0; ctx.Err() == nil; k++ {
		nc, err := dial(addr, src, c)
		if err != nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		nc.Write(frame("S", fmt.Sprintf("churn%d-%d", i, k), nil))
		nc.Close()
		c.churned.Add(1)
		time.Sleep(2 * time.Millisecond)
	}
}

// replayFlood logs a user in honestly, then replays its L1 (SIMP W1's
// message, needing no password) on connections that never read, each
// until the server drops it.
func replayFlood(ctx context.Context, addr string, src, i int, c *counters) {
	cl := newClient(fmt.Sprintf("replay%d", i))
	u, err := connect(addr, cl)
	if err != nil {
		return
	}
	var l1 []byte
	if err := u.act(cl.Register); err == nil && u.wait(roleRegistered, "", 1) == nil {
		u.mu.Lock()
		out, err := cl.Login()
		u.mu.Unlock()
		if err == nil {
			l1 = out.Messages[0].Bytes
			u.conn.Send(out.Messages...)
			u.wait(roleLoginAccepted, "S", 1)
		}
	}
	u.close()
	if l1 == nil {
		return
	}
	f := frame("S", cl.Name(), l1)
	for ctx.Err() == nil {
		nc, err := dial(addr, src, c)
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		c.replayFloods.Add(1)
		for ctx.Err() == nil {
			nc.SetWriteDeadline(time.Now().Add(2 * time.Second))
			if _, err := nc.Write(f); err != nil {
				break // the server dropped us
			}
		}
		nc.Close()
	}
}

// relayFlood has a victim that never reads, on a connection renewed
// every two seconds, and a flooder relaying 32 KiB frames to it.
func relayFlood(ctx context.Context, addr string, src, i int, c *counters) {
	victim := fmt.Sprintf("victim%d", i)
	go func() {
		for ctx.Err() == nil {
			nc, err := dial(addr, src, c)
			if err != nil {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			nc.Write(frame("S", victim, nil))
			c.relayFloods.Add(1)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
			nc.Close()
		}
	}()
	big := frame(victim, fmt.Sprintf("flooder%d", i), make([]byte, 32<<10))
	for ctx.Err() == nil {
		nc, err := dial(addr, src+1, c)
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		go io.Copy(io.Discard, nc) // the flooder itself reads (offline alerts)
		for ctx.Err() == nil {
			nc.SetWriteDeadline(time.Now().Add(2 * time.Second))
			if _, err := nc.Write(big); err != nil {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		nc.Close()
	}
}

const (
	roleRegistered    = role.Registered
	roleLoginAccepted = role.LoginAccepted
)
