package conformance

import (
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// otherServer is the server identity of the cases that name it otherwise:
// the setup's server field (harness.md §Setup) is the identity every party
// uses for the server, whatever it is.
const otherServer = "srv"

// serverNamedOtherwise: the honest script of each protocol, with the
// server called otherServer, the IUT as the server and as the initiator
// (harness.md §Setup, §Actions).
func serverNamedOtherwise() []Case {
	var out []Case
	for _, proto := range []struct{ name, prefix, clause string }{
		{"simp", "SIMP", "harness.md §Setup; simp.md"}, {"imke", "IMKE", "harness.md §Setup; imke.md"},
	} {
		for _, party := range []string{otherServer, "alice"} {
			what := map[string]string{otherServer: "server", "alice": "initiator"}[party]
			out = append(out, Case{ID: proto.prefix + "/honest/server-named-otherwise/" + what, Clause: proto.clause,
				Protocol: proto.name, Party: party, Server: otherServer,
				Summary: "the honest run with the server called " + otherServer + " instead of S, the IUT as the " + what + ": every step is accepted and the IUT logs in to (or accepts) the users under that name",
				Custom:  runHonestScript})
		}
	}
	return out
}

// runHonestScript runs the protocol's honest script on an honest network
// with the IUT in its party's place, and checks that nothing is rejected
// and that the IUT's logins name the setup's server.
func runHonestScript(run *CustomRun) error {
	p, err := harness.Lookup(run.Setup.Protocol)
	if err != nil {
		return err
	}
	parties, err := p.NewParties(run.Setup)
	if err != nil {
		return err
	}
	iut := &iutAsParty{name: run.Name, p: run.Party}
	parties[run.Name] = iut
	n := harness.NewNetwork(p, parties)
	for _, a := range p.Honest(run.Setup) {
		if err := n.Do(a); err != nil {
			if iutFailure(err) {
				return err
			}
			return Failf("%s: %s", a, strings.TrimPrefix(err.Error(), "harness: "))
		}
	}
	logins := 0
	for _, e := range iut.events {
		if e.Kind == role.LoginAccepted && (run.Name == run.Setup.Server) == (e.Peer != run.Setup.Server) {
			logins++
		}
	}
	want := 1
	if run.Name == run.Setup.Server {
		want = len(run.Setup.Users)
	}
	if logins != want {
		return Failf("the IUT emitted %d login-accepted events with the server called %s, want %d", logins, run.Setup.Server, want)
	}
	return nil
}

// iutAsParty puts the IUT's party on a harness network and keeps its
// events.
type iutAsParty struct {
	name   string
	p      Party
	events []role.Event
}

func (q *iutAsParty) Name() string   { return q.name }
func (q *iutAsParty) Ops() suite.Ops { return suite.Ops{} }

func (q *iutAsParty) Handle(from string, m []byte) (role.Output, error) {
	out, err := q.p.Handle(from, m)
	q.events = append(q.events, out.Events...)
	return out, err
}

func (q *iutAsParty) Act(a harness.Action) (role.Output, error) {
	out, err := q.p.Act(a)
	q.events = append(q.events, out.Events...)
	return out, err
}
