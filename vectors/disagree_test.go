package vectors

import (
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// defective wraps a protocol so that every party's rejections are
// changed by f: the generator must refuse to record vectors from it.
type defective struct {
	harness.Protocol
	mk func() func(out role.Output, err error) (role.Output, error) // one defect per party
}

type defectiveParty struct {
	harness.Party
	f func(out role.Output, err error) (role.Output, error)
}

func (p defectiveParty) Handle(from string, msg []byte) (role.Output, error) {
	return p.f(p.Party.Handle(from, msg))
}

func (d defective) NewParties(s harness.Setup) (map[string]harness.Party, error) {
	ps, err := d.Protocol.NewParties(s)
	for k, p := range ps {
		ps[k] = defectiveParty{p, d.mk()}
	}
	return ps, err
}

func TestGeneratorFailsWhenTheReferenceDisagrees(t *testing.T) {
	s, err := suite.ByName("modern")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		mk   func() func(role.Output, error) (role.Output, error)
		want string
	}{
		{"every alert is decode_error", same(func(o role.Output, err error) (role.Output, error) {
			if a, ok := err.(*role.Alert); ok && a.Class != role.DecodeError {
				return o, &role.Alert{Protocol: a.Protocol, Class: role.DecodeError, Reason: "defect"}
			}
			return o, err
		}), "the profile expects"},
		{"alerts swallowed", same(func(o role.Output, err error) (role.Output, error) {
			if _, ok := err.(*role.Alert); ok {
				return role.Output{}, nil
			}
			return o, err
		}), "gives acceptance"},
		{"errors without an alert", same(func(o role.Output, err error) (role.Output, error) {
			if err != nil {
				return o, errString("broken")
			}
			return o, err
		}), "without an alert"},
		{"a rejection loses the next answer", lossy, "changed a party's state"},
	}
	for _, name := range []string{"simp", "imke"} {
		p, err := harness.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				var n numberer
				_, err := sessionGroupFor(defective{p, c.mk}, s, "hardened", &n, map[string]bool{})
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("generation gave %v, want an error containing %q", err, c.want)
				}
			})
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// lossy returns a defect that, after any rejection, drops the events of
// the next accepted step: state damaged by a rejection, without any
// message changing.
func lossy() func(role.Output, error) (role.Output, error) {
	damaged := false
	return func(o role.Output, err error) (role.Output, error) {
		if err != nil {
			damaged = true
			return o, err
		}
		if damaged && len(o.Events) > 0 {
			damaged = false
			o.Events = nil
		}
		return o, nil
	}
}

func same(f func(role.Output, error) (role.Output, error)) func() func(role.Output, error) (role.Output, error) {
	return func() func(role.Output, error) (role.Output, error) { return f }
}
