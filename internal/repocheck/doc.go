// Package repocheck holds tests about the repository itself rather than
// one package: the documentation a person who clones imcheck reads
// (everything under docs/, every README, every package doc.go) speaks of
// the project alone, with no absolute path of a development machine, no
// files that signal a team's progress and no tracker numbers (docs/dev/README.md, "Rules every
// change keeps"). It has no code of its own.
package repocheck
