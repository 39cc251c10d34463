package adversary

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/suite"
)

// The IMKE paper's own §4.2 caveat: a malicious server hands out keys of
// its own making and reads the users' "end-to-end" traffic. Checked under
// Scope{EndToEnd: true}; inherent in both variants (profile §11.1).
func init() {
	RegisterAttack(&Attack{
		ID: "imke-server-mitm", Protocol: "imke", Source: "profile",
		Title: "a dishonest server logs in as bob with a key pair of its own, so alice's b1 carries its key; " +
			"it answers alice's c1 itself and reads what she sends bob",
		Weakness:  "IMKE §4.2 caveat: the server's man in the middle (not removed by hardening)",
		Dishonest: []string{"S"},
		Scope:     Scope{EndToEnd: true},
		NotFixed:  true,
		Expect: []Expect{{Property: Confidentiality, Party: "alice", Peer: "bob", What: "session-key"},
			{Property: Confidentiality, Party: "alice", Peer: "bob", What: "body"}},
		Script: imkeServerMITM,
	})
}

func imkeServerMITM(n *Network) error {
	if err := n.Do(login("alice"), login("bob")); err != nil {
		return err
	}
	// The server knows bob's password: it logs "bob" in with its own key.
	storage, err := imke.ParsePasswordStorage(n.Setup.Options[imke.OptionPasswordStorage])
	if err != nil {
		return err
	}
	w := imke.PasswordRecord(storage, "bob", []byte(n.Setup.Password("bob")))
	if err := imkeForgeLogin(n, "bob", w); err != nil {
		return err
	}
	for len(n.Pool) > 0 { // the real bob's notices of the new login go nowhere
		n.Drop(n.Pool[0].ID)
	}
	if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
		return err
	}
	// Everything for bob now comes to the server's own "bob": taken off
	// the network; the rest flows.
	var c1p *Packet
	for len(n.Pool) > 0 {
		p := n.Pool[0]
		if p.Msg.To != "bob" {
			if err := n.Need(n.Deliver(p.ID)); err != nil {
				return err
			}
			continue
		}
		if p.Msg.Label == "c1" {
			c1p = p
		}
		n.Drop(p.ID)
	}
	if c1p == nil {
		return fmt.Errorf("adversary: alice sent no c1 to bob")
	}
	n.Saturate()
	ra := n.Knowledge.Tagged("R_A")
	kab := n.Knowledge.Tagged("K_AB")
	kuA := n.Knowledge.Tagged("pub alice")
	if len(ra) == 0 || len(kab) == 0 || len(kuA) == 0 {
		return fmt.Errorf("adversary: the server could not open alice's c1 (R_A %d, K_AB %d, KU_A %d)", len(ra), len(kab), len(kuA))
	}
	pub, err := n.Setup.Suite.ParsePublicKey(kuA[len(kuA)-1])
	if err != nil {
		return err
	}
	rb, err := n.Ctx.Random(suite.KeySize)
	if err != nil {
		return err
	}
	n.Knowledge.Learn([]Fact{fact(rb, "R_B", "the server's own R_B")}, "")
	secret, aad := rb, [][]byte(nil)
	hardened := n.Setup.Variant == string(imke.Hardened)
	if hardened {
		if secret, err = (&imke.BoundSecret{Secret: rb, Sender: "bob", Receiver: "alice"}).Marshal(); err != nil {
			return err
		}
		aad = [][]byte{[]byte("alice"), []byte("bob"), n.Ctx.Hash(imkeLabelC2RB, rb)} // H7 binds h(R_B): the server knows it
	}
	enc, err := n.Ctx.Encrypt(pub, imkeLabelEncRB, secret)
	if err != nil {
		return err
	}
	sealed, err := n.Ctx.Seal(kab[len(kab)-1], imkeLabelSealC2, n.Ctx.Hash("imke f6", ra[len(ra)-1]), aad...)
	if err != nil {
		return err
	}
	c2, err := (&imke.KeyTransportReply{Suite: n.Setup.Suite.ID, EncryptedChallenge: enc, SealedProof: sealed}).Marshal()
	if err != nil {
		return err
	}
	if err := n.Need(n.Inject("bob", "alice", c2, "c2 built by the server with its own R_B")); err != nil {
		return err
	}
	for len(n.Pool) > 0 { // alice's c3 goes to the server, not bob
		n.Drop(n.Pool[0].ID)
	}
	return n.Need(n.Act(send("alice", "bob", "for bob's eyes only")))
}
