package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/memrun"
	"github.com/imcheck/imcheck/impl/suite"
)

// IMKE in memory (docs/spec/imke.md §12).

func init() {
	register(command{
		name:    "run imke",
		summary: "run IMKE in memory (login, key distribution, key transport, data, renewal) and print the transcript",
		exits:   []exitHelp{{exitOK, "the run completed"}, {exitFailure, "the honest run failed"}, {exitUsage, "bad arguments"}},
		run:     runIMKE,
	})
}

// imkeOptions are the flags every IMKE command shares.
type imkeOptions struct {
	suite, variant, storage *string
	seed                    *uint64
}

func addIMKEFlags(fs *flag.FlagSet, defaultSuite string) imkeOptions {
	return imkeOptions{
		suite:   fs.String("suite", defaultSuite, "cipher suite: classic, modern or pq"),
		variant: fs.String("variant", string(imke.AsPublished), "protocol variant: as-published or hardened"),
		storage: fs.String("storage", string(imke.StorePassword), "what the server stores: password (paper §3.2) or image (footnote 5)"),
		seed:    fs.Uint64("seed", 1, "seed of every key, password and nonce"),
	}
}

// check validates the shared flags, printing what is wrong on stderr.
func (o imkeOptions) check(cmd string, stderr io.Writer) (*suite.Suite, imke.Variant, imke.PasswordStorage, bool) {
	s, err := suite.ByName(*o.suite)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck %s: %v\n", cmd, err)
		return nil, "", "", false
	}
	v, err := imke.ParseVariant(*o.variant)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck %s: %v\n", cmd, err)
		return nil, "", "", false
	}
	st, err := imke.ParsePasswordStorage(*o.storage)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck %s: %v\n", cmd, err)
		return nil, "", "", false
	}
	return s, v, st, true
}

// runIMKE implements: imcheck run imke [--suite NAME] [--variant NAME]
// [--seed N] [--storage password|image] [--relay] [--mermaid] [--json].
func runIMKE(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run imke", stderr)
	o := addIMKEFlags(fs, "classic")
	relay := fs.Bool("relay", false, "run c1–c3 through the server inside 4.2/4.3 (4.7 goes both ways in every run)")
	mermaid := fs.Bool("mermaid", false, "print the transcript as a Mermaid sequence diagram")
	asJSON := fs.Bool("json", false, "print the transcript as JSON")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	if *mermaid && *asJSON {
		fmt.Fprintln(stderr, "imcheck run imke: --mermaid and --json exclude each other")
		return exitUsage
	}
	s, v, st, ok := o.check("run imke", stderr)
	if !ok {
		return exitUsage
	}
	res, err := memrun.RunIMKE(memrun.IMKEConfig{Suite: s, Variant: v, Seed: *o.seed, Relay: *relay, Storage: st})
	if err != nil {
		fmt.Fprintf(stderr, "imcheck run imke: %v\n", err)
		if res != nil {
			res.Transcript.Print(stderr)
		}
		return exitFailure
	}
	switch {
	case *mermaid:
		fmt.Fprint(stdout, res.Transcript.Mermaid())
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"transcript": res.Transcript, "ops": res.Ops}); err != nil {
			fmt.Fprintf(stderr, "imcheck run imke: %v\n", err)
			return exitFailure
		}
	default:
		mode := "c1–c3 direct"
		if *relay {
			mode = "c1–c3 relayed through S"
		}
		fmt.Fprintf(stdout, "IMKE %s, suite %s, password storage %s, seed %d, %s\n\n", v, s.Name, st, *o.seed, mode)
		res.Transcript.Print(stdout)
		fmt.Fprintln(stdout, "\noperations per party:")
		for _, name := range res.Parties {
			fmt.Fprintf(stdout, "  %-6s %s\n", name, res.Ops[name])
		}
	}
	return exitOK
}
