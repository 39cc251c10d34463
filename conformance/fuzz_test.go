package conformance

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// The shim protocol and the configuration are the gate's decoders: they
// read what another program or a person wrote. They must never panic, and
// what they accept must survive a round trip.

func FuzzParseShimRequest(f *testing.F) {
	for _, s := range []string{
		`{"id":1,"op":"hello","version":1}`,
		`{"id":2,"op":"new-party","handle":"p1","party":"alice","setup":{"protocol":"simp","suite":"modern","variant":"hardened","seed":"0000000000000001","server":"S","users":["alice","bob"],"options":{}}}`,
		`{"id":3,"op":"act","handle":"p1","action":{"verb":"send","peer":"bob","body":"6869","relay":true}}`,
		`{"id":4,"op":"handle","handle":"p1","from":"S","message":"1301000200"}`,
		`{"id":5,"op":"reset"}`,
		`{"id":5,"op":"snapshot","handle":"p1"}`,
		`{"id":5,"op":"restart","handle":"p1","state":"0102"}`,
		`{"id":6,"op":"bye"}`,
		`{"id":0,"op":"bye"}`,
		`{"id":1,"op":"hello","version":1,"extra":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		req, err := ParseShimRequest(line)
		if err != nil {
			return
		}
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseShimRequest(b); err != nil {
			t.Fatalf("re-encoded request does not parse: %v\n%s", err, b)
		}
		if req.Op == "new-party" {
			decodeSetup(req.Setup)
		}
		if req.Op == "act" {
			decodeAction("x", req.Action)
		}
	})
}

func FuzzParseShimResponse(f *testing.F) {
	for _, s := range []string{
		`{"id":1,"status":"ok","version":1,"name":"x","capabilities":[{"protocol":"simp","roles":["server"],"suites":["modern"],"variants":["hardened"]}]}`,
		`{"id":1,"status":"ok","output":{"messages":[{"to":"S","label":"L1","bytes":"1201"}],"events":[{"kind":"login-started","peer":"S"}]}}`,
		`{"id":1,"status":"alert","alert":{"class":"bad_mac","reason":"E6"}}`,
		`{"id":1,"status":"unsupported"}`,
		`{"id":1,"status":"error","reason":"no"}`,
		`{"id":1,"status":"alert","alert":{"class":"nope"}}`,
		`{"id":1,"status":"ok","output":{"events":[{"kind":"message-accepted","body":"ZZ"}]}}`,
	} {
		f.Add([]byte(s), "handle")
	}
	f.Add([]byte(`{"id":1,"status":"ok","state":"0102"}`), "snapshot")
	f.Fuzz(func(t *testing.T, line []byte, op string) {
		resp, err := ParseShimResponse(line, 1, op)
		if err != nil {
			return
		}
		if resp.Status == statusOK {
			decodeOutput("alice", resp.Output)
		}
	})
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{"disabled":{"SIMP/E4/*":"no E4 yet"},"expected_failures":{"IMKE/*":"work in progress"},"lenient_alerts":true}`,
		`{}`,
		`{"disabled":{"x":""}}`,
		"{\n  \"disabled\": {\"A\": \"x\", \"A\": \"y\"},\n  \"lenient_alerts\": 1\n}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConfig(strings.NewReader(s))
		if err != nil {
			// every refusal is placed inside the input
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("an error without a place: %v", err)
			}
			if lines := strings.Count(s, "\n") + 1; ce.Line < 1 || ce.Line > lines || ce.Col < 1 || ce.Col > len(s)+1 {
				t.Fatalf("placed at %d:%d, outside the input of %d lines: %v", ce.Line, ce.Col, lines, err)
			}
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseConfig(strings.NewReader(string(b))); err != nil {
			t.Fatalf("re-encoded config does not parse: %v", err)
		}
	})
}
