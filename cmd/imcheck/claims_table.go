package main

// paperClaim maps one security claim of a paper to the claims of the
// shipped models that formalise it, one row per model (variant, scenario).
type paperClaim struct {
	paper    string // SIMP or IMKE
	section  string // the paper's section
	words    string // the paper's words (abridged with ...)
	property string // the formal property, in words
	profile  string // the profile sections the models follow
	rows     []claimRow
}

// claimRow is one model claim: its stable attack ID is
// "<model>/<scenario>#<claim>" (e.g. simp-login/default#L1_fresh), which
// the adversary's replays and the concrete verdict column refer to.
type claimRow struct {
	model, scenario, claim, variant string
}

// paperClaims is every paper claim the models formalise, SIMP's then
// IMKE's; outsideClaims (claims_outside.go) are those outside the model.
var paperClaims = append(append([]paperClaim(nil), simpClaims...), imkeClaims...)

// simpClaims are SIMP's claims (Kungpisdan and Moonviriyakit 2010). A row
// on a composed model (simp-full, simp-full-hardened) stands beside the
// split model's wherever the claim spans phases.
var simpClaims = []paperClaim{
	{"SIMP", "§5 Registration", "The above protocol is performed over a secure SSL tunnel", "A accepts R2's key set only from S (R2_from_S); the set {K_AS, DK_AS} stays secret (R2_keys_secret); with Pri-S exposed both fail, and with them every SK_ASj", "simp.md §5 Registration, A7", []claimRow{
		{"simp-full", "default", "R2_from_S", "as published"}, {"simp-full", "default", "R2_keys_secret", "as published"},
		{"simp-full-hardened", "default", "R2_from_S", "hardened"}, {"simp-full-hardened", "default", "R2_keys_secret", "hardened"}, {"simp-full", "server_key_revealed", "R2_keys_secret", "as published, Pri-S exposed"}, {"simp-full-hardened", "server_key_revealed", "R2_keys_secret", "hardened, Pri-S exposed"}}},
	{"SIMP", "§5 L1", "S can ensure that A originates this request", "S agrees with A on (n1, Pub-A): non-injective (L1_from_A) and injective (L1_fresh: \"n is a nonce to prevent replay\")", "simp.md §5, §6, §10 W1; H2, H4, H9", []claimRow{
		{"simp-login", "default", "L1_from_A", "as published"}, {"simp-login", "default", "L1_fresh", "as published"},
		{"simp-login-hardened", "default", "L1_from_A", "hardened"}, {"simp-login-hardened", "default", "L1_fresh", "hardened"},
		{"simp-full", "default", "L1_from_A", "as published, composed"}, {"simp-full", "default", "L1_fresh", "as published, composed"},
		{"simp-full-hardened", "default", "L1_from_A", "hardened, composed"}, {"simp-full-hardened", "default", "L1_fresh", "hardened, composed"}}},
	{"SIMP", "§5 L2", "If they are matched, A successfully logins to S", "A agrees with S on (n1, n2) although L2 names nobody (L2_from_S)", "simp.md §5, §6; H3, H4", []claimRow{
		{"simp-login", "default", "L2_from_S", "as published"}, {"simp-login-hardened", "default", "L2_from_S", "hardened"},
		{"simp-full", "default", "L2_from_S", "as published, composed"}, {"simp-full-hardened", "default", "L2_from_S", "hardened, composed"}}},
	{"SIMP", "§1, §7", "We solve the problem of reusing session keys by using each session key only once", "unique: no two uses of one SK_j, whoever makes them; L1 and L2 share a label, so A's L1 and S's L2 are two uses (SK_used_once)", "simp.md §6, A11, §10 W2; H1, H3", []claimRow{
		{"simp-login", "default", "SK_used_once", "as published"}, {"simp-login-hardened", "default", "SK_used_once", "hardened"},
		{"simp-full", "default", "SK_used_once", "as published, composed"}, {"simp-full-hardened", "default", "SK_used_once", "hardened, composed (L1, E1, L2)"}}},
	{"SIMP", "§1, §7", "We solve the problem of reusing session keys by using each session key only once", "unique: no two B sessions accept the same SK_ABj (B_key_once)", "simp.md A13, §10 W7, W11; H1, H2, H11", []claimRow{
		{"simp", "default", "B_key_once", "as published"}, {"simp-hardened", "default", "B_key_once", "hardened"},
		{"simp-full", "default", "B_key_once", "as published, composed"}, {"simp-full-hardened", "default", "B_key_once", "hardened, composed"}}},
	{"SIMP", "§5 L1", "compares the hashed password h(ID_A, P_A, n1)", "weaksecret P_A: no offline test of a password guess from L1 (and, composed, from R1/R2)", "simp.md §5, A8", []claimRow{
		{"simp-login", "default", "L1_pw_guessing", "as published"}, {"simp-login-hardened", "default", "L1_pw_guessing", "hardened"},
		{"simp-full", "default", "L1_pw_guessing", "as published, composed"}, {"simp-full-hardened", "default", "L1_pw_guessing", "hardened, composed"}, {"simp-full", "server_key_revealed", "R_pw_guessing", "as published, Pri-S exposed"}}},
	{"SIMP", "§5 E2, E3", "both A and B receive the public keys of each other", "A agrees with S that this E2 is S's answer about B (E2_from_S); B likewise for E3 (E3_from_S); B's E3 follows a request of A's (E3_requested_by_A)", "simp.md §3 (labels simp E2, simp E3), A12, §10 W3; H5, H10", []claimRow{
		{"simp-keydist", "default", "E2_from_S", "as published"}, {"simp-keydist", "default", "E3_from_S", "as published"}, {"simp-keydist", "default", "E3_requested_by_A", "as published"},
		{"simp-keydist-paper", "default", "E2_from_S", "paper's shape"}, {"simp-keydist-paper", "default", "E3_from_S", "paper's shape"},
		{"simp-keydist-hardened", "default", "E2_from_S", "hardened"}, {"simp-keydist-hardened", "default", "E3_from_S", "hardened"}, {"simp-keydist-hardened", "default", "E3_requested_by_A", "hardened"},
		{"simp-full", "default", "E2_from_S", "as published, composed"}, {"simp-full", "default", "E3_from_S", "as published, composed"}, {"simp-full", "default", "E3_requested_by_A", "as published, composed"},
		{"simp-full-hardened", "default", "E2_from_S", "hardened, composed"}, {"simp-full-hardened", "default", "E3_from_S", "hardened, composed"}, {"simp-full-hardened", "default", "E3_requested_by_A", "hardened, composed"}}},
	{"SIMP", "§5 Key Exchange", "After every user logins to the IM server, S stores public keys of each user ... both A and B receive the public keys of each other", "the key A gets in E2 is the one-time key B's current login announced in L1 (E2_key_of_B), and B's E3 key is A's (E3_key_of_A): the split models assume this", "simp.md §5 Login step 2, Key exchange steps 2-4", []claimRow{
		{"simp-full", "default", "E2_key_of_B", "as published, composed"}, {"simp-full", "default", "E3_key_of_A", "as published, composed"},
		{"simp-full-hardened", "default", "E2_key_of_B", "hardened, composed"}, {"simp-full-hardened", "default", "E3_key_of_A", "hardened, composed"}}},
	{"SIMP", "§6.1", "A cannot generate this message by himself/herself because A cannot generate h(SK_BSj) ... this guarantees that S generated this message", "with A dishonest, a judge holding SK_ASj and SK_BSj who accepts an E2 (checking h(SK_BSj)) agrees with S that S sent A this E2 about B (NR_E2_origin)", "simp.md A9, A19 (not claimed)", []claimRow{
		{"simp-nonrep", "a_dishonest", "NR_E2_origin", "as published"}, {"simp-nonrep-hardened", "a_dishonest", "NR_E2_origin", "hardened"}}},
	{"SIMP", "§6.3", "S cannot deny that it did not originate this message as the possession of both SK_ASj and SK_BSj demonstrates clearly that only S can generate this message", "with A dishonest, the judge's accepted E2 carries a key S vouched for B, by E2 or E3 (NR_E2_key); fails if A can put a key of her choice into accepted evidence", "simp.md A19 (not claimed)", []claimRow{
		{"simp-nonrep", "a_dishonest", "NR_E2_key", "as published"}, {"simp-nonrep-hardened", "a_dishonest", "NR_E2_key", "hardened"}}},
	{"SIMP", "§6.2", "messages ... can be revealed only to an authorized party", "secrecy of SK_ABj at B (B_key_secret)", "simp.md A17, §10 W4; H6", []claimRow{
		{"simp", "default", "B_key_secret", "as published"}, {"simp-hardened", "default", "B_key_secret", "hardened"},
		{"simp-full", "default", "B_key_secret", "as published, composed"}, {"simp-full-hardened", "default", "B_key_secret", "hardened, composed"}, {"simp-full", "dishonest_server", "B_key_secret", "as published, server dishonest"}, {"simp-full-hardened", "dishonest_server", "B_key_secret", "hardened, server dishonest"}}},
	{"SIMP", "§5 E4", "B ... is able to identify the sender of the message, that is A", "non-injective agreement of B with A on K_AB, DK_AB, m2 (B_agree_A)", "simp.md A17, A20, §10 W4; H6", []claimRow{
		{"simp", "default", "B_agree_A", "as published"}, {"simp-hardened", "default", "B_agree_A", "hardened"},
		{"simp-full", "default", "B_agree_A", "as published, composed"}, {"simp-full-hardened", "default", "B_agree_A", "hardened, composed"}}},
	{"SIMP", "§5 E5", "In order to ensure that A can generate the same set of session keys, B sends", "non-injective agreement of A with B (A_agree_B)", "simp.md A13, §10 W9; H7", []claimRow{
		{"simp", "default", "A_agree_B", "as published"}, {"simp-hardened", "default", "A_agree_B", "hardened"},
		{"simp-full", "default", "A_agree_B", "as published, composed"}, {"simp-full-hardened", "default", "A_agree_B", "hardened, composed"}}},
	{"SIMP", "§5 E6", "the nonce n4 and n5 ensure that the messages are fresh", "injective agreement on E6 across B sessions (B_msg_auth)", "simp.md A16, §10 W5; H2", []claimRow{
		{"simp", "default", "B_msg_auth", "as published"}, {"simp-hardened", "default", "B_msg_auth", "hardened"},
		{"simp-full", "default", "B_msg_auth", "as published, composed"}, {"simp-full-hardened", "default", "B_msg_auth", "hardened, composed"}}},
	{"SIMP", "§5 E6", "the nonce n4 and n5 ensure that the messages are fresh", "injective agreement on B's accepted E6 within one key exchange (B_E6_fresh: both receptions share the label)", "simp.md §6, A16, §10 W5; H2", []claimRow{
		{"simp-msg", "default", "B_E6_fresh", "as published"}, {"simp-msg-hardened", "default", "B_E6_fresh", "hardened"}}},
	{"SIMP", "§6.4", "each message contains MAC value that guarantees that the recipient of the message can compare to see if the received message can generate the same MAC value", "integrity as agreement on the message body: the E6 B accepts is one A sent to him (B_msg_auth), the E7 A accepts one B sent (A_E7_auth), across every phase", "simp.md §2 (E6, E7), §10 H8", []claimRow{
		{"simp-full", "default", "B_msg_auth", "as published, composed"}, {"simp-full", "default", "A_E7_auth", "as published, composed"},
		{"simp-full-hardened", "default", "B_msg_auth", "hardened, composed"}, {"simp-full-hardened", "default", "A_E7_auth", "hardened, composed"}}},
	{"SIMP", "§6.1, §6.4", "an IM message should contain evidence to identify its sender and intended recipient", "A's accepted E7 was sent by B (A_E7_auth)", "simp.md A15, §10 W6; H1, H4", []claimRow{
		{"simp-msg", "default", "A_E7_auth", "as published"}, {"simp-msg-hardened", "default", "A_E7_auth", "hardened"},
		{"simp-full", "default", "A_E7_auth", "as published, composed"}, {"simp-full-hardened", "default", "A_E7_auth", "hardened, composed"}}},
	{"SIMP", "§1, §4", "As the new session keys are not transmitted over the network, it cannot be intercepted", "reading 1, no compromise: SK_ABj stays secret at A and B (A_key_secret, B_key_secret); reading 2, what a leak of a one-time private key gives: Pri-B of a finished login opens the recorded E4, whose K_AB, DK_AB, m2 give every SK_ABj (B_key_secret in one_time_key_revealed)", "simp.md §4, §5 E4", []claimRow{
		{"simp-full", "default", "A_key_secret", "as published, composed"}, {"simp-full-hardened", "default", "A_key_secret", "hardened, composed"}, {"simp-full", "one_time_key_revealed", "B_key_secret", "as published, Pri-B revealed after the session"}, {"simp-full-hardened", "one_time_key_revealed", "B_key_secret", "hardened, Pri-B revealed after the session"}}},
	{"SIMP", "§1, §6.2", "The proposed protocol ensures data confidentiality", "secrecy of A's E6 message (A_msg_secret), with an honest and with a dishonest server (the paper trusts S; SIMP has the same server man in the middle as IMKE's §4.2 caveat)", "simp.md §5 E6, §10 H4, H8", []claimRow{
		{"simp-full", "default", "A_msg_secret", "as published, composed"}, {"simp-full-hardened", "default", "A_msg_secret", "hardened, composed"}, {"simp-full", "dishonest_server", "A_msg_secret", "as published, server dishonest"}, {"simp-full-hardened", "dishonest_server", "A_msg_secret", "hardened, server dishonest"}}},
}

// notes are printed under the table: formalisations and where a model
// and the implementation are known to differ.
var claimNotes = []string{
	"**Composed against split SIMP models.** The E4 attacks of `simp` (B_key_secret, B_agree_A, A_agree_B, B_key_once, B_msg_auth: an insider re-encrypts A's E4 for B, whose signature covers no identity) need a second session of S once the phases are composed, so four sessions: `simp-full` at its bound of 3 reports no attack on them, and at 4 sessions finds A_agree_B (26 steps) before a 15-minute limit (simp.md §10.1). The split rows stand.",
	"**The composed IMKE model's role sets.** `imke-full` and `imke-full-hardened` hold the direct key transport (roles A, S, B), the relayed one (AR, SR, BR: scenario `relayed`) and two renewals of A's login started by either side (AN, SN: scenario `renewal`); each scenario names the roles it runs (docs/model.md), to keep the search small (imke.md §11.3). At 3 sessions (`--scenario renewal --sessions 3`) the renewal claims still hold (6,123 states as published, 8,110 hardened); the default run keeps 2.",
	"**Attack IDs.** Each row's ID `<model>/<scenario>#<claim>` names a model file (`model/protocols/<model>.imp`), a scenario and a claim. It is stable: the adversary's replays and the concrete verdict column refer to it. `imcheck check --format json model/protocols/<model>.imp` gives the trace (schema `imcheck.model/v3`, docs/model.md); the step with `\"violated\": true` is the violated claim.",
	"**Concrete verdict.** Filled by the adversary replay (`imcheck attack claims`, [adversary.md](adversary.md)). `imcheck claims` keeps whatever that column holds for an ID when it rewrites this file.",
	"**§6.3 non-repudiation (formalisation).** A is dishonest (the claim is about what A can forge). A judge who holds SK_ASj and SK_BSj, everything S holds, is shown an E2 with its indices and checks it, h(SK_BSj) included. NR_E2_origin: the judge's acceptance implies S sent A that E2 about B (non-injective agreement with S on A, B, Pub-B). NR_E2_key: S vouched to A, by E2 or E3, that Pub-B is B's key. Both fail, as published and hardened: A holds SK_ASj and sees h(SK_BSj) in what S sends her, so she can seal an E2 with a key of her choice. Symmetric evidence cannot give non-repudiation; no hardened change adds a signature by S.",
	"**SIMP E2/E3 shape.** In the paper E2 and E3 have one shape, so a user who asked for B accepts S's notice that B asked for her (E3) as the answer to her request, and B accepts an E2 as an E3 (`simp-keydist-paper`). The profile seals them under the labels \"simp E2\" and \"simp E3\" in both variants (simp.md §3), so `simp-keydist` (as published) and the implementation have no such confusion; W3 (E1 unauthenticated) remains as published.",
	"**Replay caches.** The hardened receivers' index and n1 bookkeeping (simp.md §6, H2, H9; imke.md §8, H3) is modelled by `cache` statements: an agent refuses a value it has accepted before in any session (docs/model.md).",
	"**IMKE PAKE hardened.** The only hardened change to a1–a3 is H6 (the seals bind ID_A, and S checks it against the connection). Symbolically ID_A is already bound by f1(P_A) and f2(P_A), so imke-hardened has imke's verdicts: nothing in the profile hardens the PAKE against a symbolic attacker, and none is needed within the bound. Exposure of S's private key still allows offline guessing (§5.3, server_key_revealed).",
	"**IMKE c2 (hardened).** H1 alone bound identities into c1 and c2 but left R_B outside the c2 seal; the model found that the attacker can replace R_B in transit, so A derives a K_AB^s that B does not have (an agreement and key-confirmation failure, no secrecy loss). The profile's H7 binds h(R_B) into the seal's associated data, and `imke-c-hardened/default#T4_A_agree` now holds at 2 and 3 sessions. R_B itself must not go into the seal: c1 is unauthenticated, so an attacker who chose K_AB would read R_B.",
	"**IMKE b1/b2 shape.** b1 and b2 have one shape, as published and hardened (H3 makes both peer-key items of a sequenced 4.3), so b1_is_answer fails in both: a user cannot tell S's answer to her request from S's notice that the peer asked for her. The key is right either way (A5_b1_from_S holds).",
	"**Scenarios.** A claim is checked only in sessions whose listed agents are honest; in a scenario where a listed agent is dishonest (e.g. imke-b dishonest_server for A5_*) the claim is not applicable and is not cited.",
	"**Composed models.** `simp-full`, `simp-full-hardened`, `imke-full` and `imke-full-hardened` put every phase of a protocol into one model, with values flowing between phases as on the wire (docs/model.md, \"Shipped models\"). Rows marked \"composed\" cite them; the split models stay as fast focused models. The server serves one pair of users per session, so the smallest honest run is three sessions (A, S, B): every claim of the composed models' `default` scenario is decided at 3 sessions (and none is reached at 2). The compromise scenarios run at 2 sessions (users a only where the claims are about the PAKE) and the dishonest server at 1, the smallest bounds at which their claims are reached.",
	"**What the composed models cannot reach.** One session of the composed server serves one login of each of two users. An attack that needs one login of a user to serve two pairs needs five sessions there: the insider's unknown-key share (`imke-c` T5), SIMP's E4 re-encryption (`simp` B_key_secret, W4) and the stale b1 (`imke-b` G6_b1_fresh). Those rows of the composed models say \"no attack within the bound\" where the split models show the attack; the split models' verdicts stand.",
	"**IMKE a2 and c2 (paper notation).** In the paper a2's {R_S}_E_A and c2's {R_B}_E_A have one shape, so the composed model without labels lets the attacker hand A her own a2's {R_S}_E_A as c2's {R_B}_E_A: A then derives K_AB^s from R_S, which B does not have (T4 fails, a key-confirmation failure, no secrecy loss). The profile encrypts them under distinct labels (\"imke a2 R_S\", \"imke c2 R_B\", imke.md §3.3, §3.10) in both variants, and `imke-full` follows it: T4 holds there. The split model `imke-c` could not see this, since it has no a2.",
	"**KR_S exposure (IMKE §5.3).** The paper says an attacker who has the server's private key \"cannot compromise the session key or readily impersonate S\". With KR_S known to an active attacker both fail as published (`imke-full/server_key_revealed`): it opens K_AS in a1, lets S answer and replaces R_S in a2 by its own (nothing binds a2's two parts, and KU_A came with a1), so A shares K_AS^s with the attacker; it also replaces KU_A in a1 and logs in as A. It learns f1(P_A) and f2(P_A) too, each enough to play A or S in later logins without guessing P_A. The profile's H8 (f1 binds K_AS and KU_A, f2 binds R_S; `TestServerKeyExposure`) stops all of it: `imke-full-hardened/server_key_revealed` keeps only the offline guessing the paper admits. Read passively (KR_S exposed after the login), the paper is right in both variants: offline guessing only. The same a2 weakness lets whoever knows KU_A (with KR_A leaked, `dynamic_key_revealed`) give A another R_S; H8 stops that too.",
	"**One-time keys (SIMP §1, §4).** The session keys SK_ABj are never sent, but K_AB, DK_AB and m2, from which they are generated, are: under Pub-B in E4. Pri-B of a finished login opens the recorded E4 (`simp-full/one_time_key_revealed`), as published and hardened. No hardened change gives forward secrecy here; it would need an ephemeral key agreement in E4.",
	"**Compromise scenarios and the concrete column.** The composed models' compromise scenarios (a session value revealed, the server's key known, a dishonest server) need a compromise the concretiser does not perform yet (docs/adversary.md §4): their concrete column says what γ did with the trace (not realisable, not reproduced), and the replay tests skip them as pending rather than count them reproduced or explained.",
}
