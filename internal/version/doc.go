// Package version tells which imcheck made a report: the module version,
// commit and Go version that the go command stamped into the binary
// (runtime/debug.ReadBuildInfo). Every JSON and JUnit report writer
// records String() so a report can be traced to the code that made it
// (README.md, "Reports").
package version
