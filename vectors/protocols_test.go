package vectors

// The reference protocols must be registered with impl/harness for the
// session vectors.
import _ "github.com/imcheck/imcheck/impl/protocols"
