package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/providers/entra"
)

const webAPI = `
application "orders_api" {
  display_name                 = "Orders API"
  identifier_uris              = ["api://contoso.com/orders"]
  group_membership_claims      = "SecurityGroup"
  tags                         = ["team:orders"]
  service_management_reference = "ORD-1"
  support_url                  = "https://contoso.com/help"
  api {
    requested_access_token_version = 2
    scope "read" {
      value                      = "Orders.Read"
      admin_consent_display_name = "Read orders"
    }
    scope "write" {
      value = "Orders.Write"
      type  = "Admin"
    }
  }
  app_role "admin" {
    value                = "Orders.Admin"
    display_name         = "Administer orders"
    allowed_member_types = ["Application"]
  }
  optional_claims {
    access_token "groups" {
      additional_properties = ["emit_as_roles"]
    }
  }
  service_principal {
    app_role_assignment_required = true
    notes                        = "Owned by the orders team"
  }
}

application "client" {
  display_name = "Orders client"
  permission "application.orders_api" {
    delegated   = ["Orders.Read"]
    application = ["Orders.Admin"]
  }
  admin_consent = true
}
`

// TestBuildOwnAPI: a client asks permissions of an API of the same
// configuration; on an empty tenant its body names the API by address
// (apply puts the appId in), it waits for the API, consent and role go
// to the API's service principal, and after apply the plan is empty.
func TestBuildOwnAPI(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": webAPI})
	p := build(t, cfg, emptyTenant(), Options{})
	want := []string{
		"application.client create",
		`application.client.consent["application.orders_api"] create`,
		`application.client.role["application.orders_api:Orders.Admin"] create`,
		"application.client.service_principal create",
		"application.orders_api create",
		"application.orders_api.service_principal create",
	}
	if diff := cmp.Diff(want, actions(p)); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	client := p.Change("application.client")
	if diff := cmp.Diff([]string{"application.orders_api"}, client.DependsOn); diff != "" {
		t.Errorf("client depends on (-want +got):\n%s", diff)
	}
	body := client.Desired.(*DesiredApplication).Body
	wantRRA := []entra.RequiredResourceAccess{{ResourceAppID: "application.orders_api", ResourceAccess: []entra.ResourceAccess{
		{ID: config.StableID("entraform.demo.orders_api", "app_role", "admin"), Type: "Role"},
		{ID: config.StableID("entraform.demo.orders_api", "scope", "read"), Type: "Scope"},
	}}}
	if diff := cmp.Diff(wantRRA, body.RequiredResourceAccess); diff != "" {
		t.Errorf("client requiredResourceAccess (-want +got):\n%s", diff)
	}
	role := p.Change(`application.client.role["application.orders_api:Orders.Admin"]`)
	if diff := cmp.Diff([]string{"application.client.service_principal", "application.orders_api.service_principal"}, role.DependsOn); diff != "" {
		t.Errorf("role depends on (-want +got):\n%s", diff)
	}
	second := build(t, cfg, applied(t, p, emptyTenant()), Options{})
	if got := actions(second); len(got) != 0 {
		t.Errorf("second plan has changes: %v", got)
	}
	if got := second.Change("application.client").After.GetAttr("api_permissions"); got.LengthInt() != 2 || !strings.HasPrefix(got.Index(cty.NumberIntVal(0)).AsString(), "application.orders_api: ") {
		t.Errorf("client api_permissions = %#v, want them named by the API's address", got)
	}
}

// TestBuildRemoveEnabledScope: removing an enabled scope and changing an
// enabled role is one update whose first write disables both, and the
// plan says so.
func TestBuildRemoveEnabledScope(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": webAPI})
	snap := applied(t, build(t, cfg, emptyTenant(), Options{}), emptyTenant())
	src := strings.Replace(webAPI, `    scope "write" {
      value = "Orders.Write"
      type  = "Admin"
    }
`, "", 1)
	src = strings.Replace(src, `display_name         = "Administer orders"`, `display_name         = "Run the orders"`, 1)
	src = strings.Replace(src, `application = ["Orders.Admin"]`, `application = []`, 1)
	changed := load(t, map[string]string{"main.entra.hcl": src})
	p := build(t, changed, snap, Options{})
	c := p.Change("application.orders_api")
	if c.Action != Update {
		t.Fatalf("action = %s, want update", c.Action)
	}
	wantReason := "apply first disables scope Orders.Write and app role Orders.Admin, then writes the change: Graph refuses to remove or change an enabled scope or app role"
	if c.Reason != wantReason {
		t.Errorf("reason = %q, want %q", c.Reason, wantReason)
	}
	first := c.Desired.(*DesiredApplication).DisableFirst
	if first == nil {
		t.Fatal("no first write that disables")
	}
	var enabled []string
	for _, s := range first.API.OAuth2PermissionScopes {
		enabled = append(enabled, s.Value+"="+map[bool]string{true: "on", false: "off"}[s.IsEnabled])
	}
	for _, r := range first.AppRoles {
		enabled = append(enabled, r.Value+"="+map[bool]string{true: "on", false: "off"}[r.IsEnabled]+" "+r.DisplayName)
	}
	if diff := cmp.Diff([]string{"Orders.Read=on", "Orders.Write=off", "Orders.Admin=off Administer orders"}, enabled); diff != "" {
		t.Errorf("first write (-want +got):\n%s", diff)
	}

	// Disabling alone needs one write.
	off := load(t, map[string]string{"main.entra.hcl": strings.Replace(webAPI, `type  = "Admin"`, "type  = \"Admin\"\n      enabled = false", 1)})
	p = build(t, off, snap, Options{})
	if d := p.Change("application.orders_api").Desired.(*DesiredApplication); d.DisableFirst != nil {
		t.Errorf("disabling a scope planned a first write: %+v", d.DisableFirst)
	}
}

// TestBuildKeepsAdoptedIDs: a scope whose value the tenant already has
// keeps the tenant's id (no id in the configuration), so adopting or
// exporting an application never replaces its scopes.
func TestBuildKeepsAdoptedIDs(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": webAPI})
	snap := applied(t, build(t, cfg, emptyTenant(), Options{}), emptyTenant())
	const kept = "0d0d0d0d-0000-4000-8000-000000000001"
	old := config.StableID("entraform.demo.orders_api", "scope", "read")
	for _, a := range snap.Applications {
		if a.API != nil && len(a.API.OAuth2PermissionScopes) > 0 {
			a.API.OAuth2PermissionScopes[0].ID = kept
		}
		for _, r := range a.RequiredResourceAccess {
			for i := range r.ResourceAccess {
				if r.ResourceAccess[i].ID == old {
					r.ResourceAccess[i].ID = kept
				}
			}
		}
	}
	p := build(t, cfg, snap, Options{})
	if got := actions(p); len(got) != 0 {
		t.Errorf("plan changes a scope the tenant has under another id: %v", got)
	}
}
