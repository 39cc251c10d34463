package proto

import "github.com/imcheck/imcheck/model/term"

// StepKind is the kind of a trace step. The kinds follow the Dolev-Yao
// trace entries of Gobra's reusable DY library: a session start, a message
// sent (the attacker sees it), a message received (the attacker built it),
// an event, a claim reached, and a reveal of long-term secrets.
type StepKind string

const (
	StepStart  StepKind = "start"
	StepSend   StepKind = "send"
	StepRecv   StepKind = "recv"
	StepEvent  StepKind = "event"
	StepClaim  StepKind = "claim"
	StepReveal StepKind = "reveal"
)

// Step is one entry of a trace. Terms are ground in a reported trace.
type Step struct {
	Kind    StepKind
	Session int         // 1-based session number
	Role    string      // start: the role
	Agents  []string    // start: the agents bound to the role's parameters
	Label   string      // message label, event name or claim ID
	Term    term.Term   // send, recv
	Args    []term.Term // event arguments, revealed terms
	Line    int         // line of the action in the protocol file
}

// Trace is an attack: a Dolev-Yao execution that violates one claim.
type Trace struct {
	Claim  string // claim ID
	Kind   ClaimKind
	Length int // number of send, receive and reveal steps
	Steps  []Step
	// Hit is the index in Steps of the claim step that is violated; for
	// "unique", Hit2 is the other session's claim step.
	Hit, Hit2 int
	// Witness is the value in question: the secret derived, the password
	// guessed, the value accepted twice, or the unmatched event.
	Witness term.Term
}
