package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/providers/entra"
)

const ownersConfig = `
data "user" "alex" {
  user_principal_name = "alex@contoso.com"
}

data "group" "staff" {
  display_name = "Staff"
}

application "orders_api" {
  display_name = "Orders API"
  owners       = [data.user.alex, application.ci]
  app_role "reader" {
    value                = "Orders.Read"
    display_name         = "Read orders"
    allowed_member_types = ["User"]
  }
  service_principal {
    app_role_assignment_required = true
    owners                       = ["alex@contoso.com"]
    assignment "staff" {
      principal = data.group.staff
      app_role  = "Orders.Read"
    }
  }
}

application "ci" {
  display_name = "CI"
}
`

const caller = "c0000000-0000-0000-0000-00000000ca11"

func directoryTenant() *Snapshot {
	s := emptyTenant()
	s.CallerID = caller
	s.Lookups = entra.Lookups{
		Users:  map[string]*entra.DirectoryObject{"alex@contoso.com": {ID: "u-alex", UserPrincipalName: "alex@contoso.com", ODataType: "#microsoft.graph.user"}},
		Groups: map[string][]entra.DirectoryObject{"Staff": {{ID: "g-staff", DisplayName: "Staff"}}},
	}
	return s
}

// TestBuildOwnersAndAssignments: declared owners and assignments are
// created (an application owner that is created in the same apply waits
// for it), the plan after apply is empty even though the operator became
// an owner, and an owner added by hand is planned for removal.
func TestBuildOwnersAndAssignments(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": ownersConfig})
	p := build(t, cfg, directoryTenant(), Options{})
	want := []string{
		"application.ci create",
		"application.ci.service_principal create",
		"application.orders_api create",
		`application.orders_api.owner["alex@contoso.com"] create`,
		`application.orders_api.owner["application.ci"] create`,
		"application.orders_api.service_principal create",
		"application.orders_api.service_principal.assignment.staff create",
		`application.orders_api.service_principal.owner["alex@contoso.com"] create`,
	}
	if diff := cmp.Diff(want, actions(p)); diff != "" {
		t.Fatalf("actions (-want +got):\n%s", diff)
	}
	ci := p.Change(`application.orders_api.owner["application.ci"]`)
	if diff := cmp.Diff([]string{"application.orders_api", "application.ci.service_principal"}, ci.DependsOn); diff != "" {
		t.Errorf("owner depends on (-want +got):\n%s", diff)
	}
	snap := applied(t, p, directoryTenant())
	for _, a := range snap.Applications {
		a.Owners = append(a.Owners, entra.DirectoryObject{ID: caller}) // Graph makes the creator an owner
	}
	if got := actions(build(t, cfg, snap, Options{})); len(got) != 0 {
		t.Fatalf("second plan has changes: %v", got)
	}

	for _, a := range snap.Applications {
		if a.DisplayName == "Orders API" {
			a.Owners = append(a.Owners, entra.DirectoryObject{ID: "u-bea", UserPrincipalName: "Bea@contoso.com", ODataType: "#microsoft.graph.user"})
		}
	}
	drift := build(t, cfg, snap, Options{})
	if diff := cmp.Diff([]string{`application.orders_api.owner["bea@contoso.com"] delete`}, actions(drift)); diff != "" {
		t.Errorf("drift (-want +got):\n%s", diff)
	}
	if r := drift.Change(`application.orders_api.owner["bea@contoso.com"]`).Reason; r != "an owner added outside the configuration" {
		t.Errorf("reason = %q", r)
	}
}

// TestBuildMissingPrincipals: a lookup that finds nothing is an error at
// its data block; an owner given by user principal name that does not
// exist, at the name.
func TestBuildMissingPrincipals(t *testing.T) {
	src := strings.Replace(ownersConfig, `owners                       = ["alex@contoso.com"]`, `owners                       = ["nobody@contoso.com"]`, 1) + `
data "site" "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
}
`
	cfg := load(t, map[string]string{"main.entra.hcl": src})
	snap := directoryTenant()
	delete(snap.Lookups.Groups, "Staff")
	_, diags := Build(cfg, snap, Options{})
	var got []string
	for _, d := range diags {
		got = append(got, d.Subject.String()+": "+d.Summary+"; "+d.Detail)
	}
	want := []string{
		`main.entra.hcl:6,1-21: Group not found; No group named "Staff" exists in tenant tenant.`,
		`main.entra.hcl:32,1-17: Site not found; The site https://contoso.sharepoint.com/sites/hr does not exist in the tenant (or the operator cannot read it).`,
		`main.entra.hcl:20,37-57: Owner not found; No user with the user principal name "nobody@contoso.com" exists in tenant tenant.`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestBuildPreAuthorizedLookup: a pre-authorized client named by a
// service principal lookup gets the appId the lookup found.
func TestBuildPreAuthorizedLookup(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": `
data "service_principal" "cli" {
  display_name = "Azure CLI"
}

application "api" {
  display_name = "API"
  api {
    scope "read" {
      value = "Read"
    }
    pre_authorized "cli" {
      application = data.service_principal.cli
      scopes      = ["Read"]
    }
  }
}
`})
	snap := directoryTenant()
	snap.Lookups.SPsByName = map[string][]entra.ServicePrincipal{"Azure CLI": {{ID: "sp-cli", AppID: "04B07795-8DDB-461A-BBEE-02F9E1BF7B46"}}}
	p := build(t, cfg, snap, Options{})
	got := p.Change("application.api").Desired.(*DesiredApplication).Body.API.PreAuthorizedApplications
	want := []entra.PreAuthorizedApplication{{AppID: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", DelegatedPermissionIDs: []string{p.Change("application.api").Desired.(*DesiredApplication).Body.API.OAuth2PermissionScopes[0].ID}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pre-authorized (-want +got):\n%s", diff)
	}
}

// TestBuildOutputsOfLookups: an output may use what a lookup found.
func TestBuildOutputsOfLookups(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": `
data "user" "alex" {
  user_principal_name = "alex@contoso.com"
}

output "alex_id" {
  value = data.user.alex.id
}
`})
	p := build(t, cfg, directoryTenant(), Options{})
	if got := p.Outputs["alex_id"].Value; !got.IsKnown() || got.AsString() != "u-alex" {
		t.Errorf("output alex_id = %#v, want \"u-alex\"", got)
	}
}
