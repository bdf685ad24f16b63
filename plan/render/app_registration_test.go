package render

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
)

const appRegistrationConfig = `
data "group" "engineering" {
  display_name = "Engineering"
}

application "orders_api" {
  display_name    = "Orders API"
  identifier_uris = ["api://contoso.onmicrosoft.com/orders"]
  owners          = ["alex@contoso.onmicrosoft.com"]
  api {
    scope "read" {
      value                      = "Orders.Read"
      admin_consent_display_name = "Read orders"
    }
  }
  app_role "reader" {
    value                = "Orders.Reader"
    display_name         = "Order readers"
    allowed_member_types = ["User"]
  }
  service_principal {
    app_role_assignment_required = true
    assignment "engineering" {
      principal = data.group.engineering
      app_role  = "Orders.Reader"
    }
  }
}
`

// TestPlanTextAppRegistration renders what a reviewer sees of an
// existing API whose configuration removes an enabled scope (the first
// write disables it), adds an app role and an assignment, and finds an
// owner added by hand.
func TestPlanTextAppRegistration(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(appRegistrationConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	readID := config.StableID("entraform.demo.orders_api", "scope", "read")
	app := &entra.Application{
		ID: "a0000000-0000-4000-8000-000000000001", AppID: "a0000000-0000-4000-8000-000000000002",
		DisplayName: "Orders API", UniqueName: "entraform.demo.orders_api", SignInAudience: "AzureADMyOrg",
		IdentifierURIs: []string{"api://contoso.onmicrosoft.com/orders"},
		Tags:           entra.OwnershipTags("demo", "application.orders_api"),
		API: &entra.APIApplication{OAuth2PermissionScopes: []entra.PermissionScope{
			{ID: readID, Value: "Orders.Read", Type: "User", AdminConsentDisplayName: "Read orders", IsEnabled: true},
			{ID: "a0000000-0000-4000-8000-000000000003", Value: "Orders.Write", Type: "Admin", AdminConsentDisplayName: "Write orders", IsEnabled: true},
		}},
		Owners: []entra.DirectoryObject{
			{ID: "u0000000-0000-4000-8000-00000000a1e0", UserPrincipalName: "alex@contoso.onmicrosoft.com", ODataType: "#microsoft.graph.user"},
			{ID: "u0000000-0000-4000-8000-0000000000be", UserPrincipalName: "bea@contoso.onmicrosoft.com", ODataType: "#microsoft.graph.user"},
		},
	}
	sp := &entra.ServicePrincipal{ID: "s0000000-0000-4000-8000-000000000001", AppID: app.AppID,
		Tags: entra.OwnershipTags("demo", "application.orders_api.service_principal"), AssignedTo: []entra.AppRoleAssignment{}}
	snap := &plan.Snapshot{
		TenantID: "tenant", Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
		Applications: []*entra.Application{app}, ServicePrincipals: []*entra.ServicePrincipal{sp},
		Resources: map[string]*entra.ServicePrincipal{},
		Lookups: entra.Lookups{
			Users:  map[string]*entra.DirectoryObject{"alex@contoso.onmicrosoft.com": &app.Owners[0]},
			Groups: map[string][]entra.DirectoryObject{"Engineering": {{ID: "g0000000-0000-4000-8000-000000000001", DisplayName: "Engineering"}}},
		},
	}
	p, diags := plan.Build(cfg, snap, plan.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var b bytes.Buffer
	if err := Plan(&b, p, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "app_registration.txt", b.Bytes())
}
