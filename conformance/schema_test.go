package conformance

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestReportSchema: the JSON report validates against
// conformance/report.schema.json, for a run with failures, one with every
// case unsupported, and one interrupted before it began.
func TestReportSchema(t *testing.T) {
	b, err := os.ReadFile("report.schema.json")
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	require.NoError(t, c.AddResource("report.schema.json", doc))
	sch, err := c.Compile("report.schema.json")
	require.NoError(t, err)

	m, _ := MutantByName("alert-class-wrong")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name    string
		factory Factory
		edit    func(*Options)
	}{
		{"failures", m.Factory(), func(*Options) {}},
		{"unsupported", func() (IUT, error) { return &narrowIUT{}, nil }, func(o *Options) { o.Roles = []string{RoleClient} }},
		{"interrupted", NewBuiltin, func(o *Options) { o.Context = cancelled }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := toyOptions()
			tt.edit(&o)
			rep, err := Run(tt.factory, o)
			require.NoError(t, err)
			var out bytes.Buffer
			require.NoError(t, rep.WriteJSON(&out))
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
			require.NoError(t, err)
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("report does not match report.schema.json: %v\n%s", err, out.String())
			}
		})
	}
}
