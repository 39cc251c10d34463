// Package boundedfile reads a file whole, never more than a limit: a
// regular file over it is refused unread, a pipe or a device once the
// limit is passed (docs/limits.md: model, vector, trace and configuration
// files). Each caller puts the refusal in its own words and place (a
// *FileError at 1:1, a config error).
package boundedfile
