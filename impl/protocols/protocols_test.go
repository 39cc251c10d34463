package protocols

import (
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// TestHonestRuns runs every protocol's honest script on every suite and
// variant through the harness and checks the events that matter: every
// message sent is accepted by its recipient with the same body.
func TestHonestRuns(t *testing.T) {
	for _, name := range []string{"imke", "simp"} {
		p, err := harness.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range suite.All() {
			for _, v := range p.Variants() {
				t.Run(name+"/"+s.Name+"/"+v, func(t *testing.T) {
					if testing.Short() && s.ID == suite.Classic {
						t.Skip("classic keys are slow to build")
					}
					n, err := harness.RunHonest(p, harness.DefaultSetup(name, s, v))
					if err != nil {
						t.Fatalf("honest run: %v\n%s", err, n.Transcript.Mermaid())
					}
					sent, accepted := map[string]bool{}, map[string]bool{}
					for _, e := range n.Events {
						key := string(e.Body)
						switch e.Kind {
						case role.MessageSent:
							sent[e.Role+">"+e.Peer+":"+key] = true
						case role.MessageAccepted:
							accepted[e.Peer+">"+e.Role+":"+key] = true
						}
					}
					if len(sent) < 2 {
						t.Fatalf("only %d messages sent", len(sent))
					}
					for k := range sent {
						if !accepted[k] {
							t.Errorf("sent %s never accepted", k)
						}
					}
				})
			}
		}
	}
}

func TestSetupErrors(t *testing.T) {
	p, _ := harness.Lookup("simp")
	s := harness.DefaultSetup("simp", suite.All()[1], "as-published")
	s.Options = map[string]string{"m": "x"}
	if _, err := p.NewParties(s); err == nil {
		t.Error("m=x accepted")
	}
	s.Options = map[string]string{"m": "1"}
	if _, err := p.NewParties(s); err == nil {
		t.Error("m=1 accepted")
	}
	s.Options = nil
	s.Variant = "quietly-repaired"
	if _, err := p.NewParties(s); err == nil {
		t.Error("unknown variant accepted")
	}
	s.Variant = "hardened"
	if _, err := p.NewParty(s, "mallory"); err == nil {
		t.Error("a party outside the setup was built")
	}
}
