package conformance

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// The default setup's identities (docs/spec/harness.md §Setup).
const (
	defaultServer = "S"
	maxDeliveries = 1000
)

// caseFailure is an unmet expectation: the instance fails with its text.
type caseFailure struct{ msg string }

func (f *caseFailure) Error() string { return f.msg }

func failf(format string, args ...any) error {
	return &caseFailure{msg: fmt.Sprintf(format, args...)}
}

// caseRun is one instance running: reference parties around the IUT party,
// on the gate's network.
type caseRun struct {
	inst    Instance
	proto   harness.Protocol
	setup   harness.Setup
	iutName string
	iut     Party
	refs    map[string]harness.Party
	lenient bool
	// toIUT and fromIUT log every genuine message to and from the IUT.
	toIUT, fromIUT []role.Message
	// stepEvents are the IUT's events in the current step, allEvents in
	// the whole case; refEvents the reference parties' in the step.
	stepEvents, allEvents, refEvents []role.Event
	// trace is written by the case's goroutine and read by the runner
	// when the case times out.
	traceMu sync.Mutex
	trace   []string
	// ic is the active intercept; icSeen counts its matches.
	ic      *Intercept
	icSeen  int
	icDone  bool
	stopped bool // an intercept without Resume ended the case
	// genuine counts the genuine deliveries to the IUT and its actions;
	// lenientNote is the first alert-class mismatch lenient_alerts let
	// through, at genuine count lenientAt: it stands only if the run went
	// on after it (the probe shows the state is right).
	genuine     int
	lenientNote string
	lenientAt   int
	// tr is what the transcript invariants read (invariants.go).
	tr transcript
	// step is the step running (from 1); held, a message a Hold intercept
	// keeps back in step holdStep; refRejects, what the step lets a
	// reference party reject of the IUT's, and refRejected whether one did.
	step        int
	held        *role.Message
	holdStep    int
	refRejects  []role.AlertClass
	refRejected bool
	// kept are the snapshots of Restart steps with Keep, by name.
	kept map[string][]byte
}

// newSetup is the setup of an instance: the default setup with the case's
// options.
func newSetup(inst Instance) (harness.Setup, error) {
	s, err := suite.ByName(inst.Suite)
	if err != nil {
		return harness.Setup{}, err
	}
	setup := harness.DefaultSetup(inst.Case.Protocol, s, inst.Variant)
	if len(inst.Case.Options) > 0 {
		setup.Options = cloneOptions(inst.Case.Options)
	}
	if len(inst.Case.Users) > 0 {
		setup.Users = inst.Case.Users
	}
	if inst.Case.Server != "" {
		setup.Server = inst.Case.Server
	}
	return setup, nil
}

func newCaseRun(inst Instance, lenient bool) *caseRun {
	return &caseRun{inst: inst, iutName: inst.Case.Party, lenient: lenient}
}

// snapshot copies the trace so far.
func (r *caseRun) snapshot() []string {
	r.traceMu.Lock()
	defer r.traceMu.Unlock()
	return slices.Clone(r.trace)
}

// execute runs the instance's steps against iut. It returns nil when every
// expectation holds, a *caseFailure, or an error wrapping ErrUnsupported or
// an *IUTError.
func (r *caseRun) execute(iut IUT) (err error) {
	inst := r.inst
	if r.proto, err = harness.Lookup(inst.Case.Protocol); err != nil {
		return err
	}
	if r.setup, err = newSetup(inst); err != nil {
		return err
	}
	refSetup := r.setup
	if len(inst.Case.RefOptions) > 0 {
		refSetup.Options = cloneOptions(r.setup.Options)
		for k, v := range inst.Case.RefOptions {
			refSetup.Options[k] = v
		}
	}
	if r.refs, err = r.proto.NewParties(refSetup); err != nil {
		return fmt.Errorf("conformance: reference parties: %w", err)
	}
	if _, ok := r.refs[r.iutName]; !ok {
		return fmt.Errorf("conformance: case %s: no party %q in the setup", inst.Case.ID, r.iutName)
	}
	delete(r.refs, r.iutName)
	r.logf("new-party %s (%s, %s, %s)", r.iutName, inst.Case.Protocol, inst.Suite, inst.Variant)
	if r.iut, err = iut.NewParty(r.setup, r.iutName); err != nil {
		return err
	}
	if inst.Case.Custom != nil {
		return inst.Case.Custom(&CustomRun{Setup: r.setup, Name: r.iutName, Party: r.iut, Logf: r.logf})
	}
	r.tr = transcript{iut: r.iutName, protocol: inst.Case.Protocol, variant: inst.Variant, suite: uint16(r.setup.Suite.ID), options: r.setup.Options}
	r.ic = inst.Case.Intercept
	for i, s := range inst.Case.Steps {
		if r.stopped {
			break
		}
		r.stepEvents, r.refEvents = nil, nil
		r.step, r.refRejects, r.refRejected = i+1, s.RefRejects, false
		if s.Act != nil {
			err = r.act(s)
			if s.Act.Verb == harness.Renew {
				r.tr.renewed(s.Act.Party, s.Act.Peer)
			}
		} else if s.Restart != nil {
			err = r.restart(s.Restart)
		} else {
			err = r.inject(s.Inject)
		}
		if err == nil && r.held != nil && r.holdStep < r.step {
			err = r.release()
		}
		if err == nil {
			err = r.checkStep(s)
		}
		if err != nil {
			var f *caseFailure
			if errors.As(err, &f) {
				f.msg = fmt.Sprintf("step %d: %s", i+1, f.msg)
			}
			return err
		}
	}
	if c := inst.Case; c.Intercept != nil && !r.icDone {
		return failf("no %s reached the IUT (the flow stopped before it)", c.Intercept.Label)
	}
	if inst.Case.UniqueKeys {
		if err := uniqueKeys(r.allEvents); err != nil {
			return err
		}
	}
	if !r.stopped {
		if p, ok := containsInOrder(r.allEvents, inst.Case.Events); !ok {
			return failf("over the case the IUT did not emit %s (it emitted: %s)", p, eventList(r.allEvents))
		}
	}
	if err := r.tr.check(); err != nil {
		return err
	}
	if r.lenientNote != "" && (r.stopped || r.genuine == r.lenientAt) {
		return failf("%s; lenient_alerts lets a wrong class through only where the run goes on to show the state is right, and nothing follows here", r.lenientNote)
	}
	return nil
}

// logf adds a line to the trace; a case's trace is bounded, so a runaway
// flow cannot grow it without limit.
func (r *caseRun) logf(format string, args ...any) {
	r.traceMu.Lock()
	defer r.traceMu.Unlock()
	if len(r.trace) >= 4*maxTraceLines {
		r.trace = append(r.trace[:maxTraceLines/4], r.trace[len(r.trace)-maxTraceLines:]...)
	}
	r.trace = append(r.trace, truncate(fmt.Sprintf(format, args...), maxTraceLine))
}

// checkStep checks the step's event expectations.
func (r *caseRun) checkStep(s Step) error {
	if p, ok := containsInOrder(r.stepEvents, s.Events); !ok {
		return failf("the IUT did not emit %s (it emitted: %s)", p, eventList(r.stepEvents))
	}
	for _, e := range r.stepEvents {
		if slices.Contains(s.Absent, e.Kind) {
			return failf("the IUT emitted %s, which it must not here", e)
		}
	}
	if len(s.RefRejects) > 0 && !r.refRejected {
		return failf("no reference party rejected the IUT's message with %s, as the profile says it must", classList(s.RefRejects))
	}
	if p, ok := containsInOrder(r.refEvents, s.RefEvents); !ok {
		return failf("the reference parties did not reach %s: the IUT's state is not what the profile says (they emitted: %s)",
			p, eventList(r.refEvents))
	}
	return nil
}

// restart runs a Restart step. The IUT advertised FeatureRestart (the
// runner checked), so a party it cannot restart, or an unsupported answer,
// fails the case.
func (r *caseRun) restart(rs *Restart) error {
	p, ok := r.iut.(Restartable)
	if !ok {
		return &IUTError{Op: "restart", Reason: "it advertises restart, but its party cannot be restarted"}
	}
	var err error
	switch {
	case rs.Keep != "":
		r.logf("snapshot %s as %q", r.iutName, rs.Keep)
		var b []byte
		if b, err = p.Snapshot(); err == nil {
			if r.kept == nil {
				r.kept = map[string][]byte{}
			}
			r.kept[rs.Keep] = b
		}
	case rs.From != "":
		b, ok := r.kept[rs.From]
		if !ok {
			return fmt.Errorf("conformance: case %s: no snapshot %q kept before", r.inst.Case.ID, rs.From)
		}
		r.logf("restart %s from the snapshot %q", r.iutName, rs.From)
		r.tr.stale = append(r.tr.stale, len(r.tr.entries))
		err = p.RestartFrom(b)
	default:
		r.logf("restart %s", r.iutName)
		err = p.Restart()
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrUnsupported) {
		return &IUTError{Op: "restart", Reason: "it advertises restart but answered unsupported: " + err.Error()}
	}
	var ie *IUTError
	if errors.As(err, &ie) {
		return err
	}
	return &IUTError{Op: "restart", Reason: err.Error()}
}

// uniqueKeys fails when two key-used events carry the same key.
func uniqueKeys(es []role.Event) error {
	seen := map[string]role.Event{}
	for _, e := range es {
		if e.Kind != role.KeyUsed || len(e.Key) == 0 {
			continue
		}
		if first, ok := seen[string(e.Key)]; ok {
			return failf("the IUT used one session key twice: %s and %s", first, e)
		}
		seen[string(e.Key)] = e
	}
	return nil
}

func eventList(es []role.Event) string {
	if len(es) == 0 {
		return "nothing"
	}
	var s []string
	for _, e := range es {
		s = append(s, e.Kind.String())
	}
	return strings.Join(s, ", ")
}

// iutErr turns an error from the IUT into the case's error when it is not
// an alert: unsupported and IUT failures pass through; anything else is a
// failure.
func iutErr(what string, err error) error {
	var ie *IUTError
	if errors.Is(err, ErrUnsupported) || errors.As(err, &ie) {
		return err
	}
	if c := role.ClassOf(err); c != 0 {
		return failf("the IUT rejected %s: %s", what, c)
	}
	return failf("the IUT failed on %s without an alert: %v", what, err)
}

// act runs one user action and delivers everything it causes, applying
// the active intercept.
func (r *caseRun) act(s Step) error {
	a := *s.Act
	var out role.Output
	var err error
	r.logf("act  %s", a)
	if a.Party == r.iutName {
		r.genuine++
		out, err = r.iut.Act(a)
		if len(s.Refuse) > 0 {
			return r.checkOutcome("the action "+a.String(), out, err, Outcome{Reject: s.Refuse})
		}
		if err != nil {
			return iutErr("the action "+a.String(), err)
		}
		r.iutOutput(out)
	} else {
		p, ok := r.refs[a.Party]
		if !ok {
			return fmt.Errorf("conformance: case %s: no party %q", r.inst.Case.ID, a.Party)
		}
		if out, err = p.Act(a); err != nil {
			return failf("the reference %s could not start %s: %v", a.Party, a, err)
		}
		r.refEvents = append(r.refEvents, out.Events...)
	}
	if s.Intercept != nil {
		r.ic, r.icSeen, r.icDone = s.Intercept, 0, false
	}
	if err := r.flow(out.Messages); err != nil || r.stopped {
		return err
	}
	if s.Intercept != nil && !r.icDone {
		return failf("no %s reached the IUT (the flow stopped before it)", s.Intercept.Label)
	}
	return nil
}

// flow delivers queue and everything it causes until the network is quiet,
// applying the active intercept.
func (r *caseRun) flow(queue []role.Message) error {
	for n := 0; len(queue) > 0; n++ {
		if n >= maxDeliveries {
			return failf("more than %d deliveries in one step", maxDeliveries)
		}
		m := queue[0]
		queue = queue[1:]
		if r.matches(m) {
			more, err := r.twist(m)
			if err != nil || r.stopped {
				return err
			}
			queue = append(queue, more...)
			continue
		}
		o, err := r.deliver(m)
		if err != nil {
			return err
		}
		queue = append(queue, o.Messages...)
	}
	return nil
}

// release delivers a held message (Hold) once the step after the one
// that held it is over: two flows were in flight at once.
func (r *caseRun) release() error {
	m := r.held
	r.held, r.holdStep = nil, 0
	r.logf("  release the held %s %s → %s", m.Label, m.From, m.To)
	return r.flow([]role.Message{*m})
}

// matches reports whether m is the message the active intercept twists.
func (r *caseRun) matches(m role.Message) bool {
	ic := r.ic
	if ic == nil || r.icDone || m.Label != ic.Label {
		return false
	}
	if ic.Mode == Reflect {
		if m.From != r.iutName {
			return false
		}
	} else if m.To != r.iutName {
		return false
	}
	r.icSeen++
	return r.icSeen == max(ic.Nth, 1)
}

// twist applies the active intercept to m and returns the messages to
// deliver next.
func (r *caseRun) twist(m role.Message) ([]role.Message, error) {
	ic := r.ic
	r.icDone = true
	var next []role.Message
	from := ic.From
	switch ic.Mode {
	case Hold:
		r.logf("  hold %s %s → %s", m.Label, m.From, m.To)
		r.held, r.holdStep = &m, r.step
		return nil, nil
	case Precede:
		for i := range ic.Before {
			if err := r.inject(&ic.Before[i]); err != nil {
				return nil, err
			}
		}
		o, err := r.deliver(m)
		return o.Messages, err
	case Judge:
		o, err := r.deliverChanged(m, from, ic.Mutate, ic.Expect)
		if err != nil {
			return nil, err
		}
		return o.Messages, nil
	case Repeat, Reflect:
		o, err := r.deliver(m)
		if err != nil {
			return nil, err
		}
		next = o.Messages
		if ic.Mode == Reflect && from == "" {
			from = m.To
		}
	}
	copyTo := m
	copyTo.To = r.iutName
	if ic.Substitute != "" {
		found := false
		for _, old := range r.toIUT {
			if old.Label == ic.Substitute {
				copyTo.Bytes, found = old.Bytes, true
				break
			}
		}
		if !found {
			return nil, failf("no earlier %s to pass off", ic.Substitute)
		}
	}
	o, err := r.deliverChanged(copyTo, from, ic.Mutate, ic.Expect)
	if err != nil {
		return nil, err
	}
	if !ic.Resume {
		r.stopped = true
		if ic.Gone != nil {
			r.logf("  the genuine %s again: the session must be gone", m.Label)
			_, err := r.deliverChanged(m, "", nil, *ic.Gone)
			return nil, err
		}
		return nil, nil
	}
	// What the IUT sends in answer to the copy is the adversary's: it is
	// dropped, not delivered.
	_ = o
	if ic.Mode == Replace {
		o, err := r.deliver(m)
		if err != nil {
			return nil, err
		}
		next = append(next, o.Messages...)
	}
	return next, nil
}

// deliver delivers a genuine message honestly.
func (r *caseRun) deliver(m role.Message) (role.Output, error) {
	if m.To == r.iutName {
		r.logf("  %s %s → %s (%d bytes)", m.Label, m.From, m.To, len(m.Bytes))
		r.genuine++
		r.toIUT = append(r.toIUT, m)
		r.tr.add(m, false)
		o, err := r.iut.Handle(m.From, m.Bytes)
		if err != nil {
			r.logf("    IUT: %v", err)
			return o, iutErr("the genuine "+m.Label+" from "+m.From, err)
		}
		r.iutOutput(o)
		return o, nil
	}
	p, ok := r.refs[m.To]
	if !ok {
		return role.Output{}, failf("%s sent %s to unknown party %q", m.From, m.Label, m.To)
	}
	r.logf("  %s %s → %s (%d bytes)", m.Label, m.From, m.To, len(m.Bytes))
	o, err := p.Handle(m.From, m.Bytes)
	r.refEvents = append(r.refEvents, o.Events...)
	for _, e := range o.Events {
		if e.Kind == role.MessageAccepted && e.Peer == r.iutName {
			r.tr.accepted(e)
		}
	}
	if err != nil {
		if m.From == r.iutName && slices.Contains(r.refRejects, role.ClassOf(err)) {
			r.logf("    the reference %s rejects it, as the profile says: %v", m.To, err)
			r.refRejected = true
			return role.Output{}, nil
		}
		if m.From == r.iutName {
			if ierr := r.tr.check(); ierr != nil {
				return o, failf("%v (and the reference %s rejected it: %v)", ierr, m.To, err)
			}
			return o, failf("the reference %s rejected %s from the IUT: %v", m.To, m.Label, err)
		}
		if len(r.inst.Case.RefOptions) > 0 {
			// Misbehaving reference parties may upset each other; that is
			// not the IUT's business.
			r.logf("    (reference %s rejected it: %v)", m.To, err)
			return role.Output{}, nil
		}
		return o, fmt.Errorf("conformance: reference %s rejected %s from %s: %w", m.To, m.Label, m.From, err)
	}
	return o, nil
}

// iutOutput records what the IUT emitted and sent; the network binds the
// sender of its messages to its identity.
func (r *caseRun) iutOutput(o role.Output) {
	for i := range o.Messages {
		o.Messages[i].From = r.iutName
		if label, _, err := r.proto.Describe(o.Messages[i].Bytes); err == nil {
			o.Messages[i].Label = label
		} else if o.Messages[i].Label == "" {
			o.Messages[i].Label = "?"
		}
		r.fromIUT = append(r.fromIUT, o.Messages[i])
		r.tr.add(o.Messages[i], true)
	}
	for _, e := range o.Events {
		r.logf("    IUT event: %s", e)
	}
	r.stepEvents = append(r.stepEvents, o.Events...)
	r.allEvents = append(r.allEvents, o.Events...)
}

// deliverChanged delivers a changed copy of m (other sender, mutated bytes)
// to the IUT and checks the outcome. It returns what the IUT sent when it
// accepted the copy (and was allowed to).
func (r *caseRun) deliverChanged(m role.Message, from string, mut *Mutation, want Outcome) (role.Output, error) {
	if from == "" {
		from = m.From
	}
	b := m.Bytes
	what := m.Label + " from " + from + " (as captured)"
	if mut != nil {
		var err error
		if b, err = mut.Apply(m.Bytes); err != nil {
			return role.Output{}, fmt.Errorf("conformance: case %s: mutation %s of %s: %w", r.inst.Case.ID, mut, m.Label, err)
		}
		what = fmt.Sprintf("%s from %s (%s)", m.Label, from, mut)
	}
	r.logf("  %s → %s (%d bytes)", what, r.iutName, len(b))
	o, err := r.iut.Handle(from, b)
	if err != nil {
		r.logf("    IUT: %v", err)
	}
	if err := r.checkOutcome(what, o, err, want); err != nil {
		return role.Output{}, err
	}
	if err != nil {
		return role.Output{}, nil
	}
	r.iutOutput(o)
	return o, nil
}

// checkOutcome compares the IUT's answer to a changed message with want.
func (r *caseRun) checkOutcome(what string, o role.Output, err error, want Outcome) error {
	if err != nil {
		var ie *IUTError
		if errors.Is(err, ErrUnsupported) || errors.As(err, &ie) {
			return err
		}
		c := role.ClassOf(err)
		switch {
		case c == 0:
			return failf("the IUT failed on %s without an alert: %v", what, err)
		case want.Silent, len(want.Reject) > 0 && slices.Contains(want.Reject, c):
			return nil
		case len(want.Reject) > 0 && r.lenient:
			if r.lenientNote == "" {
				r.lenientNote = fmt.Sprintf("the IUT rejected %s with %s where the profile says %s", what, c, classList(want.Reject))
				r.lenientAt = r.genuine
			}
			return nil
		case len(want.Reject) > 0:
			return failf("the IUT rejected %s with %s, want %s", what, c, classList(want.Reject))
		default:
			return failf("the IUT rejected %s: %s", what, c)
		}
	}
	quiet := len(o.Events) == 0 && len(o.Messages) == 0
	if want.Silent && quiet {
		return nil
	}
	if len(want.Reject) > 0 || want.Silent {
		return failf("the IUT accepted %s (it emitted: %s; sent %d messages), want %s", what, eventList(o.Events), len(o.Messages), classList(want.Reject))
	}
	if p, ok := containsInOrder(o.Events, want.Events); !ok {
		return failf("after %s the IUT did not emit %s (it emitted: %s)", what, p, eventList(o.Events))
	}
	return nil
}

func classList(cs []role.AlertClass) string {
	if len(cs) == 0 {
		return "a rejection"
	}
	if len(cs) == len(anyAlert()) {
		return "any alert"
	}
	var s []string
	for _, c := range cs {
		s = append(s, c.String())
	}
	return strings.Join(s, " or ")
}

// inject delivers a message of the gate's choosing.
func (r *caseRun) inject(in *Inject) error {
	var pool []role.Message
	switch in.Source {
	case FromLog:
		pool = r.toIUT
	case FromIUT:
		pool = r.fromIUT
	case FromHonestRun:
		h, err := honestRun(r.proto, r.setup)
		if err != nil {
			return err
		}
		pool = h
	default:
		return fmt.Errorf("conformance: case %s: unknown inject source %d", r.inst.Case.ID, in.Source)
	}
	var matches []role.Message
	for i, m := range pool {
		switch {
		case in.Index > 0:
			if i+1 == in.Index {
				if m.Label != in.Label {
					return fmt.Errorf("conformance: case %s: message %d of the honest run is %s, not %s", r.inst.Case.ID, in.Index, m.Label, in.Label)
				}
				matches = append(matches, m)
			}
		case m.Label == in.Label && (in.Source != FromHonestRun || m.To == r.iutName):
			matches = append(matches, m)
		}
	}
	k := len(matches)
	if in.Nth > 0 && in.Index == 0 {
		k = in.Nth
	}
	if k == 0 || k > len(matches) {
		return failf("no %s to inject (the flow did not produce it)", in.Label)
	}
	m := matches[k-1]
	from := in.From
	if from == "" && in.Source == FromIUT {
		from = m.To
	}
	if in.Source == FromHonestRun {
		r.logf("inject %s (%s → %s in the honest run)", m.Label, m.From, m.To)
	} else {
		r.logf("inject %s", m.Label)
	}
	m.To = r.iutName
	// What the IUT sends in answer is the adversary's: it is dropped.
	_, err := r.deliverChanged(m, from, in.Mutate, in.Expect)
	return err
}

// honestRuns caches the messages of the honest run of each setup: every
// instance of a setup injects from the same run.
var honestRuns sync.Map // key string → *honestEntry

type honestEntry struct {
	once sync.Once
	msgs []role.Message
	err  error
}

func honestRun(p harness.Protocol, setup harness.Setup) ([]role.Message, error) {
	key := fmt.Sprintf("%s|%s|%s|%x|%v", setup.Protocol, setup.Suite.Name, setup.Variant, setup.Seed, sortedOptions(setup.Options))
	v, _ := honestRuns.LoadOrStore(key, &honestEntry{})
	e := v.(*honestEntry)
	e.once.Do(func() {
		n, err := harness.RunHonest(p, setup)
		if err != nil {
			e.err = fmt.Errorf("conformance: honest run of %s: %w", setup.Protocol, err)
			return
		}
		for _, s := range n.Transcript.Steps {
			e.msgs = append(e.msgs, s.Message)
		}
	})
	return e.msgs, e.err
}

func sortedOptions(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}
