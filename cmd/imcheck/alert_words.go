package main

import (
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/netio"
	"github.com/imcheck/imcheck/impl/role"
)

// explainAlert says in words why the server refused one of this client's
// messages (docs/serve.md §5). Label is the refused message's
// label in the client's protocol.
func explainAlert(a *netio.ServerAlert) string {
	on := a.Label
	login := on == "L1" || on == "a1"
	switch a.Code {
	case netio.RateLimited:
		return "too many failed logins for this account lately; the server is not trying more for now: wait and try again"
	case netio.Busy:
		return "the server has no room for another connection; try again later"
	case netio.Offline:
		return "not delivered: the recipient is not connected"
	}
	switch a.Code.Class() {
	case role.UnknownSuite:
		return "the server speaks another cipher suite (check --suite)"
	case role.BadVersion:
		return "the server speaks another profile version"
	case role.DecryptError:
		if on == "R1" || on == "a1" {
			return "the server could not decrypt your " + on + ": the server key you trust is not this server's (check --seed or --server-key)"
		}
		if on == "L1" {
			return "the server could not open your login: this account's stored keys are not the server's (was the account registered again elsewhere?)"
		}
	case role.AuthFailed:
		switch on {
		case "a1":
			return "wrong password"
		case "L1":
			return "the server did not accept your password proof: wrong password or an account registered again"
		case "R1":
			return "this user is already registered at the server: log in without --register"
		}
	case role.UnknownPeer:
		switch {
		case on == "L1":
			return "the server has no account for this user: register first (--register)"
		case on == "a1":
			return "the server has no account for this user"
		case on == "E1" || on == "4.2":
			return "that user is not logged in"
		}
	case role.WrongIdentity:
		if login || on == "R1" {
			return "the identity in your login is not the one this connection speaks for"
		}
	case role.Replay, role.BadIndex:
		if on == "L1" {
			return "the server refused the key index of your login: this client's stored state is behind the server's (is another client using this account?)"
		}
	case role.KeysExhausted:
		return "the server has no session key left for this account"
	case role.InternalError:
		return "the server failed to handle it (its log says why)"
	}
	if on == "" {
		return fmt.Sprintf("the server refused a message: %s", a.Code)
	}
	return fmt.Sprintf("the server refused %s: %s", on, a.Code)
}

// describeErr is an error for a person: a server alert in words, anything
// else as it is.
func describeErr(err error) string {
	var a *netio.ServerAlert
	if errors.As(err, &a) {
		return explainAlert(a)
	}
	if errors.Is(err, netio.ErrTimeout) {
		return err.Error() + " (is the server running, and are both sides using the same --suite and --variant?)"
	}
	return err.Error()
}
