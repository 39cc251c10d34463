package adversary

import (
	"bytes"
	"strings"
	"testing"
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
	f.Add([]byte(`{"schema":"imcheck.model/v2","models":[{"file":"model/protocols/imke-c.imp","scenarios":[{"name":"default",` +
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
