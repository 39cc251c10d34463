package main

// imkeClaims are IMKE's claims (Mannan and van Oorschot 2006). A row on a
// composed model (imke-full, imke-full-hardened) stands beside the split
// model's wherever the claim spans phases.
var imkeClaims = []paperClaim{
	{"IMKE", "§5.2 T6", "A and S believe that they share a (secret) session key", "secrecy of K_AS^s = f4(K_AS, R_S) at A", "imke.md §3.2–§3.4, §11.2 H6", []claimRow{
		{"imke", "default", "T6_key_secret", "as published"}, {"imke-hardened", "default", "T6_key_secret", "hardened"},
		{"imke-full", "default", "T6_key_secret", "as published, composed"}, {"imke-full-hardened", "default", "T6_key_secret", "hardened, composed"}}},
	{"IMKE", "§5.2 T2/T3", "A believes ... communicating ... with a party that knows S's private key", "non-injective agreement A<->S on K_AS, R_S", "imke.md §3.2–§3.4, §11.2 H6", []claimRow{
		{"imke", "default", "T2_server_auth", "as published"}, {"imke", "default", "T3_client_auth", "as published"},
		{"imke-hardened", "default", "T2_server_auth", "hardened"}, {"imke-hardened", "default", "T3_client_auth", "hardened"},
		{"imke-full", "default", "T2_server_auth", "as published, composed"}, {"imke-full", "default", "T3_client_auth", "as published, composed"},
		{"imke-full-hardened", "default", "T2_server_auth", "hardened, composed"}, {"imke-full-hardened", "default", "T3_client_auth", "hardened, composed"}}},
	{"IMKE", "§3.2 G1", "without exposing clients' passwords to offline dictionary attacks", "weaksecret pw(A,S)", "imke.md §3.2, §10", []claimRow{
		{"imke", "default", "G1_no_guessing", "as published"}, {"imke", "server_key_revealed", "G1_no_guessing", "as published"},
		{"imke-hardened", "default", "G1_no_guessing", "hardened"}, {"imke-hardened", "server_key_revealed", "G1_no_guessing", "hardened"},
		{"imke-full", "default", "G1_no_guessing", "as published, composed"}, {"imke-full-hardened", "default", "G1_no_guessing", "hardened, composed"}}},
	{"IMKE", "§3.2 G4, §5.3", "the disclosure of a client-server password ... does not compromise ... session keys", "fsecret f4(K_AS, R_S) reveal pw(A,S)", "imke.md §3.7", []claimRow{
		{"imke", "default", "G4_forward_secrecy", "as published"}, {"imke-hardened", "default", "G4_forward_secrecy", "hardened"}}},
	{"IMKE", "§5.2 (b1, b2)", "From messages b1 and b2, A and B get each other's public keys from S securely", "A agrees with S that S gave her KU_B as B's key, by b1 or b2 (A5_b1_from_S); stricter: the b1 she accepts answers her request (b1_is_answer)", "imke.md §3.8, §11.2 H3", []claimRow{
		{"imke-b", "honest_server", "A5_b1_from_S", "as published"}, {"imke-b", "honest_server", "b1_is_answer", "as published"},
		{"imke-b-hardened", "honest_server", "A5_b1_from_S", "hardened"}, {"imke-b-hardened", "honest_server", "b1_is_answer", "hardened"},
		{"imke-full", "default", "A5_b1_from_S", "as published, composed"}, {"imke-full", "default", "A5_b2_from_S", "as published, composed"},
		{"imke-full-hardened", "default", "A5_b1_from_S", "hardened, composed"}, {"imke-full-hardened", "default", "A5_b2_from_S", "hardened, composed"}}},
	{"IMKE", "§3.2 G6, §5.2", "Replay of captured messages (from an ongoing session or older sessions) is also detected", "injective agreement on A's accepted b1 (G6_b1_fresh): an old b1, with a stale KU_B, is refused", "imke.md §3.8, §8, §11.1, §11.2 H3", []claimRow{
		{"imke-b", "honest_server", "G6_b1_fresh", "as published"}, {"imke-b-hardened", "honest_server", "G6_b1_fresh", "hardened"},
		{"imke-full", "default", "G6_b1_fresh", "as published, composed"}, {"imke-full-hardened", "default", "G6_b1_fresh", "hardened, composed"}}},
	{"IMKE", "§4.2 caveats", "a malicious IM server can launch a typical man-in-the-middle attack", "secrecy of K_AB at A with the server dishonest (T7_Kab_secret); the paper admits the attack", "imke.md §11.1 (last row: inherent)", []claimRow{
		{"imke-b", "dishonest_server", "T7_Kab_secret", "as published"}, {"imke-b-hardened", "dishonest_server", "T7_Kab_secret", "hardened"},
		{"imke-b", "honest_server", "T7_Kab_secret", "as published"}, {"imke-full", "dishonest_server", "T7_A_key_secret", "as published, composed"}, {"imke-full-hardened", "dishonest_server", "T7_A_key_secret", "hardened, composed"}}},
	{"IMKE", "§5.2 T5", "B believes that he shares K_AB with A", "non-injective agreement of B with A on K_AB, R_A, R_B", "imke.md §3.9–§3.11, §11.1, §11.2 H1/H2", []claimRow{
		{"imke-c", "default", "T5_B_agree", "as published"}, {"imke-c-hardened", "default", "T5_B_agree", "hardened"},
		{"imke-full", "default", "T5_B_agree", "as published, composed"}, {"imke-full-hardened", "default", "T5_B_agree", "hardened, composed"}}},
	{"IMKE", "§5.2 T4", "A believes that she shares K_AB with B", "non-injective agreement of A with B", "imke.md §3.9–§3.11, §11.1, §11.2 H1/H2", []claimRow{
		{"imke-c", "default", "T4_A_agree", "as published"}, {"imke-c-hardened", "default", "T4_A_agree", "hardened"},
		{"imke-full", "default", "T4_A_agree", "as published, composed"}, {"imke-full-hardened", "default", "T4_A_agree", "hardened, composed"}}},
	{"IMKE", "§5.2 T7", "A and B believe that they share a (secret) session key", "secrecy of K_AB^s at A and B", "imke.md §3.12", []claimRow{
		{"imke-c", "default", "T7_B_key_secret", "as published"}, {"imke-c-hardened", "default", "T7_B_key_secret", "hardened"},
		{"imke-full", "default", "T7_A_key_secret", "as published, composed"}, {"imke-full", "default", "T7_B_key_secret", "as published, composed"},
		{"imke-full-hardened", "default", "T7_A_key_secret", "hardened, composed"}, {"imke-full-hardened", "default", "T7_B_key_secret", "hardened, composed"}}},
	{"IMKE", "§3.2 G3", "Secure communications for messages directly sent between clients", "non-injective agreement on (4.7) data at A (reflection)", "imke.md §3.12, §11.1, §11.2 H4", []claimRow{
		{"imke-c", "default", "G3_A_data_auth", "as published"}, {"imke-c-hardened", "default", "G3_A_data_auth", "hardened"},
		{"imke-full", "default", "G3_A_data_auth", "as published, composed"}, {"imke-full-hardened", "default", "G3_A_data_auth", "hardened, composed"}}},
	{"IMKE", "§3.2 G3", "Secure communications for messages directly sent between clients", "non-injective agreement on (4.7) data at B (reflection)", "imke.md §3.12, §11.1, §11.2 H4", []claimRow{
		{"imke-c", "default", "G3_B_data_auth", "as published"}, {"imke-c-hardened", "default", "G3_B_data_auth", "hardened"},
		{"imke-full", "default", "G3_B_data_auth", "as published, composed"}, {"imke-full-hardened", "default", "G3_B_data_auth", "hardened, composed"}}},
	{"IMKE", "§4.2", "A and B receive the other party's current dynamic public key from S through messages b1 and b2", "the key A gets in b1 is the one B's current login sent in a1 (b1_key_of_B), and B's b2 key is A's (b2_key_of_A): the split models assume this", "imke.md §3.2, §3.8, §6.1", []claimRow{
		{"imke-full", "default", "b1_key_of_B", "as published, composed"}, {"imke-full", "default", "b2_key_of_A", "as published, composed"},
		{"imke-full-hardened", "default", "b1_key_of_B", "hardened, composed"}, {"imke-full-hardened", "default", "b2_key_of_A", "hardened, composed"}}},
	{"IMKE", "§3.2 G2", "Secure communications between a client and the IM server", "S agrees injectively with A on A's 4.2 peer request, with its sequence number (G2_request_from_A); S's data to A is b1 (A5_b1_from_S, G6_b1_fresh)", "imke.md §3.5, §8; H4", []claimRow{
		{"imke-full", "default", "G2_request_from_A", "as published, composed"}, {"imke-full-hardened", "default", "G2_request_from_A", "hardened, composed"}}},
	{"IMKE", "§3.2 G6, §5.2", "To detect replay attacks in data messages, ClientData_A and ServerData are appended/prepended with time-stamps or sequence numbers", "injective agreement of B with A on (4.7) data, whose sequence number B caches (G6_B_data_fresh)", "imke.md §3.12, §8, A5 (register 5)", []claimRow{
		{"imke-full", "default", "G6_B_data_fresh", "as published, composed"}, {"imke-full-hardened", "default", "G6_B_data_fresh", "hardened, composed"}}},
	{"IMKE", "§5.3 Insider-assisted attacks", "If either of A or B is a rogue user ... IMKE avoids these insider-assisted attacks", "with a dishonest registered user e: no offline guessing of an honest password (G1_no_guessing) and the honest pair's K_AB^s stays secret (T7_B_key_secret); agreement is another matter: the insider's unknown-key share (imke-c T5_B_agree, as published)", "imke.md §11.1", []claimRow{
		{"imke-full", "default", "T7_B_key_secret", "as published, insider e"}, {"imke-full-hardened", "default", "T7_B_key_secret", "hardened, insider e"},
		{"imke-c", "default", "T5_B_agree", "as published, insider e"}}},
	{"IMKE", "§4.1 caveats", "A must encrypt KU_A in message a1. Otherwise ... this enables the adversary to decrypt R_S in a2 and send a correct reply to S in a3", "negative variant with KU_A in clear in a1: S takes the attacker's key as A's (T1_a1_key_of_A) and accepts a login A never made (T3_client_auth); the profile's a1 (KU_A under K_AS) holds T3", "imke.md §3.2", []claimRow{
		{"caveat-kua", "default", "T1_a1_key_of_A", "negative variant: KU_A in clear"}, {"caveat-kua", "default", "T3_client_auth", "negative variant: KU_A in clear"},
		{"imke-full", "default", "T3_client_auth", "as published, composed"}}},
	{"IMKE", "§4.1 caveats", "f1 and f2 must differ; otherwise, if an attacker can replace KU_S in A's system, he can deceive A without knowing P_A", "negative variant with KU_S replaced by the attacker's key and f2 = f1: A accepts an a2 the attacker made from her own a1 (T2_server_auth, 3 steps, no server)", "imke.md §4 (f1, f2 distinct), §9", []claimRow{
		{"caveat-f1f2", "substituted_server_key", "T2_server_auth", "negative variant: KU_S replaced, f1 = f2"}}},
	{"IMKE", "§4.1 caveats", "even when f1 and f2 differ, replacing KU_S with the attacker's public key in a user's machine enables an offline dictionary attack on P_A. Having different f1 and f2 makes the attacker's active participation in the protocol harder", "negative variant with KU_S replaced, f1 and f2 distinct: offline guessing from a1 (G1_no_guessing); and with S's help the attacker still deceives A (T2_server_auth, 5 steps: it re-encrypts K_AS for S and puts its own R_S into S's a2)", "imke.md §9 (the online check of KU_S)", []claimRow{
		{"caveat-kus", "substituted_server_key", "G1_no_guessing", "negative variant: KU_S replaced"}, {"caveat-kus", "substituted_server_key", "T2_server_auth", "negative variant: KU_S replaced"}}},
	{"IMKE", "§3.2 G5, §5.2", "Direct or relayed messages ... are encrypted with K_AB^s, which is shared only between A and B. Therefore S (or other malicious parties) cannot decrypt them", "reading 1, an active malicious server: it hands out keys of its own in b1/b2 and reads everything (T7_B_key_secret with S dishonest, the paper's own §4.2 caveat); reading 2, an honest server whose secrets (KR_S, every K_XS^s) leak once the users' sessions are over: K_AB^s stays secret hardened; as published KR_S lets the attacker take over a login still running (the KR_S rows) and through it the key exchange", "imke.md §11.1 (last row: inherent)", []claimRow{
		{"imke-full", "dishonest_server", "T7_B_key_secret", "as published, composed"}, {"imke-full-hardened", "dishonest_server", "T7_B_key_secret", "hardened, composed"},
		{"imke-full", "server_secrets_revealed_later", "T7_B_key_secret", "as published, S's secrets leak later"}, {"imke-full-hardened", "server_secrets_revealed_later", "T7_B_key_secret", "hardened, S's secrets leak later"}}},
	{"IMKE", "§5.3 Exposure of Secrets", "Exposure of the IM server's long term private key allows an attacker to launch offline dictionary attacks on f1(P_A) although the attacker cannot compromise the session key or readily impersonate S", "reading 1, KR_S known to an active attacker: as published it opens a1, lets S answer, puts its own R_S into a2 (the two parts of a2 are not bound) and shares K_AS^s with A (T2_server_auth, T6_key_secret); it also swaps KU_A in a1 and logs in as A (T3_client_auth); hardened (H8: f1 binds K_AS and KU_A, f2 binds R_S) all three hold. Reading 2, KR_S exposed after A logged in: offline guessing only (G1_no_guessing), the session key stays secret (T6_key_secret)", "imke.md §3.2, §3.3, §4, §11.1, §11.2 H6, H8", []claimRow{
		{"imke-full", "server_key_revealed", "T2_server_auth", "as published, KR_S known"}, {"imke-full", "server_key_revealed", "T6_key_secret", "as published, KR_S known"}, {"imke-full", "server_key_revealed", "T3_client_auth", "as published, KR_S known"}, {"imke-full-hardened", "server_key_revealed", "T2_server_auth", "hardened, KR_S known"}, {"imke-full-hardened", "server_key_revealed", "T6_key_secret", "hardened, KR_S known"}, {"imke-full-hardened", "server_key_revealed", "T3_client_auth", "hardened, KR_S known"}, {"imke-full", "server_key_revealed_later", "G1_no_guessing", "as published, KR_S exposed later"}, {"imke-full", "server_key_revealed_later", "T6_key_secret", "as published, KR_S exposed later"}, {"imke-full-hardened", "server_key_revealed_later", "G1_no_guessing", "hardened, KR_S exposed later"}, {"imke-full-hardened", "server_key_revealed_later", "T6_key_secret", "hardened, KR_S exposed later"}}},
	{"IMKE", "§5.3 Exposure of Secrets", "If the session key K_AS^s between A and S is exposed, an attacker cannot learn P_A", "weaksecret P_A with A's K_AS^s revealed after a3 (G1_no_guessing)", "imke.md §3.7", []claimRow{
		{"imke-full", "session_key_revealed", "G1_no_guessing", "as published, K_AS^s revealed"}, {"imke-full-hardened", "session_key_revealed", "G1_no_guessing", "hardened, K_AS^s revealed"}}},
	{"IMKE", "§5.3 Exposure of Secrets", "the disclosure of an ephemeral key K_AS ... enables an offline dictionary attack on f1(P_A)", "weaksecret P_A with A's K_AS revealed after a3 (G1_no_guessing); K_AS^s stays secret (T6_key_secret: R_S is under KU_A)", "imke.md §3.7", []claimRow{
		{"imke-full", "kas_revealed", "G1_no_guessing", "as published, K_AS revealed"}, {"imke-full", "kas_revealed", "T6_key_secret", "as published, K_AS revealed"}, {"imke-full-hardened", "kas_revealed", "G1_no_guessing", "hardened, K_AS revealed"}}},
	{"IMKE", "§5.3 Exposure of Secrets", "the disclosure of A's dynamic private key ... enables an attacker to reply correctly in message a3, IMKE still provides forward secrecy", "with KR_A leaked after a1: S accepts a login A never completed (T3_client_auth), K_AS^s stays secret (T6_key_secret); and A can be given another R_S (T2_server_auth), since KU_A is no longer secret", "imke.md §3.3, §3.4", []claimRow{
		{"imke-full", "dynamic_key_revealed", "T3_client_auth", "as published, KR_A revealed"}, {"imke-full", "dynamic_key_revealed", "T6_key_secret", "as published, KR_A revealed"}, {"imke-full", "dynamic_key_revealed", "T2_server_auth", "as published, KR_A revealed"}, {"imke-full-hardened", "dynamic_key_revealed", "T3_client_auth", "hardened, KR_A revealed"}, {"imke-full-hardened", "dynamic_key_revealed", "T6_key_secret", "hardened, KR_A revealed"}, {"imke-full-hardened", "dynamic_key_revealed", "T2_server_auth", "hardened, KR_A revealed"}}},
	{"IMKE", "§5.3 Exposure of Secrets", "When both the IM server's long term private key and a user's dynamic private key are exposed, an attacker can calculate the session key", "K_AS^s is derivable once KR_S and KR_A are revealed after a3 (T6_key_secret): the attack the paper expects", "imke.md §3.7", []claimRow{
		{"imke-full", "server_and_dynamic_keys_revealed", "T6_key_secret", "as published"}, {"imke-full-hardened", "server_and_dynamic_keys_revealed", "T6_key_secret", "hardened"}}},
}
