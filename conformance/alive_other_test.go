//go:build !unix

package conformance

import "errors"

func processAlive(pid int) bool { return false }

func mkfifo(path string) error { return errors.ErrUnsupported }
