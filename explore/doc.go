// Package explore is the local web page of `imcheck explore`
// (docs/explore.md): the models, their scenarios and claims with each
// verdict and its strength, the paper's words for each claim
// (docs/claims.md), a step-through view of every attack with what the
// attacker knows at each step and how it derived each message it sent
// (derive.go), a replay of the attack on the reference implementations
// (through a function the caller gives, the adversary's concretiser in
// cmd/imcheck), and an editor that re-checks a model and shows its errors
// at their line and column.
//
// The page is plain HTML, CSS and JavaScript embedded with the package
// (assets/), with Mermaid's distribution file vendored (assets/vendor); it
// makes no network request. The server answers only on loopback hosts and
// keeps no state beyond the model files it was given.
package explore
