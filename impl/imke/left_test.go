package imke

import (
	"errors"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// TestLeftEndsTheLogin: once bob's connection has ended, S refuses a peer
// request naming him and his old session's messages, and a new login of
// bob works as the first did.
func TestLeftEndsTheLogin(t *testing.T) {
	for _, v := range Variants() {
		t.Run(string(v), func(t *testing.T) {
			w := newWorld(t, "modern", v)
			w.loginBoth(false)
			w.server().Left("bob")
			w.server().Left("nobody") // unknown: nothing happens
			if got := w.server().LoggedIn(); len(got) != 1 || got[0] != "alice" {
				t.Fatalf("logged in after Left: %v", got)
			}
			req := w.act(harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"})
			if _, err := w.deliver(req.Messages[0]); !errors.Is(err, role.AlertOf(role.UnknownPeer)) {
				t.Fatalf("peer request for a user who left: %v, want unknown_peer", err)
			}
			w.client("bob").Reset() // a new client process
			w.do(harness.Action{Party: "bob", Verb: harness.Login})
			w.do(harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"})
			if got := w.server().LoggedIn(); len(got) != 2 {
				t.Fatalf("logged in after bob's new login: %v", got)
			}
		})
	}
}
