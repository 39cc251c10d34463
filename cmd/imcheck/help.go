package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// usage prints the list of commands and the shared exit statuses.
func usage(w io.Writer) {
	fmt.Fprintln(w, "imcheck: executable models and checks for the SIMP and IMKE instant-messaging protocols")
	fmt.Fprintln(w, "\nUsage: imcheck COMMAND [arguments] [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nExit statuses (every command):")
	writeExits(w, sharedExits)
	fmt.Fprintln(w, "\nRun 'imcheck help COMMAND' (or 'imcheck COMMAND --help') for a command's arguments, flags and exit statuses.")
}

// sharedExits are the exit statuses every command keeps to.
var sharedExits = []exitHelp{
	{exitOK, "everything decided and holds, every case passed"},
	{exitFailure, "an attack found, a case or vector failed, a property violated"},
	{exitUsage, "bad arguments or bad input"},
	{exitUndecided, "undecided: a timeout, a claim never reached, interrupted, nothing run"},
}

func writeExits(w io.Writer, exits []exitHelp) {
	for _, e := range exits {
		fmt.Fprintf(w, "  %d  %s\n", e.status, e.text)
	}
}

// writeHelp prints a command's synopsis, positional arguments, flags and
// exit statuses.
func writeHelp(w io.Writer, c command, fs *flag.FlagSet) {
	syn := c.synopsis
	if syn == "" {
		syn = "[flags]"
	}
	fmt.Fprintf(w, "Usage: imcheck %s %s\n\n%s\n", c.name, syn, c.summary)
	if len(c.args) > 0 {
		fmt.Fprintln(w, "\nArguments:")
		for _, a := range c.args {
			fmt.Fprintf(w, "  %-12s %s\n", a.name, a.text)
		}
	}
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	if len(flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		for _, f := range flags {
			typ, text := flag.UnquoteUsage(f)
			head := "  --" + f.Name
			if typ != "" {
				head += " " + typ
			}
			fmt.Fprintf(w, "%s\n      %s", head, text)
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
				fmt.Fprintf(w, " (default %s)", f.DefValue)
			}
			fmt.Fprintln(w)
		}
	}
	exits := c.exits
	if exits == nil {
		exits = []exitHelp{{exitOK, "done"}, {exitFailure, "the work failed"}, {exitUsage, "bad arguments or bad input"}}
	}
	fmt.Fprintln(w, "\nExit status:")
	writeExits(w, exits)
}

// newFlags returns a FlagSet for a command that reports errors on stderr and
// never exits the process. Its help (--help) is writeHelp.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("imcheck "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args and maps a parse failure to an exit status:
// help is a success (the help goes to the flag set's output), anything
// else is a usage error reported on one line. ok reports whether the
// command should go on. Positional arguments are rejected unless
// positional is true.
func parseFlags(fs *flag.FlagSet, args []string, positional bool) (status int, ok bool) {
	name := strings.TrimPrefix(fs.Name(), "imcheck ")
	out := fs.Output()
	fs.SetOutput(io.Discard) // the error is reported below, on one line
	err := fs.Parse(args)
	fs.SetOutput(out)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeHelp(out, commands[name], fs)
			return exitOK, false
		}
		fmt.Fprintf(out, "%s: %v (run 'imcheck help %s')\n", fs.Name(), err, name)
		return exitUsage, false
	}
	if !positional && fs.NArg() > 0 {
		fmt.Fprintf(out, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return exitOK, true
}
