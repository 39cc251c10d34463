package imke

import (
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// StartRenewal starts a server-side key renewal with user id: S draws R_S1
// and sends 4.5. Until the new keys are in place S holds back everything
// else for id (the stop-sending rule).
func (s *Server) StartRenewal(id string) (role.Output, error) {
	ss := s.loggedIn(id)
	if ss == nil {
		return role.Output{}, alert(role.UnknownPeer, "4.5", "%q is not logged in", id)
	}
	if ss.renewal != nil {
		return role.Output{}, alert(role.UnexpectedMessage, "4.5", "a renewal with %q is already in progress", id)
	}
	rs1, err := s.ctx.Random(secretSize)
	if err != nil {
		return role.Output{}, alert(role.InternalError, "4.5", "%v", err)
	}
	enc, err := s.ctx.Encrypt(ss.ku, labelEncRS1, rs1)
	if err != nil {
		return role.Output{}, alert(role.InternalError, "4.5", "encrypt R_S1: %v", err)
	}
	seq := ss.sendSeq
	m, err := s.renewalMessage(ss, &seq, enc, RenewalInitiate, nil)
	if err != nil {
		return role.Output{}, err
	}
	ss.sendSeq = seq
	ss.renewal = &renewal{initiator: true, secret: rs1, enc: enc}
	var out role.Output
	out.Send(m)
	return out, nil
}

// renewalMessage builds 4.5 under ss's current keys: the as-published
// RenewalChallenge, or the hardened renewal item in a sequenced 4.3.
func (s *Server) renewalMessage(ss *serverSession, seq *uint64, enc []byte, phase uint8, confirm []byte) (role.Message, error) {
	if s.cfg.Variant.hardened() {
		return s.sealOut(ss, ss.keys, seq, Item{Kind: ItemRenewal, Phase: phase, Key: enc, Confirm: confirm}, "4.5")
	}
	sealed, mac, err := protect(s.ctx, ss.keys, bindFor(AsPublished, "", 0, "", ""), enc)
	if err != nil {
		return role.Message{}, alert(role.InternalError, "4.5", "seal: %v", err)
	}
	b, err := (&RenewalChallenge{Unsequenced{Suite: s.cfg.Suite.ID, Sealed: sealed, MAC: mac}}).Marshal()
	if err != nil {
		return role.Message{}, err
	}
	return role.Message{From: s.cfg.Name, To: ss.id, Label: "4.5", Bytes: b}, nil
}

// handleRenewalKey opens the as-published 4.4.
func (s *Server) handleRenewalKey(ss *serverSession, msg []byte) step {
	m, err := UnmarshalRenewalKey(msg)
	if err != nil {
		return reject(err)
	}
	enc, err := unprotect(s.ctx, ss.keys, bindFor(AsPublished, "", 0, "", ""), m.Sealed, m.MAC, "4.4")
	if err != nil {
		return reject(err)
	}
	return s.acceptClientRenewal(ss, enc, 0, nil, "4.4")
}

// acceptClientRenewal handles A's contribution {K_AS1}_{E_S}: as the
// answer to S's 4.5, or as A's own start, which S answers with 4.5.
func (s *Server) acceptClientRenewal(ss *serverSession, encK []byte, phase uint8, confirm []byte, label string) step {
	hardened := s.cfg.Variant.hardened()
	kas1, err := s.ctx.Decrypt(s.cfg.Key, labelEncKAS1, encK)
	if err != nil || len(kas1) != secretSize {
		return reject(alert(role.DecryptError, label, "cannot decrypt K_AS1"))
	}
	if pending := ss.renewal; pending != nil {
		if hardened && phase == RenewalInitiate {
			return reject(alert(role.UnexpectedMessage, label, "simultaneous renewal start: the server's renewal wins"))
		}
		keys := renewedKeys(s.fn, kas1, pending.secret)
		if hardened && !suite.Equal(confirm, renewalConfirm(s.ctx, keys, encK, pending.enc)) {
			return reject(alert(role.AuthFailed, label, "key confirmation does not verify"))
		}
		// Release what was held back, under the new keys.
		seq := ss.sendSeq
		var out role.Output
		for _, it := range ss.held {
			m, err := s.sealOut(ss, keys, &seq, it, heldLabel(it))
			if err != nil {
				return reject(err)
			}
			out.Send(m)
		}
		out.Emit(role.Event{Kind: role.KeysRenewed, Role: s.cfg.Name, Peer: ss.id, Key: clone(keys.enc), Note: "initiator"})
		return step{out: out, commit: func() {
			ss.keys.wipe()
			ss.keys = keys
			ss.sendSeq = seq
			ss.held = nil
			wipe(pending.secret, kas1)
			ss.renewal = nil
		}}
	}
	if hardened && phase != RenewalInitiate {
		return reject(alert(role.UnexpectedMessage, label, "renewal answer without a renewal"))
	}
	rs1, err := s.ctx.Random(secretSize)
	if err != nil {
		return reject(alert(role.InternalError, "4.5", "%v", err))
	}
	encR, err := s.ctx.Encrypt(ss.ku, labelEncRS1, rs1)
	if err != nil {
		return reject(alert(role.InternalError, "4.5", "encrypt R_S1: %v", err))
	}
	keys := renewedKeys(s.fn, kas1, rs1)
	var tag []byte
	if hardened {
		tag = renewalConfirm(s.ctx, keys, encK, encR)
	}
	seq := ss.sendSeq
	m, err := s.renewalMessage(ss, &seq, encR, RenewalRespond, tag)
	if err != nil {
		return reject(err)
	}
	var out role.Output
	out.Send(m)
	out.Emit(role.Event{Kind: role.KeysRenewed, Role: s.cfg.Name, Peer: ss.id, Key: clone(keys.enc), Note: "responder"})
	return step{out: out, commit: func() {
		ss.sendSeq = seq
		ss.keys.wipe()
		ss.keys = keys
		wipe(kas1, rs1)
	}}
}

func heldLabel(it Item) string {
	switch it.Kind {
	case ItemPeerKey:
		return "b1/b2"
	case ItemRelayed:
		if h := Label(peekType(it.Body)); h != "" {
			return h + " (4.3)"
		}
	}
	return "4.3"
}

func peekType(b []byte) uint8 {
	if len(b) == 0 {
		return 0
	}
	return b[0]
}
