//go:build unix

package conformance

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the shim in its own process group, so that the
// gate can end the shim and anything it started, and so that a terminal's
// interrupt reaches the gate alone (the gate then ends its shims itself).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcessGroup ends the process group led by pid.
func killProcessGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
}
