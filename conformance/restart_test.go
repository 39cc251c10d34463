package conformance

import (
	"os"
	"testing"
	"time"
)

func TestCapabilityFeatures(t *testing.T) {
	base := func(features ...string) Capabilities {
		return Capabilities{{Protocol: "simp", Roles: []string{RoleServer}, Suites: []string{"modern"}, Variants: []string{"hardened"}, Features: features}}
	}
	for _, tt := range []struct {
		name     string
		features []string
		want     string
	}{
		{"none", nil, ""},
		{"restart", []string{FeatureRestart}, ""},
		{"misspelt", []string{"restrat"}, `unknown feature "restrat"`},
		{"twice", []string{FeatureRestart, FeatureRestart}, `feature "restart" is listed twice`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := checkCapabilities(base(tt.features...))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
	require.True(t, base(FeatureRestart).Has("simp", FeatureRestart))
	require.False(t, base().Has("simp", FeatureRestart))
	require.False(t, base(FeatureRestart).Has("imke", FeatureRestart))
}

func TestShimStateFieldStrict(t *testing.T) {
	for _, line := range []string{
		`{"id":1,"op":"handle","handle":"p1","from":"S","message":"","state":""}`,
		`{"id":1,"op":"snapshot"}`,
		`{"id":1,"op":"restart"}`,
	} {
		_, err := ParseShimRequest([]byte(line))
		require.Error(t, err, line)
	}
	for _, line := range []string{`{"id":1,"op":"snapshot","handle":"p1"}`, `{"id":1,"op":"restart","handle":"p1","state":"00"}`} {
		_, err := ParseShimRequest([]byte(line))
		require.NoError(t, err, line)
	}
	_, err := ParseShimResponse([]byte(`{"id":1,"status":"ok"}`), 1, "snapshot")
	require.Error(t, err)
	require.Contains(t, err.Error(), "state is required")
	_, err = ParseShimResponse([]byte(`{"id":1,"status":"ok","state":"00"}`), 1, "restart")
	require.Error(t, err)
	require.Contains(t, err.Error(), "snapshot only")
	_, err = ParseShimResponse([]byte(`{"id":1,"status":"ok","state":""}`), 1, "snapshot")
	require.NoError(t, err)
}

// featurelessIUT is the reference implementation advertising no features.
type featurelessIUT struct{ Builtin }

func (b *featurelessIUT) Capabilities() Capabilities {
	cs := b.Builtin.Capabilities()
	for i := range cs {
		cs[i].Features = nil
	}
	return cs
}

// TestRestartNeedsTheFeature: the restart cases pass in process, and are
// unsupported (not passed, not sent) for an IUT that does not advertise
// restart.
func TestRestartNeedsTheFeature(t *testing.T) {
	o := Options{Suites: []string{"modern"}, Run: []string{"SIMP/restart/*"}, Timeout: 60 * time.Second}
	rep, err := Run(NewBuiltin, o)
	require.NoError(t, err)
	require.Len(t, rep.Results, 12)
	requireAllPass(t, rep)
	rep, err = Run(func() (IUT, error) { return &featurelessIUT{}, nil }, o)
	require.NoError(t, err)
	for _, r := range rep.Results {
		require.Equal(t, Unsupported, r.Verdict, r.Name)
		require.Contains(t, r.Detail, "does not advertise restart")
	}
	require.False(t, rep.Failed())
}

// TestShimRestartUnsupportedFails: a shim that advertises restart and then
// answers unsupported to it fails the case.
func TestShimRestartUnsupportedFails(t *testing.T) {
	t.Setenv(shimModeEnv, "restart-unsupported")
	t.Setenv(shimProtocolsEnv, "simp")
	o := Options{Suites: []string{"modern"}, Variants: []string{"hardened"}, Run: []string{"SIMP/restart/server-users-log-in-again"}, Timeout: 60 * time.Second}
	rep, err := Run(ShimFactory([]string{os.Args[0]}), o)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	require.Equal(t, Fail, rep.Results[0].Verdict)
	require.Contains(t, rep.Results[0].Detail, "after advertising restart")
}
