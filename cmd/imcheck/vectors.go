package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/imcheck/imcheck/conformance"
	"github.com/imcheck/imcheck/impl/harness"
	_ "github.com/imcheck/imcheck/impl/protocols" // registers simp and imke
	"github.com/imcheck/imcheck/impl/role"
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
			{exitUndecided, "nothing was run: the target supports none of the tests"},
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
// [--json] FILE... Exit status: 0 every test passed or is unsupported, 1 a test
// failed, 2 bad arguments or a file that is malformed or fails its schema.
func runVectorsCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("vectors check", stderr)
	shim := fs.String("shim", "", "check a shim (docs/spec/shim.md) started with this command instead of the reference implementation")
	quiet := fs.Bool("quiet", false, "report failures and the summary only")
	asJSON := fs.Bool("json", false, "one JSON object per test, then one with the summary (JSON lines)")
	timeout := fs.Duration("timeout", 10*time.Second, "with --shim: the longest a shim may take to answer one request")
	files, status, ok := vectorsArgs(fs, args)
	if !ok {
		return status
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "imcheck vectors check: no vector files given")
		return exitUsage
	}
	var target vectors.Target = vectors.Reference{}
	if *shim != "" {
		argv, err := conformance.SplitCommand(*shim)
		if err != nil || len(argv) == 0 {
			fmt.Fprintf(stderr, "imcheck vectors check: --shim %q: %v\n", *shim, err)
			return exitUsage
		}
		t, err := newShimTarget(argv, *timeout)
		if err != nil {
			fmt.Fprintf(stderr, "imcheck vectors check: %v\n", err)
			return exitUsage
		}
		defer t.close()
		target = t
	}
	var total vectors.Summary
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "imcheck vectors check: %v\n", err)
			return exitUsage
		}
		enc := json.NewEncoder(stdout)
		sum, err := vectors.Check(file, data, target, func(r vectors.TestResult) {
			if *quiet && r.Verdict != vectors.Fail {
				return
			}
			if *asJSON {
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
	if *asJSON {
		json.NewEncoder(stdout).Encode(map[string]int{"passed": total.Pass, "failed": total.Fail, "unsupported": total.Unsupported})
	} else {
		fmt.Fprintf(stdout, "vectors: %d passed, %d failed, %d unsupported\n", total.Pass, total.Fail, total.Unsupported)
	}
	if total.Fail > 0 {
		return exitFailure
	}
	return exitOK
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

func newShimTarget(argv []string, timeout time.Duration) (*shimTarget, error) {
	f := conformance.ShimFactory(argv)
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
