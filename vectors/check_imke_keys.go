package vectors

import (
	"bytes"
	"errors"
	"fmt"
)

// ImkeKeysTarget is a Target that also computes IMKE's key derivations:
// derivation is "4.1", "renewal" or "4.6"; confirm is the hardened
// renewal confirmation (nil elsewhere).
type ImkeKeysTarget interface {
	ImkeKeys(derivation, variant string, secret, random []byte, idA, idB string, encKAS1, encRS1 []byte) (enc, mac, confirm []byte, err error)
}

func checkImkeKeys(file string, data []byte, t Target, emit func(TestResult)) error {
	groups, err := decodeGroups(file, data, func(g imkeKeysGroup) (ids []int) {
		for _, tc := range g.Tests {
			ids = append(ids, tc.TcID)
		}
		return ids
	})
	if err != nil {
		return err
	}
	kt, ok := t.(ImkeKeysTarget)
	for _, g := range groups {
		for _, tc := range g.Tests {
			r := TestResult{TcID: tc.TcID, Verdict: Pass}
			if !ok {
				r.Verdict, r.Reason = Unsupported, "the target does not expose IMKE key derivation"
				emit(r)
				continue
			}
			enc, mac, confirm, err := kt.ImkeKeys(g.Derivation, g.Variant, tc.Secret, tc.Random, tc.IDA, tc.IDB, tc.EncKAS1, tc.EncRS1)
			switch {
			case errors.Is(err, ErrUnsupported):
				r.Verdict, r.Reason = Unsupported, err.Error()
			case err != nil:
				r.Verdict, r.Reason = Fail, err.Error()
			case !bytes.Equal(enc, tc.EncKey):
				r.Verdict, r.Reason = Fail, fmt.Sprintf("K^s = %x, want %x", enc, []byte(tc.EncKey))
			case !bytes.Equal(mac, tc.MACKey):
				r.Verdict, r.Reason = Fail, fmt.Sprintf("K^m = %x, want %x", mac, []byte(tc.MACKey))
			case !bytes.Equal(confirm, tc.Confirm):
				r.Verdict, r.Reason = Fail, fmt.Sprintf("confirm = %x, want %x", confirm, []byte(tc.Confirm))
			}
			emit(r)
		}
	}
	return nil
}
