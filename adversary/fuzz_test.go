package adversary

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/model"
)

// FuzzReadTrace: the trace decoder never panics, and what it accepts
// writes back out and reads again to the same entries.
func FuzzReadTrace(f *testing.F) {
	f.Add([]byte(`{"protocol":"imke","suite":"modern","variant":"as-published","seed":1,"entries":[` +
		`{"step":1,"op":"act","party":"alice","action":{"party":"alice","verb":"login"}},` +
		`{"step":2,"op":"deliver","packet":1,"ref":{"label":"a1","from":"alice","to":"S","nth":1},"from":"alice","to":"S","label":"a1"},` +
		`{"step":3,"op":"inject","from":"bob","to":"alice","bytes":"KwECAAAAAQ=="},` +
		`{"step":4,"op":"reveal","party":"S","note":"server-key"}],` +
		`"violations":[{"property":"agreement","party":"alice","peer":"bob","what":"message","step":3}],"scope":{"end_to_end":true}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"protocol":"simp","entries":[{"op":"nope"}]}`))
	// at and over the limits (docs/limits.md): depth, one array's length
	f.Add([]byte(strings.Repeat(`{"a":`, MaxDepth-1) + `{"protocol":"simp","entries":[{}]}` + strings.Repeat("}", MaxDepth-1)))
	f.Add([]byte(strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)))
	f.Add([]byte(`{"protocol":"simp","entries":[` + strings.Repeat("{},", MaxArrayLen) + "{}]}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := ReadTrace(b)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := tr.WriteJSON(&out); err != nil {
			t.Fatal(err)
		}
		again, err := ReadTrace(out.Bytes())
		if err != nil || len(again.Entries) != len(tr.Entries) || again.Protocol != tr.Protocol {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzReadModelReport: the model-report decoder never panics, and it
// reads only what IsModelReport recognises.
func FuzzReadModelReport(f *testing.F) {
	f.Add([]byte(`{"schema":"imcheck.model/v3","models":[{"file":"model/protocols/imke-c.imp","scenarios":[{"name":"default",` +
		`"claims":[{"id":"G3_A_data_auth","verdict":"attack","trace":{"length":7,"explanation":"x"}},{"id":"T7","verdict":"no-attack-within-bound"}]}]}]}`))
	f.Add([]byte(`{"schema":"other"}`))
	f.Add([]byte(`{"schema":"imcheck.model/v2","models":[` + strings.Repeat(`{"scenarios":[{"claims":[{"trace":{"steps":[`+strings.Repeat("[", MaxDepth-6), 1) +
		strings.Repeat("]", MaxDepth-6) + "]}}]}]}]}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ReadModelReport(b); err == nil && !IsModelReport(b) {
			t.Fatal("a report was read that IsModelReport rejects")
		}
	})
}

// FuzzParseTerm: the model-term parser never panics, and what it accepts
// prints to a term that parses to the same print.
func FuzzParseTerm(f *testing.F) {
	f.Add("<aenc(Kab.1, pk(kr(b))), senc(RA.1, Kab.1)>")
	f.Add("⟨x0, Ja.1, senc(⟨e2, b, pk(skE2), h(sk(kas(b, s), Ja.1))⟩, sk(kas(a, s), x0))⟩")
	f.Add("f(,)")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseTerm(s)
		if err != nil {
			return
		}
		again, err := parseTerm(m.String())
		if err != nil || again.String() != m.String() {
			t.Fatalf("round trip of %q: %q, %v", s, m.String(), err)
		}
	})
}

// shippedReport is the JSON report of `imcheck check --format json` on a
// shipped model.
func shippedReport(tb testing.TB, name string) []byte {
	tb.Helper()
	p, err := model.LoadShipped(name)
	if err != nil {
		tb.Fatal(err)
	}
	rep, err := model.Check(context.Background(), p, model.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if err := model.WriteJSON(&b, []*model.Report{rep}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// FuzzConcretise: γ's input end to end, a model report read, its terms
// parsed and its traces concretised, never panics and stays bounded: a
// trace longer than MaxModelTraceSteps is refused, and a concretisation
// does a bounded number of actions per model step.
func FuzzConcretise(f *testing.F) {
	for _, name := range []string{"imke-c", "simp-msg"} {
		f.Add(shippedReport(f, name))
	}
	f.Add([]byte(`{"schema":"imcheck.model/v2","models":[{"file":"simp.imp","scenarios":[{"name":"default","bound":{"sessions":2,"dishonest":["e","s"]},` +
		`"claims":[{"id":"B_key_secret","kind":"secret","verdict":"attack","trace":{"length":3,"witness":"Kab.1","steps":[` +
		`{"kind":"start","session":1,"role":"A","agents":["a","s","b"]},{"kind":"send","session":1,"label":"E4","term":"aenc(<n3.1, Kab.1>, pk(pri(b)))"},` +
		`{"kind":"recv","session":2,"label":"E4","term":"aenc(<x0, Kab.1>, pk(pri(e)))"},{"kind":"reveal","session":1,"label":"Kab of A","term":"Kab.1"},` +
		`{"kind":"claim","session":1,"label":"B_key_secret","violated":true}]}}]}]}]}`))
	f.Add([]byte(`{"schema":"imcheck.model/v2","models":[{"file":"imke-full.imp","scenarios":[{"name":"x","claims":[{"id":"c","trace":{"steps":[{"kind":"recv","session":7,"label":"c2","term":"f(,"}]}}]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		trs, err := ReadModelTraces(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "adversary: ") {
				t.Fatalf("error without the package name: %v", err)
			}
			return
		}
		for i, tr := range trs {
			if len(tr.Steps) > MaxModelTraceSteps {
				t.Fatalf("a trace of %d steps was read", len(tr.Steps))
			}
			if i >= 2 {
				continue // bounded work per input: γ runs on the first two
			}
			for _, s := range tr.Steps {
				if m, err := parseTerm(s.Term); err == nil && m == nil {
					t.Fatalf("parseTerm(%q): no term and no error", s.Term)
				}
			}
			g, err := tr.Concretise("modern", tr.Variant(), 1)
			if err != nil {
				continue
			}
			if len(g.Steps) > 64*(len(tr.Steps)+1) {
				t.Fatalf("%d actions for %d model steps", len(g.Steps), len(tr.Steps))
			}
		}
	})
}

// TestModelTraceStepCap: a trace of MaxModelTraceSteps steps is read, one
// more is refused with the package's error, by the reader and by γ.
func TestModelTraceStepCap(t *testing.T) {
	report := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"schema":"imcheck.model/v2","models":[{"file":"imke-c.imp","scenarios":[{"name":"default","claims":[{"id":"T4_A_agree","kind":"niagree","verdict":"attack","trace":{"length":1,"steps":[`)
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"kind":"claim","session":1,"label":"T4_A_agree"}`)
		}
		b.WriteString(`]}}]}]}]}`)
		return []byte(b.String())
	}
	trs, err := ReadModelTraces(report(MaxModelTraceSteps))
	if err != nil || len(trs) != 1 || len(trs[0].Steps) != MaxModelTraceSteps {
		t.Fatalf("a trace at the cap: %d traces, %v", len(trs), err)
	}
	if _, err := trs[0].Concretise("modern", "as-published", 1); err != nil && strings.Contains(err.Error(), "more than") {
		t.Errorf("γ refuses a trace at the cap: %v", err)
	}
	_, err = ReadModelTraces(report(MaxModelTraceSteps + 1))
	if err == nil || !strings.HasPrefix(err.Error(), "adversary: ") || !strings.Contains(err.Error(), "more than 512") {
		t.Errorf("a trace over the cap: %v", err)
	}
	long := trs[0]
	long.Steps = append(long.Steps, long.Steps[0])
	if _, err := long.Concretise("modern", "as-published", 1); err == nil || !strings.HasPrefix(err.Error(), "adversary: ") {
		t.Errorf("γ on a trace over the cap: %v", err)
	}
}
