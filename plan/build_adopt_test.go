package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/providers/entra"
)

const handMadeAppID = "5a1f9e32-0f8e-4b8e-9d55-6f2b0d3c1a77"

// handMade is a tenant with one application registered by hand: no unique
// name, no tags, a service principal, admin consent for Sites.Read.All, a
// secret, a certificate and a second, unnamed secret.
func handMade(secretEnd, certEnd time.Time) *Snapshot {
	s := emptyTenant()
	app := &entra.Application{
		ID: "obj-1", AppID: handMadeAppID, DisplayName: "Site lister", SignInAudience: "AzureADMyOrg",
		Web: &entra.WebApplication{RedirectURIs: []string{}, ImplicitGrantSettings: &entra.ImplicitGrantSettings{}},
		RequiredResourceAccess: []entra.RequiredResourceAccess{{ResourceAppID: entra.GraphAppID,
			ResourceAccess: []entra.ResourceAccess{{ID: "332a536c-c7ef-4017-ab91-336970924f0d", Type: "Role"}}}},
		PasswordCredentials: []entra.PasswordCredential{
			{KeyID: "key-web", DisplayName: "web", EndDateTime: &secretEnd, Hint: "abc"},
			{KeyID: "0c4b1f5e-1111-4222-8333-944455556666", EndDateTime: &secretEnd, Hint: "xyz"},
		},
		KeyCredentials: []entra.KeyCredential{{KeyID: "key-cert", DisplayName: "CN=lister", CustomKeyIdentifier: "AB12", EndDateTime: &certEnd}},
	}
	s.Applications = []*entra.Application{app}
	s.ServicePrincipals = []*entra.ServicePrincipal{{ID: "sp-1", AppID: handMadeAppID}}
	s.Assignments = []entra.AppRoleAssignment{{ID: "as-1", PrincipalID: "sp-1", ResourceID: "sp-graph", AppRoleID: "332a536c-c7ef-4017-ab91-336970924f0d"}}
	return s
}

const adoptedLister = `
application "lister" {
  display_name = "Site lister"
  adopt        = "` + handMadeAppID + `"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "web" {}
  secret "0c4b1f5e-1111-4222-8333-944455556666" {}
  certificate "CN=lister" { private_key_file = "secrets/lister.pem" }
}
`

// warnings lists the summaries and details of the warning diagnostics.
func warnings(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			out = append(out, d.Detail)
		}
	}
	return out
}

func TestBuildAdoptTakesOwnershipOnly(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": adoptedLister})
	far := now.Add(200 * 24 * time.Hour)
	p, diags := Build(cfg, handMade(far, far), Options{})
	if diags.HasErrors() {
		t.Fatalf("Build: %s", diags.Error())
	}
	want := []string{"application.lister update", "application.lister.service_principal update"}
	if diff := cmp.Diff(want, actions(p)); diff != "" {
		t.Fatalf("actions (-want +got):\n%s", diff)
	}
	c := p.Change("application.lister")
	_, changed, _ := diffAttributes(TypeApplication, c.Before, c.After)
	if diff := cmp.Diff([]string{"workspace"}, changed); diff != "" {
		t.Errorf("changed attributes (-want +got):\n%s", diff)
	}
	// Unchanged as the rendered plan sees it: null, "" and [] are alike,
	// but null -> false shows as a change.
	absent := func(v cty.Value) bool {
		return v.IsNull() || (v.Type() == cty.String && v.AsString() == "") || (v.Type().IsListType() && v.LengthInt() == 0)
	}
	for _, a := range Schema(TypeApplication) {
		before, after := c.Before.GetAttr(a.Name), c.After.GetAttr(a.Name)
		if a.Name != "workspace" && !before.RawEquals(after) && !(absent(before) && absent(after)) {
			t.Errorf("%s: %#v -> %#v, want it unchanged", a.Name, before, after)
		}
	}
	body := c.Desired.(*DesiredApplication).Body
	if body.UniqueName != "" {
		t.Errorf("adoption gives the application the unique name %q; it has none and must keep none", body.UniqueName)
	}
	if diff := cmp.Diff(entra.OwnershipTags("demo", "application.lister"), body.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if w := warnings(diags); len(w) != 0 {
		t.Errorf("warnings for credentials far from expiry: %v", w)
	}
}

func TestBuildAdoptedCredentialsAreKept(t *testing.T) {
	far := now.Add(200 * 24 * time.Hour)
	soon := now.Add(5 * 24 * time.Hour)
	past := now.Add(-time.Hour)
	tests := []struct {
		name             string
		config           string
		secretEnd        time.Time
		certEnd          time.Time
		wantActions      []string
		wantWarningsWith []string
	}{
		{
			name: "secrets near expiry without write_to", config: adoptedLister,
			secretEnd: soon, certEnd: far,
			wantActions: []string{"application.lister update", "application.lister.service_principal update"},
			wantWarningsWith: []string{
				"application.lister.secret.web: the secret expires on 2026-12-01T12:00:00Z, within rotate_before (30d), but entraform keeps it",
				"application.lister.secret.0c4b1f5e-1111-4222-8333-944455556666: the secret expires on",
			},
		},
		{
			name: "expired certificate without its key", config: adoptedLister,
			secretEnd: far, certEnd: past,
			wantActions:      []string{"application.lister update", "application.lister.service_principal update"},
			wantWarningsWith: []string{"application.lister.certificate.CN=lister: the certificate expired on 2026-11-26T11:00:00Z, but entraform keeps it"},
		},
		{
			name:      "a secret with write_to is still rotated",
			config:    strings.Replace(adoptedLister, `secret "web" {}`, `secret "web" { write_to = "secrets/web.env" }`, 1),
			secretEnd: far, certEnd: far,
			wantActions: []string{"application.lister update", "application.lister.secret.web create-delete", "application.lister.service_principal update"},
		},
		{
			name:      "a managed application's secret without write_to is still rotated",
			config:    strings.Replace(adoptedLister, `adopt        = "`+handMadeAppID+`"`, `unique_name = "lister"`, 1),
			secretEnd: soon, certEnd: far,
			// Not adopted: the unique name finds nothing, so everything is created.
			wantActions: []string{"application.lister create", `application.lister.role["Sites.Read.All"] create`,
				"application.lister.secret.0c4b1f5e-1111-4222-8333-944455556666 create", "application.lister.secret.web create",
				"application.lister.service_principal create", "application.lister.certificate.CN=lister create"},
			// Created without write_to, their values would reach nobody.
			wantWarningsWith: []string{
				"application.lister.secret.web has no write_to",
				"application.lister.secret.0c4b1f5e-1111-4222-8333-944455556666 has no write_to",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := load(t, map[string]string{"main.entra.hcl": tt.config})
			p, diags := Build(cfg, handMade(tt.secretEnd, tt.certEnd), Options{})
			if diags.HasErrors() {
				t.Fatalf("Build: %s", diags.Error())
			}
			if diff := cmp.Diff(tt.wantActions, actions(p), sortStrings); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			got := warnings(diags)
			if len(got) != len(tt.wantWarningsWith) {
				t.Fatalf("warnings = %q, want %d", got, len(tt.wantWarningsWith))
			}
			for i, w := range tt.wantWarningsWith {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestBuildManagedCertificateWithoutKeyIsReplaced(t *testing.T) {
	// The adopted exception is narrow: a managed application's certificate
	// whose key file is gone is still replaced with a new key.
	far := now.Add(200 * 24 * time.Hour)
	snap := handMade(far, far)
	snap.Applications[0].UniqueName = "lister"
	snap.Applications[0].Tags = entra.OwnershipTags("demo", "application.lister")
	cfg := load(t, map[string]string{"main.entra.hcl": strings.Replace(adoptedLister, `adopt        = "`+handMadeAppID+`"`, `unique_name = "lister"`, 1)})
	p := build(t, cfg, snap, Options{})
	c := p.Change("application.lister.certificate.CN=lister")
	if c == nil || c.Action != CreateThenDelete || !strings.Contains(c.Reason, "does not exist") {
		t.Fatalf("certificate change = %+v, want a replacement because the key file does not exist", c)
	}
}

func TestBuildCredentialLabelMatchesKeyID(t *testing.T) {
	far := now.Add(200 * 24 * time.Hour)
	cfg := load(t, map[string]string{"main.entra.hcl": adoptedLister})
	p := build(t, cfg, handMade(far, far), Options{})
	c := p.Change("application.lister.secret.0c4b1f5e-1111-4222-8333-944455556666")
	if c == nil || c.Action != NoOp {
		t.Fatalf("secret labelled by its key id: %+v, want a no-op on the existing secret", c)
	}
	if got := c.Current.(entra.PasswordCredential).KeyID; got != "0c4b1f5e-1111-4222-8333-944455556666" {
		t.Errorf("matched key %s", got)
	}
	if c := p.Change("application.lister.secret.web"); c.Current.(entra.PasswordCredential).KeyID != "key-web" {
		t.Errorf("secret web matched %v", c.Current)
	}
}

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })
