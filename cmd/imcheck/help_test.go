package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestHelpEveryCommand asks every command for its help both ways and
// checks it goes to stdout with a synopsis, the flags and the exit
// statuses.
func TestHelpEveryCommand(t *testing.T) {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, args := range [][]string{{"help", n}, append(strings.Fields(n), "--help"), append(strings.Fields(n), "-h")} {
			var out, errb strings.Builder
			if st := run(args, &out, &errb); st != exitOK {
				t.Errorf("%q: exit %d, want %d (stderr %q)", args, st, exitOK, errb.String())
			}
			if errb.Len() > 0 {
				t.Errorf("%q: help wrote to stderr: %q", args, errb.String())
			}
			o := out.String()
			for _, want := range []string{"Usage: imcheck " + n + " ", "Exit status:\n", fmt.Sprintf("  %d  ", exitOK), fmt.Sprintf("  %d  ", exitUsage)} {
				if !strings.Contains(o, want) {
					t.Errorf("%q: help lacks %q:\n%s", args, want, o)
				}
			}
		}
	}
}

func TestHelpDetails(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"help", "check"}, []string{"Usage: imcheck check [FILE...] [flags]", "Arguments:\n  FILE", "--sessions int", "  3  "}},
		{[]string{"check", "x.imp", "--format", "json", "--help"}, []string{"Usage: imcheck check", "--timeout duration"}},
		{[]string{"help", "vectors", "check"}, []string{"Usage: imcheck vectors check", "--shim string", "  3  "}},
		{[]string{"help"}, []string{"Commands:", "  vectors check ", "Exit statuses (every command):", "  3  undecided"}},
		{[]string{"--help"}, []string{"Commands:"}},
	}
	for _, c := range cases {
		var out, errb strings.Builder
		if st := run(c.args, &out, &errb); st != exitOK {
			t.Errorf("%q: exit %d (stderr %q)", c.args, st, errb.String())
		}
		for _, w := range c.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%q: output lacks %q:\n%s", c.args, w, out.String())
			}
		}
	}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Usage: imcheck COMMAND"},
		{[]string{"help", "nosuch"}, `imcheck help: unknown command "nosuch"`},
		{[]string{"nosuch"}, `imcheck: unknown command "nosuch"`},
		{[]string{"check", "--bogus"}, "imcheck check: flag provided but not defined: -bogus (run 'imcheck help check')\n"},
		{[]string{"version", "extra"}, `imcheck version: unexpected argument "extra"`},
	}
	for _, c := range cases {
		var out, errb strings.Builder
		if st := run(c.args, &out, &errb); st != exitUsage {
			t.Errorf("%q: exit %d, want %d", c.args, st, exitUsage)
		}
		if !strings.Contains(errb.String(), c.want) {
			t.Errorf("%q: stderr %q lacks %q", c.args, errb.String(), c.want)
		}
		if c.args != nil && strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%q: want one line on stderr, got %q", c.args, errb.String())
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"version", "-v"}} {
		var out, errb strings.Builder
		if st := run(args, &out, &errb); st != exitOK {
			t.Fatalf("%q: exit %d (stderr %q)", args, st, errb.String())
		}
		if !strings.HasPrefix(out.String(), "imcheck ") || len(strings.TrimSpace(out.String())) <= len("imcheck ") {
			t.Errorf("%q: %q", args, out.String())
		}
		if args[len(args)-1] == "-v" && !strings.Contains(out.String(), "go       go1.") {
			t.Errorf("%q: no Go version in %q", args, out.String())
		}
	}
}
