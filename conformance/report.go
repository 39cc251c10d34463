package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
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
// one testsuite per protocol, one testcase per instance; a failed
// expectation or an xpass is <failure>, an IUT that crashed, hung or
// answered garbage is <error>, unsupported, disabled and not-run are
// <skipped>, xfail passes with its reason in system-out. Unlike the JSON
// report it carries timings (time in seconds, timestamp of the start).
type junitSuites struct {
	XMLName   xml.Name     `xml:"testsuites"`
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr"`
	Props     *junitProps  `xml:"properties,omitempty"`
	Suites    []junitSuite `xml:"testsuite"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
	elapsed   time.Duration
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the report as JUnit XML.
func (r *Report) WriteJUnit(w io.Writer) error {
	stamp := r.started.UTC().Format("2006-01-02T15:04:05")
	root := junitSuites{Name: "imcheck conform " + r.IUT, Timestamp: stamp,
		Props: &junitProps{Props: []junitProp{
			{"format", r.Format}, {"imcheck_version", r.ImcheckVersion},
			{"catalogue", fmt.Sprintf("%d cases, %d instances, %s", r.Catalogue.Cases, r.Catalogue.Instances, r.Catalogue.Digest)},
			{"coverage", fmt.Sprintf("%.1f%% (%d of %d selected instances ran)", r.Coverage.Percent, r.Coverage.Ran, r.Coverage.Selected)},
		}}}
	index := map[string]int{}
	for _, res := range r.Results {
		i, ok := index[res.Protocol]
		if !ok {
			i = len(root.Suites)
			index[res.Protocol] = i
			root.Suites = append(root.Suites, junitSuite{Name: strings.ToUpper(res.Protocol), Timestamp: stamp})
		}
		s := &root.Suites[i]
		tc := junitCase{Name: res.Name, Classname: classname(res.ID), Time: seconds(res.elapsed)}
		switch res.Verdict {
		case Fail, XPass:
			m := &junitMessage{Message: res.Detail, Type: string(res.Verdict),
				Text: res.Summary + " (" + res.Clause + ")\n" + strings.Join(res.Trace, "\n")}
			if res.IUTError {
				tc.Error = m
				s.Errors++
				root.Errors++
			} else {
				tc.Failure = m
				s.Failures++
				root.Failures++
			}
		case Unsupported, Disabled, NotRun:
			tc.Skipped = &junitMessage{Message: string(res.Verdict) + ": " + res.Detail}
			s.Skipped++
			root.Skipped++
		case XFail:
			tc.SystemOut = "expected failure: " + res.Detail
		}
		s.Tests++
		root.Tests++
		s.elapsed += res.elapsed
		s.Cases = append(s.Cases, tc)
	}
	for i := range root.Suites {
		root.Suites[i].Time = seconds(root.Suites[i].elapsed)
	}
	root.Time = seconds(r.elapsed)
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
