package vectors

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// GeneratorVersion is written into every file header. Bump it when the
// meaning of a field changes.
const GeneratorVersion = "1"

// Result is a test's expected outcome, as in Wycheproof.
type Result string

const (
	// Valid: a conforming implementation must accept the input and
	// produce exactly the recorded output.
	Valid Result = "valid"
	// Invalid: a conforming implementation must reject the input, with
	// the recorded alert class where one is given.
	Invalid Result = "invalid"
	// Acceptable: an implementation may accept or reject the input; the
	// flags say why (e.g. a weakness the as-published variant keeps on
	// purpose).
	Acceptable Result = "acceptable"
)

// Hex is a byte string written as lowercase hex in JSON. Decoding is
// strict: an odd length or any character outside [0-9a-f] is an error.
type Hex []byte

// MarshalText writes lowercase hex.
func (h Hex) MarshalText() ([]byte, error) {
	out := make([]byte, hex.EncodedLen(len(h)))
	hex.Encode(out, h)
	return out, nil
}

// UnmarshalText parses lowercase hex strictly.
func (h *Hex) UnmarshalText(b []byte) error {
	v, err := parseHex(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// parseHex accepts only an even number of characters from [0-9a-f].
func parseHex(s string) ([]byte, error) {
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("vectors: hex string of odd length %d", len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return nil, fmt.Errorf("vectors: hex string has %q at offset %d (want [0-9a-f])", c, i)
		}
	}
	return hex.DecodeString(s)
}

// Note explains one flag (Wycheproof's notes).
type Note struct {
	BugType     string `json:"bugType"`
	Description string `json:"description"`
}

// Bug types of the notes.
const (
	BugBasic            = "BASIC"             // an ordinary honest case
	BugEdgeCase         = "EDGE_CASE"         // a boundary of a parameter range
	BugInvalidParameter = "INVALID_PARAMETER" // a parameter outside its range
	BugModified         = "MODIFIED_MESSAGE"  // a changed byte or field
	BugTruncated        = "TRUNCATED"         // a message cut short or extended
	BugReplay           = "REPLAY"            // a message delivered again
	BugWrongKey         = "WRONG_KEY"         // a message made under other keys
	BugWrongIndex       = "WRONG_INDEX"       // a key index or sequence number changed
	BugKnownAttack      = "KNOWN_ATTACK"      // a step of an attack the model found
	BugWeakness         = "WEAKNESS"          // accepted by the as-published variant on purpose
)

// File is one vector file. Its testGroups are typed per file kind.
type File struct {
	Algorithm        string          `json:"algorithm"`
	Schema           string          `json:"schema"`
	GeneratorVersion string          `json:"generatorVersion"`
	NumberOfTests    int             `json:"numberOfTests"`
	Header           []string        `json:"header"`
	Notes            map[string]Note `json:"notes"`
	TestGroups       any             `json:"testGroups"`
}

// Case is what every test carries.
type Case struct {
	TcID    int      `json:"tcId"`
	Comment string   `json:"comment"`
	Flags   []string `json:"flags"`
	Result  Result   `json:"result"`
}

// encodeFile renders f as the committed bytes: two-space indentation,
// fields in struct order, map keys sorted (encoding/json), no HTML
// escaping, one trailing newline.
func encodeFile(f *File) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("vectors: encode %s: %w", f.Schema, err)
	}
	return buf.Bytes(), nil
}

// numberer hands out tcIds 1, 2, … across a file.
type numberer struct{ next int }

func (n *numberer) id() int { n.next++; return n.next }

// usedNotes keeps only the notes of the flags that occur in a file, so
// that every note listed is used and every flag used is listed.
func usedNotes(all map[string]Note, flags map[string]bool) (map[string]Note, error) {
	out := map[string]Note{}
	for f := range flags {
		n, ok := all[f]
		if !ok {
			return nil, fmt.Errorf("vectors: flag %q has no note", f)
		}
		out[f] = n
	}
	return out, nil
}
