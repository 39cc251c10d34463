package vectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// A structure-aware generator of JSON documents at the limits of
// docs/limits.md ("Vector files"): nesting around MaxDepth, arrays around
// MaxValues, keys repeated, escapes in keys, whitespace and line breaks
// anywhere. An oracle written independently of walkJSON (recursive, over
// the generated tree) says where the first violation is. `make test` runs
// rapid's default number of cases; `make fuzz` runs many more
// (-rapid.checks).

// jnode is a generated JSON value.
type jnode struct {
	kind   byte // 'a' array, 'o' object, 's' scalar
	scalar string
	keys   []string
	kids   []*jnode
}

var (
	rapidKeys    = []string{"a", "b", "tcId", "x/y", "m~n", "é", ""}
	rapidScalars = []string{"0", "-1.5e3", "true", "false", "null", `"s"`, `"\u00e9\n"`, `"[{"`}
	rapidSpace   = []string{"", "", " ", "\n", "\t", "\r\n  "}
)

// genTree draws a value whose deepest path has depth containers.
func genTree(t *rapid.T, depth int) *jnode {
	if depth == 0 {
		return &jnode{kind: 's', scalar: rapid.SampledFrom(rapidScalars).Draw(t, "scalar")}
	}
	n := &jnode{kind: rapid.SampledFrom([]byte{'a', 'o'}).Draw(t, "kind")}
	width := rapid.IntRange(1, 3).Draw(t, "width")
	deep := rapid.IntRange(0, width-1).Draw(t, "deep")
	for i := 0; i < width; i++ {
		d := 0
		if i == deep {
			d = depth - 1
		} else if depth > 1 {
			d = rapid.IntRange(0, min(depth-1, 2)).Draw(t, "side")
		}
		n.kids = append(n.kids, genTree(t, d))
		if n.kind == 'o' {
			n.keys = append(n.keys, rapid.SampledFrom(rapidKeys).Draw(t, "key"))
		}
	}
	return n
}

// want is where the oracle expects the walk to stop.
type want struct {
	offset int
	path   string
	reason string
}

// oracle serialises a tree and notes the first violation in document
// order, checking in walkJSON's documented order: the value count at a
// value's start, then the depth when it opens a container; a duplicate key
// when the key is read.
type oracle struct {
	t      *rapid.T
	buf    bytes.Buffer
	values int
	first  *want
}

func (o *oracle) space() { o.buf.WriteString(rapid.SampledFrom(rapidSpace).Draw(o.t, "ws")) }

func (o *oracle) fail(path []string, reason string, at int) {
	if o.first == nil {
		p := ""
		for _, s := range path {
			p += "/" + strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
		}
		o.first = &want{at, p, reason}
	}
}

func (o *oracle) write(n *jnode, path []string) {
	o.space()
	if o.values++; o.values > MaxValues {
		o.fail(path, "more than", o.buf.Len())
	}
	if n.kind == 's' {
		o.buf.WriteString(n.scalar)
		return
	}
	if len(path) == MaxDepth {
		o.fail(path, "nested deeper than", o.buf.Len())
	}
	open, close := byte('['), byte(']')
	if n.kind == 'o' {
		open, close = '{', '}'
	}
	o.buf.WriteByte(open)
	seen := map[string]bool{}
	for i, kid := range n.kids {
		if i > 0 {
			o.space()
			o.buf.WriteByte(',')
		}
		elem := "0"
		if n.kind == 'o' {
			o.space()
			k := n.keys[i]
			if seen[k] {
				o.fail(append(path, k), "duplicate key", o.buf.Len())
			}
			seen[k] = true
			kb, _ := json.Marshal(k)
			o.buf.Write(kb)
			o.space()
			o.buf.WriteByte(':')
			elem = k
		} else {
			elem = itoa(i)
		}
		o.write(kid, append(path[:len(path):len(path)], elem))
	}
	o.space()
	o.buf.WriteByte(close)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestRapidJSONAtTheLimits: every generated document is refused exactly
// where the oracle says (line, column, JSON Pointer, reason), or accepted
// by the walk when the oracle finds no violation. A duplicate key is
// reported at the key, with the member's pointer.
func TestRapidJSONAtTheLimits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var root *jnode
		if rapid.IntRange(0, 99).Draw(t, "wide") == 57 { // rapid draws the ends of a range often
			// An array around the value limit (the array itself is a value).
			n := MaxValues - 1 + rapid.IntRange(-1, 1).Draw(t, "delta")
			root = &jnode{kind: 'a', kids: make([]*jnode, n)}
			leaf := &jnode{kind: 's', scalar: "0"}
			for i := range root.kids {
				root.kids[i] = leaf
			}
		} else {
			depth := rapid.SampledFrom([]int{0, 1, MaxDepth - 1, MaxDepth, MaxDepth + 1, MaxDepth + 2}).Draw(t, "depth")
			root = genTree(t, depth)
		}
		o := &oracle{t: t}
		if len(root.kids) > 1000 {
			// Whitespace per element would make the draw log enormous.
			o.buf.WriteByte('[')
			o.buf.WriteString(strings.Repeat("0,", len(root.kids)-1) + "0]")
			o.values = 1 + len(root.kids)
			if o.values > MaxValues {
				o.first = &want{1 + 2*(MaxValues-1), "/" + itoa(MaxValues-1), "more than"}
			}
		} else {
			o.write(root, nil)
			o.space()
		}
		data := o.buf.Bytes()
		_, err := Validate("gen.json", data)
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("Validate = %v, want a *FileError (no generated document is a vector file)", err)
		}
		if o.first == nil {
			if jerr := walkJSON(data, nil); jerr != nil {
				t.Fatalf("walkJSON refused a document within the limits: %v\n%s", jerr.reason, data)
			}
			return
		}
		line, col := lineCol(data, int64(o.first.offset))
		if fe.Line != line || fe.Col != col || fe.Path != o.first.path || !strings.Contains(fe.Reason, o.first.reason) {
			t.Fatalf("got %v\nwant %d:%d at %q: %s...\n%.2000s", err, line, col, o.first.path, o.first.reason, data)
		}
	})
}
