// Command imcheck makes the SIMP and IMKE instant-messaging protocols
// executable and checkable: reference runs, a symbolic attack search, an
// adversary that replays attacks on running code, a conformance gate and
// interop vectors.
//
// Each subcommand lives in its own file and registers itself with register.
// A command is found by its longest matching prefix of words, so "run simp"
// and "run imke" are separate commands and "check" is one word.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/imcheck/imcheck/internal/version"
)

// Exit statuses shared by every command (README.md, "Exit statuses").
const (
	exitOK        = 0 // everything decided and holds; every case passed
	exitFailure   = 1 // an attack, a failed case or vector, a violated property
	exitUsage     = 2 // bad arguments or bad input
	exitUndecided = 3 // a timeout, a claim never reached, interrupted, nothing run
)

// command is one subcommand of imcheck.
type command struct {
	// name is the words that select the command, e.g. "run simp".
	name string
	// summary is one line for the usage listing.
	summary string
	// synopsis is what follows "imcheck NAME" in the usage line, e.g.
	// "[FILE...] [flags]"; empty means "[flags]".
	synopsis string
	// args documents the positional arguments, in order.
	args []argHelp
	// exits documents the exit statuses; nil means exitOK and exitUsage
	// only (and exitFailure when the command fails to do its work).
	exits []exitHelp
	// run executes the command with the arguments after its name and
	// returns the exit status. It writes only to stdout and stderr.
	run func(args []string, stdout, stderr io.Writer) int
}

// argHelp is one positional argument in a command's help.
type argHelp struct{ name, text string }

// exitHelp is one exit status in a command's help.
type exitHelp struct {
	status int
	text   string
}

var commands = map[string]command{}

// register adds a command; it panics on a duplicate name, which is a
// programming error caught by any test that runs the binary.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("imcheck: duplicate command " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches args to the command with the longest matching name.
// "imcheck help CMD" and "imcheck CMD --help" print the command's help to
// stdout.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		return runVersion(args[1:], stdout, stderr)
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return exitOK
		}
		c, rest, ok := lookup(args[1:])
		if !ok || len(rest) > 0 {
			fmt.Fprintf(stderr, "imcheck help: unknown command %q; run 'imcheck help' for the list\n", strings.Join(args[1:], " "))
			return exitUsage
		}
		return c.run([]string{"--help"}, stdout, stdout)
	}
	c, rest, ok := lookup(args)
	if !ok {
		fmt.Fprintf(stderr, "imcheck: unknown command %q; run 'imcheck help' for the list\n", strings.Join(args, " "))
		return exitUsage
	}
	if wantsHelp(rest) {
		// The command's flag set writes its help to what it is given as
		// stderr; help belongs on stdout.
		return c.run([]string{"--help"}, stdout, stdout)
	}
	return c.run(rest, stdout, stderr)
}

// lookup finds the command named by the longest prefix of args.
func lookup(args []string) (command, []string, bool) {
	for n := min(len(args), 3); n > 0; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c, args[n:], true
		}
	}
	return command{}, nil, false
}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func init() {
	register(command{
		name:    "version",
		summary: "print imcheck's version (also: imcheck --version)",
		exits:   []exitHelp{{exitOK, "the version was printed"}, {exitUsage, "bad arguments"}},
		run:     runVersion,
	})
}

// runVersion implements: imcheck version [--json].
func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", stderr)
	verbose := fs.Bool("v", false, "also print the commit, its time and the Go version")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	info := version.Get()
	fmt.Fprintf(stdout, "imcheck %s\n", info.Version)
	if *verbose {
		if info.Revision != "" {
			mod := ""
			if info.Modified {
				mod = " (modified)"
			}
			fmt.Fprintf(stdout, "commit   %s%s\n", info.Revision, mod)
		}
		if info.Time != "" {
			fmt.Fprintf(stdout, "time     %s\n", info.Time)
		}
		fmt.Fprintf(stdout, "go       %s\n", info.Go)
	}
	return exitOK
}
