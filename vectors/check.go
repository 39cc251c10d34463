package vectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

// ErrUnsupported is returned (wrapped) by a Target for what it does not
// implement; the tests concerned are reported as unsupported, not failed.
var ErrUnsupported = errors.New("vectors: unsupported by the target")

// Party is one party of a group, played by the target.
type Party interface {
	Handle(from string, msg []byte) (role.Output, error)
	Act(a harness.Action) (role.Output, error)
}

// Target is an implementation the vectors are checked against: the
// reference implementation or a shim (docs/spec/shim.md).
type Target interface {
	// Supports reports whether the target can play roleName ("server"
	// or "client") of protocol with suite and variant.
	Supports(protocol, roleName, suiteName, variant string) bool
	// NewParty builds party name of setup, provisioned as
	// docs/spec/harness.md says.
	NewParty(setup harness.Setup, name string) (Party, error)
	// EndGroup releases the parties of the group just checked.
	EndGroup() error
}

// KeyGenTarget is a Target that also computes SIMP's key generation.
type KeyGenTarget interface {
	SimpSessionKeys(k, dk []byte, m, rounds int) ([][]byte, error)
}

// Reference is the reference implementation as a Target. Protocols must
// be registered (import impl/protocols).
type Reference struct{}

// Supports is true for every registered protocol.
func (Reference) Supports(protocol, roleName, suiteName, variant string) bool {
	_, err := harness.Lookup(protocol)
	return err == nil
}

// NewParty builds a reference party.
func (Reference) NewParty(setup harness.Setup, name string) (Party, error) {
	p, err := harness.Lookup(setup.Protocol)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return p.NewParty(setup, name)
}

// EndGroup does nothing.
func (Reference) EndGroup() error { return nil }

// SimpSessionKeys runs impl/simp's key generation.
func (Reference) SimpSessionKeys(k, dk []byte, m, rounds int) ([][]byte, error) {
	return simp.GenerateSessionKeys(simp.KeyParams{K: bytes.Clone(k), DK: bytes.Clone(dk), M: m, Rounds: rounds})
}

// Verdict is the outcome of one test.
type Verdict string

const (
	Pass        Verdict = "pass"
	Fail        Verdict = "fail"
	Unsupported Verdict = "unsupported"
)

// TestResult is one test's verdict.
type TestResult struct {
	File    string  `json:"file"`
	TcID    int     `json:"tcId"`
	Party   string  `json:"party,omitempty"`
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason,omitempty"`
}

// Summary counts verdicts.
type Summary struct {
	Pass, Fail, Unsupported int
}

func (s *Summary) add(v Verdict) {
	switch v {
	case Pass:
		s.Pass++
	case Fail:
		s.Fail++
	case Unsupported:
		s.Unsupported++
	}
}

// Check validates data (the file called file) against its schema, then
// runs every test against t, calling report for each test in tcId order.
// A malformed file or one that fails its schema is a *FileError.
func Check(file string, data []byte, t Target, report func(TestResult)) (Summary, error) {
	name, err := Validate(file, data)
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	emit := func(r TestResult) {
		r.File = file
		sum.add(r.Verdict)
		report(r)
	}
	switch name {
	case "simp_keygen_test_schema.json":
		err = checkSimpKeyGen(file, data, t, emit)
	case "imke_keys_test_schema.json":
		err = checkImkeKeys(file, data, t, emit)
	case "session_test_schema.json":
		err = checkSessions(file, data, t, emit)
	default:
		err = &FileError{File: file, Path: "/schema", Reason: fmt.Sprintf("no checker for %s", name)}
	}
	return sum, withLocation(data, err)
}

// decodeStrict decodes a schema-valid document into v, rejecting unknown
// fields (a second line of defence behind the schema).
func decodeStrict(file string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fe := &FileError{File: file, Reason: err.Error()}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			fe.Line, fe.Col = lineCol(data, valueStart(data, te.Offset))
		}
		return fe
	}
	if _, err := dec.Token(); err != io.EOF {
		return &FileError{File: file, Reason: "data after the top-level value"}
	}
	return nil
}

// checkNumbering rejects a file whose tcIds are not unique or whose
// numberOfTests is not the number of tests.
func checkNumbering(file string, declared int, ids []int) error {
	seen := map[int]bool{}
	for _, id := range ids {
		if seen[id] {
			return &FileError{File: file, Path: "/testGroups", Reason: fmt.Sprintf("tcId %d appears twice", id)}
		}
		seen[id] = true
	}
	if declared != len(ids) {
		return &FileError{File: file, Path: "/numberOfTests", Reason: fmt.Sprintf("says %d, the file has %d tests", declared, len(ids))}
	}
	return nil
}

// decodeGroups decodes a vector file strictly and checks that its tcIds
// are numbered as the file declares; tcIDs lists one group's test ids.
func decodeGroups[G any](file string, data []byte, tcIDs func(G) []int) ([]G, error) {
	var f struct {
		File
		TestGroups []G `json:"testGroups"`
	}
	if err := decodeStrict(file, data, &f); err != nil {
		return nil, err
	}
	var ids []int
	for _, g := range f.TestGroups {
		ids = append(ids, tcIDs(g)...)
	}
	if err := checkNumbering(file, f.NumberOfTests, ids); err != nil {
		return nil, err
	}
	return f.TestGroups, nil
}

func checkSimpKeyGen(file string, data []byte, t Target, emit func(TestResult)) error {
	groups, err := decodeGroups(file, data, func(g simpKeyGenGroup) (ids []int) {
		for _, tc := range g.Tests {
			ids = append(ids, tc.TcID)
		}
		return ids
	})
	if err != nil {
		return err
	}
	kt, ok := t.(KeyGenTarget)
	for _, g := range groups {
		for _, tc := range g.Tests {
			if !ok {
				emit(TestResult{TcID: tc.TcID, Verdict: Unsupported, Reason: "the target does not expose SIMP key generation"})
				continue
			}
			keys, err := kt.SimpSessionKeys(tc.K, tc.DK, g.M, g.Rounds)
			emit(judgeKeyGen(tc, g.M, keys, err))
		}
	}
	return nil
}

func judgeKeyGen(tc simpKeyGenTest, m int, keys [][]byte, err error) TestResult {
	r := TestResult{TcID: tc.TcID, Verdict: Pass}
	fail := func(format string, args ...any) TestResult {
		r.Verdict, r.Reason = Fail, fmt.Sprintf(format, args...)
		return r
	}
	if errors.Is(err, ErrUnsupported) {
		r.Verdict, r.Reason = Unsupported, err.Error()
		return r
	}
	if tc.Result == Invalid {
		if err == nil {
			return fail("generated %d keys for parameters the profile forbids", len(keys))
		}
		return r
	}
	if err != nil {
		return fail("refused valid parameters: %v", err)
	}
	if len(keys) != m {
		return fail("%d keys, want m = %d", len(keys), m)
	}
	for _, ik := range tc.SessionKeys {
		if ik.J > m {
			return fail("the test lists SK_%d but m = %d", ik.J, m)
		}
		if !bytes.Equal(keys[ik.J-1], ik.Key) {
			return fail("SK_%d = %x, want %x", ik.J, keys[ik.J-1], []byte(ik.Key))
		}
	}
	if d := digestKeys(keys); !bytes.Equal(d, tc.SessionKeysSha256) {
		return fail("SHA-256 of the keys = %x, want %x", []byte(d), []byte(tc.SessionKeysSha256))
	}
	return r
}

// ImkeKeys runs impl/imke's derivations (f4, f5, f8, f9 and the hardened
// renewal confirmation).
func (Reference) ImkeKeys(derivation, variant string, secret, random []byte, idA, idB string, encKAS1, encRS1 []byte) (enc, mac, confirm []byte, err error) {
	v, err := imke.ParseVariant(variant)
	if err != nil {
		return nil, nil, nil, err
	}
	switch derivation {
	case "4.1", "renewal":
		enc, mac = imke.ClientServerKeys(secret, random)
		if derivation == "renewal" && variant == "hardened" {
			confirm = imke.RenewalConfirm(mac, encKAS1, encRS1)
		}
	case "4.6":
		enc, mac = imke.PeerKeys(v, secret, random, idA, idB)
	default:
		return nil, nil, nil, fmt.Errorf("%w: derivation %q", ErrUnsupported, derivation)
	}
	return enc, mac, confirm, nil
}
