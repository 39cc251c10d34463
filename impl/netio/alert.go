package netio

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// Code is the reason an alert frame gives (docs/spec/wire.md §5). Codes
// 1–63 are the role alert classes (role.AlertClass, same numbers); 64 and
// up are the server's own.
type Code uint8

// The server's own codes.
const (
	// RateLimited: too many failed logins for this account lately; the
	// login was not tried.
	RateLimited Code = 64
	// Busy: the server has no room for another connection (from this
	// address or in all).
	Busy Code = 65
	// Offline: the frame was addressed to a user who is not connected; it
	// was dropped.
	Offline Code = 66
)

var serverCodeNames = map[Code]string{
	RateLimited: "rate_limited",
	Busy:        "busy",
	Offline:     "offline",
}

// CodeOf is the alert code for a role's rejection.
func CodeOf(c role.AlertClass) Code { return Code(c) }

// Class returns the role alert class of a code below 64, or 0.
func (c Code) Class() role.AlertClass {
	if c > 0 && c < 64 {
		return role.AlertClass(c)
	}
	return 0
}

func (c Code) String() string {
	if cl := c.Class(); cl != 0 {
		return cl.String()
	}
	if s, ok := serverCodeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("code(%d)", uint8(c))
}

// ServerAlert is an alert frame a client received: the server did not
// accept one of its frames. Label is the refused message's label when the
// client's protocol knows its type.
type ServerAlert struct {
	Code  Code
	About uint8 // type byte of the refused message, 0 if unknown
	Label string
}

func (a *ServerAlert) Error() string {
	on := a.Label
	if on == "" && a.About != 0 {
		on = fmt.Sprintf("type 0x%02x", a.About)
	}
	if on == "" {
		return "netio: the server refused a frame: " + a.Code.String()
	}
	return fmt.Sprintf("netio: the server refused %s: %s", on, a.Code)
}

// alertFrame encodes an alert about payload for the envelope to id.
func alertFrame(suite uint16, code Code, payload []byte) wire.AlertMessage {
	var about uint8
	if len(payload) > 0 {
		about = payload[0]
	}
	return wire.AlertMessage{Suite: suite, Code: uint8(code), About: about}
}
