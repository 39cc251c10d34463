package conformance

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/imcheck/imcheck/impl/role"
)

// ServeShim serves the shim protocol of docs/spec/shim.md on r and w for
// iut: it is the loop of `imcheck shim`. It returns nil at `bye` or at the
// end of input.
func ServeShim(iut IUT, name string, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriter(w)
	s := &shimServer{iut: iut, name: name, parties: map[string]servedParty{}}
	for {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		resp, bye := s.serve(line)
		b, err := json.Marshal(resp)
		if err != nil {
			return fmt.Errorf("conformance: shim: %w", err)
		}
		bw.Write(append(b, '\n'))
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("conformance: shim: %w", err)
		}
		if bye {
			return nil
		}
	}
}

// readLine reads one line of at most maxShimLine bytes, without its '\n'.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxShimLine {
			return nil, fmt.Errorf("conformance: shim line longer than %d bytes", maxShimLine)
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, nil
		default:
			return nil, err
		}
	}
}

type servedParty struct {
	name  string
	party Party
}

type shimServer struct {
	iut     IUT
	name    string
	parties map[string]servedParty
}

func (s *shimServer) serve(line []byte) (resp shimResponse, bye bool) {
	req, err := ParseShimRequest(line)
	if req != nil {
		resp.ID = req.ID
	}
	if err != nil {
		return shimResponse{ID: resp.ID, Status: statusError, Reason: err.Error()}, false
	}
	switch req.Op {
	case "hello":
		if req.Version != ShimVersion {
			return errorResponse(req.ID, fmt.Errorf("conformance: shim speaks version %d, not %d", ShimVersion, req.Version)), false
		}
		return shimResponse{ID: req.ID, Status: statusOK, Version: ShimVersion, Name: s.name, Capabilities: s.iut.Capabilities()}, false
	case "new-party":
		setup, err := decodeSetup(req.Setup)
		if err != nil {
			return errorResponse(req.ID, err), false
		}
		p, err := s.iut.NewParty(setup, req.Party)
		if err != nil {
			return errorResponse(req.ID, err), false
		}
		s.parties[req.Handle] = servedParty{name: req.Party, party: p}
		return shimResponse{ID: req.ID, Status: statusOK}, false
	case "act", "handle":
		p, ok := s.parties[req.Handle]
		if !ok {
			return errorResponse(req.ID, fmt.Errorf("conformance: no party %q", req.Handle)), false
		}
		var out role.Output
		if req.Op == "act" {
			a, err2 := decodeAction(p.name, req.Action)
			if err2 != nil {
				return errorResponse(req.ID, err2), false
			}
			out, err = p.party.Act(a)
		} else {
			msg, err2 := parseHex("message", *req.Message)
			if err2 != nil {
				return errorResponse(req.ID, err2), false
			}
			out, err = p.party.Handle(req.From, msg)
		}
		if err != nil {
			return errorResponse(req.ID, err), false
		}
		return shimResponse{ID: req.ID, Status: statusOK, Output: encodeOutput(out)}, false
	case "snapshot", "restart":
		p, ok := s.parties[req.Handle]
		if !ok {
			return errorResponse(req.ID, fmt.Errorf("conformance: no party %q", req.Handle)), false
		}
		rp, ok := p.party.(Restartable)
		if !ok {
			return errorResponse(req.ID, fmt.Errorf("%w: the party %s cannot be restarted", ErrUnsupported, p.name)), false
		}
		if req.Op == "snapshot" {
			b, err := rp.Snapshot()
			if err != nil {
				return errorResponse(req.ID, err), false
			}
			st := hex.EncodeToString(b)
			return shimResponse{ID: req.ID, Status: statusOK, State: &st}, false
		}
		if req.State == nil {
			err = rp.Restart()
		} else if b, err2 := parseHex("state", *req.State); err2 != nil {
			return errorResponse(req.ID, err2), false
		} else {
			err = rp.RestartFrom(b)
		}
		if err != nil {
			return errorResponse(req.ID, err), false
		}
		return shimResponse{ID: req.ID, Status: statusOK}, false
	case "reset":
		clear(s.parties)
		s.iut.EndCase()
		return shimResponse{ID: req.ID, Status: statusOK}, false
	default: // bye
		return shimResponse{ID: req.ID, Status: statusOK}, true
	}
}

// errorResponse maps an error to a response: an alert, unsupported or error.
func errorResponse(id int64, err error) shimResponse {
	var a *role.Alert
	switch {
	case errors.As(err, &a):
		return shimResponse{ID: id, Status: statusAlert, Alert: &shimAlert{Class: a.Class.String(), Reason: a.Error()}}
	case errors.Is(err, ErrUnsupported):
		return shimResponse{ID: id, Status: statusUnsupported, Reason: err.Error()}
	default:
		return shimResponse{ID: id, Status: statusError, Reason: err.Error()}
	}
}
