package conformance

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/imcheck/imcheck/internal/boundedfile"
)

// Config is an implementation's gate configuration (docs/conformance.md):
// cases it disables and cases it is expected to fail, each with a reason.
// Keys are globs over case IDs or full names.
type Config struct {
	// Disabled cases are not run; each needs a reason.
	Disabled map[string]string `json:"disabled,omitempty"`
	// ExpectedFailures are run; a failure is reported as xfail, a pass as
	// xpass (which fails the run, so that the list is kept current).
	ExpectedFailures map[string]string `json:"expected_failures,omitempty"`
	// LenientAlerts accepts a rejection of another alert class where a
	// case names specific classes, but only where the run goes on after it
	// and so shows that the rejection left the state as the profile says;
	// the case then passes with the mismatch in its detail.
	LenientAlerts bool `json:"lenient_alerts,omitempty"`

	// file and where place the patterns read by ReadConfig or ParseConfig
	// (section NUL pattern), for CheckPatterns.
	file  string
	where map[string]patternPos
}

// Limits on a configuration (docs/limits.md, "Gate"). The longest case
// name of the catalogue is under 80 bytes.
const (
	// MaxConfigSize is the largest configuration the gate reads, in bytes.
	MaxConfigSize = 1 << 20
	// MaxConfigPatterns is the most patterns of one configuration
	// (disabled and expected failures together): checking each against
	// the catalogue costs a pass over its instances.
	MaxConfigPatterns = 1024
	// MaxPatternLen is the longest pattern, in bytes.
	MaxPatternLen = 256
)

// ConfigError is a configuration refused at a place: the file (empty for
// ParseConfig), a line and a column (in bytes, from 1).
type ConfigError struct {
	File      string
	Line, Col int
	Reason    string
}

func (e *ConfigError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("conformance: config: line %d, column %d: %s", e.Line, e.Col, e.Reason)
	}
	return fmt.Sprintf("conformance: %s:%d:%d: config: %s", e.File, e.Line, e.Col, e.Reason)
}

// ParseConfig reads a configuration strictly: unknown fields, duplicate
// keys, values of the wrong type, trailing data, empty patterns and empty
// reasons are errors (*ConfigError, with the line and column), and so is
// an input over MaxConfigSize.
func ParseConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("conformance: config: %w", err)
	}
	return parseConfig("", data)
}

// ReadConfig reads and parses the configuration file name as ParseConfig
// does, never more than MaxConfigSize+1 bytes: a larger regular file is
// refused unread, a pipe or a device when it passes the limit. Opening and
// reading stop when ctx is done (a named pipe nobody writes to), with an
// error that wraps ctx's.
func ReadConfig(ctx context.Context, name string) (*Config, error) {
	type result struct {
		c   *Config
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := readConfig(name)
		ch <- result{c, err}
	}()
	select {
	case r := <-ch:
		return r.c, r.err
	case <-ctx.Done():
		// the reader is left blocked in open or read; the caller is
		// about to exit
		return nil, fmt.Errorf("conformance: config: %s: stopped while reading it: %w", name, ctx.Err())
	}
}

func readConfig(name string) (*Config, error) {
	data, err := boundedfile.Read(name, MaxConfigSize)
	var tl *boundedfile.TooLarge
	switch {
	case errors.As(err, &tl):
		return nil, &ConfigError{name, 1, 1, "the file is " + tl.Words() + " (docs/limits.md)"}
	case err != nil:
		return nil, fmt.Errorf("conformance: config: %w", err)
	}
	return parseConfig(name, data)
}

// configParser walks a configuration token by token, so that every error
// has a place.
type configParser struct {
	file string
	data []byte
	dec  *json.Decoder
	off  int64 // where the last token started
	// the line and its start at lineOff, for placing patterns in one pass
	lineOff, line, lineStart int64
}

// next returns the next token; the end of the input is an error.
func (p *configParser) next() (json.Token, error) {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) && strings.IndexByte(" \t\r\n,:", p.data[off]) >= 0 {
		off++ // to where the token starts
	}
	p.off = off
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.syntax(err)
	}
	return tok, nil
}

// syntax places a decoding error: encoding/json's decoder does not place
// a syntax error exactly; its scanner does.
func (p *configParser) syntax(err error) error {
	var skip struct{}
	var se *json.SyntaxError
	if e := json.Unmarshal(p.data, &skip); errors.As(e, &se) {
		return p.errAt(max(se.Offset-1, 0), "%s", se.Error())
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return p.errAt(int64(len(p.data)), "unexpected end of JSON input")
	}
	return p.errAt(p.off, "%s", err.Error())
}

// position is the line and column of off.
func (p *configParser) position(off int64) (line, col int) {
	off = min(max(off, 0), int64(len(p.data)))
	if off < p.lineOff {
		p.lineOff, p.line, p.lineStart = 0, 1, 0
	}
	for i := p.lineOff; i < off; i++ {
		if p.data[i] == '\n' {
			p.line++
			p.lineStart = i + 1
		}
	}
	p.lineOff = off
	return int(p.line), int(off-p.lineStart) + 1
}

func (p *configParser) errAt(off int64, format string, a ...any) error {
	line, col := p.position(off)
	return &ConfigError{p.file, line, col, fmt.Sprintf(format, a...)}
}

func parseConfig(file string, data []byte) (*Config, error) {
	p := &configParser{file: file, data: data, dec: json.NewDecoder(bytes.NewReader(data)), line: 1}
	if len(data) > MaxConfigSize {
		return nil, p.errAt(0, "more than %d bytes, over the limit (docs/limits.md)", MaxConfigSize)
	}
	tok, err := p.next()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, p.errAt(p.off, "the configuration must be a JSON object")
	}
	c := &Config{file: file, where: map[string]patternPos{}}
	seen := map[string]bool{}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		if tok == json.Delim('}') {
			break
		}
		key, keyOff := tok.(string), p.off
		if seen[key] {
			return nil, p.errAt(keyOff, "duplicate key %q", key)
		}
		seen[key] = true
		switch key {
		case "disabled":
			c.Disabled, err = p.reasons(c, key)
		case "expected_failures":
			c.ExpectedFailures, err = p.reasons(c, key)
		case "lenient_alerts":
			tok, err = p.next()
			if err == nil {
				b, ok := tok.(bool)
				if !ok {
					return nil, p.errAt(p.off, "lenient_alerts must be true or false")
				}
				c.LenientAlerts = b
			}
		default:
			return nil, p.errAt(keyOff, "unknown field %q (known: disabled, expected_failures, lenient_alerts)", key)
		}
		if err != nil {
			return nil, err
		}
	}
	off := p.dec.InputOffset()
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
		off++
	}
	p.off = off
	if _, err := p.dec.Token(); err == nil {
		return nil, p.errAt(off, "data after the configuration object")
	} else if err != io.EOF {
		return nil, p.syntax(err)
	}
	return c, nil
}

// reasons reads an object of pattern to reason, the value of section.
func (p *configParser) reasons(c *Config, section string) (map[string]string, error) {
	tok, err := p.next()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, p.errAt(p.off, "%s must be an object of pattern to reason", section)
	}
	m := map[string]string{}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		if tok == json.Delim('}') {
			return m, nil
		}
		pat, patOff := tok.(string), p.off
		switch {
		case pat == "":
			return nil, p.errAt(patOff, "%s: an empty pattern", section)
		case len(pat) > MaxPatternLen:
			return nil, p.errAt(patOff, "%s: a pattern of %d bytes, over the limit of %d (docs/limits.md)", section, len(pat), MaxPatternLen)
		case len(c.where) == MaxConfigPatterns:
			return nil, p.errAt(patOff, "%s: more than %d patterns (docs/limits.md)", section, MaxConfigPatterns)
		}
		if _, dup := m[pat]; dup {
			return nil, p.errAt(patOff, "%s: duplicate pattern %q", section, pat)
		}
		tok, err = p.next()
		if err != nil {
			return nil, err
		}
		reason, ok := tok.(string)
		switch {
		case !ok:
			return nil, p.errAt(p.off, "%s: the reason of pattern %q must be a string", section, pat)
		case reason == "":
			return nil, p.errAt(p.off, "%s: pattern %q needs a non-empty reason", section, pat)
		}
		m[pat] = reason
		line, col := p.position(patOff)
		c.where[section+"\x00"+pat] = patternPos{patOff, line, col}
	}
}

// patternPos is where a pattern is in the configuration file.
type patternPos struct {
	off       int64
	line, col int
}

// CheckPatterns refuses a configuration with a pattern that matches no
// instance of cases (the first in the file, with its place): a misspelt
// pattern would otherwise disable or expect nothing, silently. It stops
// with ctx's error when ctx is done.
func (c *Config) CheckPatterns(ctx context.Context, cases []Case) error {
	insts, err := Instances(cases, Options{})
	if err != nil {
		return err
	}
	names := make([]string, 0, 2*len(insts))
	for _, in := range insts {
		names = append(names, in.Name(), in.Case.ID)
	}
	type pattern struct {
		pat string
		pos patternPos
		ok  bool // placed in the file
	}
	var pats []pattern
	for _, section := range []string{"disabled", "expected_failures"} {
		m := c.Disabled
		if section == "expected_failures" {
			m = c.ExpectedFailures
		}
		for pat := range m {
			pos, ok := c.where[section+"\x00"+pat]
			pats = append(pats, pattern{pat, pos, ok})
		}
	}
	slices.SortFunc(pats, func(a, b pattern) int {
		if a.pos.off != b.pos.off {
			return cmp.Compare(a.pos.off, b.pos.off)
		}
		return strings.Compare(a.pat, b.pat)
	})
	for _, p := range pats {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("conformance: config: stopped while checking its patterns: %w", err)
		}
		if slices.ContainsFunc(names, func(n string) bool { return Glob(p.pat, n) }) {
			continue
		}
		reason := fmt.Sprintf("pattern %q matches no case of the catalogue (imcheck conform --list shows them)", p.pat)
		if !p.ok { // a Config built in code
			return errors.New("conformance: config: " + reason)
		}
		return &ConfigError{c.file, p.pos.line, p.pos.col, reason}
	}
	return nil
}

// lookup returns the reason of the first pattern (in sorted order) in m
// that matches in.
func lookup(m map[string]string, in Instance) (string, bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if Glob(k, in.Name()) || Glob(k, in.Case.ID) {
			return m[k], true
		}
	}
	return "", false
}
