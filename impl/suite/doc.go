// Package suite holds imcheck's cipher suites, shared by SIMP and IMKE
// (docs/spec/suites.md): public-key encryption, signatures, symmetric
// authenticated encryption, hashing, keyed hashing, MACs and key
// derivation, each with a domain-separation label.
//
// Every suite is deterministic. All randomness comes from one injected
// io.Reader (normally a *Rand, a ChaCha20 keystream built from a seed), and
// every private key is built from seed bytes: in Go 1.26 the standard
// library's GenerateKey functions ignore their reader, so this package
// builds RSA primes itself and runs the HPKE sender itself (RFC 9180 base
// mode), checking its output against crypto/hpke's recipient.
//
// Operations go through a Ctx, which counts them per role for
// `imcheck opcount` (the SIMP paper's Table 1 categories).
package suite
