// Package lang is imcheck's protocol language, the .imp files of
// model/protocols: a lexer (lexer.go) and a recursive-descent parser for the
// declarations (parser.go), roles (parser_role.go) and scenarios
// (parser_scenario.go), with the static checks of docs/model.md
// ("Language"). It compiles a file into a *proto.Protocol; every error is an
// *Error whose text starts with file:line:col.
package lang
