package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const webAPIConfig = `
data "user" "alex" {
  user_principal_name = "Alex@contoso.com"
}

data "group" "staff" {
  display_name = "Staff"
}

application "orders_api" {
  display_name                 = "Orders API"
  identifier_uris              = ["api://contoso.com/orders"]
  group_membership_claims      = "SecurityGroup"
  tags                         = ["team:orders"]
  service_management_reference = "ORD-1"
  marketing_url                = "https://contoso.com/orders"
  owners                       = [data.user.alex, "bea@contoso.com", application.client]

  api {
    requested_access_token_version = 2
    scope "read" {
      value                      = "Orders.Read"
      admin_consent_display_name = "Read orders"
    }
    scope "write" {
      id    = "6A1C4F3E-1111-4222-8333-944455556666"
      value = "Orders.Write"
      type  = "Admin"
    }
    pre_authorized "cli" {
      application = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
      scopes      = ["Orders.Read"]
    }
  }
  app_role "admin" {
    value                = "Orders.Admin"
    display_name         = "Administer orders"
    allowed_member_types = ["Application", "User"]
    enabled              = false
  }
  optional_claims {
    access_token "groups" {
      additional_properties = ["emit_as_roles"]
    }
  }
  service_principal {
    app_role_assignment_required = true
    assignment "staff" {
      principal = data.group.staff
      app_role  = "Orders.Admin"
    }
  }
}

application "client" {
  display_name = "Orders client"
  permission "application.orders_api" {
    delegated   = ["Orders.Read"]
    application = ["Orders.Admin"]
  }
}
`

func TestExposedAPI(t *testing.T) {
	cfg := mustLoad(t, webAPIConfig, LoadOptions{})
	api := cfg.Application("application.orders_api")
	readID := StableID("entraform.ws.orders_api", "scope", "read")
	want := &API{
		RequestedAccessTokenVersion: 2,
		Scopes: []*Scope{
			{Name: "read", ID: readID, Value: "Orders.Read", Type: "User", AdminConsentDisplayName: "Read orders", Enabled: true},
			{Name: "write", ID: "6a1c4f3e-1111-4222-8333-944455556666", IDGiven: true, Value: "Orders.Write", Type: "Admin", Enabled: true},
		},
		PreAuthorized: []*PreAuthorized{{Name: "cli", AppID: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", Scopes: []string{"Orders.Read"}}},
	}
	if diff := cmp.Diff(want, api.API, cmpOpts...); diff != "" {
		t.Errorf("api (-want +got):\n%s", diff)
	}
	roleID := StableID("entraform.ws.orders_api", "app_role", "admin")
	wantOwners := []*Owner{
		{Kind: "user", UPN: "alex@contoso.com", Ref: "data.user.alex"},
		{Kind: "user", UPN: "bea@contoso.com"},
		{Kind: "service_principal", Ref: "application.client"},
	}
	if diff := cmp.Diff(wantOwners, api.Owners, cmpOpts...); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	wantSP := &ServicePrincipalConfig{AppRoleAssignmentRequired: true,
		Assignments: []*Assignment{{Name: "staff", Principal: "data.group.staff", AppRole: "Orders.Admin"}}}
	if diff := cmp.Diff(wantSP, api.ServicePrincipal, cmpOpts...); diff != "" {
		t.Errorf("service_principal (-want +got):\n%s", diff)
	}
	client := cfg.Application("application.client")
	wantPerm := []*Permission{{
		Resource: "application.orders_api", ResourceAddr: "application.orders_api",
		Delegated:   []PermissionRef{{Name: "Orders.Read", Value: "Orders.Read", ID: readID}},
		Application: []PermissionRef{{Name: "Orders.Admin", Value: "Orders.Admin", ID: roleID}},
	}}
	if diff := cmp.Diff(wantPerm, client.Permissions, cmpOpts...); diff != "" {
		t.Errorf("client permissions (-want +got):\n%s", diff)
	}
	wantData := []*Data{
		{Addr: "data.group.staff", Type: "group", Name: "staff", DisplayName: "Staff"},
		{Addr: "data.user.alex", Type: "user", Name: "alex", UserPrincipalName: "alex@contoso.com"},
	}
	if diff := cmp.Diff(wantData, cfg.Data, cmpOpts...); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
}

// TestStableID: ids derive from the unique name and the label alone, so
// two machines (or two runs) agree, and another label or application
// gets another id.
func TestStableID(t *testing.T) {
	a := StableID("entraform.ws.api", "scope", "read")
	if a != StableID("ENTRAFORM.ws.api", "scope", "read") {
		t.Errorf("unique names are case-insensitive; the id changed with case")
	}
	others := []string{StableID("entraform.ws.api", "scope", "write"), StableID("entraform.ws.api2", "scope", "read"), StableID("entraform.ws.api", "app_role", "read")}
	for _, o := range others {
		if o == a {
			t.Errorf("two different scopes/roles got the same id %s", a)
		}
	}
	if !isGUID(a) || a[14] != '5' {
		t.Errorf("StableID = %q, want a version 5 UUID", a)
	}
}
