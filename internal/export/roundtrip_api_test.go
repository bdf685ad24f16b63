package export_test

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/internal/cli"
)

// seedAPIByHand registers an API and its client the way a person does in
// the portal, with everything issue 17 covers set: identifier URI,
// scopes (one disabled), a pre-authorized client, app roles, optional
// claims, group claims, tags, notes, branding, owners of the application
// and of its service principal, assignment required with a group and a
// user assigned, and a client granted a scope and a role of the API.
func seedAPIByHand(a *admin) {
	alex := a.call("GET", "/users/alex@contoso.onmicrosoft.com", nil)["id"].(string)
	groups := a.call("GET", "/groups?$filter=displayName%20eq%20'Engineering'", nil)["value"].([]any)
	engineering := groups[0].(map[string]any)["id"].(string)
	adele := a.call("GET", "/users/adele@contoso.onmicrosoft.com", nil)["id"].(string)

	const readID, adminID, oldID, readerID = "5c1b0d4e-1111-4a2b-8c3d-000000000001", "5c1b0d4e-1111-4a2b-8c3d-000000000002", "5c1b0d4e-1111-4a2b-8c3d-000000000003", "5c1b0d4e-1111-4a2b-8c3d-000000000004"
	client := a.application(map[string]any{"displayName": "Orders client"})
	api := a.application(map[string]any{
		"displayName":                "Orders API",
		"identifierUris":             []string{"api://contoso.onmicrosoft.com/orders"},
		"groupMembershipClaims":      "SecurityGroup",
		"tags":                       []string{"team:orders"},
		"notes":                      "Orders service",
		"serviceManagementReference": "ORD-1",
		"info": map[string]any{"marketingUrl": "https://contoso.com/orders", "supportUrl": "https://contoso.com/help",
			"privacyStatementUrl": nil, "termsOfServiceUrl": nil},
		"api": map[string]any{
			"requestedAccessTokenVersion": 2,
			"oauth2PermissionScopes": []any{
				map[string]any{"id": readID, "value": "Orders.Read", "type": "User", "isEnabled": true,
					"adminConsentDisplayName": "Read orders", "adminConsentDescription": "Read all orders",
					"userConsentDisplayName": "Read your orders", "userConsentDescription": "Read the orders you placed"},
				map[string]any{"id": oldID, "value": "Orders.Legacy", "type": "Admin", "isEnabled": false,
					"adminConsentDisplayName": "Legacy access", "adminConsentDescription": "Old clients only"},
			},
			"preAuthorizedApplications": []any{map[string]any{"appId": client.AppID, "delegatedPermissionIds": []string{readID}}},
		},
		"appRoles": []any{
			map[string]any{"id": adminID, "value": "Orders.Admin", "displayName": "Administer orders", "description": "Administer all orders",
				"allowedMemberTypes": []string{"Application"}, "isEnabled": true},
			map[string]any{"id": readerID, "value": "Orders.Reader", "displayName": "Order readers", "description": "People who read orders",
				"allowedMemberTypes": []string{"User"}, "isEnabled": true},
		},
		"optionalClaims": map[string]any{"accessToken": []any{map[string]any{"name": "groups", "essential": false, "additionalProperties": []string{"emit_as_roles"}}},
			"idToken": []any{map[string]any{"name": "email", "essential": true, "additionalProperties": []string{}}}, "saml2Token": []any{}},
	})
	a.call("POST", "/applications/"+api.ID+"/owners/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + alex})
	a.call("PATCH", "/servicePrincipals/"+api.SPID, map[string]any{"appRoleAssignmentRequired": true, "notes": "Ask the orders team",
		"tags": []string{"WindowsAzureActiveDirectoryIntegratedApp"}, "loginUrl": "https://orders.contoso.com/login"})
	a.call("POST", "/servicePrincipals/"+api.SPID+"/owners/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + alex})
	a.call("POST", "/servicePrincipals/"+api.SPID+"/appRoleAssignedTo", map[string]any{"principalId": engineering, "resourceId": api.SPID, "appRoleId": readerID})
	a.call("POST", "/servicePrincipals/"+api.SPID+"/appRoleAssignedTo", map[string]any{"principalId": adele, "resourceId": api.SPID, "appRoleId": readerID})

	a.call("PATCH", "/applications/"+client.ID, map[string]any{"requiredResourceAccess": []any{map[string]any{"resourceAppId": api.AppID, "resourceAccess": []any{
		map[string]any{"id": readID, "type": "Scope"}, map[string]any{"id": adminID, "type": "Role"},
	}}}})
	a.consent(client, api.AppID, "Orders.Read")
	a.assignRole(client, api.AppID, adminID)
}

// TestRoundTripWholeRegistration: an API and its client made by hand
// with everything set export to files whose plan changes only ownership,
// and after apply the plan is empty.
func TestRoundTripWholeRegistration(t *testing.T) {
	t.Parallel()
	tenant, a := startTenant(t)
	seedAPIByHand(a)

	work := t.TempDir()
	run := runner(t, tenant, work)
	must(t, run, cli.ExitOK, "export", "-name", "Orders*", "-out", "orders")
	dir := filepath.Join(work, "orders")
	compareGolden(t, dir, filepath.Join("testdata", "roundtrip_api"))

	run = runner(t, tenant, dir)
	must(t, run, cli.ExitOK, "validate")
	must(t, run, cli.ExitOK, "fmt", "-check")
	plan, _ := must(t, run, cli.ExitChanges, "plan", "-detailed-exitcode")
	var changed []string
	for _, line := range strings.Split(plan, "\n") {
		if m := regexp.MustCompile(`^\s*# (\S+) will be (.*)$`).FindStringSubmatch(line); m != nil {
			changed = append(changed, m[1]+" "+m[2])
		}
	}
	sort.Strings(changed)
	want := []string{
		"application.orders_api updated in-place",
		"application.orders_api.service_principal updated in-place",
		"application.orders_client updated in-place",
		"application.orders_client.service_principal updated in-place",
	}
	if diff := cmp.Diff(want, changed); diff != "" {
		t.Fatalf("plan of the exported files (-want +got):\n%s\nplan:\n%s", diff, plan)
	}
	for _, attr := range regexp.MustCompile(`(?m)^\s*[-+~] (\w+)\s*=`).FindAllStringSubmatch(plan, -1) {
		if attr[1] != "workspace" {
			t.Errorf("plan changes %s; only ownership (workspace) should change:\n%s", attr[1], plan)
		}
	}
	must(t, run, cli.ExitOK, "apply", "-auto-approve")
	again, _ := must(t, run, cli.ExitOK, "plan", "-detailed-exitcode")
	if !strings.Contains(again, "No changes.") {
		t.Errorf("second plan:\n%s", again)
	}
}
