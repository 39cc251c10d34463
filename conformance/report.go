package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as indented JSON. It holds no timings, so the
// same IUT gives the same bytes on every run.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("conformance: json report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// JUnit XML (the dialect of Jenkins, GitHub Actions reporters and GitLab):
// one testsuite per protocol, one testcase per instance; a failure or xpass
// is <failure>, unsupported and disabled are <skipped>, xfail passes with
// its reason in system-out.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML.
func (r *Report) WriteJUnit(w io.Writer) error {
	root := junitSuites{Name: "imcheck conform " + r.IUT}
	index := map[string]int{}
	for _, res := range r.Results {
		i, ok := index[res.Protocol]
		if !ok {
			i = len(root.Suites)
			index[res.Protocol] = i
			root.Suites = append(root.Suites, junitSuite{Name: strings.ToUpper(res.Protocol)})
		}
		s := &root.Suites[i]
		tc := junitCase{Name: res.Name, Classname: classname(res.ID)}
		switch res.Verdict {
		case Fail, XPass:
			tc.Failure = &junitMessage{Message: res.Detail, Type: string(res.Verdict),
				Text: res.Summary + " (" + res.Clause + ")\n" + strings.Join(res.Trace, "\n")}
			s.Failures++
			root.Failures++
		case Unsupported, Disabled:
			tc.Skipped = &junitMessage{Message: string(res.Verdict) + ": " + res.Detail}
			s.Skipped++
			root.Skipped++
		case XFail:
			tc.SystemOut = "expected failure: " + res.Detail
		}
		s.Tests++
		root.Tests++
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("conformance: junit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// classname is the ID without its last part, dotted as JUnit viewers group
// by it: "SIMP/E6/replay" → "SIMP.E6".
func classname(id string) string {
	if i := strings.LastIndexByte(id, '/'); i > 0 {
		id = id[:i]
	}
	return strings.ReplaceAll(id, "/", ".")
}
