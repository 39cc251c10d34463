package model

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestJSONSchema: the JSON output of every shipped model validates against
// model/schema.json (the schema docs/model.md documents), and the violated
// step of every trace is the one marked.
func TestJSONSchema(t *testing.T) {
	b, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteJSON(&out, shippedReports(t)); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("output does not match model/schema.json: %v", err)
	}
	var got jsonDoc
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range got.Models {
		for _, s := range m.Scenarios {
			for _, c := range s.Claims {
				if c.Trace == nil {
					continue
				}
				n++
				st := c.Trace.Steps[c.Trace.Hit]
				if st.Kind != "claim" || st.Label != c.ID || !st.Violated {
					t.Errorf("%s/%s#%s: violated_step %d is %+v", m.Protocol, s.Name, c.ID, c.Trace.Hit, st)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no attack trace in the shipped models")
	}
}
