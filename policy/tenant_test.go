package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/policy"
	"github.com/entraform/entraform/providers/entra"
)

// TestPermissionsResolvedAgainstTheTenant: a permission of a resource
// outside the built-in catalog, written as its portal label, is resolved
// only at plan time against the resource the tenant publishes; then the
// check that expects its value exercises it.
func TestPermissionsResolvedAgainstTheTenant(t *testing.T) {
	const widgets = "0a0b0c0d-1111-2222-3333-444455556666"
	dir := t.TempDir()
	hcl := `
application "daemon" {
  display_name = "daemon"
  permission "` + widgets + `" { application = ["Read widgets"] }
  admin_consent = true
  certificate "c" { private_key_file = "daemon.pem" }
}

check "daemon" {
  application  = application.daemon
  flow         = "certificate"
  expect_roles = ["Widgets.Read"]
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(hcl), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	rules := func(snap *plan.Snapshot) []string {
		res, diags := policy.Evaluate(policy.Input{Config: cfg, Snapshot: snap})
		if len(diags) > 0 {
			t.Fatal(diags.Error())
		}
		var out []string
		for _, f := range res.Findings {
			out = append(out, f.Rule+" "+f.Address)
		}
		return out
	}
	if diff := cmp.Diff([]string{`unverified-permission application.daemon.role["0a0b0c0d-1111-2222-3333-444455556666:Read widgets"]`}, rules(nil)); diff != "" {
		t.Errorf("offline (-want +got):\n%s", diff)
	}
	snap := &plan.Snapshot{Resources: map[string]*entra.ServicePrincipal{widgets: {
		AppID:       widgets,
		DisplayName: "Widgets API",
		AppRoles:    []entra.AppRole{{ID: "9d0e0f10-aaaa-bbbb-cccc-ddddeeeeffff", Value: "Widgets.Read", DisplayName: "Read widgets", IsEnabled: true}},
	}}}
	if diff := cmp.Diff([]string(nil), rules(snap)); diff != "" {
		t.Errorf("at plan time (-want +got):\n%s", diff)
	}
}
