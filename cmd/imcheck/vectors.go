package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/imcheck/imcheck/conformance"
	"github.com/imcheck/imcheck/impl/harness"
	_ "github.com/imcheck/imcheck/impl/protocols" // registers simp and imke
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/internal/version"
	"github.com/imcheck/imcheck/vectors"
)

func init() {
	register(command{
		name:    "vectors generate",
		summary: "regenerate the interop test vectors (vectors/testvectors)",
		exits:   []exitHelp{{exitOK, "the files were written"}, {exitFailure, "generation or writing failed"}, {exitUsage, "bad arguments"}},
		run:     runVectorsGenerate,
	})
	register(command{
		name:     "vectors check",
		summary:  "check vector files against the reference or a shim",
		synopsis: "[FILE...] [flags]",
		args:     []argHelp{{"FILE", "a vector file (vectors/README.md); none: every shipped vector file"}},
		exits: []exitHelp{
			{exitOK, "every test passed (unsupported ones aside)"},
			{exitFailure, "a test failed"},
			{exitUsage, "bad arguments, or a file that is malformed, over a limit (docs/limits.md) or fails its schema"},
			{exitUndecided, "nothing was run: the target supports none of the tests; or --timeout reached"},
		},
		run: runVectorsCheck,
	})
}

// runVectorsGenerate implements: imcheck vectors generate [--out DIR].
func runVectorsGenerate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("vectors generate", stderr)
	out := fs.String("out", vectors.DefaultDir, "directory to write the vector files to")
	if status, ok := parseFlags(fs, args, false); !ok {
		return status
	}
	// The directory must take files before the generation runs.
	if err := writableDir(*out); err != nil {
		fmt.Fprintf(stderr, "imcheck vectors generate: --out %s: %v\n", *out, err)
		return exitUsage
	}
	files, err := vectors.Generate(stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	if err := vectors.WriteDir(*out, files); err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "wrote %s/%s (%d bytes)\n", *out, f.Name, len(f.Data))
	}
	return exitOK
}

// runVectorsCheck implements: imcheck vectors check [--shim CMD] [--quiet]
// [--json] [--timeout D] [--request-timeout D] [FILE...]. With no FILE it checks the shipped
// vector files (built into the binary). Exit status: see the command's
// help.
func runVectorsCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("vectors check", stderr)
	shim := fs.String("shim", "", "check a shim (docs/spec/shim.md) started with this command instead of the reference implementation")
	quiet := fs.Bool("quiet", false, "report failures and the summary only")
	asJSON := fs.Bool("json", false, "one JSON object per test, then one with the summary (JSON lines)")
	timeout := fs.Duration("timeout", 0, "stop the whole command (reading the files and the shim included) after this long (default: no limit)")
	reqTimeout := fs.Duration("request-timeout", 10*time.Second, "with --shim: the longest a shim may take to answer one request; a request over it fails its test")
	files, status, ok := vectorsArgs(fs, args)
	if !ok {
		return status
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "imcheck vectors check: "+format+"\n", a...)
		return exitUsage
	}
	if flagSet(fs, "timeout") && *timeout <= 0 {
		return usageErr("--timeout %v: must be positive (leave it out for no limit)", *timeout)
	}
	if *reqTimeout <= 0 {
		return usageErr("--request-timeout %v: must be positive", *reqTimeout)
	}
	var argv []string
	if flagSet(fs, "shim") {
		var err error
		if argv, err = conformance.SplitCommand(*shim); err != nil {
			return usageErr("--shim %q: %v", *shim, err)
		}
		if len(argv) == 0 {
			return usageErr("--shim %q: empty command (leave --shim out to check the reference implementation)", *shim)
		}
	}
	return withDeadline("vectors check", *timeout, stdout, stderr, func(stdout, stderr io.Writer, onStop func(func())) int {
		return vectorsCheck(files, argv, *reqTimeout, *quiet, *asJSON, onStop, stdout, stderr)
	})
}

// vectorsCheck is vectors check's work once its flags are checked; onStop
// registers what --timeout must end (the shim).
func vectorsCheck(files, argv []string, reqTimeout time.Duration, quiet, asJSON bool, onStop func(func()), stdout, stderr io.Writer) int {
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "imcheck vectors check: "+format+"\n", a...)
		return exitUsage
	}
	inputs, err := vectorInputs(files)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	var target vectors.Target = vectors.Reference{}
	if argv != nil {
		// --timeout ends the shim's start (spawn, hello) too: the stop
		// cancels it and waits for the start to return, by which time
		// the shim's process group is ended.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		started := make(chan struct{})
		onStop(func() {
			cancel()
			select {
			case <-started:
			case <-time.After(stopGrace):
			}
		})
		t, err := newShimTarget(ctx, argv, reqTimeout)
		close(started)
		if err != nil {
			return usageErr("%v", err)
		}
		defer t.close()
		onStop(func() { t.iut.Abort(); t.close() }) // Abort first: a request in flight holds the shim
		target = t
	}
	var total vectors.Summary
	enc := json.NewEncoder(stdout)
	for _, in := range inputs {
		sum, err := vectors.Check(in.Name, in.Data, target, func(r vectors.TestResult) {
			if quiet && r.Verdict != vectors.Fail {
				return
			}
			if asJSON {
				enc.Encode(r)
				return
			}
			line := fmt.Sprintf("%s tcId %d", r.File, r.TcID)
			if r.Party != "" {
				line += " [" + r.Party + "]"
			}
			line += ": " + string(r.Verdict)
			if r.Reason != "" {
				line += ": " + r.Reason
			}
			fmt.Fprintln(stdout, line)
		})
		var fe *vectors.FileError
		if errors.As(err, &fe) {
			fmt.Fprintln(stderr, fe)
			return exitUsage
		}
		if err != nil {
			fmt.Fprintf(stderr, "imcheck vectors check: %v\n", err)
			return exitFailure
		}
		total.Pass += sum.Pass
		total.Fail += sum.Fail
		total.Unsupported += sum.Unsupported
	}
	if asJSON {
		names := make([]string, len(inputs))
		for i, in := range inputs {
			names[i] = in.Name
		}
		enc.Encode(vectorsSummary{version.String(), names, total.Pass, total.Fail, total.Unsupported})
	} else {
		fmt.Fprintf(stdout, "vectors: %d passed, %d failed, %d unsupported\n", total.Pass, total.Fail, total.Unsupported)
	}
	switch {
	case total.Fail > 0:
		return exitFailure
	case total.Pass == 0:
		fmt.Fprintln(stderr, "imcheck vectors check: nothing was checked: the target supports none of the tests")
		return exitUndecided
	}
	return exitOK
}

// vectorsSummary is the last JSON line of `vectors check --json`.
type vectorsSummary struct {
	Imcheck     string   `json:"imcheck_version"`
	Files       []string `json:"files"`
	Passed      int      `json:"passed"`
	Failed      int      `json:"failed"`
	Unsupported int      `json:"unsupported"`
}

// vectorInputs reads and validates the named vector files, or gives the
// shipped ones when there are none, so that a bad file is reported before
// a shim is started or any test runs.
func vectorInputs(files []string) ([]vectors.Output, error) {
	if len(files) == 0 {
		return vectors.Shipped()
	}
	var out []vectors.Output
	for _, f := range files {
		b, err := vectors.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if _, err := vectors.Validate(f, b); err != nil {
			return nil, err
		}
		out = append(out, vectors.Output{Name: f, Data: b})
	}
	return out, nil
}

// vectorsArgs parses flags that may come before, between or after the
// file names.
func vectorsArgs(fs *flag.FlagSet, args []string) (files []string, status int, ok bool) {
	for {
		if status, ok := parseFlags(fs, args, true); !ok {
			return nil, status, false
		}
		if fs.NArg() == 0 {
			return files, exitOK, true
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// shimTarget checks vectors against a shim, through the conformance
// gate's shim client. A request that takes longer than timeout aborts the
// shim; the test fails and the next group gets a new shim.
type shimTarget struct {
	factory conformance.Factory
	iut     conformance.IUT
	timeout time.Duration
}

// stopGrace bounds how long --timeout waits for a shim's start to end.
const stopGrace = 2 * time.Second

func newShimTarget(ctx context.Context, argv []string, timeout time.Duration) (*shimTarget, error) {
	f := conformance.ShimFactoryContext(ctx, argv)
	iut, err := f()
	if err != nil {
		return nil, err
	}
	return &shimTarget{factory: f, iut: iut, timeout: timeout}, nil
}

// bounded runs call, aborting the shim if it takes longer than the timeout.
func (t *shimTarget) bounded(call func() error) error {
	iut := t.iut
	timer := time.AfterFunc(t.timeout, iut.Abort)
	defer timer.Stop()
	return mapShimErr(call())
}

func (t *shimTarget) Supports(protocol, roleName, suiteName, variant string) bool {
	return t.iut.Capabilities().Supports(protocol, roleName, suiteName, variant)
}

func (t *shimTarget) NewParty(setup harness.Setup, name string) (vectors.Party, error) {
	var p conformance.Party
	err := t.bounded(func() (err error) {
		p, err = t.iut.NewParty(setup, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return shimParty{p, t}, nil
}

// EndGroup resets the shim, or starts a new one if it is unusable.
func (t *shimTarget) EndGroup() error {
	if err := t.iut.EndCase(); err != nil {
		t.iut.Close()
		iut, err := t.factory()
		if err != nil {
			return err
		}
		t.iut = iut
	}
	return nil
}

func (t *shimTarget) close() { t.iut.Close() }

type shimParty struct {
	p conformance.Party
	t *shimTarget
}

func (s shimParty) Handle(from string, msg []byte) (o role.Output, err error) {
	err = s.t.bounded(func() (err error) {
		o, err = s.p.Handle(from, msg)
		return err
	})
	return o, err
}

func (s shimParty) Act(a harness.Action) (o role.Output, err error) {
	err = s.t.bounded(func() (err error) {
		o, err = s.p.Act(a)
		return err
	})
	return o, err
}

func mapShimErr(err error) error {
	if errors.Is(err, conformance.ErrUnsupported) {
		return fmt.Errorf("%w: %v", vectors.ErrUnsupported, err)
	}
	return err
}
