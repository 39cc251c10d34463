// Package loadtest holds the reference server's load and soak test
// (docs/serve.md §7): the built `imcheck serve simp` runs as a child
// process on loopback while valid pairs of users register, log in,
// exchange keys and chat, and at the same time connections churn, sit
// idle, announce 1 MiB frames and stall, send garbage, and stalled
// readers are flooded with replays and relayed frames. It holds when no
// valid pair fails, the server's peak RSS stays under 100 MB, and its
// file descriptors return to the baseline afterwards.
//
//	go test ./impl/netio/loadtest/                 # a small run (make test)
//	go test ./impl/netio/loadtest/ -short          # a smoke run
//	go test ./impl/netio/loadtest/ -soak -v        # the full run (make soak)
//
// The full run opens 200 idle connections, 200 that announce 1 MiB,
// 1,000 garbage streams and at least 200 churned connections, with 20
// valid pairs, 10 replay flooders and 10 relay flooders against stalled
// readers, for 30 s (figures of a run: docs/serve.md §7). Attackers dial from their own loopback addresses
// (127.0.0.10 and up), so the per-address cap applies to them and not to
// the valid users on 127.0.0.1. The figures of a run are logged with -v.
package loadtest
