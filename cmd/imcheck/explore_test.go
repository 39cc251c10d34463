package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestExploreBadArguments(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"not loopback", []string{"explore", "--listen", "0.0.0.0:0"}, "not a loopback address"},
		{"bad address", []string{"explore", "--listen", "nowhere"}, "--listen"},
		{"sessions", []string{"explore", "--sessions", "9"}, "--sessions must be between 1 and 8"},
		{"timeout", []string{"explore", "--timeout", "-1s"}, "--timeout must be positive"},
		{"missing file", []string{"explore", "--listen", "127.0.0.1:0", "no-such-model.imp"}, "no-such-model.imp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := run(tc.args, &out, &errb); got != exitUsage {
				t.Fatalf("exit %d, want %d (stderr %q)", got, exitUsage, errb.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Fatalf("stderr %q does not say %q", errb.String(), tc.want)
			}
		})
	}
}
