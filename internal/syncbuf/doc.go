// Package syncbuf is a byte buffer that one goroutine may write while
// another reads it: a server's log or a client's output that a test reads
// as it grows (the TCP tests of impl/netio and cmd/imcheck).
package syncbuf
