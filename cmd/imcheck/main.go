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
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit statuses shared by every command.
const (
	exitOK      = 0 // everything held or passed
	exitFailure = 1 // an attack, a failed case, a violated property
	exitUsage   = 2 // bad arguments or bad input
)

// command is one subcommand of imcheck.
type command struct {
	// name is the words that select the command, e.g. "run simp".
	name string
	// summary is one line for the usage listing.
	summary string
	// run executes the command with the arguments after its name and
	// returns the exit status. It writes only to stdout and stderr.
	run func(args []string, stdout, stderr io.Writer) int
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
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for n := min(len(args), 3); n > 0; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c.run(args[n:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "imcheck: unknown command %q; run 'imcheck help' for the list\n", strings.Join(args, " "))
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "imcheck: executable models and checks for the SIMP and IMKE instant-messaging protocols")
	fmt.Fprintln(w, "\nUsage: imcheck COMMAND [options]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'imcheck COMMAND -h' for a command's options.")
}

// newFlags returns a FlagSet for a command that reports errors on stderr and
// never exits the process.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("imcheck "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args and maps a parse failure to an exit status:
// help is a success, anything else is a usage error. ok reports whether
// the command should go on. Positional arguments are rejected unless
// positional is true.
func parseFlags(fs *flag.FlagSet, args []string, positional bool) (status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if !positional && fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return exitOK, true
}
