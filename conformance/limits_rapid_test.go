package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os/exec"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// A structure-aware generator of shim requests and responses at the limits
// (docs/limits.md, "Gate"): lines near and over 1 MiB, huge and odd hex,
// extreme ids, deep JSON, unknown and missing fields, every op. The
// properties run with a few checks in make test and many in make fuzz
// (FuzzShimRequestsAtLimits, FuzzShimResponsesAtLimits).

// bigString is a string of up to n bytes of one of a few shapes.
func bigString(t *rapid.T, label string, n int) string {
	size := rapid.OneOf(rapid.IntRange(0, 16), rapid.IntRange(n-64, n+64), rapid.IntRange(0, n)).Draw(t, label+" size")
	size = max(size, 0)
	switch rapid.IntRange(0, 4).Draw(t, label+" shape") {
	case 0:
		return strings.Repeat("a", size)
	case 1:
		return strings.Repeat("0f", size/2) // hex
	case 2:
		return strings.Repeat("Z", size) // not hex
	case 3:
		return strings.Repeat("é", size/2) // multi-byte UTF-8
	default:
		return strings.Repeat("\\u0000", size/6)
	}
}

// deepJSON nests arrays depth deep.
func deepJSON(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }

// genRequestLine draws one request line, valid or not.
func genRequestLine(t *rapid.T, limit int) string {
	id := rapid.OneOf(rapid.Int64Range(-2, 5), rapid.Just(int64(1<<62))).Draw(t, "id")
	op := rapid.SampledFrom([]string{"hello", "new-party", "act", "handle", "reset", "bye", "nope", ""}).Draw(t, "op")
	m := map[string]any{"id": id, "op": op}
	switch op {
	case "hello":
		m["version"] = rapid.IntRange(-1, 3).Draw(t, "version")
	case "new-party":
		m["handle"] = bigString(t, "handle", 64)
		m["party"] = rapid.SampledFrom([]string{"alice", "S", "", "nobody"}).Draw(t, "party")
		m["setup"] = map[string]any{"protocol": rapid.SampledFrom([]string{"simp", "imke", "toy", "x"}).Draw(t, "protocol"),
			"suite": rapid.SampledFrom([]string{"modern", "classic", "rot13"}).Draw(t, "suite"), "variant": "hardened",
			"seed": bigString(t, "seed", 64), "server": "S", "users": []string{"alice", "bob"}, "options": map[string]string{}}
	case "act":
		m["handle"] = "p1"
		m["action"] = map[string]any{"verb": rapid.SampledFrom([]string{"login", "send", "renew", "fly"}).Draw(t, "verb"),
			"peer": "bob", "body": bigString(t, "body", limit/2)}
	case "handle":
		m["handle"] = rapid.SampledFrom([]string{"p1", "p2"}).Draw(t, "handle")
		m["from"] = rapid.SampledFrom([]string{"S", "alice", ""}).Draw(t, "from")
		m["message"] = bigString(t, "message", limit/2)
	}
	if rapid.Bool().Draw(t, "extra field") {
		m["extra"] = json.RawMessage(deepJSON(rapid.IntRange(1, 20000).Draw(t, "depth")))
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// shimServerAtLimits: the reference shim answers every line it can read
// with one valid response line, and stops with an error at a line over
// the limit; it never panics.
func shimServerAtLimits(t *rapid.T, limit int) {
	var in strings.Builder
	n := rapid.IntRange(1, 6).Draw(t, "lines")
	over := -1
	for i := 0; i < n; i++ {
		line := genRequestLine(t, limit)
		if len(line) > maxShimLine && over < 0 {
			over = i
		}
		in.WriteString(line + "\n")
	}
	var out bytes.Buffer
	start := time.Now()
	err := ServeShim(&Builtin{}, "rapid", strings.NewReader(in.String()), &out)
	if time.Since(start) > 20*time.Second {
		t.Fatalf("the shim took %s", time.Since(start))
	}
	if over >= 0 && err == nil {
		t.Fatalf("a line of more than %d bytes was accepted", maxShimLine)
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 2*maxShimLine)
	for sc.Scan() {
		var r shimResponse
		if err := decodeStrict(sc.Bytes(), &r); err != nil {
			t.Fatalf("the shim wrote an invalid response %.200q: %v", sc.Text(), err)
		}
		switch r.Status {
		case statusOK, statusAlert, statusUnsupported, statusError:
		default:
			t.Fatalf("status %q", r.Status)
		}
		if len(sc.Bytes()) > maxShimLine {
			t.Fatalf("the shim wrote a line of %d bytes", len(sc.Bytes()))
		}
	}
}

// genResponseLine draws a response line a hostile shim might write.
func genResponseLine(t *rapid.T, limit int) string {
	m := map[string]any{"id": rapid.Int64Range(0, 2).Draw(t, "id"),
		"status": rapid.SampledFrom([]string{"ok", "alert", "unsupported", "error", "maybe"}).Draw(t, "status")}
	if rapid.Bool().Draw(t, "output") {
		var msgs, evs []map[string]any
		for i := rapid.IntRange(0, 3).Draw(t, "messages"); i > 0; i-- {
			msgs = append(msgs, map[string]any{"to": rapid.SampledFrom([]string{"S", ""}).Draw(t, "to"), "bytes": bigString(t, "bytes", limit/4)})
		}
		for i := rapid.IntRange(0, 3).Draw(t, "events"); i > 0; i-- {
			evs = append(evs, map[string]any{"kind": rapid.SampledFrom([]string{"message-accepted", "login-started", "boom"}).Draw(t, "kind"),
				"body": bigString(t, "event body", limit/4), "note": bigString(t, "note", limit/4),
				"index": rapid.Uint64().Draw(t, "index")})
		}
		m["output"] = map[string]any{"messages": msgs, "events": evs}
	}
	if rapid.Bool().Draw(t, "alert") {
		m["alert"] = map[string]any{"class": rapid.SampledFrom([]string{"bad_mac", "replay", "nope"}).Draw(t, "class"),
			"reason": bigString(t, "reason", limit)}
	}
	if rapid.Bool().Draw(t, "reason") {
		m["reason"] = bigString(t, "reason", limit)
	}
	if rapid.Bool().Draw(t, "capabilities") {
		m["version"], m["capabilities"] = 1, []map[string]any{{"protocol": "simp", "roles": []string{"server"},
			"suites": []string{rapid.SampledFrom([]string{"modern", "rot13"}).Draw(t, "suite")}, "variants": []string{"hardend", "hardened"}}}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// shimResponsesAtLimits: whatever a shim answers, the gate's parsing never
// panics, and what it keeps is within the limits.
func shimResponsesAtLimits(t *rapid.T, limit int) {
	line := []byte(genResponseLine(t, limit))
	op := rapid.SampledFrom([]string{"hello", "new-party", "act", "handle", "reset"}).Draw(t, "op")
	resp, err := ParseShimResponse(line, 1, op)
	if err != nil {
		return
	}
	s := &shimIUT{cmd: &exec.Cmd{}, exited: make(chan struct{})}
	close(s.exited)
	req := &shimRequest{ID: 1, Op: op}
	if op == "hello" {
		checkCapabilities(resp.Capabilities)
		return
	}
	if op != "act" && op != "handle" {
		return
	}
	_, err = s.answer(req, "alice", resp)
	if err != nil && len(err.Error()) > maxDetail+maxReason+256 {
		t.Fatalf("an error of %d bytes", len(err.Error()))
	}
	if resp.Status == statusOK && err != nil && s.broken == nil {
		t.Fatalf("garbage output did not make the shim unusable: %v", err)
	}
}

// rapidChecks is how many cases each property draws in make test.
func rapidChecks(t *testing.T) {
	if testing.Short() && flag.Lookup("rapid.checks").Value.String() == "100" {
		flag.Set("rapid.checks", "10")
		t.Cleanup(func() { flag.Set("rapid.checks", "100") })
	}
}

func TestShimRequestsAtLimits(t *testing.T) {
	rapidChecks(t)
	rapid.Check(t, func(t *rapid.T) { shimServerAtLimits(t, maxShimLine) })
}

func TestShimResponsesAtLimits(t *testing.T) {
	rapidChecks(t)
	rapid.Check(t, func(t *rapid.T) { shimResponsesAtLimits(t, maxShimLine) })
}

func FuzzShimRequestsAtLimits(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) { shimServerAtLimits(t, maxShimLine) }))
}

func FuzzShimResponsesAtLimits(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) { shimResponsesAtLimits(t, maxShimLine) }))
}
