// Package vectors generates and checks imcheck's interop test vectors:
// JSON files shaped like Project Wycheproof's, exact to the byte
// and deterministic, that let an implementation of SIMP or IMKE in any
// language check itself against the reference implementation.
//
// It owns:
//   - the file format (format.go) and one JSON Schema per file type
//     (schema/*.json, draft 2020-12), validated with
//     github.com/santhosh-tekuri/jsonschema/v6 (schema.go);
//   - the generator (generate.go and one file per vector type): SIMP's
//     limited-use key generation (simp_keygen.go; docs/spec/simp.md §4,
//     cross-checked against an independent implementation written from the
//     profile), IMKE's key derivations (imke_keys.go; docs/spec/imke.md
//     §3.7, §3.12, §4, §7, cross-checked against impl/imke and the keys its
//     honest runs report), honest transcripts with every random input and
//     key (session_run.go, session_gen.go; docs/spec/harness.md), negative
//     vectors (mutations.go; each rule's outcome is declared from the
//     profiles in expect_simp.go — simp.md §5, §6, §8, §10 — and
//     expect_imke.go — imke.md §5, §6, §8, §11, §15 — and the generator
//     fails if the reference implementation disagrees or a rejection
//     changes a party's state) and attack transcripts from package
//     adversary (attacks.go);
//   - the checker (check*.go) behind `imcheck vectors check`, which runs a
//     file against the reference implementation or a shim, and the reader
//     in front of it (jsonwalk.go), which refuses a file over the limits
//     of docs/limits.md ("Vector files") with its line and column.
//
// vectors/README.md documents every field and flag. `make vectors`
// regenerates testvectors/ byte for byte; TestCommittedVectorsAreFresh
// fails when the committed files differ from freshly generated ones.
package vectors
