package netio

import (
	"sort"
	"sync"
	"time"
)

// LoginLimiter limits online password guessing per account (IMKE §3.1:
// the protocol "helps the server … limit the extent of these attacks";
// docs/spec/wire.md §6). An account with Failures failed logins within the
// last Window is locked: its next login attempts are refused, without
// being tried, until the oldest of those failures is Window old.
//
// A success does not clear the count: a replayed login message (SIMP W1,
// IMKE a1) verifies like a fresh one, and must not buy an attacker more
// guesses. The price is the one every lockout pays: whoever fails Failures
// times in a Window locks the account's owner out for that long.
type LoginLimiter struct {
	Failures int              // failures that lock an account; 0 means 5
	Window   time.Duration    // how long a failure counts; 0 means one minute
	Now      func() time.Time // the clock; nil means time.Now
	// MaxAccounts bounds the accounts tracked at once; 0 means 10000.
	// When full, the account whose last failure is oldest is forgotten.
	MaxAccounts int

	mu       sync.Mutex
	failures map[string][]time.Time // oldest first, at most Failures
}

func (l *LoginLimiter) params() (int, time.Duration, time.Time) {
	n, w := l.Failures, l.Window
	if n <= 0 {
		n = 5
	}
	if w <= 0 {
		w = time.Minute
	}
	now := time.Now()
	if l.Now != nil {
		now = l.Now()
	}
	return n, w, now
}

// live drops failures older than the window; the caller holds mu.
func (l *LoginLimiter) live(account string, w time.Duration, now time.Time) []time.Time {
	fs := l.failures[account]
	i := 0
	for i < len(fs) && !fs[i].After(now.Add(-w)) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, account)
	} else {
		l.failures[account] = fs
	}
	return fs
}

// Allow reports whether a login for account may be tried now, and if not,
// how long until it may.
func (l *LoginLimiter) Allow(account string) (bool, time.Duration) {
	n, w, now := l.params()
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.live(account, w, now)
	if len(fs) < n {
		return true, 0
	}
	return false, fs[0].Add(w).Sub(now)
}

// Fail records a failed login for account.
func (l *LoginLimiter) Fail(account string) {
	n, w, now := l.params()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failures == nil {
		l.failures = map[string][]time.Time{}
	}
	fs := l.live(account, w, now)
	if len(fs) == 0 {
		l.evict()
	}
	fs = append(fs, now)
	if len(fs) > n {
		fs = fs[len(fs)-n:]
	}
	l.failures[account] = fs
}

// evict makes room for one more account; the caller holds mu.
func (l *LoginLimiter) evict() {
	max := l.MaxAccounts
	if max <= 0 {
		max = 10000
	}
	if len(l.failures) < max {
		return
	}
	names := make([]string, 0, len(l.failures))
	for a := range l.failures {
		names = append(names, a)
	}
	sort.Slice(names, func(i, j int) bool {
		fi, fj := l.failures[names[i]], l.failures[names[j]]
		li, lj := fi[len(fi)-1], fj[len(fj)-1]
		if !li.Equal(lj) {
			return li.Before(lj)
		}
		return names[i] < names[j]
	})
	for _, a := range names[:len(names)-max+1] {
		delete(l.failures, a)
	}
}

// Tracked is the number of accounts with failures on record.
func (l *LoginLimiter) Tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.failures)
}
