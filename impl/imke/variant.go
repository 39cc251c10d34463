package imke

import (
	"fmt"
	"strings"
)

// Variant selects the as-published protocol or the hardened one
// (docs/spec/imke.md §11).
type Variant string

const (
	// AsPublished is the paper's protocol, as close as it can be executed:
	// c1–c3 carry no identities, b1/b2 and 4.4/4.5 carry no freshness and
	// the same keys serve both directions.
	AsPublished Variant = "as-published"
	// Hardened applies every change listed in profile §11.
	Hardened Variant = "hardened"
)

// Variants lists the variants, as-published first.
func Variants() []Variant { return []Variant{AsPublished, Hardened} }

// ParseVariant parses a variant name.
func ParseVariant(s string) (Variant, error) {
	for _, v := range Variants() {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("imke: unknown variant %q (known: %s)", s, strings.Join(variantNames(), ", "))
}

func variantNames() []string {
	var out []string
	for _, v := range Variants() {
		out = append(out, string(v))
	}
	return out
}

func (v Variant) hardened() bool { return v == Hardened }

// PasswordStorage says what the server stores for each user
// (docs/spec/imke.md §10).
type PasswordStorage string

const (
	// StorePassword: the server stores P_A itself (paper §3.2) and
	// computes f1(P_A), f2(P_A) from it.
	StorePassword PasswordStorage = "password"
	// StoreImage: the server stores only W_A = image(ID_A, P_A) (paper
	// footnote 5); f1 and f2 are computed from W_A on both sides, so W_A is
	// password-equivalent.
	StoreImage PasswordStorage = "image"
)

// PasswordStorages lists the storage options, the paper's first.
func PasswordStorages() []PasswordStorage { return []PasswordStorage{StorePassword, StoreImage} }

// ParsePasswordStorage parses a storage option name; "" means
// StorePassword.
func ParsePasswordStorage(s string) (PasswordStorage, error) {
	if s == "" {
		return StorePassword, nil
	}
	for _, p := range PasswordStorages() {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("imke: unknown password storage %q (known: password, image)", s)
}
