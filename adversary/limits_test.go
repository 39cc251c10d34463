package adversary

import (
	"errors"
	"strings"
	"testing"
)

// TestScanJSONLimits: each limit of the trace reader accepts a document
// at it and refuses one just over it, at the place it is crossed.
func TestScanJSONLimits(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	array := func(n int) string { return "[" + strings.Repeat("0,", n-1) + "0]" }
	// MaxValues values: the array and n-1 elements, in arrays of at most
	// MaxArrayLen elements
	values := func(n int) string {
		var b strings.Builder
		b.WriteString("[")
		left := n - 1
		for left > 0 {
			k := min(left-1, MaxArrayLen)
			if b.Len() > 1 {
				b.WriteString(",")
			}
			b.WriteString("[" + strings.TrimSuffix(strings.Repeat("0,", k), ",") + "]")
			left -= k + 1
		}
		b.WriteString("]")
		return b.String()
	}
	for _, tc := range []struct {
		name, doc string
		line, col int // 0: accepted
		msg       string
	}{
		{"depth at the limit", nest(MaxDepth), 0, 0, ""},
		{"depth over", nest(MaxDepth + 1), 1, MaxDepth + 1, "nested deeper than 32 levels"},
		{"objects over", strings.Repeat(`{"k": `, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), 1, 1 + 6*MaxDepth, "nested deeper than 32 levels"},
		{"array at the limit", array(MaxArrayLen), 0, 0, ""},
		{"array over", "[\n" + strings.Repeat("0,", MaxArrayLen) + "0]", 2, 1 + 2*MaxArrayLen, "an array of more than 16384 elements"},
		{"values at the limit", values(MaxValues), 0, 0, ""},
		{"values over", values(MaxValues + 1), 1, 0, "more than 262144 values"},
		{"keys are not values", `{"a": 1, "b": [1, 2], "c": {"d": null}}`, 0, 0, ""},
		{"syntax", "{\n  \"a\": tru\n}", 2, 11, "invalid character '\\n' in literal true"},
		{"end of input", "{\"a\": [1,", 1, 9, "unexpected end of JSON input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := scanJSON([]byte(tc.doc))
			if tc.line == 0 {
				if err != nil {
					t.Fatalf("refused a document within the limits: %v", err)
				}
				return
			}
			var fe *FileError
			if !errors.As(Locate("x.json", []byte(tc.doc), err), &fe) {
				t.Fatalf("got %v, want a located error", err)
			}
			if fe.Line != tc.line || (tc.col != 0 && fe.Col != tc.col) || !strings.Contains(fe.Reason, tc.msg) {
				t.Fatalf("got %v, want x.json:%d:%d: ...%s...", fe, tc.line, tc.col, tc.msg)
			}
		})
	}
}
