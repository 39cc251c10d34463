package role

import (
	"errors"
	"fmt"
)

// AlertClass says why a role rejected a message. The classes are shared by
// SIMP and IMKE so that the conformance gate and the vectors can name the
// expected outcome without knowing an implementation's error strings.
type AlertClass uint8

const (
	// DecodeError: the bytes do not parse: truncated, trailing bytes, a
	// wrong length or an unknown field value.
	DecodeError AlertClass = iota + 1
	// UnexpectedMessage: a well-formed message of a type the role does not
	// expect in its current state (out of order, reflected, wrong role).
	UnexpectedMessage
	// BadVersion: the profile version is not one the role speaks.
	BadVersion
	// UnknownSuite: the suite id is unknown or not the session's suite.
	UnknownSuite
	// DecryptError: a symmetric or public-key decryption failed.
	DecryptError
	// BadMAC: a MAC or keyed hash did not verify.
	BadMAC
	// BadSignature: a signature did not verify.
	BadSignature
	// AuthFailed: a password proof, challenge response or key
	// confirmation did not match.
	AuthFailed
	// Replay: the message, nonce, index or sequence number was seen
	// before.
	Replay
	// BadIndex: a key index outside the permitted window.
	BadIndex
	// KeysExhausted: the limited-use key set has no unused key left.
	KeysExhausted
	// UnknownPeer: the message names a user or peer the role does not know.
	UnknownPeer
	// WrongIdentity: an identity inside the message does not match the
	// party the role is talking to.
	WrongIdentity
	// InternalError: the role could not complete an operation for a
	// reason that is not the message's fault (e.g. no randomness).
	InternalError
)

var alertNames = map[AlertClass]string{
	DecodeError:       "decode_error",
	UnexpectedMessage: "unexpected_message",
	BadVersion:        "bad_version",
	UnknownSuite:      "unknown_suite",
	DecryptError:      "decrypt_error",
	BadMAC:            "bad_mac",
	BadSignature:      "bad_signature",
	AuthFailed:        "auth_failed",
	Replay:            "replay",
	BadIndex:          "bad_index",
	KeysExhausted:     "keys_exhausted",
	UnknownPeer:       "unknown_peer",
	WrongIdentity:     "wrong_identity",
	InternalError:     "internal_error",
}

func (c AlertClass) String() string {
	if s, ok := alertNames[c]; ok {
		return s
	}
	return fmt.Sprintf("alert(%d)", uint8(c))
}

// AlertClasses lists every class in a stable order.
func AlertClasses() []AlertClass {
	out := make([]AlertClass, 0, len(alertNames))
	for c := DecodeError; c <= InternalError; c++ {
		out = append(out, c)
	}
	return out
}

// ParseAlertClass is the inverse of AlertClass.String.
func ParseAlertClass(s string) (AlertClass, error) {
	for c, n := range alertNames {
		if n == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("role: unknown alert class %q", s)
}

// MarshalText renders the class by name.
func (c AlertClass) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText parses a class by name.
func (c *AlertClass) UnmarshalText(b []byte) error {
	v, err := ParseAlertClass(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Alert is the error a role returns when it rejects a message. Its Error
// string starts with the protocol's package name.
type Alert struct {
	Protocol string     // "simp" or "imke"
	Class    AlertClass // why
	Label    string     // the message label, e.g. "E6", or "" if unknown
	Reason   string     // detail for a person
}

func (a *Alert) Error() string {
	if a.Label == "" {
		return fmt.Sprintf("%s: %s: %s", a.Protocol, a.Class, a.Reason)
	}
	return fmt.Sprintf("%s: %s on %s: %s", a.Protocol, a.Class, a.Label, a.Reason)
}

// Is lets errors.Is(err, role.AlertOf(c)) match any alert of class c.
func (a *Alert) Is(target error) bool {
	t, ok := target.(*Alert)
	return ok && t.Protocol == "" && t.Label == "" && t.Reason == "" && t.Class == a.Class
}

// AlertOf returns a sentinel that matches, under errors.Is, every alert of
// class c.
func AlertOf(c AlertClass) error { return &Alert{Class: c} }

// ClassOf returns the class of the alert in err's chain, or 0 if there is
// none.
func ClassOf(err error) AlertClass {
	var a *Alert
	if errors.As(err, &a) {
		return a.Class
	}
	return 0
}
