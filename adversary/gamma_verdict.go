package adversary

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/imcheck/imcheck/model"
)

var (
	modelTraceMu    sync.Mutex
	modelTraceCache = map[string][]ModelTrace{}
)

// ShippedModelTraces checks a shipped model once and returns its attack
// traces, as `imcheck check --format json` reports them.
func ShippedModelTraces(name string) ([]ModelTrace, error) {
	modelTraceMu.Lock()
	defer modelTraceMu.Unlock()
	if tr, ok := modelTraceCache[name]; ok {
		return tr, nil
	}
	p, err := model.LoadShipped(name)
	if err != nil {
		return nil, err
	}
	tr, err := checkedTraces(p, model.Options{})
	if err != nil {
		return nil, err
	}
	modelTraceCache[name] = tr
	return tr, nil
}

// checkedTraces checks p and returns its attack traces as the JSON report
// gives them.
func checkedTraces(p *model.Protocol, opt model.Options) ([]ModelTrace, error) {
	rep, err := model.Check(context.Background(), p, opt)
	if err != nil {
		return nil, fmt.Errorf("adversary: %w", err)
	}
	var b bytes.Buffer
	if err := model.WriteJSON(&b, []*model.Report{rep}); err != nil {
		return nil, fmt.Errorf("adversary: %w", err)
	}
	return ReadModelTraces(b.Bytes())
}

// ShippedModelTrace is the attack trace the shipped model c.Model finds
// on claim c.Claim in scenario c.Scenario (that scenario checked at its
// own bound, as `imcheck check` does), for γ to replay. The error says
// which part of c is unknown, or that the model has no attack on it.
func ShippedModelTrace(c ClaimID) (ModelTrace, error) {
	if _, err := gammaProtocol(c.Model); err != nil {
		return ModelTrace{}, err
	}
	p, err := model.LoadShipped(c.Model)
	if err != nil {
		return ModelTrace{}, fmt.Errorf("adversary: %w", err)
	}
	var sc *model.Scenario
	for _, s := range p.Scenarios {
		if s.Name == c.Scenario {
			sc = s
		}
	}
	if sc == nil {
		return ModelTrace{}, fmt.Errorf("adversary: model %s has no scenario %q", c.Model, c.Scenario)
	}
	if !slices.ContainsFunc(p.Claims, func(x *model.Claim) bool { return x.ID == c.Claim }) {
		return ModelTrace{}, fmt.Errorf("adversary: model %s has no claim %q", c.Model, c.Claim)
	}
	trs, err := checkedTraces(p, model.Options{Scenario: c.Scenario})
	if err != nil {
		return ModelTrace{}, err
	}
	for _, t := range trs {
		if t.Claim == c {
			return t, nil
		}
	}
	return ModelTrace{}, fmt.Errorf("adversary: model %s finds no attack on %s in scenario %s: nothing to replay", c.Model, c.Claim, c.Scenario)
}

// shippedTrace is the model's attack trace on c, or false.
func shippedTrace(c ClaimID) (ModelTrace, bool) {
	if _, err := gammaProtocol(c.Model); err != nil {
		return ModelTrace{}, false
	}
	trs, err := ShippedModelTraces(c.Model)
	if err != nil {
		return ModelTrace{}, false
	}
	for _, t := range trs {
		if t.Claim == c {
			return t, true
		}
	}
	return ModelTrace{}, false
}

// gammaBlocks says where the hardened variant must stop each attack of an
// as-published model (the profiles' H-tables: docs/spec/simp.md §10,
// docs/spec/imke.md §11), by model family and claim. A claim not listed
// is an attack hardening keeps (the profile says so): its replay on
// hardened must reproduce it.
var gammaBlocks = map[string]*BlockSpec{
	"simp-login/L1_fresh":                  blockedBy("SIMP H2, H9", "S", "L1", "replay"),
	"simp-login/SK_used_once":              removedBy("SIMP H3"),
	"simp/B_key_secret":                    blockedBy("SIMP H6", "bob", "E4", "wrong_identity", "bad_signature"),
	"simp/B_agree_A":                       blockedBy("SIMP H6", "bob", "E4", "wrong_identity", "bad_signature"),
	"simp/B_msg_auth":                      blockedBy("SIMP H6", "bob", "E4", "wrong_identity", "bad_signature"),
	"simp/A_agree_B":                       blockedBy("SIMP H6", "bob", "E4", "wrong_identity", "bad_signature"),
	"simp/B_key_once":                      blockedBy("SIMP H11", "bob", "E4", "replay"),
	"simp-msg/B_E6_fresh":                  blockedBy("SIMP H2", "bob", "E6", "replay"),
	"simp-msg/A_E7_auth":                   blockedBy("SIMP H1, H4", "alice", "E7", "bad_index", "bad_mac"),
	"simp-keydist/E3_requested_by_A":       blockedBy("SIMP H5", "S", "E1", "bad_mac"),
	"simp-keydist-paper/E2_from_S":         blockedBy("SIMP H5", "S", "E1", "bad_mac"), // E1 forged before the retyping
	"simp-keydist-paper/E3_from_S":         blockedBy("SIMP H5", "S", "E1", "bad_mac"), // E1 forged before the retyping
	"simp-keydist-paper/E3_requested_by_A": blockedBy("SIMP H5", "S", "E1", "bad_mac"), // E1 forged before the retyping
	"imke-b/G6_b1_fresh":                   blockedBy("IMKE H3", "alice", "b1", "replay"),
	"imke-c/T4_A_agree":                    blockedBy("IMKE H7", "alice", "c2", "decrypt_error"),
	"imke-c/T5_B_agree":                    blockedBy("IMKE H1, H2, H7", "bob", "c1", "wrong_identity"),
	"imke-c/G3_A_data_auth":                blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	"imke-c/G3_B_data_auth":                blockedBy("IMKE H4", "bob", "4.7", "decrypt_error", "bad_mac"),
	"simp-full/SK_used_once":               removedBy("SIMP H3"),
	"simp-full/L1_fresh":                   blockedBy("SIMP H2, H9", "S", "L1", "replay"),
	"simp-full/A_E7_auth":                  blockedBy("SIMP H1, H4", "alice", "E7", "bad_index", "bad_mac"),
	"simp-full/E3_requested_by_A":          blockedBy("SIMP H5", "S", "E1", "bad_mac"),
	"imke-full/T4_A_agree":                 blockedBy("IMKE H7", "alice", "c2", "decrypt_error"),
	"imke-full/G3_A_data_auth":             blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	"imke-full/G3_B_data_auth":             blockedBy("IMKE H4", "bob", "4.7", "decrypt_error", "bad_mac"),
	"imke-full/G6_B_data_fresh":            blockedBy("IMKE H4", "bob", "4.7", "decrypt_error", "bad_mac"),
	"simp-nonrep/NR_E2_origin":             nil, // not claimed by the profile (simp.md A19)
	"simp-nonrep/NR_E2_key":                nil,
	"imke/G1_no_guessing":                  nil, // §5.3, kept by hardening
	"imke-b/b1_is_answer":                  nil, // H3 does not tell an answer from a notice
	"imke-b/T7_Kab_secret":                 nil, // the §4.2 caveat: inherent
}

// gammaScenarioBlocks refine gammaBlocks for one scenario's compromise
// (model/scenario#claim): the composed models' compromise scenarios,
// where a claim that hardening protects in the default scenario may be
// lost to the compromise on hardened too. nil: hardening keeps the
// attack (the hardened model finds it in the same scenario, and the
// as-published trace replays on hardened).
var gammaScenarioBlocks = map[string]*BlockSpec{
	// KR_S revealed: P_A is guessed offline (§5.3, G1, kept), and with it
	// and K_AS the adversary answers a2 as S. The hardened f2(W_A, R_S)
	// (H8) does not stop whoever holds W_A.
	"imke-full/server_key_revealed#G1_no_guessing":              nil,
	"imke-full/server_key_revealed#T6_key_secret":               nil,
	"imke-full/server_key_revealed_later#G1_no_guessing":        nil,
	"imke-full/server_and_dynamic_keys_revealed#G1_no_guessing": nil,
	"imke-full/server_and_dynamic_keys_revealed#T6_key_secret":  nil,
	"imke-full/server_and_dynamic_keys_revealed#S_key_secret":   nil,
	"imke-full/kas_revealed#G1_no_guessing":                     nil,
	// KR_S revealed and P_A guessed (G1, kept): the adversary makes a1 as
	// alice with a KU_A of its own and answers a2 as S, with f1 and f2
	// computed from W_A as the hardened code binds them (H8 binds K_AS,
	// KU_A and R_S, which the adversary holds).
	"imke-full/server_key_revealed#T2_server_auth":    nil,
	"imke-full/server_key_revealed#A5_b1_from_S":      nil,
	"imke-full/server_key_revealed#G6_b1_fresh":       nil,
	"imke-full/server_key_revealed#T3_client_auth":    nil,
	"imke-full/server_key_revealed#S_key_secret":      nil,
	"imke-full/server_key_revealed#G2_request_from_A": nil,
	"imke-full/server_key_revealed#A5_b2_from_S":      nil,
	// KR_A revealed without KR_S: the as-published a2 binds nothing of
	// R_S, so S's {f2(W_A)}_K_AS goes with an R_S of the adversary's; the
	// hardened f2(W_A, R_S) does not (H8). The adversary still opens S's
	// R_S for the a3 (T3, which the hardened model finds too).
	"imke-full/dynamic_key_revealed#T2_server_auth":                blockedBy("IMKE H8", "alice", "a2", "auth_failed"),
	"imke-full/dynamic_key_revealed#T3_client_auth":                nil,
	"imke-full/server_and_dynamic_keys_revealed#A5_b1_from_S":      nil, // K_AS^s from KR_S and KR_A: a b1 in S's name
	"imke-full/server_and_dynamic_keys_revealed#G6_b1_fresh":       nil,
	"imke-full/server_and_dynamic_keys_revealed#G2_request_from_A": nil, // a 4.2 in alice's name under the same keys
	// The as-published trace reflects alice's own 4.7 back to her as
	// eve's (one key both ways) before the closing reveal; the hardened
	// per-direction keys reject it (H4). The hardened model's own trace,
	// without the reflection, keeps these claims' violations.
	"imke-full/server_secrets_revealed_later#G1_no_guessing":    blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	"imke-full/server_secrets_revealed_later#T6_key_secret":     blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	"imke-full/server_secrets_revealed_later#T3_client_auth":    blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	"imke-full/server_secrets_revealed_later#S_key_secret":      blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	"imke-full/server_secrets_revealed_later#G2_request_from_A": blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	// The revealed K_AS^s itself: no H-rule protects a revealed key.
	"imke-full/session_key_revealed#T6_key_secret": nil,
	"imke-full/session_key_revealed#S_key_secret":  nil,
	// The same compromises with both peers honest (the *_peers scenarios).
	"imke-full/server_key_revealed_later_peers#G1_no_guessing": nil,
	"imke-full/kas_revealed_peers#G1_no_guessing":              nil,
	"imke-full/session_key_revealed_peers#T6_key_secret":       nil,
	"imke-full/session_key_revealed_peers#S_key_secret":        nil,
	// KR_S revealed after alice's login, P_A guessed from her a1 (G1,
	// kept): a later a1 in her name with a KU_A of the adversary's and f1
	// computed for it as H8 binds it. The hardened model finds no attack
	// because its attacker never uses a guessed weak secret actively
	// (docs/model.md, weak secrets); the code shows the guess suffices.
	"imke-full/server_key_revealed_later_peers#T3_client_auth": nil,
	"imke-full/server_key_revealed_later_peers#S_key_secret":   nil,
	// KR_A revealed, as in dynamic_key_revealed.
	"imke-full/dynamic_key_revealed_peers#T2_server_auth": blockedBy("IMKE H8", "alice", "a2", "auth_failed"),
	"imke-full/dynamic_key_revealed_peers#T3_client_auth": nil,
	// KR_A revealed: the adversary opens S's R_S from bob's a2, finishes
	// bob's login itself and holds K_BS, so S's 4.3 to bob is its own; it
	// answers alice's c1 as bob with a c2 of its making. No H-rule guards
	// a login whose dynamic private key is known (the hardened model
	// finds the same).
	"imke-full/dynamic_key_revealed_peers#T4_A_agree":      nil,
	"imke-full/dynamic_key_revealed_peers#T7_A_key_secret": nil,
	// The §4.2 caveat: a dishonest server hands out keys of its own.
	"imke-full/dishonest_server#T4_A_agree":      nil,
	"imke-full/dishonest_server#T7_A_key_secret": nil,
	"imke-full/dishonest_server#T5_B_agree":      nil,
	"imke-full/dishonest_server#T7_B_key_secret": nil,
	// B's data claims: the model's shortest trace, past the caveat's
	// keys, reflects B's own 4.7 (B sends first, §3.12), which H4 stops;
	// the hardened model's own trace (the caveat alone) keeps the attack.
	"imke-full/dishonest_server#G3_B_data_auth":    blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	"imke-full/dishonest_server#G6_B_data_fresh":   blockedBy("IMKE H4", "alice", "4.7", "decrypt_error", "bad_mac"),
	"simp-full/server_key_revealed#R2_from_S":      nil, // R1/R2 rest on Pub-S alone
	"simp-full/server_key_revealed#R2_keys_secret": nil,
	"simp-full/server_key_revealed#R_pw_guessing":  nil,
	"simp-full/server_key_revealed#L1_pw_guessing": nil,
	// With Pri-S the adversary opens R1 (P_A, RK), then R2 (K_AS, DK_AS,
	// m): it holds every SK_ASj and speaks as the user to S and as S to
	// the user, at the indices and with the bindings hardening asks for
	// (H1-H5, H9, H10 all rest on SK_AS): every later phase falls with it.
	"simp-full/server_key_revealed#L1_from_A":         nil,
	"simp-full/server_key_revealed#L1_fresh":          nil,
	"simp-full/server_key_revealed#L2_from_S":         nil,
	"simp-full/server_key_revealed#E2_from_S":         nil,
	"simp-full/server_key_revealed#E2_key_of_B":       nil,
	"simp-full/server_key_revealed#E3_from_S":         nil,
	"simp-full/server_key_revealed#E3_requested_by_A": nil,
	"simp-full/server_key_revealed#E3_key_of_A":       nil,
	"simp-full/server_key_revealed#A_agree_B":         nil,
	"simp-full/server_key_revealed#A_key_secret":      nil,
	"simp-full/server_key_revealed#A_msg_secret":      nil,
	"simp-full/server_key_revealed#B_agree_A":         nil,
	"simp-full/server_key_revealed#B_key_secret":      nil,
	"simp-full/server_key_revealed#B_msg_auth":        nil,
	// Pub-B's private key revealed: E4 opens, whatever the variant.
	"simp-full/one_time_key_revealed#A_key_secret": nil,
	"simp-full/one_time_key_revealed#A_msg_secret": nil,
	"simp-full/one_time_key_revealed#B_key_secret": nil,
	// A dishonest server grants keys of its own (SIMP trusts S, §6.1).
	"simp-full/dishonest_server#A_agree_B":    nil,
	"simp-full/dishonest_server#A_key_secret": nil,
	"simp-full/dishonest_server#A_msg_secret": nil,
	"simp-full/dishonest_server#B_key_secret": nil,
	// S's E3 names a key pair of S's own as the peer's, and S signs the
	// E4 with it: hardened, over the identities and the ciphertext, which
	// H6 checks and finds right (the hardened model finds it too).
	"simp-full/dishonest_server#B_agree_A":  nil,
	"simp-full/dishonest_server#B_msg_auth": nil,
}

// hardenedBlockOf is where hardened must block the attack on c, and
// whether the tables list it at all (a scenario's entry first).
func hardenedBlockOf(c ClaimID) (*BlockSpec, bool) {
	base := strings.TrimSuffix(c.Model, "-hardened")
	if s, ok := gammaScenarioBlocks[base+"/"+c.Scenario+"#"+c.Claim]; ok {
		return s, true
	}
	s, ok := gammaBlocks[base+"/"+c.Claim]
	return s, ok
}

// gammaHardenedBlock is where hardened must block the attack on c.
func gammaHardenedBlock(c ClaimID) *BlockSpec {
	s, _ := hardenedBlockOf(c)
	return s
}

// HardenedBlock is where the hardened variant must block the replay of a
// model attack, and whether the profile says hardening removes it at all
// (false: the attack is one the hardened variant keeps).
func HardenedBlock(c ClaimID) (*BlockSpec, bool) {
	s, ok := hardenedBlockOf(c)
	return s, ok && s != nil
}

// ConcreteVerdict is docs/claims.md's concrete verdict for a model claim
// (suite modern, seed 1): for a claim the model has an attack on, γ's
// replay of the trace on the variant the model describes, judged by the
// claim's own oracle; for a hardened claim whose as-published model has
// the attack, that trace replayed on hardened and where it was blocked;
// otherwise, and beside a trace the code cannot realise, the seeded
// random adversary under the scenario's compromises (RandomVerdict).
func ConcreteVerdict(mdl, scenario, claim string) string {
	c := ClaimID{mdl, scenario, claim}
	if t, ok := shippedTrace(c); ok {
		g, err := t.Concretise("modern", t.Variant(), 1)
		if err != nil {
			return fmt.Sprintf("γ error: %v", err)
		}
		s := g.Summary()
		if !g.Reproduced() {
			if r := RandomVerdict(c); r != "" {
				s += "; on the code, " + r
			}
		}
		return s
	}
	if base := strings.TrimSuffix(mdl, "-hardened"); base != mdl {
		if t, ok := shippedTrace(ClaimID{base, scenario, claim}); ok {
			g, err := t.Concretise("modern", "hardened", 1)
			if err != nil {
				return fmt.Sprintf("γ error: %v", err)
			}
			return "the " + base + " trace on hardened: " + g.Summary()
		}
	}
	if r := RandomVerdict(c); r != "" || !strings.HasPrefix(mdl, "caveat-") {
		return r
	}
	return "not checked on the code: a negative variant of IMKE (the model changes a message of the profile's, as its header says) that no implementation runs"
}

// Summary is a one-line verdict of a concretised model attack.
func (g *GammaResult) Summary() string {
	v := g.Verdict
	switch {
	case g.Reproduced():
		var parts []string
		for _, x := range v.Expected {
			p := fmt.Sprintf("%s: %s of %s with %s", x.Property, x.What, x.Party, x.Peer)
			if !strings.Contains(strings.Join(parts, "\x00"), p) {
				parts = append(parts, p)
			}
		}
		return "ATTACK reproduced by γ: " + strings.Join(parts, "; ")
	case v.WrongBlock != "":
		return "NOT blocked as declared: " + strings.TrimPrefix(v.WrongBlock, "adversary: ")
	case g.Unrealisable != nil && v.Declared != nil:
		return fmt.Sprintf("blocked by construction (%s, as declared): %s: %s (%s)", v.Declared.Rule, g.Unrealisable.Step, g.Unrealisable.Subterm, g.Unrealisable.Rule)
	case g.Unrealisable != nil:
		return fmt.Sprintf("not realisable: %s: %s (%s)", g.Unrealisable.Step, g.Unrealisable.Subterm, g.Unrealisable.Rule)
	case v.Blocked != nil:
		s := fmt.Sprintf("blocked: %s rejected %s with %s", v.Blocked.Party, v.Blocked.Label, v.Blocked.Alert)
		if v.Declared != nil {
			s += " (" + v.Declared.Rule + ", as declared)"
		}
		return s
	case v.Declared != nil:
		return "no violation (" + v.Declared.String() + ", as declared)"
	case len(v.Violations) > 0:
		x := v.Violations[0]
		return fmt.Sprintf("NOT reproduced for the claim's parties (%s), but %s: %s of %s with %s", wantText(g.Want), x.Property, x.What, x.Party, x.Peer)
	}
	return "NOT reproduced: the concrete run violated nothing (" + wantText(g.Want) + ")"
}

func wantText(w []Expect) string {
	var s []string
	for _, e := range w {
		s = append(s, e.String())
	}
	return strings.Join(s, " or ")
}

// ShippedModels lists the shipped SIMP and IMKE models by name
// ("simp-login"), in name order.
func ShippedModels() []string {
	var out []string
	for _, p := range model.Shipped() {
		name := strings.TrimSuffix(path.Base(p), ".imp")
		if _, err := gammaProtocol(name); err == nil {
			out = append(out, name)
		}
	}
	return out
}

// ModelAttackCase is one attack of a shipped model as γ concretises it:
// on the variant the model describes, and on hardened with where the
// profile declares hardened must block it (docs/adversary.md §4). The
// conformance gate turns each into a case; Verdict.Trace is the concrete
// run, replayable with ReplayTrace.
type ModelAttackCase struct {
	Claim ClaimID
	// Model is the replay on the variant the model describes, Hardened the
	// replay of an as-published model's trace on hardened (nil for a
	// hardened model).
	Model, Hardened *GammaResult
	// Block is where hardened must stop the attack; nil when hardening
	// keeps the weakness (Kept) or the model is hardened.
	Block *BlockSpec
	Kept  bool
}

// ModelAttackCases concretises every attack of every shipped SIMP and
// IMKE model (suite, seed), in model, scenario and claim order.
func ModelAttackCases(suiteName string, seed uint64) ([]ModelAttackCase, error) {
	var out []ModelAttackCase
	for _, name := range ShippedModels() {
		trs, err := ShippedModelTraces(name)
		if err != nil {
			return nil, err
		}
		for _, t := range trs {
			c := ModelAttackCase{Claim: t.Claim}
			if c.Model, err = t.Concretise(suiteName, t.Variant(), seed); err != nil {
				return nil, err
			}
			if t.Variant() == "as-published" {
				if c.Hardened, err = t.Concretise(suiteName, "hardened", seed); err != nil {
					return nil, err
				}
				var fixed bool
				c.Block, fixed = HardenedBlock(t.Claim)
				c.Kept = !fixed
			}
			out = append(out, c)
		}
	}
	return out, nil
}
