package adversary

import (
	"fmt"
	"strings"
)

// mterm is a model term as the model's JSON report prints it
// (docs/model.md "Output"): a name (`a`, `Kab.1`, `x0`, `request`), an
// application `f(t1, ..., tn)`, or a tuple `<t1, ..., tn>` (Fn "<>").
type mterm struct {
	Fn   string // "" for a name, "<>" for a tuple
	Name string
	Args []*mterm
}

func (t *mterm) String() string {
	if t == nil {
		return "?"
	}
	switch t.Fn {
	case "":
		return t.Name
	case "<>":
		return "<" + joinTerms(t.Args) + ">"
	}
	return t.Fn + "(" + joinTerms(t.Args) + ")"
}

func joinTerms(ts []*mterm) string {
	s := make([]string, len(ts))
	for i, a := range ts {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// is reports whether t applies fn to n arguments.
func (t *mterm) is(fn string, n int) bool { return t != nil && t.Fn == fn && len(t.Args) == n }

// arg returns argument i, or nil.
func (t *mterm) arg(i int) *mterm {
	if t == nil || i < 0 || i >= len(t.Args) {
		return nil
	}
	return t.Args[i]
}

// fields are the top-level fields of a tuple, or the term itself.
func (t *mterm) fields() []*mterm {
	if t.Fn == "<>" {
		return t.Args
	}
	return []*mterm{t}
}

// attackerValue reports whether t is a value the attacker made up when
// the trace was grounded (`x0`, `skE2`: docs/model.md "Output").
func (t *mterm) attackerValue() bool {
	if t == nil || t.Fn != "" {
		return false
	}
	n := t.Name
	for _, p := range []string{"x", "skE"} {
		if rest, ok := strings.CutPrefix(n, p); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}

// maxTermDepth bounds nesting, so a hostile report cannot exhaust the
// stack.
const maxTermDepth = 64

// parseTerm parses a term printed by the model (ASCII `<>` or `⟨⟩`).
func parseTerm(s string) (*mterm, error) {
	p := &termParser{s: strings.NewReplacer("⟨", "<", "⟩", ">").Replace(s)}
	t, err := p.term(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("adversary: term %q: trailing %q", s, p.s[p.i:])
	}
	return t, nil
}

type termParser struct {
	s string
	i int
}

func (p *termParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *termParser) term(depth int) (*mterm, error) {
	if depth > maxTermDepth {
		return nil, fmt.Errorf("adversary: term %q: nested too deeply", p.s)
	}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '<' {
		p.i++
		args, err := p.list('>', depth)
		return &mterm{Fn: "<>", Args: args}, err
	}
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune("<>(), ", rune(p.s[p.i])) {
		p.i++
	}
	name := p.s[start:p.i]
	if name == "" {
		return nil, fmt.Errorf("adversary: term %q: expected a name at offset %d", p.s, start)
	}
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		args, err := p.list(')', depth)
		return &mterm{Fn: name, Args: args}, err
	}
	return &mterm{Name: name}, nil
}

// list parses "t1, ..., tn" up to the closing byte.
func (p *termParser) list(end byte, depth int) ([]*mterm, error) {
	var out []*mterm
	for {
		t, err := p.term(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		p.space()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("adversary: term %q: unclosed", p.s)
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case end:
			p.i++
			return out, nil
		default:
			return nil, fmt.Errorf("adversary: term %q: unexpected %q at offset %d", p.s, p.s[p.i], p.i)
		}
	}
}
