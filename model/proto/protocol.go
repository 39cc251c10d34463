package proto

import (
	"fmt"

	"github.com/imcheck/imcheck/model/term"
)

// Pos is a position in a protocol file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Protocol is a compiled protocol file.
type Protocol struct {
	Name      string
	File      string
	Theory    *term.Theory
	Consts    []*term.Name
	LongTerm  []*LongTerm // private functions of agents: keys, passwords
	Public    []*Template // terms everybody knows, for every agent
	Roles     []*Role
	Scenarios []*Scenario
	Claims    []*Claim // all claims in file order
	// Warnings are "file:line:col: warning: ..." lines about things that
	// are allowed but probably not meant (docs/model.md, "Warnings").
	Warnings []string
}

// LongTerm declares a private function of agents, e.g. "secret sk(X)".
// The attacker knows f(x1, ..., xn) whenever one of the xi is dishonest.
type LongTerm struct {
	Fn    string
	Arity int
	Type  string
	Weak  bool // a password
	// Unordered (secret k{X, Y}): k(a, b) is k(b, a); its one argument
	// is the pair {a, b} (term.FnPair).
	Unordered bool
	Pos       Pos
}

// Template is a term over agent placeholders (Vars with IDs 0..Arity-1).
type Template struct {
	Term  term.Term
	Arity int
	Pos   Pos
}

// SymKind is the kind of a role symbol.
type SymKind uint8

const (
	SymParam SymKind = iota // an agent parameter of the role
	SymFresh                // a value the session generates
	SymVar                  // a value the session receives
)

// Sym is one entry of a role's symbol table; role templates refer to it as
// a *Var whose ID is the index.
type Sym struct {
	Name  string
	Kind  SymKind
	Type  string // for params: "user" or "server"
	Pos   Pos
	Class string
}

// Role is one role of the protocol. Its first parameter is the agent that
// plays it.
type Role struct {
	Name    string
	Index   int
	Params  int // Syms[:Params] are the parameters
	Syms    []Sym
	Knows   []term.Term
	Actions []*Action
	Pos     Pos
}

// ActKind is the kind of a role action.
type ActKind uint8

const (
	ActSend ActKind = iota
	ActRecv
	ActCheck
	ActEvent
	ActClaim
	ActCache
)

// Action is one line of a role.
type Action struct {
	Kind  ActKind
	Label string      // message label, e.g. "E4"
	Term  term.Term   // send, recv, left of check
	Term2 term.Term   // right of check
	Event string      // event name; for cache, the cache's name
	Args  []term.Term // event arguments
	Claim *Claim
	Pos   Pos
}

// ClaimKind is the kind of a security claim.
type ClaimKind uint8

const (
	ClaimSecret     ClaimKind = iota // secret T
	ClaimFSecret                     // fsecret T reveal L: forward secrecy
	ClaimAlive                       // alive B
	ClaimWeakAgree                   // weakagree B
	ClaimNIAgree                     // niagree E(args): non-injective agreement
	ClaimInjAgree                    // injagree E(args): injective agreement
	ClaimUnique                      // unique T: never accepted twice
	ClaimWeakSecret                  // weaksecret P: no offline guessing
)

var claimNames = [...]string{"secret", "fsecret", "alive", "weakagree", "niagree", "injagree", "unique", "weaksecret"}

func (k ClaimKind) String() string { return claimNames[k] }

// ParseClaimKind returns the claim kind a keyword names.
func ParseClaimKind(s string) (ClaimKind, bool) {
	for i, n := range claimNames {
		if n == s {
			return ClaimKind(i), true
		}
	}
	return 0, false
}

// Claim is a security claim made at a point of a role.
type Claim struct {
	ID     string // label or Role.kind.N
	Kind   ClaimKind
	Role   *Role
	Action int // index of the claim in Role.Actions
	Term   term.Term
	Agent  int // partner symbol for alive and weakagree
	Event  string
	Args   []term.Term
	Reveal []term.Term
	// UnlessRevealed (secret T unless revealed): a session-value reveal
	// of the claiming session, or of the value T after the claiming
	// session began, excuses the claim (Scenario.SessionReveals).
	UnlessRevealed bool
	Honest         []int // symbols that must be honest; all params if empty
	// Distinct (if distinct): the claim applies only to sessions whose
	// parameters are pairwise different agents.
	Distinct bool
	Text     string
	Pos      Pos
	// Primary is the first occurrence of a shared label: a label used
	// at several points (in one role or several) names one claim, whose
	// occurrences are all checked together (e.g. "unique" across roles,
	// "injagree" across several receptions of one session). Nil for the
	// first occurrence.
	Primary *Claim
}

// First returns the claim an occurrence belongs to.
func (c *Claim) First() *Claim {
	if c.Primary != nil {
		return c.Primary
	}
	return c
}

// Scenario is a bounded setting in which every claim is checked.
type Scenario struct {
	Name             string
	Users            []string // honest users
	Dishonest        []string // dishonest users
	Servers          []string // honest servers
	DishonestServers []string
	Sessions         int
	Untyped          bool
	// Distinct: no session has the same agent in two parameters.
	Distinct bool
	Reveal   []term.Term // ground terms the attacker knows from the start
	// SessionReveals are values of sessions the attacker may learn during
	// the run, each at most once per session: "reveal Kab of S".
	SessionReveals []*SessionReveal
	// Roles, if not empty, are the only roles a session of this scenario
	// may take ("roles A, S, B"): one model can hold alternative roles
	// (a key transport direct or relayed) and each scenario runs one set.
	Roles []string
	Pos   Pos
}

// HasRole reports whether a session of the scenario may take the role.
func (sc *Scenario) HasRole(name string) bool {
	if len(sc.Roles) == 0 {
		return true
	}
	for _, r := range sc.Roles {
		if r == name {
			return true
		}
	}
	return false
}

// SessionReveal lets the attacker learn values of any session of a role
// once the session has passed a point: its last message by default, or the
// message (or event) with a given label. In a trace it is a reveal step
// whose Label is Text and whose Role is the role's name.
type SessionReveal struct {
	Role  *Role
	Terms []term.Term // over the role's symbols
	// After is the index in Role.Actions of the action the session must
	// have done.
	After int
	Text  string // as written: "Kab of S", "X of I after m2"
	Pos   Pos
}

// Class returns the agents of a class, honest first.
func (s *Scenario) Class(class string) (honest, dishonest []string) {
	if class == "server" {
		return s.Servers, s.DishonestServers
	}
	return s.Users, s.Dishonest
}

// Honest reports whether the agent is honest in s.
func (s *Scenario) Honest(agent string) bool {
	for _, a := range s.Dishonest {
		if a == agent {
			return false
		}
	}
	for _, a := range s.DishonestServers {
		if a == agent {
			return false
		}
	}
	return true
}

// AllAgents lists every agent: users, dishonest users, servers.
func (s *Scenario) AllAgents() []string {
	var out []string
	out = append(out, s.Users...)
	out = append(out, s.Dishonest...)
	out = append(out, s.Servers...)
	out = append(out, s.DishonestServers...)
	return out
}

func (p *Protocol) ClaimByID(id string) *Claim {
	for _, c := range p.Claims {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// DistinctAgents reports whether the first n values of env (a session's
// agents) are pairwise different.
func DistinctAgents(env []term.Term, n int) bool {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if term.Equal(env[i], env[j]) {
				return false
			}
		}
	}
	return true
}
