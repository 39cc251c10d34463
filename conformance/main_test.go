package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

var update = flag.Bool("update", false, "rewrite golden files")

// shimModeEnv makes the test binary a shim (see TestMain): the gate's own
// tests drive misbehaving shims without building anything.
const shimModeEnv = "IMCHECK_CONFORMANCE_TEST_SHIM"

// shimPidFileEnv names a file where the "grandchild" shim writes the
// process ID of the process it leaves behind.
const shimPidFileEnv = "IMCHECK_CONFORMANCE_TEST_PIDFILE"

// shimProtocolsEnv, if set, limits the test shim's capabilities to these
// protocols (comma-separated): the imcheck binary knows no toy protocol.
const shimProtocolsEnv = "IMCHECK_CONFORMANCE_TEST_PROTOCOLS"

func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(shimModeEnv); ok {
		os.Exit(testShim(mode))
	}
	os.Exit(m.Run())
}

// testShim serves every registered protocol (the toy one included),
// misbehaving as mode says: modes of misbehave act on the first message
// handled, the others on the shim protocol itself.
func testShim(mode string) int {
	switch mode {
	case "no-hello":
		fmt.Println("I am not a shim")
		time.Sleep(time.Minute)
		return 0
	case "exit-at-start":
		fmt.Fprintln(os.Stderr, "cannot open config")
		return 3
	case "sleeper":
		time.Sleep(10 * time.Minute)
		return 0
	case "slow-hello":
		// Sleeps before reading hello, with a process of its own in its
		// group; the pid file gets both process IDs.
		c := exec.Command(os.Args[0])
		c.Env = append(os.Environ(), shimModeEnv+"=sleeper")
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if f := os.Getenv(shimPidFileEnv); f != "" {
			os.WriteFile(f, []byte(fmt.Sprint(os.Getpid(), " ", c.Process.Pid)), 0o644)
		}
		time.Sleep(10 * time.Minute)
		return 0
	}
	iut := &Builtin{Wrap: func(_ harness.Setup, _ string, p harness.Party) (Party, error) {
		return &misbehave{Party: p, mode: mode}, nil
	}}
	srv := &shimServer{iut: iut, name: "test shim " + mode, parties: map[string]servedParty{}}
	br := bufio.NewReaderSize(os.Stdin, 64<<10)
	bw := bufio.NewWriter(os.Stdout)
	for n := 1; ; n++ {
		line, err := readLine(br)
		if err != nil {
			return 0
		}
		op := ""
		if req, err := ParseShimRequest(line); err == nil {
			op = req.Op
		}
		switch {
		case mode == "hang-reset" && op == "reset", mode == "hang-all" && op != "hello":
			select {}
		case mode == "exit-89-at-5" && n == 5, mode == "exit-89-at-setup" && op == "new-party":
			os.Exit(ExitUnimplemented)
		case mode == "exit-0" && op == "handle":
			os.Exit(0)
		case mode == "grandchild" && op == "hello":
			// A process left behind, holding the shim's stdout and stderr.
			c := exec.Command(os.Args[0])
			c.Env = append(os.Environ(), shimModeEnv+"=sleeper")
			c.Stdout, c.Stderr = os.Stdout, os.Stderr
			if err := c.Start(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			if f := os.Getenv(shimPidFileEnv); f != "" {
				os.WriteFile(f, []byte(fmt.Sprint(c.Process.Pid)), 0o644)
			}
		}
		resp, bye := srv.serve(line)
		if only := os.Getenv(shimProtocolsEnv); only != "" && op == "hello" {
			resp.Capabilities = slices.DeleteFunc(resp.Capabilities, func(c Capability) bool {
				return !slices.Contains(strings.Split(only, ","), c.Protocol)
			})
		}
		switch {
		case mode == "restart-unsupported" && op == "hello":
			for i := range resp.Capabilities {
				resp.Capabilities[i].Features = []string{FeatureRestart}
			}
		case mode == "no-caps" && op == "hello":
			resp.Capabilities = Capabilities{}
		case mode == "bad-variant" && op == "hello":
			for i := range resp.Capabilities {
				resp.Capabilities[i].Variants = []string{"hardend"}
			}
		case mode == "huge-reason" && resp.Alert != nil:
			if writeHugeReason(bw, resp) != nil {
				return 0
			}
			continue
		case mode == "long-reason" && resp.Alert != nil:
			resp.Alert.Reason = strings.Repeat("y", 200<<10)
		case mode == "unsupported-handle" && op == "handle":
			resp = shimResponse{ID: resp.ID, Status: statusUnsupported, Reason: "not this one"}
		}
		b, _ := json.Marshal(resp)
		bw.Write(append(b, '\n'))
		bw.Flush()
		if bye {
			if mode == "grandchild" {
				time.Sleep(10 * time.Millisecond)
			}
			return 0
		}
	}
}

// hugeReason is the length of the reason the "huge-reason" shim sends:
// 15 times the gate's line limit (maxShimLine).
const hugeReason = 15 * maxShimLine

// writeHugeReason writes resp with a reason of hugeReason bytes, streamed
// in chunks: the shim neither builds nor encodes the whole line, so the
// gate sees its first maxShimLine bytes at once, however loaded the
// machine (building and encoding 15 MiB took longer than a short case
// timeout under load, and the gate then rightly reported a hang instead).
// The gate stops reading after maxShimLine bytes and kills the shim; the
// write then fails.
func writeHugeReason(bw *bufio.Writer, resp shimResponse) error {
	const mark = "\x00reason\x00"
	a := *resp.Alert
	a.Reason = mark
	resp.Alert = &a
	b, err := json.Marshal(resp)
	if err != nil {
		return err
	}
	m, _ := json.Marshal(mark)
	i := bytes.Index(b, m)
	if i < 0 {
		return errors.New("conformance: no reason in the encoded response")
	}
	bw.Write(b[:i+1]) // up to the reason's opening quote
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for n := 0; n < hugeReason; n += len(chunk) {
		if _, err := bw.Write(chunk); err != nil {
			return err
		}
	}
	bw.Write(b[i+len(m)-1:]) // from the reason's closing quote
	bw.WriteByte('\n')
	return bw.Flush()
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
