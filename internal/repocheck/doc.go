// Package repocheck holds tests about the repository itself rather than
// one package: the documentation a person who clones imcheck reads
// (everything under docs/, every README, every package doc.go) speaks of
// the project alone, with no absolute path of a development machine, no
// files that signal a team's progress and no tracker numbers (docs/dev/README.md, "Rules every
// change keeps"), and every error string of every package starts with its
// package's name (errprefix.Find on each package directory). It has no
// code of its own.
package repocheck
