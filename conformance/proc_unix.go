//go:build unix

package conformance

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the shim in its own process group, so that a
// timeout kills the shim and anything it started.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killProcessGroup(cmd *exec.Cmd) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Process.Kill()
}
