package adversary

import (
	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/suite"
)

// Spec names a run: protocol, suite, variant, seed, and optional users
// (default alice, bob), protocol options and parties dishonest from the
// start.
type Spec struct {
	Protocol, Suite, Variant string
	Seed                     uint64
	Users                    []string
	Options                  map[string]string
	Dishonest                []string
}

// NewRun builds the network of a Spec: the setup (harness.DefaultSetup
// with the spec's seed, users and options), the parties, and the
// protocol's dissector.
func NewRun(r Spec) (*Network, error) {
	p, err := harness.Lookup(r.Protocol)
	if err != nil {
		return nil, err
	}
	s, err := suite.ByName(r.Suite)
	if err != nil {
		return nil, err
	}
	setup := harness.DefaultSetup(r.Protocol, s, r.Variant)
	setup.Seed = suite.SeedBytes(r.Seed)
	if len(r.Users) > 0 {
		setup.Users = append([]string(nil), r.Users...)
	}
	setup.Options = map[string]string{}
	for k, v := range r.Options {
		setup.Options[k] = v
	}
	d, err := NewDissector(setup)
	if err != nil {
		return nil, err
	}
	return NewNetwork(Config{Protocol: p, Setup: setup, Dissector: d, Dishonest: r.Dishonest})
}
