package lang

// Limits on a protocol file (docs/limits.md, "Model files"). A file over a
// limit is refused with an *Error at the place where the limit was crossed;
// the parser never recurses deeper than MaxTermDepth, and its memory is
// linear in the size of the file.
const (
	// MaxFileSize is the largest protocol file, in bytes. The largest
	// shipped model is under 10 KB.
	MaxFileSize = 1 << 20
	// MaxTermDepth is the deepest nesting of one term: applications and
	// tuples inside each other.
	MaxTermDepth = 32
	// MaxTermSize is the number of symbols (names, applications, tuples)
	// in one term as written.
	MaxTermSize = 1024
	// MaxNames is the number of names one file may declare: functions,
	// secrets, constants, roles, role symbols, lets, scenarios and agents.
	MaxNames = 4096
	// MaxMessages is the number of send and recv statements of one role.
	MaxMessages = 64
	// MaxStatements is the number of statements of one role.
	MaxStatements = 256
	// MaxAgentArgs is the number of agents a secret or a public term is a
	// function of: the attacker's initial knowledge has one term for every
	// tuple of that many agents.
	MaxAgentArgs = 4
	// MaxAgents is the number of agents of one scenario.
	MaxAgents = 8
)
