// Package errprefix finds error strings that do not start with their
// package's name, the rule of docs/dev/README.md ("Errors: strings start
// with the package name"). internal/repocheck runs Find on every package
// directory of the module, so that the rule holds as the code changes.
package errprefix
