// Package vectors generates and checks imcheck's interop test vectors
// (issue 7): JSON files shaped like Project Wycheproof's, exact to the byte
// and deterministic, that let an implementation of SIMP or IMKE in any
// language check itself against the reference implementation.
//
// It owns:
//   - the file format (format.go) and one JSON Schema per file type
//     (schema/*.json, draft 2020-12), validated with
//     github.com/santhosh-tekuri/jsonschema/v6 (schema.go);
//   - the generator (generate.go and one file per vector type): SIMP's
//     limited-use key generation (docs/spec/simp.md §"Key generation",
//     cross-checked against an independent implementation written from the
//     profile), IMKE's key derivations (docs/spec/imke.md §4), honest
//     transcripts with every random input and key, negative vectors (each
//     mutation rule declares its alert class from the profiles, and the
//     generator fails if the reference implementation disagrees) and
//     attack transcripts;
//   - the checker (check*.go) behind `imcheck vectors check`, which runs a
//     file against the reference implementation or a shim.
//
// vectors/README.md documents every field and flag. `make vectors`
// regenerates testvectors/ byte for byte; TestCommittedVectorsAreFresh
// fails when the committed files differ from freshly generated ones.
package vectors
