package adversary

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/wire"
)

// recv delivers to the session's party the packet whose term the model
// delivers, or the adversary's construction of it.
func (g *gammaRun) recv(s ModelStep) error {
	n, to, lbl := g.n, g.party(s.Session), g.label(s.Label)
	from := g.sender(s, to, lbl)
	// The phases the model abstracts complete first (e.g. IMKE's b2, which
	// gives the responder the initiator's key before c1).
	for sp := g.support(); sp != nil; sp = g.support() {
		if err := g.deliverSupport(s, sp); err != nil {
			return err
		}
	}
	if err := g.prepare(s, to, from, lbl); err != nil {
		return err
	}
	p, ok := g.boundPacket(s.Term, to)
	if !ok {
		if done, err := g.serverAnswers(s, lbl, to); done || err != nil {
			return err
		}
		return g.construct(s, lbl, from, to)
	}
	if g.early[p.ID] && p.Msg.To == to {
		g.log(s, "#%d %s was delivered to %s already: the code needs it before the model's next send", p.ID, p.Msg.Label, to)
		delete(g.early, p.ID)
		return nil
	}
	if p.Msg.Label != lbl {
		b, err := g.retype(s, p, lbl)
		if err != nil {
			return err
		}
		if !bytes.Equal(b, p.Msg.Bytes) {
			g.log(s, "injected #%d %s retyped %s, as %s → %s", p.ID, p.Msg.Label, lbl, from, to)
			return g.explain(s, n.Need(n.Inject(from, to, b, fmt.Sprintf("γ: #%d retyped %s", p.ID, lbl))), p.Msg.Label)
		}
	}
	inFlight := n.inPool(p.ID) >= 0
	switch {
	case inFlight && p.Msg.To == to && p.Msg.From == from:
		g.log(s, "delivered #%d %s %s → %s", p.ID, p.Msg.Label, from, to)
		return n.Need(n.Deliver(p.ID))
	case inFlight:
		g.log(s, "redirected #%d %s (%s → %s) to %s as from %s", p.ID, p.Msg.Label, p.Msg.From, p.Msg.To, to, from)
		return n.Need(n.DeliverTo(p.ID, to, from))
	}
	g.log(s, "replayed #%d %s (%s → %s) to %s as from %s", p.ID, p.Msg.Label, p.Msg.From, p.Msg.To, to, from)
	return n.Need(n.Replay(p.ID, to, from))
}

// construct builds a term no honest party sent and injects it (or, for
// the judge, presents it).
func (g *gammaRun) construct(s ModelStep, lbl, from, to string) error {
	t, err := parseTerm(s.Term)
	if err != nil {
		return err
	}
	if done, err := g.abstractedSender(s, t, lbl, from); done || err != nil {
		return err
	}
	if err := g.serverCatchUp(s, from, to); err != nil {
		return err
	}
	if from == g.n.Setup.Server {
		// A login whose a2 the adversary made ends first: the user's
		// client takes S's items only once logged in.
		if _, err := g.acceptAsServer(s, to); err != nil {
			return err
		}
	}
	for sp := g.support(); sp != nil; sp = g.support() {
		if err := g.deliverSupport(s, sp); err != nil {
			return err
		}
	}
	g.n.Saturate()
	b, note, err := g.build(s, t, lbl, from, to)
	if err != nil {
		return err
	}
	if to == judgeName {
		g.log(s, "%s presents to the judge %s", from, note)
		g.n.Present(from, b, "γ: "+note)
		return nil
	}
	g.log(s, "injected %s as %s → %s: %s", lbl, from, to, note)
	return g.n.Need(g.n.Inject(from, to, b, "γ: "+note))
}

// abstractedSender handles a receive whose label no role of the model
// sends (the model abstracts the sender, e.g. simp-nonrep has no
// requester role, so its E1 comes from the attacker): a term in an honest
// user's name is that user's own message, so the user acts; a dishonest
// one's is built as any other.
func (g *gammaRun) abstractedSender(s ModelStep, t *mterm, lbl, from string) (bool, error) {
	if g.facts.sent == nil || g.facts.sent[s.Label] || lbl != "E1" {
		return false, nil
	}
	f := t.fields()
	if len(f) != 3 || gammaAgents[f[0].Name] == "" || gammaAgents[f[2].Name] == "" {
		return false, nil
	}
	requester, peer := gammaAgents[f[0].Name], gammaAgents[f[2].Name]
	if !g.n.Honest(requester) {
		return false, nil
	}
	if err := g.n.Need(g.n.Act(connect(requester, peer))); err != nil {
		return true, err
	}
	e1 := g.unbound(requester, g.n.Setup.Server, "E1")
	if e1 == nil {
		return true, fmt.Errorf("adversary: %s sent no E1", requester)
	}
	g.bound[s.Term] = append(g.bound[s.Term], e1.ID)
	g.log(s, "no role of the model sends E1: %s asks S for %s itself (#%d), delivered", requester, peer, e1.ID)
	return true, g.n.Need(g.n.Deliver(e1.ID))
}

// explain turns the rejection of a retyped packet into the profile rule
// that makes the retyping impossible.
func (g *gammaRun) explain(s ModelStep, err error, was string) error {
	var b *Blocked
	if !errors.As(err, &b) || b.Alert != role.DecryptError.String() || g.proto != "simp" {
		return err
	}
	return &Unrealisable{Step: stepName(s), Subterm: fmt.Sprintf("%s is S's %s under another type", s.Term, was),
		Rule: fmt.Sprintf("simp.md §3: %s and %s are sealed under the distinct AEAD labels \"simp %s\" and \"simp %s\": %s rejected it with %s", was, s.Label, was, s.Label, b.Party, b.Alert)}
}

// retype gives packet p, sent as another label, the wire type of lbl.
func (g *gammaRun) retype(s ModelStep, p *Packet, lbl string) ([]byte, error) {
	b := p.Msg.Bytes
	if g.proto == "imke" {
		// b1/b2 share a wire type, and 4.7 serves both directions.
		return b, nil
	}
	t, ok := simpTypes[lbl]
	if !ok || len(b) == 0 {
		return nil, &Unrealisable{Step: stepName(s), Subterm: s.Term, Rule: fmt.Sprintf("no SIMP message type %s to retype %s into", lbl, p.Msg.Label)}
	}
	if h, err := wire.PeekHeader(b); err != nil || h.Type == t {
		return b, err
	}
	out := bytes.Clone(b)
	out[0] = t // the type is a clear header field
	return out, nil
}

var simpTypes = map[string]uint8{"E1": simp.TypeE1, "E2": simp.TypeE2, "E3": simp.TypeE3, "E4": simp.TypeE4, "E5": simp.TypeE5, "E6": simp.TypeE6, "E7": simp.TypeE7}

// prepare runs, for a responder session, the phases the model abstracts:
// a SIMP B accepts E4 only from a peer whose E3 it holds, an IMKE B c1
// only from a peer whose key S gave it. The model assumes these phases
// correct, so they run honestly: the claimed peer (or the insider the
// adversary drives) asks S for the responder, and the key transport its
// client then sends is held back. Each model session gets its own round.
func (g *gammaRun) prepare(s ModelStep, to, from, lbl string) error {
	n := g.n
	if g.prepared[s.Session] || !n.Honest(to) || from == n.Setup.Server || !(g.proto == "simp" && lbl == "E4" || g.proto == "imke" && lbl == "c1") {
		return nil
	}
	g.prepared[s.Session] = true
	if g.awaits(to, from) {
		return nil
	}
	mark := len(n.History)
	if err := n.Need(n.Act(connect(from, to))); err != nil {
		return err
	}
	g.log(s, "the model assumes %s has %s's key: %s asks S for %s (phases the model abstracts)", to, from, from, to)
	// Only what this round sent flows; packets held for the trace stay.
	for {
		i := slices.IndexFunc(n.Pool, func(p *Packet) bool { return p.ID > mark })
		if i < 0 {
			return nil
		}
		p := n.Pool[i]
		if p.Msg.From == from && p.Msg.To == to && p.Msg.Label == lbl {
			n.Drop(p.ID)
			g.log(s, "held back #%d %s %s → %s (not in the model's trace)", p.ID, p.Msg.Label, from, to)
			continue
		}
		if err := n.Need(n.Deliver(p.ID)); err != nil {
			return err
		}
	}
}

// awaits reports whether party holds from's key for a key transport it
// has not yet accepted (SIMP: an E3 about from since its last key with
// from; IMKE: any key of from's from S).
func (g *gammaRun) awaits(party, from string) bool {
	lastKey, lastGrant := -1, -1
	for i, s := range g.n.Events {
		e := s.Event
		if e.Role != party || e.Peer != from {
			continue
		}
		switch {
		case e.Kind == role.PeerKeyAccepted && (g.proto == "imke" || e.Note == "E3"):
			lastGrant = i
		case e.Kind == role.SessionKeyEstablished && g.proto == "simp":
			lastKey = i
		}
	}
	return lastGrant > lastKey
}

func (g *gammaRun) established(a, b string) bool {
	for _, s := range g.n.Events {
		if s.Event.Kind == role.SessionKeyEstablished && s.Event.Role == a && s.Event.Peer == b {
			return true
		}
	}
	return false
}

// sender is who a receive claims to come from: the server for a server
// message, the session's peer for a user's; a server session (which in a
// composed model serves several users) takes the sender of the bound
// packet, or the user a built term names first.
func (g *gammaRun) sender(s ModelStep, to, lbl string) string {
	n := g.n
	switch {
	case serverLabels[lbl]:
		return n.Setup.Server
	case to != n.Setup.Server:
		return g.peer(s.Session)
	}
	if p, ok := g.boundPacket(s.Term, to); ok && !p.Injected {
		return p.Msg.From
	}
	if t, err := parseTerm(s.Term); err == nil {
		if u := g.a3Sender(t); lbl == "a3" && u != "" {
			return u
		}
		if f := t.fields(); agentOf(f[0]) != "" && agentOf(f[0]) != n.Setup.Server {
			return agentOf(f[0])
		}
	}
	return g.peer(s.Session)
}

// deliverEarly delivers the packets party sent that the trace delivers
// later: the code needs them first (an IMKE client asks S for a peer only
// once S has confirmed its login, which the model does not wait for).
func (g *gammaRun) deliverEarly(s ModelStep, party string) (bool, error) {
	n, any := g.n, false
	for _, p := range slices.Clone(n.Pool) {
		if p.Msg.From != party || !g.isBound(p.ID) || !g.laterRecv(g.termOf(p.ID)) {
			continue
		}
		if err := n.Need(n.Deliver(p.ID)); err != nil {
			return any, err
		}
		g.early[p.ID], any = true, true
		g.log(s, "delivered #%d %s %s → %s early: the code needs it before %s's next action", p.ID, p.Msg.Label, p.Msg.From, p.Msg.To, party)
	}
	if any && g.proto == "simp" {
		// SIMP registration (simp.md §5): the model's user logs in with
		// kreg(A, S), dkreg(A, S) as terms it knows, and its registration
		// role may end at R1; the code logs in only with the key set of an
		// R2 it has opened. The R2 the honest server answers the R1 with
		// is delivered now; the trace's own send of it binds it later.
		for _, p := range slices.Clone(n.Pool) {
			if p.Msg.From != n.Setup.Server || p.Msg.To != party || p.Msg.Label != "R2" || g.isBound(p.ID) {
				continue
			}
			if err := n.Need(n.Deliver(p.ID)); err != nil {
				return any, err
			}
			g.early[p.ID] = true
			g.log(s, "delivered #%d R2 %s → %s early: the code logs %s in only with the key set of an R2 it opened", p.ID, p.Msg.From, p.Msg.To, party)
		}
	}
	if !any {
		if done, err := g.acceptAsServer(s, party); done || err != nil {
			return done, err
		}
	}
	if !any {
		// A message to S that the trace never has S receive (the model
		// stops before): the code needs it delivered before the party acts
		// again (an IMKE client's a3 before its 4.2).
		for _, p := range slices.Clone(n.Pool) {
			if p.Msg.From != party || p.Msg.To != n.Setup.Server || !g.isBound(p.ID) || g.laterRecv(g.termOf(p.ID)) {
				continue
			}
			if err := n.Need(n.Deliver(p.ID)); err != nil {
				return any, err
			}
			any = true
			g.log(s, "delivered #%d %s %s → %s: the trace has no receive of it, the code needs it before %s's next action", p.ID, p.Msg.Label, p.Msg.From, p.Msg.To, party)
		}
	}
	for sp := g.support(); sp != nil; sp = g.support() {
		if err := g.deliverSupport(s, sp); err != nil {
			return any, err
		}
	}
	return any, nil
}

// laterRecv reports whether a step after the current one receives term.
func (g *gammaRun) laterRecv(term string) bool {
	for _, s := range g.trace.Steps[g.pos+1:] {
		if s.Kind == "recv" && s.Term == term {
			return true
		}
	}
	return false
}
