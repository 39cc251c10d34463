package model

import (
	"fmt"
	"strings"

	"github.com/imcheck/imcheck/model/proto"
)

// notApplicable says why no session of the scenario can ever evaluate the
// claim, or "" when one can: a claim is evaluated only in a session whose
// parameters the claim needs honest are honest (all of them by default,
// those of "if honest" otherwise) and, with "if distinct", pairwise
// different. A scenario whose agents leave no such session (a dishonest
// server, a single honest user for a claim about two) makes the claim
// vacuous there: its verdict is VerdictNotApplicable, never counted as
// holding (docs/model.md, "Verdicts and their strength"). The test is on
// the scenario's agents alone, the sessions the search may start
// (model/search, sessionConfigs): the first parameter an honest agent of
// its class, the others any agent of theirs.
func notApplicable(p *Protocol, sc *Scenario, c *Claim) string {
	var roles []string
	for _, r := range p.Roles {
		if !sc.HasRole(r.Name) {
			continue
		}
		for _, a := range r.Actions {
			if a.Kind != proto.ActClaim || a.Claim.First() != c {
				continue
			}
			if applicableIn(sc, r, a.Claim) {
				return ""
			}
			roles = append(roles, r.Name+" has "+needs(r, a.Claim))
			break
		}
	}
	if len(roles) == 0 {
		return ""
	}
	hu, hs := "none", "none"
	if len(sc.Users) > 0 {
		hu = strings.Join(sc.Users, " ")
	}
	if len(sc.Servers) > 0 {
		hs = strings.Join(sc.Servers, " ")
	}
	return fmt.Sprintf("no session of %s (honest users: %s; honest servers: %s)",
		strings.Join(roles, ", nor of "), hu, hs)
}

// needs names the parameters an occurrence of a claim needs honest, and
// "distinct" when it needs them different.
func needs(r *Role, c *Claim) string {
	var ns []string
	if len(c.Honest) == 0 {
		for i := 0; i < r.Params; i++ {
			ns = append(ns, r.Syms[i].Name)
		}
	} else {
		for _, k := range c.Honest {
			ns = append(ns, r.Syms[k].Name)
		}
	}
	s := strings.Join(ns, ", ") + " honest"
	if c.Distinct {
		s += ", all parameters distinct"
	}
	return s
}

// applicableIn reports whether some session of role r in the scenario has
// the honest (and distinct) agents the occurrence c of a claim needs.
func applicableIn(sc *Scenario, r *Role, c *Claim) bool {
	must := map[int]bool{}
	if len(c.Honest) == 0 {
		for i := 0; i < r.Params; i++ {
			must[i] = true
		}
	}
	for _, k := range c.Honest {
		must[k] = true
	}
	distinct := sc.Distinct || c.Distinct
	agents := make([]string, r.Params)
	var rec func(i int) bool
	rec = func(i int) bool {
		if i == r.Params {
			return true
		}
		h, d := sc.Class(r.Syms[i].Class)
		cands := append([]string(nil), h...)
		if i > 0 && !must[i] {
			cands = append(cands, d...)
		}
	next:
		for _, a := range cands {
			if distinct {
				for _, b := range agents[:i] {
					if a == b {
						continue next
					}
				}
			}
			agents[i] = a
			if rec(i + 1) {
				return true
			}
		}
		return false
	}
	return rec(0)
}
