//go:build unix

package conformance

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// processAlive reports whether pid is a live process (not a zombie).
func processAlive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b))
	return len(f) < 3 || f[2] != "Z"
}

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
