package adversary

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// Op names an adversary action (docs/adversary.md §"What the adversary
// can do").
type Op string

const (
	OpAct      Op = "act"      // a party starts a user action
	OpDeliver  Op = "deliver"  // a packet in flight reaches its recipient unchanged
	OpRedirect Op = "redirect" // a packet in flight reaches another party, or claims another sender
	OpReplay   Op = "replay"   // a copy of a packet from the history is delivered again
	OpDrop     Op = "drop"     // a packet in flight is removed
	OpInject   Op = "inject"   // bytes the adversary built are delivered
	OpCorrupt  Op = "corrupt"  // a party becomes dishonest
	OpReveal   Op = "reveal"   // a secret is revealed to the adversary
	OpRestart  Op = "restart"  // a party restarts: its sessions end, a new one can begin
)

// Entry is one step of a trace.
type Entry struct {
	Step      int             `json:"step"`
	Op        Op              `json:"op"`
	Party     string          `json:"party,omitempty"`
	Action    *harness.Action `json:"action,omitempty"`
	Packet    int             `json:"packet,omitempty"`
	Ref       *Ref            `json:"ref,omitempty"`
	From      string          `json:"from,omitempty"`
	To        string          `json:"to,omitempty"`
	Label     string          `json:"label,omitempty"`
	Size      int             `json:"size,omitempty"`
	Bytes     []byte          `json:"bytes,omitempty"`
	Alert     string          `json:"alert,omitempty"`
	AlertText string          `json:"alert_text,omitempty"`
	Error     string          `json:"error,omitempty"`
	Events    []role.Event    `json:"events,omitempty"`
	Sent      []int           `json:"sent,omitempty"`
	Note      string          `json:"note,omitempty"`
}

// Ref names a packet independently of its number: the Nth packet (from 1)
// with this label, sender and recipient. Replaying a trace against
// another variant or suite, where packet numbers shift, resolves packets
// by Ref.
type Ref struct {
	Label string `json:"label"`
	From  string `json:"from"`
	To    string `json:"to"`
	Nth   int    `json:"nth"`
}

// Trace is the record of one adversarial run.
type Trace struct {
	Protocol   string            `json:"protocol,omitempty"`
	Suite      string            `json:"suite,omitempty"`
	Variant    string            `json:"variant,omitempty"`
	Seed       uint64            `json:"seed,omitempty"`
	Users      []string          `json:"users,omitempty"`
	Options    map[string]string `json:"options,omitempty"`
	Scope      Scope             `json:"scope,omitzero"`
	Attack     string            `json:"attack,omitempty"`
	Entries    []Entry           `json:"entries"`
	Violations []Violation       `json:"violations,omitempty"`
}

// WriteJSON writes the trace as indented JSON.
func (t *Trace) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// adversaryName is the adversary's participant in diagrams.
const adversaryName = "Adversary"

// Mermaid renders the trace as a Mermaid sequenceDiagram. Unchanged
// deliveries are arrows between the parties; replays, redirections and
// injections come from the adversary's lifeline; rejections are crossed
// arrows with the alert; violations are notes at the end.
func (t *Trace) Mermaid() string {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	var order []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			order = append(order, p)
		}
	}
	for _, e := range t.Entries {
		add(e.Party)
		add(e.From)
		add(e.To)
	}
	add(adversaryName)
	for _, p := range order {
		fmt.Fprintf(&b, "    participant %s\n", mmID(p))
	}
	for _, e := range t.Entries {
		switch e.Op {
		case OpAct:
			fmt.Fprintf(&b, "    Note over %s: %d. %s\n", mmID(e.Party), e.Step, mmText(e.Action.String()))
		case OpDeliver, OpRedirect, OpReplay, OpInject:
			from := e.From
			label := fmt.Sprintf("%d. %s #%d (%d B)", e.Step, e.Label, e.Packet, e.Size)
			if e.Op != OpDeliver {
				from = adversaryName
				label = fmt.Sprintf("%d. %s %s #%d as %s", e.Step, e.Op, e.Label, e.Packet, e.From)
			}
			arrow := "->>"
			if e.Alert != "" || e.Error != "" {
				arrow = "-x"
			}
			fmt.Fprintf(&b, "    %s%s%s: %s\n", mmID(from), arrow, mmID(e.To), mmText(label))
			if e.Note != "" {
				fmt.Fprintf(&b, "    Note over %s: %s\n", mmID(adversaryName), mmText(e.Note))
			}
			if e.Alert != "" {
				fmt.Fprintf(&b, "    Note over %s: rejected: %s\n", mmID(e.To), mmText(e.Alert))
			}
		case OpPresent:
			fmt.Fprintf(&b, "    Note over %s: %s\n", mmID(e.From), mmText(fmt.Sprintf("%d. presents %s to the judge", e.Step, e.Label)))
		case OpDrop:
			fmt.Fprintf(&b, "    %s-x%s: %s\n", mmID(e.From), mmID(adversaryName), mmText(fmt.Sprintf("%d. drop %s #%d", e.Step, e.Label, e.Packet)))
		case OpCorrupt, OpRestart:
			fmt.Fprintf(&b, "    Note over %s: %d. %s\n", mmID(e.Party), e.Step, e.Op)
		case OpReveal:
			fmt.Fprintf(&b, "    Note over %s: %d. reveal %s\n", mmID(e.Party), e.Step, mmText(e.Note+" "+e.To))
		}
		if e.Error != "" {
			fmt.Fprintf(&b, "    Note over %s: error: %s\n", mmID(adversaryName), mmText(e.Error))
		}
		for _, ev := range e.Events {
			switch ev.Kind {
			case role.LoginAccepted, role.PeerKeyAccepted, role.SessionKeyEstablished, role.MessageAccepted, role.KeysRenewed:
				fmt.Fprintf(&b, "    Note over %s: %s\n", mmID(ev.Role), mmText(eventText(ev)))
			}
		}
	}
	for _, v := range t.Violations {
		fmt.Fprintf(&b, "    Note over %s: VIOLATED %s\n", mmID(adversaryName), mmText(v.String()))
	}
	return b.String()
}

func eventText(e role.Event) string {
	s := e.Kind.String()
	if e.Peer != "" {
		s += " " + e.Peer
	}
	if len(e.Body) > 0 {
		s += fmt.Sprintf(" %q", e.Body)
	}
	return s
}

// mmID makes a participant name safe for Mermaid.
func mmID(s string) string {
	if s == "" {
		return "unknown"
	}
	return strings.NewReplacer(" ", "_", "-", "_", ":", "_", ";", "_", ">", "_", "<", "_").Replace(s)
}

// mmText makes message text safe for Mermaid.
func mmText(s string) string {
	r := strings.NewReplacer(";", ",", "#", "no.", "\n", " ", "\r", " ", "\"", "'")
	return strings.TrimSpace(r.Replace(s))
}

// Print writes the trace for a person, one line per step.
func (t *Trace) Print(w io.Writer) {
	for _, e := range t.Entries {
		fmt.Fprintf(w, "%3d  %-8s", e.Step, e.Op)
		switch e.Op {
		case OpAct:
			fmt.Fprintf(w, " %s", e.Action)
		case OpCorrupt, OpRestart:
			fmt.Fprintf(w, " %s", e.Party)
		case OpReveal:
			fmt.Fprintf(w, " %s of %s %s", e.Note, e.Party, e.To)
		default:
			fmt.Fprintf(w, " #%d %s %s → %s (%d bytes)", e.Packet, e.Label, e.From, e.To, e.Size)
		}
		if e.Note != "" && e.Op != OpReveal {
			fmt.Fprintf(w, "  [%s]", e.Note)
		}
		fmt.Fprintln(w)
		if e.AlertText != "" {
			fmt.Fprintf(w, "       ✗ %s\n", e.AlertText)
		}
		if e.Error != "" {
			fmt.Fprintf(w, "       ! %s\n", e.Error)
		}
		for _, ev := range e.Events {
			fmt.Fprintf(w, "       • %s\n", ev)
		}
	}
	for _, v := range t.Violations {
		fmt.Fprintf(w, "VIOLATED %s\n", v)
	}
}
