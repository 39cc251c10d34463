package lang

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/imcheck/imcheck/model/proto"
)

// claimEvent is an agreement claim's event, checked against the events the
// roles emit once the whole file is read.
type claimEvent struct {
	name  token
	arity int
}

// claim [label:] kind ... [unless revealed] [if [honest A, B] [distinct]]
func (ps *parser) claim(kw token) {
	r := ps.role
	ps.nstmt++
	if ps.nstmt > MaxClaims {
		ps.fail(ps.at(kw), "more than %d claims in one file (docs/limits.md)", MaxClaims)
	}
	c := &proto.Claim{Role: r, Pos: ps.at(kw), Action: len(r.Actions)}
	l, labelled := ps.labelled()
	if labelled {
		c.ID = l.text
	}
	k := ps.peek()
	if k.kind != tIdent {
		ps.fail(ps.at(k), "expected a claim kind, found %s", k)
	}
	ps.next()
	kind, ok := proto.ParseClaimKind(k.text)
	if !ok {
		ps.fail(ps.at(k), "unknown claim %q; claims are secret, fsecret, alive, weakagree, niagree, injagree, unique, weaksecret", k.text)
	}
	c.Kind = kind
	ps.recording, ps.recorded = true, ps.recorded[:0]
	switch c.Kind {
	case proto.ClaimSecret, proto.ClaimUnique, proto.ClaimWeakSecret, proto.ClaimFSecret:
		c.Term = ps.term(true)
		if c.Kind == proto.ClaimFSecret {
			ps.expect("reveal", "after the fsecret term: name what is revealed later, e.g. 'reveal sk(A)'")
			for {
				c.Reveal = append(c.Reveal, ps.term(true))
				if !ps.accept(",") {
					break
				}
			}
		}
		if ps.is("unless") {
			u := ps.next()
			if c.Kind != proto.ClaimSecret {
				ps.fail(ps.at(u), "'unless revealed' applies to secret claims only")
			}
			ps.expect("revealed", "after 'unless': 'secret K unless revealed'")
			c.UnlessRevealed = true
		}
	case proto.ClaimAlive, proto.ClaimWeakAgree:
		c.Agent = ps.param("the partner agent")
	case proto.ClaimNIAgree, proto.ClaimInjAgree:
		e := ps.ident("an event name")
		c.Event = e.text
		c.Args = ps.args()
		ps.claimEvents = append(ps.claimEvents, claimEvent{name: e, arity: len(c.Args)})
	}
	ps.recording = false
	c.Text = k.text + " " + spell(ps.recorded)
	if ps.accept("if") {
		for n := 0; ; n++ {
			switch {
			case ps.accept("honest"):
				for {
					c.Honest = append(c.Honest, ps.param("an agent parameter"))
					if !ps.accept(",") {
						break
					}
				}
				continue
			case ps.accept("distinct"):
				c.Distinct = true
				continue
			case n == 0:
				ps.fail(ps.at(ps.peek()), "expected 'honest A, B' or 'distinct' after 'if', found %s", ps.peek())
			}
			break
		}
	}
	if c.ID == "" {
		c.ID = r.Name + "." + k.text
		if n := ps.nclaim[c.ID] + 1; n > 1 {
			c.ID += strconv.Itoa(n)
		}
	}
	if o := ps.claims[c.ID]; o != nil {
		// a shared label: one claim checked at several points
		if !labelled || o.Kind != c.Kind {
			ps.fail(ps.at(kw), "claim %s is declared twice (first at line %d); a label may be shared only by claims of the same kind", c.ID, o.Pos.Line)
		}
		if len(o.Args) != len(c.Args) {
			ps.fail(ps.at(kw), "claim %s: shared label with %d event arguments, first at line %d has %d", c.ID, len(c.Args), o.Pos.Line, len(o.Args))
		}
		if o.UnlessRevealed != c.UnlessRevealed {
			ps.fail(ps.at(kw), "claim %s: shared label, 'unless revealed' here but not at line %d or the other way round", c.ID, o.Pos.Line)
		}
		c.Primary = o
	}
	r.Actions = append(r.Actions, &proto.Action{Kind: proto.ActClaim, Claim: c, Pos: ps.at(kw)})
	if c.Primary == nil {
		ps.p.Claims = append(ps.p.Claims, c)
		ps.claims[c.ID] = c
		ps.nclaim[r.Name+"."+k.text]++ // labelled or not, as the IDs count them
	}
}

// param reads the name of one of the role's agent parameters.
func (ps *parser) param(what string) int {
	a := ps.ident(what)
	if i, ok := ps.syms[a.text]; ok && i < ps.role.Params {
		return i
	}
	ps.fail(ps.at(a), "%s is not a parameter of role %s", a.text, ps.role.Name)
	return -1
}

// spell renders tokens compactly, for a claim's text.
func spell(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if t.text == "," {
			b.WriteString(", ")
			continue
		}
		if i > 0 && t.kind == tIdent && (toks[i-1].kind == tIdent || toks[i-1].text == ")" || toks[i-1].text == ">") {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// checkClaimEvents: every event an agreement claim names is emitted by
// some role, with as many arguments. A misspelt event would otherwise make
// every such claim an attack.
func (ps *parser) checkClaimEvents() {
	for _, ce := range ps.claimEvents {
		n, ok := ps.events[ce.name.text]
		if !ok {
			// The hint names the first few events in the order of the
			// file; a map keeps it linear in the number of events.
			var known []string
			seen := map[string]bool{}
			for _, r := range ps.p.Roles {
				for _, a := range r.Actions {
					if a.Kind == proto.ActEvent && !seen[a.Event] {
						seen[a.Event] = true
						if len(known) < maxHintNames {
							known = append(known, a.Event)
						}
					}
				}
			}
			hint := "no role emits any event"
			if len(known) > 0 {
				hint = "events: " + strings.Join(known, ", ")
				if more := len(seen) - len(known); more > 0 {
					hint += fmt.Sprintf(" and %d more", more)
				}
			}
			ps.fail(ps.at(ce.name), "no role emits event %s (%s)", ce.name.text, hint)
		}
		if n != ce.arity {
			ps.fail(ps.at(ce.name), "event %s has %d arguments where roles emit it, not %d", ce.name.text, n, ce.arity)
		}
	}
}
