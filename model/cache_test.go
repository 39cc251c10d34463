package model

import (
	"errors"
	"strings"
	"testing"
)

// pushSrc is replay.imp's Push/Accept pair; withCache adds the receiver's
// replay cache on the message.
const pushSrc = `protocol push
secret sk(X)
public pk(sk(X))
role Push(A: user, B: user) {
  knows A, B, sk(A)
  fresh M: nonce
  event Sent(A, B, M)
  send m: sign(<A, B, M>, sk(A))
}
role Accept(B: user, A: user) {
  knows A, B, pk(sk(A))
  var M: nonce
  recv m: sign(<A, B, M>, sk(A))
  CACHE
  claim fresh: injagree Sent(A, B, M)
  claim once: unique M
}
scenario default { users a, b  dishonest e  sessions 3 }
`

func TestCacheStopsReplay(t *testing.T) {
	plain, err := Parse("push.imp", strings.Replace(pushSrc, "CACHE", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	cached, err := Parse("push-cache.imp", strings.Replace(pushSrc, "CACHE", "cache seen: <A, M>", 1))
	if err != nil {
		t.Fatal(err)
	}
	rp := checkModel(t, plain, Options{})
	rc := checkModel(t, cached, Options{})
	for _, id := range []string{"fresh", "once"} {
		a := claimResult(t, rp, "default", id)
		if a.Verdict != VerdictAttack {
			t.Fatalf("without a cache, %s: %s, want the replay", id, a.Verdict)
		}
		if c := claimResult(t, rc, "default", id); c.Verdict != VerdictNoAttack {
			t.Errorf("with a cache, %s: %s, want no attack", id, c.Verdict)
		}
		// the replay is not an execution of the cached protocol
		err := CheckTrace(cached, cached.Scenarios[0], a.Trace)
		if !errors.Is(err, ErrBadTrace) || !strings.Contains(err.Error(), "seen it before") {
			t.Errorf("%s: the checker accepted a replay past the cache: %v", id, err)
		}
	}
}

func TestSharedClaimLabel(t *testing.T) {
	src := "protocol p\nsecret sk(X)\npublic pk(sk(X))\n" + `role A(A: user, B: user) {
  fresh K: key
  send aenc(K, pk(sk(B)))
  claim used: unique K
}
role B(B: user, A: user) {
  knows sk(B)
  var K: key
  recv aenc(K, pk(sk(B)))
  claim used: unique K
}
` + "scenario s { users a, b dishonest e sessions 2 }\n"
	p, err := Parse("x.imp", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Claims) != 1 {
		t.Fatalf("%d claims, want one claim with two occurrences", len(p.Claims))
	}
	// A's send and B's receive use the same K: the shared claim fails.
	rep := checkModel(t, p, Options{})
	c := claimResult(t, rep, "s", "used")
	if c.Verdict != VerdictAttack {
		t.Fatalf("used: %s, want an attack", c.Verdict)
	}
	if err := CheckTrace(p, p.Scenarios[0], c.Trace); err != nil {
		t.Fatal(err)
	}
	if a, b := c.Trace.Steps[c.Trace.Hit], c.Trace.Steps[c.Trace.Hit2]; a.Session == b.Session {
		t.Errorf("both uses in session %d, want A's and B's", a.Session)
	}
	bad := strings.Replace(src, "claim used: unique K\n}\nscenario", "claim used: secret K\n}\nscenario", 1)
	if _, err := Parse("x.imp", bad); err == nil || !strings.Contains(err.Error(), "same kind") {
		t.Errorf("shared label of two kinds: %v", err)
	}
}
