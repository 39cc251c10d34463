// Package errprefix finds error strings that do not start with their
// package's name, the rule of docs/dev/README.md ("Errors: strings start
// with the package name"). A package's test calls Find on its own
// directory, so that the rule holds as the package changes.
package errprefix
