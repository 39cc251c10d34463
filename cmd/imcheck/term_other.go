//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package main

import "os"

// fileIsTerminal is false where terminals are not detected: no prompt.
func fileIsTerminal(*os.File) bool { return false }
