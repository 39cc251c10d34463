package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/imcheck/imcheck/conformance"
)

func init() {
	register(command{
		name:    "shim",
		summary: "serve the reference implementation over the conformance shim protocol (stdin/stdout)",
		exits:   []exitHelp{{exitOK, "stdin ended"}, {exitFailure, "the shim protocol failed"}, {exitUsage, "bad arguments"}},
		run: func(args []string, stdout, stderr io.Writer) int {
			return runShim(args, os.Stdin, stdout, stderr)
		},
	})
}

func runShim(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("shim", stderr)
	mutant := fs.String("mutant", "", "serve a deliberately broken reference implementation (testing the gate)")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	var iut conformance.IUT = &conformance.Builtin{}
	name := "imcheck reference"
	if *mutant != "" {
		m, ok := conformance.MutantByName(*mutant)
		if !ok {
			fmt.Fprintf(stderr, "imcheck shim: unknown mutant %q (known: %s)\n", *mutant, strings.Join(conformance.MutantNames(), ", "))
			return exitUsage
		}
		var err error
		if iut, err = m.Factory()(); err != nil {
			fmt.Fprintf(stderr, "imcheck shim: %v\n", err)
			return exitUsage
		}
		name += " (mutant " + m.Name + ")"
	}
	if err := conformance.ServeShim(iut, name, stdin, stdout); err != nil {
		fmt.Fprintf(stderr, "imcheck shim: %v\n", err)
		return exitFailure
	}
	return exitOK
}
