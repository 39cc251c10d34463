package simp

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode"

	"pgregory.net/rapid"

	"github.com/imcheck/imcheck/impl/suite"
)

// encoder is any message or body.
type encoder interface{ Marshal() ([]byte, error) }

// decoders names every decoder of the package; the fuzz targets and the
// properties below cover each.
var decoders = map[string]func([]byte) (encoder, error){
	"R1":                 func(b []byte) (encoder, error) { return UnmarshalR1(b) },
	"R2":                 func(b []byte) (encoder, error) { return UnmarshalR2(b) },
	"L1":                 func(b []byte) (encoder, error) { return UnmarshalL1(b) },
	"L2":                 func(b []byte) (encoder, error) { return UnmarshalL2(b) },
	"E1":                 func(b []byte) (encoder, error) { return UnmarshalE1(b) },
	"E2":                 func(b []byte) (encoder, error) { return UnmarshalE2(b) },
	"E3":                 func(b []byte) (encoder, error) { return UnmarshalE3(b) },
	"E4":                 func(b []byte) (encoder, error) { return UnmarshalE4(b) },
	"E5":                 func(b []byte) (encoder, error) { return UnmarshalE5(b) },
	"E6":                 func(b []byte) (encoder, error) { return UnmarshalE6(b) },
	"E7":                 func(b []byte) (encoder, error) { return UnmarshalE7(b) },
	"RegistrationSecret": func(b []byte) (encoder, error) { return UnmarshalRegistrationSecret(b) },
	"RegistrationParams": func(b []byte) (encoder, error) { return UnmarshalRegistrationParams(b) },
	"LoginProof":         func(b []byte) (encoder, error) { return UnmarshalLoginProof(b) },
	"LoginConfirmation":  func(b []byte) (encoder, error) { return UnmarshalLoginConfirmation(b) },
	"PeerKeyBody":        func(b []byte) (encoder, error) { return UnmarshalPeerKeyBody(b) },
	"KeyTransportBody":   func(b []byte) (encoder, error) { return UnmarshalKeyTransportBody(b) },
	"MessageBody":        func(b []byte) (encoder, error) { return UnmarshalMessageBody(b) },
}

// fuzzDecoder checks that a decoder never panics and that whatever it
// accepts re-encodes to exactly the same bytes (the encoding is canonical).
func fuzzDecoder(f *testing.F, name string) {
	dec := decoders[name]
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := dec(b)
		if err != nil {
			return
		}
		again, err := m.Marshal()
		if err != nil {
			t.Fatalf("%s: decoded message does not re-encode: %v", name, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("%s: re-encoding differs:\n in %x\nout %x", name, b, again)
		}
		if len(b) >= 4 && b[0] >= TypeR1 && b[0] <= TypeE7 {
			if _, _, err := Describe(b); err != nil {
				t.Fatalf("Describe rejects what %s accepts: %v", name, err)
			}
		}
	})
}

func FuzzUnmarshalR1(f *testing.F)                 { fuzzDecoder(f, "R1") }
func FuzzUnmarshalR2(f *testing.F)                 { fuzzDecoder(f, "R2") }
func FuzzUnmarshalL1(f *testing.F)                 { fuzzDecoder(f, "L1") }
func FuzzUnmarshalL2(f *testing.F)                 { fuzzDecoder(f, "L2") }
func FuzzUnmarshalE1(f *testing.F)                 { fuzzDecoder(f, "E1") }
func FuzzUnmarshalE2(f *testing.F)                 { fuzzDecoder(f, "E2") }
func FuzzUnmarshalE3(f *testing.F)                 { fuzzDecoder(f, "E3") }
func FuzzUnmarshalE4(f *testing.F)                 { fuzzDecoder(f, "E4") }
func FuzzUnmarshalE5(f *testing.F)                 { fuzzDecoder(f, "E5") }
func FuzzUnmarshalE6(f *testing.F)                 { fuzzDecoder(f, "E6") }
func FuzzUnmarshalE7(f *testing.F)                 { fuzzDecoder(f, "E7") }
func FuzzUnmarshalRegistrationSecret(f *testing.F) { fuzzDecoder(f, "RegistrationSecret") }
func FuzzUnmarshalRegistrationParams(f *testing.F) { fuzzDecoder(f, "RegistrationParams") }
func FuzzUnmarshalLoginProof(f *testing.F)         { fuzzDecoder(f, "LoginProof") }
func FuzzUnmarshalLoginConfirmation(f *testing.F)  { fuzzDecoder(f, "LoginConfirmation") }
func FuzzUnmarshalPeerKeyBody(f *testing.F)        { fuzzDecoder(f, "PeerKeyBody") }
func FuzzUnmarshalKeyTransportBody(f *testing.F)   { fuzzDecoder(f, "KeyTransportBody") }
func FuzzUnmarshalMessageBody(f *testing.F)        { fuzzDecoder(f, "MessageBody") }

// FuzzHandle feeds arbitrary bytes to every role at every stage of a
// session: no panic, and a rejection leaves the state unchanged.
func FuzzHandle(f *testing.F) {
	f.Add([]byte{TypeE6, 1, 0, 2, 0, 1}, uint8(0), uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, stage, who uint8) {
		s := newScript(t, "modern", Variants()[stage%2])
		s.until(sessionLabels[int(stage/2)%len(sessionLabels)], 0)
		names := []string{"S", "alice", "bob"}
		r := s.role(names[int(who)%3])
		before := dumpState(r)
		if _, err := r.Handle(names[int(who/3)%3], b); err != nil && dumpState(r) != before {
			t.Fatalf("rejection changed the state: %v", err)
		}
	})
}

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the fuzz seed corpus in testdata/fuzz from an honest run")

// TestSeedCorpus checks that the committed seed corpus exists for every
// decoder; with -update-corpus it rewrites it from honest runs of both
// variants.
func TestSeedCorpus(t *testing.T) {
	if *updateCorpus {
		writeCorpus(t)
	}
	for name := range decoders {
		files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzUnmarshal"+name, "*"))
		if len(files) == 0 {
			t.Errorf("no seed corpus for FuzzUnmarshal%s (run go test -run TestSeedCorpus -update-corpus)", name)
		}
	}
}

func writeCorpus(t *testing.T) {
	seeds := map[string][][]byte{}
	for _, v := range Variants() {
		res, err := Run(RunConfig{Suite: "modern", Variant: v, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range res.Transcript.Steps {
			seeds[st.Message.Label] = append(seeds[st.Message.Label], st.Message.Bytes)
		}
	}
	k := bytes.Repeat([]byte{7}, 32)
	for name, m := range map[string]encoder{
		"RegistrationSecret": &RegistrationSecret{User: "alice", Password: []byte("pw"), RegistrationKey: k},
		"RegistrationParams": &RegistrationParams{DK: k, K: k, M: 32, Check: k},
		"LoginProof":         &LoginProof{PasswordProof: k, N1: k, PublicKey: make([]byte, 64)},
		"LoginConfirmation":  &LoginConfirmation{N2: k, Proof: k},
		"PeerKeyBody":        &PeerKeyBody{Peer: "bob", PublicKey: make([]byte, 64), Evidence: k},
		"KeyTransportBody":   &KeyTransportBody{Initiator: "alice", Responder: "bob", N3: k, K: k, DK: k, M: 32},
		"MessageBody":        &MessageBody{Text: []byte("hello"), Nonce: k},
	} {
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		seeds[name] = append(seeds[name], b)
	}
	seeds["KeyTransportBody"] = append(seeds["KeyTransportBody"], mustMarshal(t, &KeyTransportBody{N3: k, K: k, DK: k, M: 8}))
	for name, list := range seeds {
		dir := filepath.Join("testdata", "fuzz", "FuzzUnmarshal"+name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, b := range list {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func mustMarshal(t *testing.T, m encoder) []byte {
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Generators for the rapid properties.
func genBytes(min, max int) *rapid.Generator[[]byte] {
	return rapid.SliceOfN(rapid.Byte(), min, max)
}

func genID() *rapid.Generator[string] {
	return rapid.StringOfN(rapid.RuneFrom(nil, &unicodeASCII), 1, 20, -1)
}

var unicodeASCII = asciiTable()

func genSuite() *rapid.Generator[suite.ID] {
	return rapid.SampledFrom([]suite.ID{suite.Classic, suite.Modern, suite.PQ})
}

func genMessage(t *rapid.T) encoder {
	h32 := genBytes(32, 32)
	switch rapid.IntRange(0, 17).Draw(t, "kind") {
	case 0:
		return &RegistrationRequest{Suite: genSuite().Draw(t, "s"), Ciphertext: genBytes(1, 300).Draw(t, "ct")}
	case 1:
		return &RegistrationGrant{Suite: genSuite().Draw(t, "s"), Sealed: genBytes(1, 300).Draw(t, "sealed")}
	case 2:
		return &LoginRequest{Suite: genSuite().Draw(t, "s"), User: genID().Draw(t, "id"), Index: rapid.Uint16().Draw(t, "j"), Sealed: genBytes(1, 300).Draw(t, "sealed")}
	case 3:
		return &LoginResponse{Suite: genSuite().Draw(t, "s"), Index: rapid.Uint16().Draw(t, "j"), Sealed: genBytes(1, 300).Draw(t, "sealed")}
	case 4:
		m := &PeerRequest{Suite: genSuite().Draw(t, "s"), Peer: genID().Draw(t, "id"), Index: rapid.Uint16().Draw(t, "j")}
		if rapid.Bool().Draw(t, "tag") {
			m.Tag = h32.Draw(t, "tag")
		}
		return m
	case 5:
		return &PeerKeyGrant{Type: rapid.SampledFrom([]uint8{TypeE2, TypeE3}).Draw(t, "t"), Suite: genSuite().Draw(t, "s"), Index: rapid.Uint16().Draw(t, "j"), Sealed: genBytes(1, 300).Draw(t, "sealed")}
	case 6:
		return &KeyTransport{Suite: genSuite().Draw(t, "s"), Ciphertext: genBytes(1, 300).Draw(t, "ct"), Signature: genBytes(1, 300).Draw(t, "sig")}
	case 7:
		return &KeyConfirmation{Suite: genSuite().Draw(t, "s"), Index: rapid.Uint16().Draw(t, "j"), Confirm: h32.Draw(t, "c")}
	case 8:
		return &SecureMessage{Type: rapid.SampledFrom([]uint8{TypeE6, TypeE7}).Draw(t, "t"), Suite: genSuite().Draw(t, "s"), Index: rapid.Uint16().Draw(t, "j"), Sealed: genBytes(1, 300).Draw(t, "sealed"), MAC: h32.Draw(t, "mac")}
	case 9, 10:
		return &RegistrationSecret{User: genID().Draw(t, "id"), Password: genBytes(1, 255).Draw(t, "pw"), RegistrationKey: h32.Draw(t, "rk")}
	case 11:
		return &RegistrationParams{DK: h32.Draw(t, "dk"), K: h32.Draw(t, "k"), M: rapid.Uint16().Draw(t, "m"), Check: h32.Draw(t, "c")}
	case 12:
		return &LoginProof{PasswordProof: h32.Draw(t, "p"), N1: h32.Draw(t, "n1"), PublicKey: genBytes(1, 300).Draw(t, "pk")}
	case 13:
		return &LoginConfirmation{N2: h32.Draw(t, "n2"), Proof: h32.Draw(t, "p")}
	case 14:
		return &PeerKeyBody{Peer: genID().Draw(t, "id"), PublicKey: genBytes(1, 300).Draw(t, "pk"), Evidence: h32.Draw(t, "e")}
	case 15:
		m := &KeyTransportBody{N3: h32.Draw(t, "n3"), K: h32.Draw(t, "k"), DK: h32.Draw(t, "dk"), M: rapid.Uint16().Draw(t, "m")}
		if rapid.Bool().Draw(t, "ids") {
			m.Initiator, m.Responder = genID().Draw(t, "a"), genID().Draw(t, "b")
		}
		return m
	default:
		return &MessageBody{Text: genBytes(0, 500).Draw(t, "text"), Nonce: h32.Draw(t, "n")}
	}
}

// decoderFor returns the decoder of m's type.
func decoderFor(m encoder) func([]byte) (encoder, error) {
	name := reflect.TypeOf(m).Elem().Name()
	switch v := m.(type) {
	case *RegistrationRequest:
		name = "R1"
	case *RegistrationGrant:
		name = "R2"
	case *LoginRequest:
		name = "L1"
	case *LoginResponse:
		name = "L2"
	case *PeerRequest:
		name = "E1"
	case *PeerKeyGrant:
		name = Label(v.Type)
	case *KeyTransport:
		name = "E4"
	case *KeyConfirmation:
		name = "E5"
	case *SecureMessage:
		name = Label(v.Type)
	}
	return decoders[name]
}

// normalizeSlices maps empty byte slices to nil so that DeepEqual compares values.
func normalizeSlices(v any) any {
	rv := reflect.ValueOf(v).Elem()
	out := reflect.New(rv.Type())
	out.Elem().Set(rv)
	for i := range rv.NumField() {
		f := out.Elem().Field(i)
		if f.Kind() == reflect.Slice && f.Len() == 0 {
			f.Set(reflect.Zero(f.Type()))
		}
	}
	return out.Interface()
}

// TestCodecProperties: decode(encode(m)) == m for every message and body,
// and no strict prefix of an encoding parses.
func TestCodecProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMessage(t)
		b, err := m.Marshal()
		if err != nil {
			t.Fatalf("marshal %T: %v", m, err)
		}
		dec := decoderFor(m)
		got, err := dec(b)
		if err != nil {
			t.Fatalf("decode %T: %v", m, err)
		}
		if !reflect.DeepEqual(normalizeSlices(got), normalizeSlices(m)) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
		}
		for n := range len(b) {
			if _, err := dec(b[:n]); err == nil {
				t.Fatalf("%T: strict prefix of %d/%d bytes parses", m, n, len(b))
			}
		}
	})
}

func asciiTable() (tab unicode.RangeTable) {
	tab.R16 = []unicode.Range16{{Lo: 0x21, Hi: 0x7e, Stride: 1}}
	return tab
}
