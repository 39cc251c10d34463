// Package lang is imcheck's protocol language, the .imp files of
// model/protocols (docs/model.md, "Language"): a lexer that hands out one
// token at a time (lexer.go), terms read as syntax within the limits of
// docs/limits.md and then resolved in their context (syntax.go, limits.go),
// and a recursive-descent parser for the declarations (parser.go), roles
// (parser_role.go), claims (parser_claim.go) and scenarios with their
// session-value reveals (parser_scenario.go). The static checks refuse a
// claim naming an event no role emits, a role that sends or uses what it
// cannot build from what it knows and received, and a pattern it cannot
// take apart (static.go); warnings flag flat tuples that hide a regrouping
// in untyped scenarios (warn.go). It compiles a file into a
// *proto.Protocol; every error is an *Error whose text starts with
// file:line:col.
package lang
