package conformance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConfigErrorsLocated: every configuration refused names its file,
// line and column (in bytes, from 1), as attack replay does for a trace.
func TestConfigErrorsLocated(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"disabled\": {\n    \"X\": x\n  }\n}\n", ":3:10: config: invalid character 'x'"},
		{"empty reason", "{\"disabled\": {\n  \"SIMP/*\": \"\"}}", `:2:13: config: disabled: pattern "SIMP/*" needs a non-empty reason`},
		{"empty pattern", `{"expected_failures": {"": "why"}}`, ":1:24: config: expected_failures: an empty pattern"},
		{"unknown field", "{\n\n   \"disabeld\": {}}", `:3:4: config: unknown field "disabeld"`},
		{"field in another case", `{"Disabled": {}}`, `:1:2: config: unknown field "Disabled"`},
		{"duplicate key", `{"disabled": {}, "disabled": {}}`, `:1:18: config: duplicate key "disabled"`},
		{"duplicate pattern", `{"disabled": {"A": "x", "A": "y"}}`, `:1:25: config: disabled: duplicate pattern "A"`},
		{"reason not a string", `{"disabled": {"A": 1}}`, `:1:20: config: disabled: the reason of pattern "A" must be a string`},
		{"section not an object", `{"disabled": ["A"]}`, `:1:14: config: disabled must be an object of pattern to reason`},
		{"lenient not a bool", `{"lenient_alerts": "yes"}`, `:1:20: config: lenient_alerts must be true or false`},
		{"not an object", `[]`, ":1:1: config: the configuration must be a JSON object"},
		{"two objects", "{}\n {}", ":2:2: config: data after the configuration object"},
		{"garbage after", "{} x", ":1:4: config: invalid character 'x' after top-level value"},
		{"empty", "", ":1:1: config: unexpected end of JSON input"},
		{"pattern too long", `{"disabled": {"` + strings.Repeat("x", MaxPatternLen+1) + `": "why"}}`, ":1:15: config: disabled: a pattern of 257 bytes, over the limit of 256"},
		{"too many patterns", manyPatterns(MaxConfigPatterns + 1), fmt.Sprintf(":%d:1: config: expected_failures: more than %d patterns", MaxConfigPatterns+2, MaxConfigPatterns)},
		{"cut short", `{"disabled": {"A": "x"`, ":1:22: config: unexpected end of JSON input"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadConfig(context.Background(), path)
			var ce *ConfigError
			require.True(t, errors.As(err, &ce), "%v", err)
			require.Contains(t, err.Error(), "conformance: "+path+tt.want)
			_, err = ParseConfig(strings.NewReader(tt.data))
			require.True(t, errors.As(err, &ce), "ParseConfig: %v", err)
		})
	}
}

// manyPatterns is a configuration of n patterns, one a line after the
// first, the last among the expected failures.
func manyPatterns(n int) string {
	var b strings.Builder
	b.WriteString("{\"disabled\": {\n")
	for i := 1; i < n-1; i++ {
		fmt.Fprintf(&b, "\"P%d\": \"r\",\n", i)
	}
	b.WriteString("\"P0\": \"r\"}, \"expected_failures\": {\n\"Q\": \"r\"}}")
	return b.String()
}

// TestConfigPatternUnmatchedLocated: a pattern that matches no case is
// named with its place, the first in the file.
func TestConfigPatternUnmatchedLocated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	data := "{\"disabled\": {\n  \"TOY/T1/*\": \"later\",\n  \"TOY/T9/*\": \"a typo\"},\n \"expected_failures\": {\"TOY/T8/*\": \"another\"}}"
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	c, err := ReadConfig(context.Background(), path)
	require.NoError(t, err)
	err = c.CheckPatterns(context.Background(), toyOptions().Cases)
	require.Error(t, err)
	require.Contains(t, err.Error(), "conformance: "+path+`:3:3: config: pattern "TOY/T9/*" matches no case`)
	ok, err := ReadConfig(context.Background(), path)
	require.NoError(t, err)
	delete(ok.Disabled, "TOY/T9/*")
	ok.ExpectedFailures = nil
	require.NoError(t, ok.CheckPatterns(context.Background(), toyOptions().Cases))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = ok.CheckPatterns(ctx, toyOptions().Cases)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	_, err = ParseConfig(strings.NewReader(manyPatterns(MaxConfigPatterns)))
	require.NoError(t, err)
}

// TestConfigBounded: a file over MaxConfigSize is refused unread, a
// device that never ends once it passes the limit, and a named pipe
// nobody writes to when the context ends.
func TestConfigBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, nil, 0o644))
	require.NoError(t, os.Truncate(big, 2<<20))
	_, err := ReadConfig(context.Background(), big)
	require.Error(t, err)
	require.Contains(t, err.Error(), big+":1:1: config: the file is 2097152 bytes, over the limit of 1048576 bytes")
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err := ReadConfig(context.Background(), "/dev/zero")
		require.Error(t, err)
		require.Contains(t, err.Error(), "/dev/zero:1:1: config: the file is longer than the limit of 1048576 bytes")
	}
	_, err = ParseConfig(strings.NewReader("{" + strings.Repeat(" ", MaxConfigSize) + "}"))
	require.Error(t, err)
	require.Contains(t, err.Error(), "over the limit")
	fifo := filepath.Join(dir, "fifo.json")
	if mkfifo(fifo) != nil {
		t.Skip("no named pipes here")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = ReadConfig(ctx, fifo)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	require.Contains(t, err.Error(), "conformance: config: "+fifo+": stopped while reading it")
	require.Less(t, time.Since(start), 2*time.Second)
}
