package explore

import (
	"bytes"
	"path"
	"strconv"
	"strings"

	"github.com/imcheck/imcheck/model"
	"github.com/imcheck/imcheck/model/proto"
)

// Paper is one paper claim a model claim formalises (docs/claims.md).
type Paper struct {
	Paper    string `json:"paper"`    // SIMP or IMKE
	Section  string `json:"section"`  // the paper's section
	Words    string `json:"words"`    // the paper's words
	Property string `json:"property"` // the formal property in words
	Variant  string `json:"variant"`  // as published, hardened, ...
}

// modelView is one model file as the page lists it.
type modelView struct {
	Name      string         `json:"name"` // the model name of attack IDs
	File      string         `json:"file"`
	Protocol  string         `json:"protocol"`
	Editable  bool           `json:"editable"` // given on the command line: saving writes the file
	Scenarios []scenarioView `json:"scenarios"`
}

type scenarioView struct {
	Name   string      `json:"name"`
	Bound  string      `json:"bound"`
	States int         `json:"states"`
	Claims []claimView `json:"claims"`
}

type claimView struct {
	ID       string  `json:"id"`
	Role     string  `json:"role"`
	Kind     string  `json:"kind"`
	Text     string  `json:"text"`
	Line     int     `json:"line"`
	Verdict  string  `json:"verdict"`
	Strength string  `json:"strength"` // the verdict in words, with what it is worth
	AttackID string  `json:"attack_id"`
	Length   int     `json:"length,omitempty"` // attack steps, when there is one
	Paper    []Paper `json:"paper,omitempty"`
}

// strength says in words what a verdict is worth.
func strength(v model.Verdict, sessions int) string {
	switch v {
	case model.VerdictProved:
		return "proved for any number of sessions"
	case model.VerdictAttack:
		return "attack, replayed by the trace checker"
	case model.VerdictNoAttack:
		return "no attack within " + plural(sessions, "session") + " (bounded, not a proof)"
	case model.VerdictTimeout:
		return "undecided: the search stopped at the timeout"
	case model.VerdictUnreached:
		return "unreached: no honest session reached the claim within the bound"
	case model.VerdictNotApplicable:
		return "not applicable: no session of the scenario has the honest agents the claim needs"
	}
	return string(v)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// modelName is the model part of an attack ID: the file's base name.
func modelName(file string) string { return strings.TrimSuffix(path.Base(file), ".imp") }

func newModelView(file string, rep *model.Report, editable bool, paper func(string) []Paper) modelView {
	mv := modelView{Name: modelName(file), File: file, Protocol: rep.Protocol, Editable: editable}
	for _, s := range rep.Scenarios {
		sv := scenarioView{Name: s.Name, Bound: s.Bound(), States: s.States}
		for _, c := range s.Claims {
			id := mv.Name + "/" + s.Name + "#" + c.Claim.ID
			cv := claimView{ID: c.Claim.ID, Role: c.Claim.Role.Name, Kind: c.Claim.Kind.String(),
				Text: c.Claim.Text, Line: c.Claim.Pos.Line, Verdict: string(c.Verdict),
				Strength: strength(c.Verdict, s.Sessions), AttackID: id}
			if c.Trace != nil {
				cv.Length = c.Trace.Length
			}
			if paper != nil {
				cv.Paper = paper(id)
			}
			sv.Claims = append(sv.Claims, cv)
		}
		mv.Scenarios = append(mv.Scenarios, sv)
	}
	return mv
}

// attackView is one attack, ready to step through.
type attackView struct {
	ID          string     `json:"id"`
	Claim       string     `json:"claim"`
	Kind        string     `json:"kind"`
	Text        string     `json:"text"`
	Bound       string     `json:"bound"`
	Explanation string     `json:"explanation"`
	Mermaid     string     `json:"mermaid"`
	Initial     []string   `json:"initial"` // what the attacker knows before the first step
	Steps       []stepView `json:"steps"`
	Paper       []Paper    `json:"paper,omitempty"`
}

// stepView is one step of an attack with what the attacker knows after it
// and, for a message it sends to an honest session, how it built it.
type stepView struct {
	Index    int         `json:"index"`
	Kind     string      `json:"kind"`
	Session  int         `json:"session"`
	Role     string      `json:"role,omitempty"`
	Agents   []string    `json:"agents,omitempty"`
	Label    string      `json:"label,omitempty"`
	Term     string      `json:"term,omitempty"`
	Line     int         `json:"line,omitempty"`
	Text     string      `json:"text"`
	Violated bool        `json:"violated,omitempty"`
	New      []string    `json:"new,omitempty"` // what the attacker learnt at this step
	Knows    int         `json:"knows"`         // how many terms it knows after this step
	Derived  *Derivation `json:"derived,omitempty"`
}

func newAttackView(id string, p *proto.Protocol, sc *proto.Scenario, s *model.ScenarioResult, c *model.ClaimResult) *attackView {
	tr := c.Trace
	av := &attackView{ID: id, Claim: c.Claim.ID, Kind: c.Claim.Kind.String(), Text: c.Claim.Text,
		Bound: s.Bound(), Explanation: tr.Explain()}
	var mm bytes.Buffer
	tr.WriteMermaid(&mm)
	av.Mermaid = mm.String()
	k := newKnowledge(p.Theory)
	for _, t := range proto.NewWorld(p, sc).Know {
		k.add(t, origin{how: "initial", note: "known from the start (public, or a dishonest agent's secret)"})
	}
	av.Initial = k.known()
	for i, st := range tr.Steps {
		sv := stepView{Index: i, Kind: string(st.Kind), Session: st.Session, Role: st.Role, Agents: st.Agents,
			Label: st.Label, Line: st.Line, Violated: st.Kind == proto.StepClaim && tr.Violated(i)}
		if st.Term != nil {
			sv.Term = st.Term.String()
		}
		before := len(k.terms)
		switch st.Kind {
		case proto.StepStart:
			sv.Text = "session " + strconv.Itoa(st.Session) + " starts: " + st.Role + "(" + strings.Join(st.Agents, ", ") + ")"
		case proto.StepSend:
			sv.Text = "session " + strconv.Itoa(st.Session) + " sends " + labelled(st.Label) + sv.Term
			k.add(st.Term, origin{how: "observed", note: "sent by session " + strconv.Itoa(st.Session) + " at step " + strconv.Itoa(i+1)})
		case proto.StepRecv:
			sv.Text = "the attacker sends session " + strconv.Itoa(st.Session) + " " + labelled(st.Label) + sv.Term
			sv.Derived = k.derive(st.Term)
		case proto.StepEvent:
			sv.Text = "session " + strconv.Itoa(st.Session) + " event " + st.Label + "(" + joinTerms(st) + ")"
		case proto.StepClaim:
			sv.Text = "session " + strconv.Itoa(st.Session) + " reaches claim " + st.Label
			if sv.Violated {
				sv.Text += ": violated"
			}
		case proto.StepReveal:
			sv.Text = "reveal " + joinTerms(st) + " (after session " + strconv.Itoa(st.Session) + " reached " + st.Label + ")"
			if st.Role != "" { // a session-value reveal of the scenario (docs/model.md, "Reveals")
				sv.Text = "reveal " + joinTerms(st) + " (" + st.Label + ", session " + strconv.Itoa(st.Session) + ")"
			}
			for _, t := range st.Args {
				k.add(t, origin{how: "observed", note: "revealed at step " + strconv.Itoa(i+1)})
			}
		}
		for _, t := range k.terms[before:] {
			sv.New = append(sv.New, t.String())
		}
		sv.Knows = len(k.terms)
		av.Steps = append(av.Steps, sv)
	}
	return av
}

func labelled(l string) string {
	if l == "" {
		return ""
	}
	return l + ": "
}

func joinTerms(st proto.Step) string {
	parts := make([]string, len(st.Args))
	for i, t := range st.Args {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}
