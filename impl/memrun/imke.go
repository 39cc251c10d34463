package memrun

import (
	"fmt"
	"sort"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// IMKEConfig configures an in-memory honest IMKE run.
type IMKEConfig struct {
	Suite   *suite.Suite // nil: modern
	Variant imke.Variant // "": as-published
	Seed    uint64
	// Relay runs c1–c3 through the server (4.2/4.3); 4.7 goes both ways
	// in every run.
	Relay   bool
	Storage imke.PasswordStorage
	// Script replaces the honest script (e.g. imke.Table1Script).
	Script func(harness.Setup) []harness.Action
}

// IMKEResult is what an IMKE run produced.
type IMKEResult struct {
	Setup      harness.Setup
	Transcript role.Transcript
	Events     []role.Event
	// Ops is each party's operation count, by identity.
	Ops map[string]suite.Ops
	// Parties lists the identities, server first.
	Parties []string
	// Phases is what each action of the script cost each party.
	Phases []IMKEPhase
}

// IMKEPhase is the operations each party performed for one action of the
// script, including every message the action caused.
type IMKEPhase struct {
	Action harness.Action
	Ops    map[string]suite.Ops
}

// Setup returns the harness setup of cfg.
func (cfg IMKEConfig) Setup() (harness.Setup, error) {
	s := cfg.Suite
	if s == nil {
		var err error
		if s, err = suite.ByName("modern"); err != nil {
			return harness.Setup{}, err
		}
	}
	v := cfg.Variant
	if v == "" {
		v = imke.AsPublished
	}
	if _, err := imke.ParseVariant(string(v)); err != nil {
		return harness.Setup{}, err
	}
	setup := harness.DefaultSetup(imke.Protocol{}.Name(), s, string(v))
	setup.Seed = suite.SeedBytes(cfg.Seed)
	setup.Options = map[string]string{}
	if cfg.Storage != "" {
		setup.Options[imke.OptionPasswordStorage] = string(cfg.Storage)
	}
	if cfg.Relay {
		setup.Options[imke.OptionRelay] = "true"
	}
	return setup, nil
}

// RunIMKE wires S, alice and bob in memory, delivers every message in
// order and records the transcript (conventions §Roles).
func RunIMKE(cfg IMKEConfig) (*IMKEResult, error) {
	setup, err := cfg.Setup()
	if err != nil {
		return nil, err
	}
	p := imke.Protocol{}
	parties, err := p.NewParties(setup)
	if err != nil {
		return nil, err
	}
	n := harness.NewNetwork(p, parties)
	script := p.Honest
	if cfg.Script != nil {
		script = cfg.Script
	}
	res := &IMKEResult{Setup: setup, Ops: map[string]suite.Ops{}}
	var runErr error
	opsNow := func() map[string]suite.Ops {
		m := map[string]suite.Ops{}
		for name, p := range parties {
			m[name] = p.Ops()
		}
		return m
	}
	for _, a := range script(setup) {
		before := opsNow()
		err := n.Do(a)
		after := opsNow()
		ph := IMKEPhase{Action: a, Ops: map[string]suite.Ops{}}
		for name := range after {
			ph.Ops[name] = after[name].Sub(before[name])
		}
		res.Phases = append(res.Phases, ph)
		if err != nil {
			runErr = fmt.Errorf("memrun: IMKE honest run failed at %s: %w", a, err)
			break
		}
	}
	res.Transcript = n.Transcript
	res.Events = n.Events
	res.Parties = append([]string{setup.Server}, setup.Users...)
	names := make([]string, 0, len(parties))
	for name := range parties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		res.Ops[name] = parties[name].Ops()
	}
	return res, runErr
}
