package vectors_test

// The tests in this file check the reference implementation against the
// committed vector files through a decoding path of their own: the JSON is
// read into generic values and walked by hand, hex is decoded by hand, and
// nothing from the generator's structs or checker is used. A bug in the
// generator's encoder therefore cannot hide itself.

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
	"github.com/imcheck/imcheck/impl/suite"
)

// jv is a JSON value with a path, for error messages.
type jv struct {
	t    testing.TB
	path string
	v    any
}

func readJSON(t testing.TB, name string) jv {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return jv{t, filepath.Base(name), v}
}

func (j jv) get(key string) jv {
	m, ok := j.v.(map[string]any)
	if !ok {
		j.t.Fatalf("%s: not an object", j.path)
	}
	v, ok := m[key]
	if !ok {
		j.t.Fatalf("%s: no field %q", j.path, key)
	}
	return jv{j.t, j.path + "/" + key, v}
}

func (j jv) list() []jv {
	a, ok := j.v.([]any)
	if !ok {
		j.t.Fatalf("%s: not an array", j.path)
	}
	out := make([]jv, len(a))
	for i, v := range a {
		out[i] = jv{j.t, j.path + "/" + strconv.Itoa(i), v}
	}
	return out
}

func (j jv) str() string {
	s, ok := j.v.(string)
	if !ok {
		j.t.Fatalf("%s: not a string", j.path)
	}
	return s
}

func (j jv) int() int {
	n, ok := j.v.(json.Number)
	if !ok {
		j.t.Fatalf("%s: not a number", j.path)
	}
	i, err := strconv.Atoi(string(n))
	if err != nil {
		j.t.Fatalf("%s: %v", j.path, err)
	}
	return i
}

func (j jv) bool() bool {
	b, ok := j.v.(bool)
	if !ok {
		j.t.Fatalf("%s: not a boolean", j.path)
	}
	return b
}

// bytes decodes lowercase hex by hand.
func (j jv) bytes() []byte {
	s := j.str()
	if len(s)%2 != 0 {
		j.t.Fatalf("%s: odd hex length", j.path)
	}
	nib := func(c byte) byte {
		switch {
		case c >= '0' && c <= '9':
			return c - '0'
		case c >= 'a' && c <= 'f':
			return c - 'a' + 10
		}
		j.t.Fatalf("%s: bad hex digit %q", j.path, c)
		return 0
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		out[i] = nib(s[2*i])<<4 | nib(s[2*i+1])
	}
	return out
}

func committedFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testvectors", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed vector files: %v", err)
	}
	return files
}

func TestReferenceAgainstCommittedVectors(t *testing.T) {
	for _, name := range committedFiles(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			doc := readJSON(t, name)
			switch schema := doc.get("schema").str(); schema {
			case "simp_keygen_test_schema.json":
				independentKeyGen(t, doc)
			case "session_test_schema.json":
				independentSessions(t, doc)
			case "imke_keys_test_schema.json":
				independentImkeKeys(t, doc)
			default:
				t.Fatalf("no independent check for schema %q", schema)
			}
		})
	}
}

func independentKeyGen(t *testing.T, doc jv) {
	n := 0
	for _, g := range doc.get("testGroups").list() {
		m, rounds := g.get("m").int(), g.get("rounds").int()
		for _, tc := range g.get("tests").list() {
			n++
			id := tc.get("tcId").int()
			keys, err := simp.GenerateSessionKeys(simp.KeyParams{K: tc.get("k").bytes(), DK: tc.get("dk").bytes(), M: m, Rounds: rounds})
			switch tc.get("result").str() {
			case "invalid":
				if err == nil {
					t.Errorf("tcId %d: reference accepted m=%d rounds=%d", id, m, rounds)
				}
				continue
			case "valid":
			default:
				t.Fatalf("tcId %d: unexpected result", id)
			}
			if err != nil {
				t.Errorf("tcId %d: reference refused: %v", id, err)
				continue
			}
			h := sha256.New()
			for _, k := range keys {
				h.Write(k)
			}
			if got, want := h.Sum(nil), tc.get("sessionKeysSha256").bytes(); !bytes.Equal(got, want) {
				t.Errorf("tcId %d: digest %x, want %x", id, got, want)
			}
			for _, sk := range tc.get("sessionKeys").list() {
				j := sk.get("j").int()
				if !bytes.Equal(keys[j-1], sk.get("key").bytes()) {
					t.Errorf("tcId %d: SK_%d differs", id, j)
				}
			}
		}
	}
	if n != doc.get("numberOfTests").int() {
		t.Errorf("numberOfTests = %d, counted %d", doc.get("numberOfTests").int(), n)
	}
}

// independentSessions replays each group, party by party, against
// reference parties built from the group's setup.
func independentSessions(t *testing.T, doc jv) {
	n := 0
	for _, g := range doc.get("testGroups").list() {
		tests := g.get("tests").list()
		n += len(tests)
		proto, err := harness.Lookup(g.get("protocol").str())
		if err != nil {
			t.Fatal(err)
		}
		s, err := suite.ByName(g.get("suite").str())
		if err != nil {
			t.Fatal(err)
		}
		su := g.get("setup")
		setup := harness.Setup{Protocol: proto.Name(), Suite: s, Variant: g.get("variant").str(), Seed: su.get("seed").bytes(),
			Server: su.get("server").str(), Options: map[string]string{}}
		for _, u := range su.get("users").list() {
			setup.Users = append(setup.Users, u.str())
		}
		for k, v := range su.get("options").v.(map[string]any) {
			setup.Options[k] = v.(string)
		}
		checkProvisioning(t, g, setup)
		msgByID := map[int]jv{}
		for _, tc := range tests {
			msgByID[tc.get("tcId").int()] = tc
		}
		for _, name := range append([]string{setup.Server}, setup.Users...) {
			p, err := proto.NewParty(setup, name)
			if err != nil {
				t.Fatalf("%s: party %s: %v", g.path, name, err)
			}
			for _, tc := range tests {
				if tc.get("party").str() != name || tc.get("kind").str() == "pending" {
					continue
				}
				if !replayStep(t, p, name, tc, msgByID) {
					break
				}
			}
		}
	}
	if n != doc.get("numberOfTests").int() {
		t.Errorf("numberOfTests = %d, counted %d", doc.get("numberOfTests").int(), n)
	}
}

func checkProvisioning(t *testing.T, g jv, setup harness.Setup) {
	pv := g.get("provisioning")
	if !bytes.Equal(pv.get("serverKeySeed").bytes(), setup.ServerKeySeed()) {
		t.Errorf("%s: serverKeySeed is not Secret(\"server key\", 32)", g.path)
	}
	sk, err := setup.Suite.NewPrivateKey(pv.get("serverKeySeed").bytes())
	if err != nil || !bytes.Equal(sk.Public().Bytes(), pv.get("serverPublicKey").bytes()) {
		t.Errorf("%s: serverPublicKey is not the key built from serverKeySeed (%v)", g.path, err)
	}
	for _, pw := range pv.get("passwords").list() {
		if got := setup.Password(pw.get("user").str()); got != pw.get("password").str() {
			t.Errorf("%s: password of %s is %q, provisioning gives %q", g.path, pw.get("user").str(), pw.get("password").str(), got)
		}
	}
	for _, ri := range pv.get("randomInputs").list() {
		want := ri.get("bytes").bytes()
		got := make([]byte, len(want))
		suite.NewRand(setup.Seed, ri.get("streamLabel").str()).Read(got)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: random input of %s is not the start of its stream", ri.path, ri.get("party").str())
		}
	}
}

// replayStep runs one test on p and reports whether the party can go on.
func replayStep(t *testing.T, p harness.Party, name string, tc jv, byID map[int]jv) bool {
	id := tc.get("tcId").int()
	var out role.Output
	var err error
	kind := tc.get("kind").str()
	if kind == "action" {
		a := tc.get("action")
		out, err = p.Act(harness.Action{Party: name, Verb: harness.Verb(a.get("verb").str()), Peer: a.get("peer").str(),
			Body: a.get("body").bytes(), Relay: a.get("relay").bool()})
	} else {
		out, err = p.Handle(tc.get("from").str(), tc.get("msg").bytes())
	}
	if kind == "inject" {
		if tc.get("result").str() == "acceptable" {
			return false // the last test of its group by construction
		}
		want := tc.get("alert").str()
		if err == nil {
			t.Errorf("tcId %d [%s]: accepted %s, want alert %s", id, name, tc.get("comment").str(), want)
			return false
		}
		anyAlert := false
		for _, f := range tc.get("flags").list() {
			anyAlert = anyAlert || f.str() == "AnyAlert"
		}
		if got := role.ClassOf(err); got == 0 || (!anyAlert && got.String() != want) {
			t.Errorf("tcId %d [%s]: alert %s, want %s (%v)", id, name, got, want, err)
		}
		return true
	}
	if err != nil {
		t.Errorf("tcId %d [%s]: honest step rejected: %v", id, name, err)
		return false
	}
	sends := tc.get("sends").list()
	if len(out.Messages) != len(sends) {
		t.Errorf("tcId %d [%s]: %d messages, want %d", id, name, len(out.Messages), len(sends))
		return false
	}
	for i, s := range sends {
		d := byID[s.int()]
		if out.Messages[i].To != d.get("party").str() || !bytes.Equal(out.Messages[i].Bytes, d.get("msg").bytes()) {
			t.Errorf("tcId %d [%s]: message %d differs from tcId %d", id, name, i+1, s.int())
			return false
		}
	}
	evs := tc.get("events").list()
	if len(out.Events) != len(evs) {
		t.Errorf("tcId %d [%s]: %d events, want %d", id, name, len(out.Events), len(evs))
		return false
	}
	for i, e := range evs {
		got := out.Events[i]
		want := fmt.Sprintf("%s|%s|%s|%s|%x|%x", e.get("kind").str(), e.get("role").str(), e.get("peer").str(),
			strconv.Itoa(e.get("index").int()), e.get("body").bytes(), e.get("key").bytes())
		have := fmt.Sprintf("%s|%s|%s|%d|%x|%x", got.Kind, got.Role, got.Peer, got.Index, got.Body, got.Key)
		if have != want {
			t.Errorf("tcId %d [%s]: event %d is %s, want %s", id, name, i+1, have, want)
			return false
		}
	}
	return true
}

// independentImkeKeys runs impl/imke's exported derivations on each test.
func independentImkeKeys(t *testing.T, doc jv) {
	n := 0
	for _, g := range doc.get("testGroups").list() {
		d := g.get("derivation").str()
		v, err := imke.ParseVariant(g.get("variant").str())
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range g.get("tests").list() {
			n++
			k, r := tc.get("secret").bytes(), tc.get("random").bytes()
			var enc, mac, confirm []byte
			switch d {
			case "4.1", "renewal":
				enc, mac = imke.ClientServerKeys(k, r)
				if d == "renewal" && v == imke.Hardened {
					confirm = imke.RenewalConfirm(mac, tc.get("encKAS1").bytes(), tc.get("encRS1").bytes())
				}
			case "4.6":
				enc, mac = imke.PeerKeys(v, k, r, tc.get("idA").str(), tc.get("idB").str())
			default:
				t.Fatalf("%s: unknown derivation %q", g.path, d)
			}
			id := tc.get("tcId").int()
			if !bytes.Equal(enc, tc.get("encKey").bytes()) || !bytes.Equal(mac, tc.get("macKey").bytes()) ||
				!bytes.Equal(confirm, tc.get("confirm").bytes()) {
				t.Errorf("tcId %d (%s %s): keys differ", id, d, v)
			}
		}
	}
	if n != doc.get("numberOfTests").int() {
		t.Errorf("numberOfTests = %d, counted %d", doc.get("numberOfTests").int(), n)
	}
}
