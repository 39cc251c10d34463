package simp

import (
	"errors"

	"github.com/imcheck/imcheck/impl/role"
)

func asAlert(err error, a **role.Alert) bool { return errors.As(err, a) }
