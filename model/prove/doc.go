// Package prove is imcheck's unbounded prover: it tries to show that a claim
// holds for any number of sessions of a scenario's agents, where the
// bounded search (model/search) only looks for attacks within N sessions.
//
// The method is Blanchet's: the protocol and the attacker become Horn
// clauses over the facts att(M) (the attacker may know M), begin(E(args))
// (an honest session executed event E) and start(R, agents) (a session of
// role R began), and the clause base is saturated by resolution with free
// selection (B. Blanchet, "An Efficient Cryptographic Protocol Verifier
// Based on Prolog Rules", CSFW 2001, §3 the clauses, §4 the saturation;
// "Automatic Verification of Correspondences for Security Protocols", J.
// Computer Security 17(4), 2009, for the agreement claims; the ProVerif
// manual's treatment of names as functions of a session's inputs). A fresh
// value is a function of its session's agents and of the values the session
// received before using it, so the clauses cover every number of sessions
// at the price of merging some; the attacker's rules come from the rows of
// term.Theory, and unification works modulo the Diffie-Hellman equation and
// the unordered pair of model/term.
//
// Secrecy claims are proved when no solved clause derives bad(c); alive,
// weakagree and niagree claims when every solved clause that reaches the
// claim has the partner's start fact or the matching event among its
// hypotheses. Injective agreement and unique are proved from non-injective
// agreement, or outright, when a fresh value of the claiming session is
// part of the arguments. Forward secrecy (reveals after the claim) and weak
// secrets are not encoded: the prover says so per claim. Saturation may not
// terminate; a deterministic budget of resolution steps and clause sizes
// (Budget) stops it, and the claim is then "not proved: budget".
// docs/model.md, "The unbounded prover", gives the argument for soundness.
package prove
