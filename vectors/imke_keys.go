package vectors

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// IMKE key derivation vectors (docs/spec/imke.md §3.7 (4.1), §7.1
// (renewal), §7.4 (hardened renewal confirmation), §3.12 (4.6), §4 (f4,
// f5, f8, f9)).

type imkeKeysGroup struct {
	Type       string         `json:"type"` // "ImkeKeyDerivation"
	Derivation string         `json:"derivation"`
	Variant    string         `json:"variant"`
	Tests      []imkeKeysTest `json:"tests"`
}

type imkeKeysTest struct {
	TcID    int      `json:"tcId"`
	Comment string   `json:"comment"`
	Flags   []string `json:"flags"`
	// Secret and Random are the two contributions: (K_AS, R_S) for 4.1,
	// (K_AS1, R_S1) for renewal, (K_AB, R_B) for 4.6.
	Secret Hex `json:"secret"`
	Random Hex `json:"random"`
	// IDA and IDB are the identities 4.6 binds in the hardened variant
	// ("" elsewhere).
	IDA string `json:"idA"`
	IDB string `json:"idB"`
	// EncKAS1 and EncRS1 are the renewal ciphertexts {K_AS1}_{E_S} and
	// {R_S1}_{E_A} the hardened confirmation covers (empty elsewhere).
	EncKAS1 Hex `json:"encKAS1"`
	EncRS1  Hex `json:"encRS1"`
	// EncKey and MACKey are K^s and K^m.
	EncKey Hex `json:"encKey"`
	MACKey Hex `json:"macKey"`
	// Confirm is the hardened renewal confirmation (empty elsewhere).
	Confirm Hex    `json:"confirm"`
	Result  Result `json:"result"`
}

var imkeKeysNotes = map[string]Note{
	"Normal":         {BugBasic, "Random 32-byte contributions."},
	"ExtremeKeys":    {BugEdgeCase, "Contributions of all zero or all 0xff bytes."},
	"LongIdentities": {BugEdgeCase, "Identities of 255 bytes, the longest id8 allows (hardened 4.6)."},
	"SwappedRoles":   {BugEdgeCase, "The same contributions with the two identities swapped: the keys must differ (hardened 4.6 binds the initiator first)."},
}

func genImkeKeys() (*File, error) {
	if err := crossCheckImkeKeys(); err != nil {
		return nil, err
	}
	var n numberer
	flags := map[string]bool{}
	var groups []imkeKeysGroup
	type input struct {
		comment  string
		flag     string
		k, r     []byte
		idA, idB string
	}
	inputs := func(label string) []input {
		in := []input{}
		for i := range 3 {
			in = append(in, input{fmt.Sprintf("random contributions %d", i+1), "Normal",
				drawn(fmt.Sprintf("%s %d secret", label, i), 32), drawn(fmt.Sprintf("%s %d random", label, i), 32), "alice", "bob"})
		}
		in = append(in,
			input{"all-zero contributions", "ExtremeKeys", make([]byte, 32), make([]byte, 32), "alice", "bob"},
			input{"all-0xff contributions", "ExtremeKeys", fill(32, 0xff), fill(32, 0xff), "alice", "bob"})
		return in
	}
	for _, d := range []string{"4.1", "renewal", "4.6"} {
		for _, v := range []string{"as-published", "hardened"} {
			g := imkeKeysGroup{Type: "ImkeKeyDerivation", Derivation: d, Variant: v}
			in := inputs("imke " + d)
			if d == "4.6" && v == "hardened" {
				k, r := drawn("imke 4.6 long secret", 32), drawn("imke 4.6 long random", 32)
				in = append(in,
					input{"identities of 255 bytes", "LongIdentities", k, r, string(fill(255, 'a')), string(fill(255, 'b'))},
					input{"random contributions 1, identities swapped", "SwappedRoles", in[0].k, in[0].r, "bob", "alice"})
			}
			for i, x := range in {
				t := imkeKeysTest{TcID: n.id(), Comment: x.comment, Flags: []string{x.flag}, Secret: x.k, Random: x.r,
					EncKAS1: Hex{}, EncRS1: Hex{}, Confirm: Hex{}, Result: Valid}
				flags[x.flag] = true
				var ids [][]byte
				if d == "4.6" && v == "hardened" {
					t.IDA, t.IDB = x.idA, x.idB
					ids = [][]byte{[]byte(x.idA), []byte(x.idB)}
				}
				switch d {
				case "4.1", "renewal":
					t.EncKey = profileKDF(x.k, "imke f4", x.r)
					t.MACKey = profileKDF(x.r, "imke f5", x.k)
				case "4.6":
					t.EncKey = profileKDF(x.k, "imke f8", append([][]byte{x.r}, ids...)...)
					t.MACKey = profileKDF(x.r, "imke f9", append([][]byte{x.k}, ids...)...)
				}
				if d == "renewal" && v == "hardened" {
					t.EncKAS1 = drawn(fmt.Sprintf("imke renewal %d enc K_AS1", i), 48)
					t.EncRS1 = drawn(fmt.Sprintf("imke renewal %d enc R_S1", i), 48)
					m := hmac.New(sha256.New, t.MACKey)
					m.Write(profileEncode("imke renewal confirm", t.EncKAS1, t.EncRS1))
					t.Confirm = m.Sum(nil)
				}
				// The reference must agree with the profile's derivation.
				enc, mac, confirm, err := Reference{}.ImkeKeys(d, v, x.k, x.r, t.IDA, t.IDB, t.EncKAS1, t.EncRS1)
				if err != nil {
					return nil, err
				}
				if !bytes.Equal(enc, t.EncKey) || !bytes.Equal(mac, t.MACKey) || !bytes.Equal(confirm, t.Confirm) {
					return nil, fmt.Errorf("vectors: imke %s %s (%s): impl/imke and the profile derive different keys", d, v, x.comment)
				}
				g.Tests = append(g.Tests, t)
			}
			groups = append(groups, g)
		}
	}
	notes, err := usedNotes(imkeKeysNotes, flags)
	if err != nil {
		return nil, err
	}
	return &File{
		Algorithm:        "IMKE-KeyDerivation",
		Schema:           "imke_keys_test_schema.json",
		GeneratorVersion: GeneratorVersion,
		NumberOfTests:    n.next,
		Header: []string{
			"IMKE key derivations (docs/spec/imke.md): 4.1 K_AS^s = f4(K_AS, R_S), K_AS^m = f5(R_S, K_AS); renewal the same over (K_AS1, R_S1);",
			"4.6 K_AB^s = f8(K_AB, R_B [, ID_A, ID_B]), K_AB^m = f9(R_B, K_AB [, ID_A, ID_B]) (identities in hardened only);",
			"hardened renewal confirm = MAC(new K_AS^m, \"imke renewal confirm\", {K_AS1}_{E_S}, {R_S1}_{E_A}).",
			"f4 = KDF(K, 32, \"imke f4\", R), f5 = KDF(R, 32, \"imke f5\", K), f8, f9 likewise (suites.md §1: HKDF-SHA256, empty salt, info = Encode(label, parts)).",
		},
		Notes:      notes,
		TestGroups: groups,
	}, nil
}

func fill(n int, b byte) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// profileEncode is suites.md §1's Encode, written again here:
// u8 len(label) || label || (u32 len(p) || p)...
func profileEncode(label string, parts ...[]byte) []byte {
	out := append([]byte{byte(len(label))}, label...)
	for _, p := range parts {
		out = binary.BigEndian.AppendUint32(out, uint32(len(p)))
		out = append(out, p...)
	}
	return out
}

// profileKDF is suites.md §1's KDF(secret, 32, label, parts): HKDF-SHA256
// with an empty salt and info = Encode(label, parts).
func profileKDF(secret []byte, label string, parts ...[]byte) []byte {
	k, err := hkdf.Key(sha256.New, secret, nil, string(profileEncode(label, parts...)), 32)
	if err != nil {
		panic("vectors: hkdf: " + err.Error()) // unreachable: fixed length 32
	}
	return k
}
