package imke

import (
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// renewal is a key renewal (4.4/4.5, profile §7) that this party started
// and that is waiting for the other side's contribution.
type renewal struct {
	initiator bool
	secret    []byte // K_AS1 (client) or R_S1 (server): wiped once used
	enc       []byte // our ciphertext {K_AS1}_{E_S} or {R_S1}_{E_A}
}

// renewedKeys derives the renewed K_AS^s, K_AS^m as in 4.1.
func renewedKeys(fn functions, kas1, rs1 []byte) *channelKeys {
	return &channelKeys{enc: fn.f4(kas1, rs1), mac: fn.f5(rs1, kas1)}
}

// renewalConfirm is the hardened key confirmation tag:
// MAC(new K^m, Encode("imke renewal confirm", {K_AS1}_{E_S}, {R_S1}_{E_A})).
func renewalConfirm(ctx *suite.Ctx, k *channelKeys, encK, encR []byte) []byte {
	return ctx.MAC(k.mac, labelRenewConfirm, encK, encR)
}

// StartRenewal starts a client-side key renewal: A draws K_AS1 and sends
// 4.4. Until the new keys are in place A sends nothing to S (the paper's
// stop-sending rule).
func (c *Client) StartRenewal() (role.Output, error) {
	if c.phase != clientLoggedIn {
		return role.Output{}, alert(role.UnexpectedMessage, "4.4", "not logged in")
	}
	if c.renewal != nil {
		return role.Output{}, alert(role.UnexpectedMessage, "4.4", "a renewal is already in progress")
	}
	kas1, err := c.ctx.Random(secretSize)
	if err != nil {
		return role.Output{}, alert(role.InternalError, "4.4", "%v", err)
	}
	enc, err := c.ctx.Encrypt(c.cfg.ServerKey, labelEncKAS1, kas1)
	if err != nil {
		return role.Output{}, alert(role.InternalError, "4.4", "encrypt K_AS1: %v", err)
	}
	m, commit, err := c.renewalMessage(enc, RenewalInitiate, nil)
	if err != nil {
		return role.Output{}, err
	}
	commit()
	c.renewal = &renewal{initiator: true, secret: kas1, enc: enc}
	var out role.Output
	out.Send(m)
	return out, nil
}

// renewalMessage builds 4.4 under the current keys: the as-published
// RenewalKey, or the hardened renewal item inside a sequenced 4.2.
func (c *Client) renewalMessage(enc []byte, phase uint8, confirm []byte) (role.Message, func(), error) {
	if c.cfg.Variant.hardened() {
		return c.sealToServerAnyway(&Item{Kind: ItemRenewal, Phase: phase, Key: enc, Confirm: confirm}, "4.4")
	}
	sealed, mac, err := protect(c.ctx, c.keys, bindFor(AsPublished, "", 0, "", ""), enc)
	if err != nil {
		return role.Message{}, nil, alert(role.InternalError, "4.4", "seal: %v", err)
	}
	b, err := (&RenewalKey{Unsequenced{Suite: c.suiteID(), Sealed: sealed, MAC: mac}}).Marshal()
	if err != nil {
		return role.Message{}, nil, err
	}
	return role.Message{From: c.cfg.Identity, To: c.cfg.Server, Label: "4.4", Bytes: b}, func() {}, nil
}

// handleRenewalChallenge opens the as-published 4.5.
func (c *Client) handleRenewalChallenge(msg []byte) step {
	if c.cfg.Variant.hardened() {
		return reject(alert(role.UnexpectedMessage, "4.5", "hardened renewal comes inside 4.3"))
	}
	m, err := UnmarshalRenewalChallenge(msg)
	if err != nil {
		return reject(err)
	}
	enc, err := unprotect(c.ctx, c.keys, bindFor(AsPublished, "", 0, "", ""), m.Sealed, m.MAC, "4.5")
	if err != nil {
		return reject(err)
	}
	return c.acceptServerRenewal(enc, 0, nil, "4.5")
}

// acceptServerRenewal handles S's contribution {R_S1}_{E_A}: as the answer
// to A's 4.4, or as S's own start, which A answers with 4.4 (profile §7).
func (c *Client) acceptServerRenewal(encR []byte, phase uint8, confirm []byte, label string) step {
	hardened := c.cfg.Variant.hardened()
	rs1, err := c.ctx.Decrypt(c.kr, labelEncRS1, encR)
	if err != nil || len(rs1) != secretSize {
		return reject(alert(role.DecryptError, label, "cannot decrypt R_S1"))
	}
	pending := c.renewal
	serverWins := hardened && pending != nil && phase == RenewalInitiate
	if pending != nil && !serverWins {
		// S's contribution completes A's renewal. As published this is
		// also how a simultaneous start resolves: each side's first
		// message serves as the other's answer.
		keys := renewedKeys(c.fn, pending.secret, rs1)
		if hardened && !suite.Equal(confirm, renewalConfirm(c.ctx, keys, pending.enc, encR)) {
			return reject(alert(role.AuthFailed, label, "key confirmation does not verify"))
		}
		var out role.Output
		out.Emit(role.Event{Kind: role.KeysRenewed, Role: c.cfg.Identity, Peer: c.cfg.Server, Key: clone(keys.enc), Note: "initiator"})
		return step{out: out, commit: func() {
			c.keys.wipe()
			c.keys = keys
			wipe(pending.secret, rs1)
			c.renewal = nil
		}}
	}
	if hardened && phase != RenewalInitiate {
		return reject(alert(role.UnexpectedMessage, label, "renewal answer without a renewal"))
	}
	kas1, err := c.ctx.Random(secretSize)
	if err != nil {
		return reject(alert(role.InternalError, label, "%v", err))
	}
	encK, err := c.ctx.Encrypt(c.cfg.ServerKey, labelEncKAS1, kas1)
	if err != nil {
		return reject(alert(role.InternalError, "4.4", "encrypt K_AS1: %v", err))
	}
	keys := renewedKeys(c.fn, kas1, rs1)
	var tag []byte
	if hardened {
		tag = renewalConfirm(c.ctx, keys, encK, encR)
	}
	m, commitSend, err := c.renewalMessage(encK, RenewalRespond, tag)
	if err != nil {
		return reject(err)
	}
	note := "responder"
	if serverWins {
		note = "responder; simultaneous start, the server wins"
	}
	var out role.Output
	out.Send(m)
	out.Emit(role.Event{Kind: role.KeysRenewed, Role: c.cfg.Identity, Peer: c.cfg.Server, Key: clone(keys.enc), Note: note})
	return step{out: out, commit: func() {
		commitSend()
		if pending != nil {
			wipe(pending.secret)
		}
		c.renewal = nil
		c.keys.wipe()
		c.keys = keys
		wipe(kas1, rs1)
	}}
}
