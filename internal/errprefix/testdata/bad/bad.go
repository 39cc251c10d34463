package bad

import (
	"errors"
	"fmt"
)

var (
	errGood    = errors.New("bad: named")
	errWrapped = fmt.Errorf("%w: wrapped", errGood)
	errNoName  = errors.New("no package name")
	errOther   = fmt.Errorf("netio: another package's name %d", 1)
	format     = "bad: %d"
	errDynamic = fmt.Errorf(format, 1)
)
