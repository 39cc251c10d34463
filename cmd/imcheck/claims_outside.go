package main

// outsideClaim is a claim of a paper that no Dolev-Yao model can decide:
// why, and what test or tool covers it instead.
type outsideClaim struct {
	paper, section, words string
	why                   string // why it is outside a Dolev-Yao model
	covered               string // the test, benchmark or command that covers it instead
}

var outsideClaims = []outsideClaim{
	// SIMP
	{"SIMP", "Abstract, §7", "the proposed protocol has better transaction performance than existing protocols ... due to lower number of cryptographic operations",
		"a cost, not a security property: a symbolic model counts no operations and measures no time",
		"`imcheck opcount` (cmd/imcheck `TestOpcountSIMP`, `TestOpcountIMKE`; simp.md §11, imke.md §13) and `BenchmarkSIMPvsIMKE` in impl/imke (simp.md §12, imke.md §14)"},
	{"SIMP", "§2", "each IM message should be transmitted from a sender to a recipient within limited time which is acceptable by both communicating parties",
		"timing; the attacker of a Dolev-Yao model can always delay or drop messages",
		"the benchmarks with their floors (`make bench`: `BenchmarkLogin`, `BenchmarkKeyExchange`, `BenchmarkMessageE6` in impl/simp)"},
	{"SIMP", "§4", "it increases difficulty to trace back to the preference key if the session key is compromised ... The higher number of round is performed, the greater security the system is",
		"cryptanalytic difficulty: in the model every SK_j is a one-way function of {K, DK, j}, so a revealed SK_j gives no other key by construction, whatever the number of rounds; the paper's chain gives SK_j from SK_(j-1) and the three mid keys of the previous round (simp.md A5)",
		"impl/simp `TestKeyGenMatchesReference`, `TestKeyGenSensitivity`, `TestMidPositions`, `TestKeyGenLimits`"},
	{"SIMP", "§7", "even though the proposed protocol relies heavily on symmetric cryptographic operations that are generally known that their security is weaker ... the proposed protocol overcomes this limitation by not reusing session keys",
		"computational strength of primitives; the symbolic part, one key per message, is the SK_used_once and B_key_once rows",
		"impl/simp `TestConcurrentSendsKeyReuse`, `TestRejections` (replayed indices), `TestExhaustion`"},
	// IMKE
	{"IMKE", "§3.1", "denial of service (DoS) attacks against IM clients or the server are not fully addressed by IMKE. However, IMKE helps the server and clients to limit the extent of these attacks",
		"availability: a Dolev-Yao attacker may always drop every message, so no trace property can express it",
		"impl/netio `TestLoginLimiterWindow`, `TestServerLimitsFailedLogins`, `TestRelayFloodToStalledReader`, `TestAnnouncedFramesCostNothing`, `TestReadDeadlines` (docs/limits.md)"},
	{"IMKE", "§1, §2", "IMKE may be implemented using any well-known public key cryptosystem (e.g. RSA, ElGamal, elliptic curve) that supports encryption, without requiring any additional special constraints",
		"a statement about concrete schemes; the model has one ideal public-key encryption",
		"every impl/imke test runs the suites classic (RSA-OAEP), modern (HPKE X25519) and pq (HPKE X-Wing): `TestHonestRun`, `TestRejections`, `TestSuitesRoundTrip` in impl/suite"},
	{"IMKE", "§2", "IMKE uses a known server public key to encrypt a random (session) key ... This enables IMKE to avoid partition attacks",
		"partition attacks exploit the number-theoretic structure of encrypted values (EKE), which a symbolic model has not; the symbolic part is G1 (weaksecret P_A)",
		"the G1_no_guessing rows; the password only ever enters f1 and f2 (imke.md §4, impl/imke `TestFunctionsDistinct`)"},
	{"IMKE", "§4.1", "R_S and K_AS must be large enough (e.g. 128-bit) to withstand an exhaustive search",
		"exhaustive search is computational; in the model fresh values are never guessed",
		"imke.md §1 (every secret is 32 bytes) and the strict fixed-length parsing of impl/imke (`TestRejections`, `TestCodecRoundTrip`)"},
	{"IMKE", "§4.1, §4.2, M4", "At the end of the PAKE phase, A and S zero out K_AS and R_S from the program memory ... A and B also zero out ephemeral values R_A, R_B and K_AB",
		"memory hygiene: the model has no memory; what a leak of those values gives is modelled by the reveal scenarios (kas_revealed, dynamic_key_revealed)",
		"impl/imke `TestSecretsWiped`, `TestWrongF2Disconnects`"},
	{"IMKE", "§4.1", "The duration of the session key (K_AS^s) should be set carefully ... A new session key should be negotiated after a certain period",
		"a period of time and a key size against brute force; the model has neither",
		"impl/imke `TestSimultaneousRenewal`, `TestRenewalStopsSending` (imke.md §7)"},
	{"IMKE", "§4.1, M5", "The server's public key KU_S is verified online, using e.g., the public password method",
		"a person comparing words; the model's side is the caveat of a substituted KU_S",
		"`imcheck fingerprint imke` (cmd/imcheck `TestFingerprintIMKE`; imke.md §9)"},
	{"IMKE", "§3.2 footnote 5", "the server could store only an image or one-way hash of passwords to minimize the impact of the password (image) file exposure, although this typically still does not prevent brute force attacks",
		"a storage choice on the server, not a message of the protocol",
		"impl/imke `TestImageIsPasswordEquivalent` (imke.md §10)"},
	{"IMKE", "§4.2 caveats", "the attack could be exposed, e.g., if that pair attempts to verify their (per-login session) public keys through, e.g., a dynamically updated web site or another service",
		"an out-of-band channel the protocol does not have",
		"not implemented: imcheck has no peer-key fingerprint; the malicious-server rows show the attack it would expose"},
	{"IMKE", "§5.3", "IMKE is (apparently) also resistant to ... many-to-many guessing attack",
		"a count of guesses spread over many users' transcripts; a symbolic model decides per password whether one guess can be tested, not how many",
		"the G1_no_guessing rows (no offline test of any user's password from the messages)"},
	{"IMKE", "§1, §5", "The protocol has also been tested (with no flaws found) by the AVISPA ... formal analysis tool",
		"a statement about another tool's run on another model of IMKE",
		"the attack rows of this table: the unknown-key share (imke-c T5_B_agree), 4.7 reflection (G3_A_data_auth), stale b1 (G6_b1_fresh), and the KR_S exposure rows"},
	{"IMKE", "§6", "IMKE users require no hardware tokens or long-term user public keys to log in to the IM server",
		"a design fact, not a property of runs",
		"imke.md §2 (a dynamic key pair per login), impl/imke `TestHonestRun`"},
	{"IMKE", "§4.1 (key renewal)", "The initiator must stop sending any messages before the new keys are established",
		"a rule on what a role may send, not a property of the messages: the model's roles send nothing between 4.4 and 4.5 by construction",
		"impl/imke `TestRenewalStopsSending` (imke.md §7.2)"},
	{"IMKE", "§3.2 G4, §5.2", "Any message created by A can also be created by B. Therefore the sender of a message can repudiate generating and sending the message",
		"repudiation is the absence of evidence to a third party, which no trace property of the protocol's own runs expresses; its symbolic side is that 4.7 is under keys both A and B hold",
		"impl/imke `TestReflectionWeakness` (a 4.7 either side could have built, imke.md §3.12) and the G3 rows"},
}
