package adversary

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/imcheck/imcheck/model"
)

var (
	modelTraceMu    sync.Mutex
	modelTraceCache = map[string][]ModelTrace{}
)

// shippedModelTraces checks a shipped model once and returns its attack
// traces, as `imcheck check --format json` reports them.
func shippedModelTraces(name string) ([]ModelTrace, error) {
	modelTraceMu.Lock()
	defer modelTraceMu.Unlock()
	if tr, ok := modelTraceCache[name]; ok {
		return tr, nil
	}
	p, err := model.LoadShipped(name)
	if err != nil {
		return nil, err
	}
	rep, err := model.Check(context.Background(), p, model.Options{})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := model.WriteJSON(&b, []*model.Report{rep}); err != nil {
		return nil, err
	}
	tr, err := ReadModelTraces(b.Bytes())
	if err != nil {
		return nil, err
	}
	modelTraceCache[name] = tr
	return tr, nil
}

// gammaVerdict concretises the model's attack on c with γ (modern suite,
// seed 1) for docs/claims.md; "" when the model finds no attack on c or
// the model is not of SIMP or IMKE.
func gammaVerdict(c ClaimID) string {
	if _, err := gammaProtocol(c.Model); err != nil {
		return ""
	}
	trs, err := shippedModelTraces(c.Model)
	if err != nil {
		return ""
	}
	for _, t := range trs {
		if t.Claim != c {
			continue
		}
		g, err := t.Gamma("modern", 1)
		if err != nil {
			return fmt.Sprintf("γ error: %v", err)
		}
		switch {
		case g.Reproduced():
			x := g.Verdict.Expected[0]
			return fmt.Sprintf("ATTACK reproduced (γ): %s: %s of %s with %s", x.Property, x.What, x.Party, x.Peer)
		case g.NotConcretisable != "":
			return "γ: " + g.NotConcretisable
		case g.Verdict.Blocked != nil:
			b := g.Verdict.Blocked
			return fmt.Sprintf("blocked (γ): %s rejected %s with %s", b.Party, b.Label, b.Alert)
		}
		return fmt.Sprintf("no violation (γ): the concrete run did not violate %s", g.Want)
	}
	return ""
}
