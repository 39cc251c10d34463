// Package proto is the compiled form of a protocol model: roles as lists of
// actions (send, receive, check, event, claim, cache), claims, scenarios
// (protocol.go), the world a scenario fixes before any run, that is the
// agents and the attacker's initial knowledge (world.go), and attack traces
// with their text and Mermaid forms (trace.go, trace_text.go).
//
// The language (model/lang) produces it; the bounded search (model/search),
// the trace checker (model/check) and the facade (model) consume it. The
// trace entries follow the Dolev-Yao traces of docs/model.md ("Output").
package proto
