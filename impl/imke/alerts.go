package imke

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
)

// protocolName is the Protocol of every alert this package returns.
const protocolName = "imke"

// alert builds the *role.Alert a role returns when it rejects a message.
func alert(class role.AlertClass, label, format string, args ...any) *role.Alert {
	return &role.Alert{Protocol: protocolName, Class: class, Label: label, Reason: fmt.Sprintf(format, args...)}
}
