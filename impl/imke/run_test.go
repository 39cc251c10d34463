package imke

import (
	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/suite"
)

// The in-memory run driver is impl/memrun, which imports this package; its
// tests here run the harness's honest script (harness.md §Actions) on the
// harness network instead.

type RunConfig struct {
	Suite   *suite.Suite // nil: modern
	Variant Variant
	Seed    uint64
	Relay   bool
	Storage PasswordStorage
}

func Run(cfg RunConfig) (*harness.Network, error) {
	s := cfg.Suite
	if s == nil {
		s, _ = suite.ByName("modern")
	}
	v := cfg.Variant
	if v == "" {
		v = AsPublished
	}
	setup := harness.DefaultSetup(protocolName, s, string(v))
	setup.Seed = suite.SeedBytes(cfg.Seed)
	setup.Options = map[string]string{}
	if cfg.Storage != "" {
		setup.Options[OptionPasswordStorage] = string(cfg.Storage)
	}
	if cfg.Relay {
		setup.Options[OptionRelay] = "true"
	}
	return harness.RunHonest(Protocol{}, setup)
}
