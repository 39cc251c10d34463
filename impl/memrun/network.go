package memrun

import (
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

// Network is the honest FIFO network of RunSIMP (role.Network); tests
// drive it step by step.
type Network = role.Network

// NewNetwork wires SIMP roles by name, their steps' fields from
// simp.Describe.
func NewNetwork(roles ...role.Role) *Network { return role.NewNetwork(simp.Describe, roles...) }
