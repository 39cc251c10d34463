package adversary

import (
	"fmt"
	"slices"
	"strings"
)

// BlockSpec says where, and how, a variant must stop an attack, as the
// profile's H-table predicts (docs/spec/simp.md §10, docs/spec/imke.md
// §11): the party that rejects, the message it rejects and the alert
// classes the rule raises. A run blocked anywhere else was stopped for a
// reason the attack did not aim at (its own mistake, an unrelated check),
// so it does not count as "blocked" (docs/adversary.md §4).
//
// An empty Label means the rule removes the weakness by construction
// (e.g. SIMP H3: L2 under the next key): the run must then show no
// violation and need no rejection at all.
type BlockSpec struct {
	Rule   string   `json:"rule"`
	Party  string   `json:"party,omitempty"`
	Label  string   `json:"label,omitempty"`
	Alerts []string `json:"alerts,omitempty"`
}

func (s *BlockSpec) String() string {
	if s.Label == "" {
		return s.Rule + ": no rejection needed (removed by construction)"
	}
	return fmt.Sprintf("%s: %s rejects %s with %s", s.Rule, s.Party, s.Label, strings.Join(s.Alerts, " or "))
}

// blockedBy builds a BlockSpec; alerts are the role.AlertClass names.
func blockedBy(rule, party, label string, alerts ...string) *BlockSpec {
	return &BlockSpec{Rule: rule, Party: party, Label: label, Alerts: alerts}
}

// removedBy is a BlockSpec for a weakness a rule removes by construction.
func removedBy(rule string) *BlockSpec { return &BlockSpec{Rule: rule} }

// Check reports whether v was stopped as s says: nil if so, otherwise
// what happened instead.
func (s *BlockSpec) Check(v *Verdict) error {
	if s.Label == "" {
		if v.Blocked != nil {
			return fmt.Errorf("adversary: %s expected no rejection, but %s rejected %s with %s at step %d", s.Rule, v.Blocked.Party, v.Blocked.Label, v.Blocked.Alert, v.Blocked.Step)
		}
		return nil
	}
	b := v.Blocked
	if b == nil {
		return fmt.Errorf("adversary: expected %s; the run was not blocked", s)
	}
	if b.Party != s.Party || b.Label != s.Label || !slices.Contains(s.Alerts, b.Alert) {
		return fmt.Errorf("adversary: blocked for the wrong reason: %s rejected %s with %s at step %d (%s), expected %s", b.Party, b.Label, b.Alert, b.Step, b.AlertText, s)
	}
	return nil
}

// blockSpec is where the attack must be blocked on variant, or nil when it
// must not be (the as-published variant of a realisable attack, or a
// weakness hardening keeps).
func (a *Attack) blockSpec(variant string) *BlockSpec {
	switch {
	case a.NotFixed:
		return nil
	case variant == "hardened":
		return a.HardenedBlock
	case a.Unrealisable != "":
		return a.PublishedBlock
	}
	return nil
}

// judgeBlock records in v whether the run was stopped where spec says.
func (v *Verdict) judgeBlock(spec *BlockSpec) {
	if spec == nil {
		return
	}
	v.Declared = spec
	if err := spec.Check(v); err != nil {
		v.WrongBlock = err.Error()
	}
}

// BlockedAsDeclared reports whether the run was stopped where the attack
// declares it must be (true when it declares nothing for this variant).
func (v *Verdict) BlockedAsDeclared() bool { return v.WrongBlock == "" }

// names reports whether rule cites one of the H-rules s lists ("IMKE H1,
// H7" names "IMKE H7: …"): an attack the hardened variant leaves the
// adversary no way to build is blocked by construction.
func (s *BlockSpec) names(rule string) bool {
	proto, rest, ok := strings.Cut(s.Rule, " ")
	if !ok {
		return false
	}
	for _, h := range strings.Split(rest, ",") {
		if h = strings.TrimSpace(h); h != "" && strings.Contains(rule, proto+" "+h) {
			return true
		}
	}
	return false
}
