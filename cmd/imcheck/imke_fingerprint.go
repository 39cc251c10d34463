package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/internal/boundedfile"
)

// The server-key fingerprint, IMKE's "public password" (docs/spec/imke.md §9).

func init() {
	register(command{
		name:    "fingerprint imke",
		summary: "show the IMKE server key's fingerprint (words and hex) for a person to compare",
		exits:   []exitHelp{{exitOK, "the fingerprint was printed"}, {exitFailure, "the key could not be built"}, {exitUsage, "bad arguments or an unreadable --key file"}},
		run:     runFingerprintIMKE,
	})
}

// runFingerprintIMKE implements: imcheck fingerprint imke [--suite NAME]
// [--seed N | --key FILE]. FILE holds KU_S's encoding in hex.
func runFingerprintIMKE(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("fingerprint imke", stderr)
	suiteName := fs.String("suite", "classic", "cipher suite: classic, modern or pq")
	seed := fs.Uint64("seed", 1, "seed the server was started with")
	keyFile := fs.String("key", "", "file holding the server public key KU_S in hex (instead of --seed)")
	if st, ok := parseFlags(fs, args, false); !ok {
		return st
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	if seedSet && *keyFile != "" {
		fmt.Fprintln(stderr, "imcheck fingerprint imke: give --seed or --key, not both")
		return exitUsage
	}
	s, err := suite.ByName(*suiteName)
	if err != nil {
		fmt.Fprintf(stderr, "imcheck fingerprint imke: %v\n", err)
		return exitUsage
	}
	var pub suite.PublicKey
	if *keyFile != "" {
		pub, err = readServerKey(s, *keyFile)
	} else {
		pub, err = imkeServerKey(s, *seed)
	}
	if err != nil {
		fmt.Fprintf(stderr, "imcheck fingerprint imke: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "IMKE server key, suite %s\n%s\n", s.Name, imke.FingerprintOf(s, pub))
	return exitOK
}

// imkeServerKey is KU_S of a server started with seed (harness.md
// §Provisioning).
func imkeServerKey(s *suite.Suite, seed uint64) (suite.PublicKey, error) {
	setup := harness.DefaultSetup("imke", s, string(imke.AsPublished))
	setup.Seed = suite.SeedBytes(seed)
	sk, err := s.NewPrivateKey(setup.ServerKeySeed())
	if err != nil {
		return nil, err
	}
	return sk.Public(), nil
}

// maxServerKeyFile bounds a --key / --server-key file: the largest public
// key (pq, 1,248 bytes) is under 2,500 hex digits.
const maxServerKeyFile = 64 << 10

// readServerKey reads KU_S in hex from path; whitespace is ignored.
func readServerKey(s *suite.Suite, path string) (suite.PublicKey, error) {
	b, err := boundedfile.Read(path, maxServerKeyFile)
	if errors.As(err, new(*boundedfile.TooLarge)) {
		return nil, fmt.Errorf("%s: over %d bytes: not a public key in hex", path, maxServerKeyFile)
	}
	if err != nil {
		return nil, err
	}
	return parseServerKey(s, path, b)
}

// parseServerKey parses KU_S written in hex (whitespace ignored) from the
// file called path.
func parseServerKey(s *suite.Suite, path string, text []byte) (suite.PublicKey, error) {
	raw, err := hex.DecodeString(strings.Join(strings.Fields(string(text)), ""))
	if err != nil {
		return nil, fmt.Errorf("%s: not hex: %v", path, err)
	}
	pub, err := s.ParsePublicKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: not a %s public key: %v", path, s.Name, err)
	}
	return pub, nil
}
