package conformance

import (
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

var update = flag.Bool("update", false, "rewrite golden files")

// shimModeEnv makes the test binary a shim (see TestMain): the gate's own
// tests drive misbehaving shims without building anything.
const shimModeEnv = "IMCHECK_CONFORMANCE_TEST_SHIM"

func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(shimModeEnv); ok {
		os.Exit(testShim(mode))
	}
	os.Exit(m.Run())
}

// testShim serves the toy protocol, misbehaving as mode says on the first
// message handled.
func testShim(mode string) int {
	if mode == "no-hello" {
		fmt.Println("I am not a shim")
		time.Sleep(time.Minute)
		return 0
	}
	if mode == "exit-at-start" {
		fmt.Fprintln(os.Stderr, "cannot open config")
		return 3
	}
	iut := &Builtin{Wrap: func(_ harness.Setup, _ string, p harness.Party) (Party, error) {
		return &misbehave{Party: p, mode: mode}, nil
	}}
	if err := ServeShim(iut, "test shim "+mode, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

type misbehave struct {
	harness.Party
	mode string
}

func (p *misbehave) Handle(from string, msg []byte) (role.Output, error) {
	switch p.mode {
	case "crash":
		fmt.Fprintln(os.Stderr, "panic: the shim fell over")
		os.Exit(3)
	case "hang":
		select {}
	case "slow":
		time.Sleep(3 * time.Second)
	case "garbage":
		fmt.Println("{\"this is\": not json")
	case "wrong-id":
		fmt.Println(`{"id":424242,"status":"ok"}`)
	case "unimplemented":
		os.Exit(ExitUnimplemented)
	}
	return p.Party.Handle(from, msg)
}
