package simp

import "fmt"

// Variant selects the as-published protocol or the hardened one
// (docs/spec/simp.md §"Variants").
type Variant string

const (
	// AsPublished is the paper's protocol, as close as can be executed. It
	// keeps the paper's weaknesses: the model and the adversary must be able
	// to show them.
	AsPublished Variant = "as-published"
	// Hardened applies every change listed in the profile, each with the
	// weakness it removes.
	Hardened Variant = "hardened"
)

// Variants lists the variants in a stable order.
func Variants() []Variant { return []Variant{AsPublished, Hardened} }

// ParseVariant parses a variant name.
func ParseVariant(s string) (Variant, error) {
	for _, v := range Variants() {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("simp: unknown variant %q (known: %v)", s, Variants())
}

func (v Variant) hardened() bool { return v == Hardened }

func (v Variant) valid() bool { return v == AsPublished || v == Hardened }
