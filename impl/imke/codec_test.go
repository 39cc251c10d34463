package imke

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/imcheck/imcheck/impl/suite"
	"pgregory.net/rapid"
)

type marshaler interface{ Marshal() ([]byte, error) }

// codec is one decoder with a generator of valid values.
type codec struct {
	name string
	gen  func(t *rapid.T) marshaler
	dec  func([]byte) (marshaler, error)
}

func genID(t *rapid.T, label string) string {
	return rapid.StringMatching(`[!-~]{1,12}`).Draw(t, label)
}

func genBytes(t *rapid.T, label string, min, max int) []byte {
	return rapid.SliceOfN(rapid.Byte(), min, max).Draw(t, label)
}

func genSuite(t *rapid.T) suite.ID {
	return rapid.SampledFrom([]suite.ID{suite.Classic, suite.Modern, suite.PQ}).Draw(t, "suite")
}

func genSeq(t *rapid.T) Sequenced {
	return Sequenced{Suite: genSuite(t), Seq: rapid.Uint64Min(1).Draw(t, "seq"), Sealed: genBytes(t, "sealed", 1, 300), MAC: genBytes(t, "mac", 32, 32)}
}

func genUnseq(t *rapid.T) Unsequenced {
	return Unsequenced{Suite: genSuite(t), Sealed: genBytes(t, "sealed", 1, 300), MAC: genBytes(t, "mac", 32, 32)}
}

func genItem(t *rapid.T, kinds []ItemKind) *Item {
	it := &Item{Kind: rapid.SampledFrom(kinds).Draw(t, "kind")}
	switch it.Kind {
	case ItemText:
		it.Body = genBytes(t, "body", 1, 100)
	case ItemPeerRequest, ItemLoginAccepted:
		it.Peer = genID(t, "peer")
	case ItemRelay, ItemRelayed:
		it.Peer, it.Body = genID(t, "peer"), genBytes(t, "body", 1, 100)
	case ItemPeerKey:
		it.Peer, it.Key = genID(t, "peer"), genBytes(t, "key", 1, 100)
	case ItemRenewal:
		it.Phase = rapid.SampledFrom([]uint8{RenewalInitiate, RenewalRespond}).Draw(t, "phase")
		it.Key = genBytes(t, "key", 1, 100)
		if it.Phase == RenewalRespond {
			it.Confirm = genBytes(t, "confirm", 32, 32)
		}
	}
	return it
}

func wrap[T marshaler](f func([]byte) (T, error)) func([]byte) (marshaler, error) {
	return func(b []byte) (marshaler, error) {
		v, err := f(b)
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}

func codecs() []codec {
	return []codec{
		{"LoginRequest", func(t *rapid.T) marshaler {
			return &LoginRequest{Suite: genSuite(t), ID: genID(t, "id"), EncryptedKey: genBytes(t, "enc", 1, 300), SealedProof: genBytes(t, "sealed", 1, 300)}
		}, wrap(UnmarshalLoginRequest)},
		{"LoginProof", func(t *rapid.T) marshaler {
			return &LoginProof{PublicKey: genBytes(t, "ku", 1, 300), F1: genBytes(t, "f1", 32, 32)}
		}, wrap(UnmarshalLoginProof)},
		{"LoginChallenge", func(t *rapid.T) marshaler {
			return &LoginChallenge{Suite: genSuite(t), EncryptedChallenge: genBytes(t, "enc", 1, 300), SealedProof: genBytes(t, "sealed", 1, 300)}
		}, wrap(UnmarshalLoginChallenge)},
		{"LoginResponse", func(t *rapid.T) marshaler {
			return &LoginResponse{Suite: genSuite(t), F3: genBytes(t, "f3", 32, 32)}
		}, wrap(UnmarshalLoginResponse)},
		{"ClientData", func(t *rapid.T) marshaler { return &ClientData{genSeq(t)} }, wrap(UnmarshalClientData)},
		{"ServerData", func(t *rapid.T) marshaler { return &ServerData{genSeq(t)} }, wrap(UnmarshalServerData)},
		{"PeerData", func(t *rapid.T) marshaler { return &PeerData{genSeq(t)} }, wrap(UnmarshalPeerData)},
		{"RenewalKey", func(t *rapid.T) marshaler { return &RenewalKey{genUnseq(t)} }, wrap(UnmarshalRenewalKey)},
		{"RenewalChallenge", func(t *rapid.T) marshaler { return &RenewalChallenge{genUnseq(t)} }, wrap(UnmarshalRenewalChallenge)},
		{"PeerKey", func(t *rapid.T) marshaler { return &PeerKey{genUnseq(t)} }, wrap(UnmarshalPeerKey)},
		{"PeerKeyInfo", func(t *rapid.T) marshaler {
			return &PeerKeyInfo{Key: genBytes(t, "key", 1, 300), ID: genID(t, "id")}
		}, wrap(UnmarshalPeerKeyInfo)},
		{"KeyTransport", func(t *rapid.T) marshaler {
			return &KeyTransport{Suite: genSuite(t), EncryptedKey: genBytes(t, "enc", 1, 300), SealedChallenge: genBytes(t, "sealed", 1, 300)}
		}, wrap(UnmarshalKeyTransport)},
		{"KeyTransportReply", func(t *rapid.T) marshaler {
			return &KeyTransportReply{Suite: genSuite(t), EncryptedChallenge: genBytes(t, "enc", 1, 300), SealedProof: genBytes(t, "sealed", 1, 300)}
		}, wrap(UnmarshalKeyTransportReply)},
		{"KeyConfirm", func(t *rapid.T) marshaler {
			return &KeyConfirm{Suite: genSuite(t), F7: genBytes(t, "f7", 32, 32)}
		}, wrap(UnmarshalKeyConfirm)},
		{"ClientItem", func(t *rapid.T) marshaler {
			return genItem(t, []ItemKind{ItemText, ItemPeerRequest, ItemRelay, ItemRenewal})
		}, wrap(UnmarshalClientItem)},
		{"ServerItem", func(t *rapid.T) marshaler {
			return genItem(t, []ItemKind{ItemText, ItemRelayed, ItemLoginAccepted, ItemPeerKey, ItemRenewal})
		}, wrap(UnmarshalServerItem)},
		{"BoundSecret", func(t *rapid.T) marshaler {
			return &BoundSecret{Secret: genBytes(t, "s", 32, 32), Sender: genID(t, "from"), Receiver: genID(t, "to")}
		}, wrap(UnmarshalBoundSecret)},
	}
}

// TestCodecRoundTrip: decode(encode(m)) == m and re-encodes to the same
// bytes; no strict prefix and no extension by a byte decodes.
func TestCodecRoundTrip(t *testing.T) {
	for _, c := range codecs() {
		t.Run(c.name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				m := c.gen(t)
				b, err := m.Marshal()
				if err != nil {
					t.Fatalf("marshal: %v", err)
				}
				m2, err := c.dec(b)
				if err != nil {
					t.Fatalf("unmarshal: %v", err)
				}
				if !reflect.DeepEqual(m, m2) {
					t.Fatalf("round trip\n got %#v\nwant %#v", m2, m)
				}
				if b2, _ := m2.Marshal(); !bytes.Equal(b, b2) {
					t.Fatal("re-encoding differs")
				}
				for i := 0; i < len(b); i++ {
					if _, err := c.dec(b[:i]); err == nil {
						t.Fatalf("strict prefix of %d/%d bytes decodes", i, len(b))
					}
				}
				if _, err := c.dec(append(clone(b), 0)); err == nil {
					t.Fatal("trailing byte accepted")
				}
			})
		})
	}
}

// fuzzCanonical is the body of every decoder fuzz target: never panic; what
// decodes re-encodes to the same bytes.
func fuzzCanonical(f *testing.F, dec func([]byte) (marshaler, error)) {
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := dec(b)
		if err != nil {
			return
		}
		b2, err := m.Marshal()
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("decoded but re-encodes to %x (%v)", b2, err)
		}
	})
}

func FuzzLoginRequest(f *testing.F)      { fuzzCanonical(f, wrap(UnmarshalLoginRequest)) }
func FuzzLoginProof(f *testing.F)        { fuzzCanonical(f, wrap(UnmarshalLoginProof)) }
func FuzzLoginChallenge(f *testing.F)    { fuzzCanonical(f, wrap(UnmarshalLoginChallenge)) }
func FuzzLoginResponse(f *testing.F)     { fuzzCanonical(f, wrap(UnmarshalLoginResponse)) }
func FuzzClientData(f *testing.F)        { fuzzCanonical(f, wrap(UnmarshalClientData)) }
func FuzzServerData(f *testing.F)        { fuzzCanonical(f, wrap(UnmarshalServerData)) }
func FuzzPeerData(f *testing.F)          { fuzzCanonical(f, wrap(UnmarshalPeerData)) }
func FuzzRenewalKey(f *testing.F)        { fuzzCanonical(f, wrap(UnmarshalRenewalKey)) }
func FuzzRenewalChallenge(f *testing.F)  { fuzzCanonical(f, wrap(UnmarshalRenewalChallenge)) }
func FuzzPeerKey(f *testing.F)           { fuzzCanonical(f, wrap(UnmarshalPeerKey)) }
func FuzzPeerKeyInfo(f *testing.F)       { fuzzCanonical(f, wrap(UnmarshalPeerKeyInfo)) }
func FuzzKeyTransport(f *testing.F)      { fuzzCanonical(f, wrap(UnmarshalKeyTransport)) }
func FuzzKeyTransportReply(f *testing.F) { fuzzCanonical(f, wrap(UnmarshalKeyTransportReply)) }
func FuzzKeyConfirm(f *testing.F)        { fuzzCanonical(f, wrap(UnmarshalKeyConfirm)) }
func FuzzClientItem(f *testing.F)        { fuzzCanonical(f, wrap(UnmarshalClientItem)) }
func FuzzServerItem(f *testing.F)        { fuzzCanonical(f, wrap(UnmarshalServerItem)) }
func FuzzBoundSecret(f *testing.F)       { fuzzCanonical(f, wrap(UnmarshalBoundSecret)) }

// FuzzDescribe: Describe never panics on any input.
func FuzzDescribe(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { _, _, _ = Describe(b) })
}

// FuzzRoles feeds arbitrary bytes to a logged-in server and client: no
// panic, and a rejection leaves the state as it was.
func FuzzRoles(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		w := newWorld(t, "modern", Hardened)
		connected(w)
		for _, to := range []struct{ to, from string }{{"S", "alice"}, {"alice", "S"}, {"bob", "alice"}} {
			before := snapshot(w.parties[to.to])
			if _, err := w.parties[to.to].Handle(to.from, b); err != nil && snapshot(w.parties[to.to]) != before {
				t.Fatalf("%s: state changed by a rejected message", to.to)
			}
		}
	})
}

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the seed corpora in testdata/fuzz from an honest run")

// TestUpdateCorpus writes testdata/fuzz/Fuzz*/ from the messages of honest
// runs (go test -run TestUpdateCorpus -update-corpus).
func TestUpdateCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("use -update-corpus")
	}
	byType := map[uint8]string{
		TypeLoginRequest: "FuzzLoginRequest", TypeLoginChallenge: "FuzzLoginChallenge", TypeLoginResponse: "FuzzLoginResponse",
		TypeClientData: "FuzzClientData", TypeServerData: "FuzzServerData", TypePeerData: "FuzzPeerData",
		TypeRenewalKey: "FuzzRenewalKey", TypeRenewalChallenge: "FuzzRenewalChallenge", TypePeerKey: "FuzzPeerKey",
		TypeKeyTransport: "FuzzKeyTransport", TypeKeyTransportReply: "FuzzKeyTransportReply", TypeKeyConfirm: "FuzzKeyConfirm",
	}
	write := func(target string, n int, b []byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", n)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	counts := map[string]int{}
	for _, v := range Variants() {
		for _, relay := range []bool{false, true} {
			res, err := Run(RunConfig{Variant: v, Relay: relay})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range res.Transcript.Steps {
				b := s.Message.Bytes
				for _, target := range []string{byType[b[0]], "FuzzDescribe", "FuzzRoles"} {
					if counts[target] < 6 {
						write(target, counts[target], b)
						counts[target]++
					}
				}
			}
		}
	}
	items := map[string][]marshaler{
		"FuzzLoginProof":  {&LoginProof{PublicKey: []byte("ku"), F1: make([]byte, 32)}},
		"FuzzPeerKeyInfo": {&PeerKeyInfo{Key: []byte("ku"), ID: "bob"}},
		"FuzzBoundSecret": {&BoundSecret{Secret: make([]byte, 32), Sender: "alice", Receiver: "bob"}},
		"FuzzClientItem": {&Item{Kind: ItemText, Body: []byte("hi")}, &Item{Kind: ItemPeerRequest, Peer: "bob"},
			&Item{Kind: ItemRelay, Peer: "bob", Body: []byte{TypePeerData, 1, 0, 2}}, &Item{Kind: ItemRenewal, Phase: RenewalInitiate, Key: []byte("enc")}},
		"FuzzServerItem": {&Item{Kind: ItemLoginAccepted, Peer: "alice"}, &Item{Kind: ItemPeerKey, Peer: "bob", Key: []byte("ku")},
			&Item{Kind: ItemRelayed, Peer: "alice", Body: []byte{TypeKeyConfirm, 1, 0, 2}}, &Item{Kind: ItemRenewal, Phase: RenewalRespond, Key: []byte("enc"), Confirm: make([]byte, 32)}},
	}
	for target, ms := range items {
		for i, m := range ms {
			b, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			write(target, i, b)
		}
	}
}
