package localtenant

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// step is one write of a sequence and Graph's answer to it.
type step struct {
	name   string
	path   string
	body   map[string]any
	status int
	code   string
	msg    string
}

func runSteps(t *testing.T, c *client, steps []step) {
	t.Helper()
	for _, st := range steps {
		r := c.do("PATCH", st.path, st.body)
		got := []any{r.status, r.code(), r.message()}
		if diff := cmp.Diff([]any{st.status, st.code, st.msg}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", st.name, diff)
		}
	}
}

func scope(id, value string, enabled bool) map[string]any {
	return map[string]any{"id": id, "value": value, "type": "User", "isEnabled": enabled,
		"adminConsentDisplayName": value, "adminConsentDescription": value}
}

func role(id, value string, enabled bool, types ...string) map[string]any {
	return map[string]any{"id": id, "value": value, "displayName": value, "description": value, "isEnabled": enabled, "allowedMemberTypes": types}
}

func TestIdentifierURIPolicy(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	api := op.createApp("orders api", "")
	other := op.createApp("other api", "")
	uris := func(u ...string) map[string]any { return map[string]any{"identifierUris": u} }
	const refused, taken = "HostNameNotOnVerifiedDomain", CodeConflict
	msg := func(u string) string {
		return "Values of identifierUris property must use a verified domain of the organization or its subdomain: '" + u + "'"
	}
	app := "/applications/" + api.id
	runSteps(t, op, []step{
		{"api://{appId}", app, uris("api://" + api.appID), 204, "", ""},
		{"api://{tenantId}/path", app, uris("api://"+api.appID, "api://"+s.TenantID()+"/orders"), 204, "", ""},
		{"api://{string}/{appId}", app, uris("api://"+api.appID, "api://orders/"+api.appID), 204, "", ""},
		{"https on the initial domain", app, uris("api://"+api.appID, "https://contoso.onmicrosoft.com/orders"), 204, "", ""},
		{"api on the initial domain", app, uris("api://"+api.appID, "api://contoso.onmicrosoft.com/orders"), 204, "", ""},
		{"a subdomain", app, uris("api://"+api.appID, "https://orders.contoso.onmicrosoft.com"), 204, "", ""},
		{"a bare name", app, uris("api://orders"), 400, refused, msg("api://orders")},
		{"an unverified domain", app, uris("https://contoso.com/orders"), 400, refused, msg("https://contoso.com/orders")},
		{"another app's appId", app, uris("api://" + other.appID), 400, refused, msg("api://" + other.appID)},
		{"a look-alike domain", app, uris("https://evilcontoso.onmicrosoft.com/x"), 400, refused, msg("https://evilcontoso.onmicrosoft.com/x")},
		{"a urn", app, uris("urn:orders"), 400, refused, msg("urn:orders")},
		{"kept while another is added", "/applications/" + other.id, uris("api://" + other.appID), 204, "", ""},
		{"held by another application", "/applications/" + other.id, uris("api://"+other.appID, "https://orders.contoso.onmicrosoft.com"), 400, taken,
			"Another object with the same value for property identifierUris already exists."},
	})
	sp := op.must(http.StatusOK, "GET", "/servicePrincipals/"+api.spID, nil)
	if diff := cmp.Diff([]any{api.appID, "api://" + api.appID, "https://orders.contoso.onmicrosoft.com"}, sp.body["servicePrincipalNames"]); diff != "" {
		t.Errorf("servicePrincipalNames (-want +got):\n%s", diff)
	}
}

func TestExposedPermissionRules(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	api := op.createApp("orders api", "")
	app := "/applications/" + api.id
	readID, writeID, adminID, syncID := newID(), newID(), newID(), newID()
	scopes := func(sc ...map[string]any) map[string]any {
		return map[string]any{"api": map[string]any{"oauth2PermissionScopes": sc}}
	}
	roles := func(rs ...map[string]any) map[string]any { return map[string]any{"appRoles": rs} }
	const enabled, dup = CodeEnabledEntitlement, CodeDuplicateValue
	const enabledMsg, dupMsg = "Permission (scope or role) cannot be deleted or updated unless disabled first.", "Request contains a property with duplicate values."
	runSteps(t, op, []step{
		{"two scopes", app, scopes(scope(readID, "Orders.Read", true), scope(writeID, "Orders.Write", true)), 204, "", ""},
		{"two roles", app, roles(role(adminID, "Orders.Admin", true, "User", "Application"), role(syncID, "Orders.Sync", true, "Application")), 204, "", ""},
		{"an enabled scope removed", app, scopes(scope(readID, "Orders.Read", true)), 400, enabled, enabledMsg},
		{"an enabled scope's value changed", app, scopes(scope(readID, "Orders.ReadAll", true), scope(writeID, "Orders.Write", true)), 400, enabled, enabledMsg},
		{"disabled and removed at once", app, scopes(scope(readID, "Orders.Read", true)), 400, enabled, enabledMsg},
		{"an enabled role removed", app, roles(role(adminID, "Orders.Admin", true, "User", "Application")), 400, enabled, enabledMsg},
		{"a scope disabled", app, scopes(scope(readID, "Orders.Read", true), scope(writeID, "Orders.Write", false)), 204, "", ""},
		{"then removed", app, scopes(scope(readID, "Orders.Read", true)), 204, "", ""},
		{"a role disabled", app, roles(role(adminID, "Orders.Admin", true, "User", "Application"), role(syncID, "Orders.Sync", false, "Application")), 204, "", ""},
		{"then removed", app, roles(role(adminID, "Orders.Admin", true, "User", "Application")), 204, "", ""},
		{"two scopes, one value", app, scopes(scope(readID, "Orders.Read", true), scope(newID(), "orders.read", true)), 400, dup, dupMsg},
		{"two roles, one id", app, roles(role(adminID, "Orders.Admin", true, "User"), role(adminID, "Orders.Other", true, "User")), 400, dup, dupMsg},
		{"a scope and a role, one value", app, roles(role(adminID, "Orders.Admin", true, "User", "Application"), role(newID(), "Orders.Read", true, "User")), 400, dup, dupMsg},
		{"a scope and a role, one id", app, roles(role(adminID, "Orders.Admin", true, "User", "Application"), role(readID, "Orders.Read", true, "User")), 204, "", ""},
		{"a role without a value", app, roles(role(adminID, "Orders.Admin", true, "User", "Application"), role(readID, "Orders.Read", true, "User"), role(newID(), "", true, "User")), 204, "", ""},
	})

	// The service principal publishes what the application exposes.
	sp := op.must(http.StatusOK, "GET", "/servicePrincipals/"+api.spID, nil)
	got := map[string]any{"scopes": names(response{body: map[string]any{"value": sp.body["oauth2PermissionScopes"]}}, "value"),
		"roles": names(response{body: map[string]any{"value": sp.body["appRoles"]}}, "value")}
	if diff := cmp.Diff(map[string]any{"scopes": []string{"Orders.Read"}, "roles": []string{"", "Orders.Admin", "Orders.Read"}}, got); diff != "" {
		t.Errorf("service principal (-want +got):\n%s", diff)
	}
	// A service principal made later starts with them.
	later := op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "later",
		"appRoles": []any{role(newID(), "Later.Read", true, "User")}})
	laterSP := op.must(http.StatusCreated, "POST", "/servicePrincipals", map[string]any{"appId": later.str("appId")})
	if diff := cmp.Diff([]string{"Later.Read"}, names(response{body: map[string]any{"value": laterSP.body["appRoles"]}}, "value")); diff != "" {
		t.Errorf("new service principal's roles (-want +got):\n%s", diff)
	}
}

// TestCustomAPIThroughGraph registers an API and a client through Graph
// alone, as entraform does, and signs in to the API: roles assigned to a
// user and pre-authorized scopes reach the token.
func TestCustomAPIThroughGraph(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	api := op.createApp("orders api", "")
	client := op.createApp("orders web", "")
	readID, readerID := newID(), newID()
	op.must(http.StatusNoContent, "PATCH", "/applications/"+api.id, map[string]any{
		"identifierUris": []string{"api://contoso.onmicrosoft.com/orders"},
		"api":            map[string]any{"oauth2PermissionScopes": []any{scope(readID, "Orders.Read", true)}},
		"appRoles":       []any{role(readerID, "Orders.Reader", true, "User")},
	})
	op.must(http.StatusCreated, "POST", "/servicePrincipals/"+api.spID+"/appRoleAssignedTo", map[string]any{
		"principalId": s.DefaultUser().ID, "resourceId": api.spID, "appRoleId": readerID})
	tokenPath := "/" + s.TenantID() + "/oauth2/v2.0/token"
	form := url.Values{"grant_type": {"password"}, "client_id": {client.appID}, "client_secret": {client.secret},
		"scope": {"api://contoso.onmicrosoft.com/orders/Orders.Read"}, "username": {s.DefaultUser().UserPrincipalName}, "password": {defaultUserPassword}}

	status, body := tokenCall(t, s, tokenPath, form)
	if diff := cmp.Diff(wantAAD(400, "invalid_grant", 65001), checkAADError(t, status, body)); diff != "" {
		t.Errorf("before pre-authorization (-want +got):\n%s", diff)
	}
	op.must(http.StatusNoContent, "PATCH", "/applications/"+api.id, map[string]any{"api": map[string]any{
		"preAuthorizedApplications": []any{map[string]any{"appId": client.appID, "delegatedPermissionIds": []string{readID}}}}})
	got := pick(claims(t, token(t, s, form)), "aud", "scp", "roles")
	want := map[string]any{"aud": "api://contoso.onmicrosoft.com/orders", "scp": "Orders.Read", "roles": []any{"Orders.Reader"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pre-authorized client's token (-want +got):\n%s", diff)
	}

	// An API that asks for version 2 tokens gets them.
	op.must(http.StatusNoContent, "PATCH", "/applications/"+api.id, map[string]any{"api": map[string]any{"requestedAccessTokenVersion": 2}})
	user := s.DefaultUser().UserPrincipalName
	v2 := pick(claims(t, token(t, s, form)), "ver", "iss", "aud", "azp", "appid", "upn", "preferred_username", "scp", "roles")
	want = map[string]any{"ver": "2.0", "iss": "https://login.microsoftonline.com/" + s.TenantID() + "/v2.0", "aud": api.appID, "azp": client.appID,
		"preferred_username": user, "scp": "Orders.Read", "roles": []any{"Orders.Reader"}}
	if diff := cmp.Diff(want, v2); diff != "" {
		t.Errorf("version 2 token (-want +got):\n%s", diff)
	}
	appOnly := url.Values{"grant_type": {"client_credentials"}, "client_id": {client.appID}, "client_secret": {client.secret}, "scope": {"api://contoso.onmicrosoft.com/orders/.default"}}
	if c := claims(t, token(t, s, appOnly)); c["ver"] != "2.0" || c["aud"] != api.appID || c["azpacr"] != "1" {
		t.Errorf("version 2 app-only token: %v", pick(c, "ver", "aud", "azpacr"))
	}
}

// TestGroupsClaim: an application's groupMembershipClaims puts the
// user's group ids in its tokens: access tokens for an API by the API's
// setting, ID tokens by the client's.
func TestGroupsClaim(t *testing.T) {
	s := start(t, Options{Seed: &Seed{Groups: []SeedGroup{{DisplayName: "HR", Members: []string{"adele@contoso.onmicrosoft.com"}}}}})
	op := operator(t, s)
	api := op.createApp("orders api", "")
	client := op.createApp("orders web", "")
	readID := newID()
	op.must(http.StatusNoContent, "PATCH", "/applications/"+api.id, map[string]any{
		"identifierUris": []string{"api://contoso.onmicrosoft.com/orders"},
		"api":            map[string]any{"oauth2PermissionScopes": []any{scope(readID, "Orders.Read", true)}},
	})
	op.grant(client.spID, api.appID, "Orders.Read")
	eng, fin, hr := groupID(t, s, "Engineering"), groupID(t, s, "Finance"), groupID(t, s, "HR")
	op.must(http.StatusCreated, "POST", "/groups/"+fin+"/appRoleAssignments", map[string]any{
		"principalId": fin, "resourceId": api.spID, "appRoleId": defaultAccessRole})
	tokenFor := func(local string) map[string]any {
		form := passwordForm(s, registered{app: &Application{AppID: client.appID}, secret: client.secret}, local, "api://contoso.onmicrosoft.com/orders/Orders.Read openid")
		status, body := tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", form)
		if status != http.StatusOK {
			t.Fatalf("token for %s: %d %v", local, status, body)
		}
		return map[string]any{"access": claims(t, body["access_token"].(string))["groups"], "id": claims(t, body["id_token"].(string))["groups"]}
	}
	sorted := func(ids ...string) []any {
		slices.Sort(ids)
		out := []any{}
		for _, id := range ids {
			out = append(out, id)
		}
		return out
	}
	tests := []struct {
		name, apiSetting, clientSetting, user string
		want                                  map[string]any
	}{
		{"none asked", "", "", "adele", map[string]any{"access": nil, "id": nil}},
		{"security groups", "SecurityGroup", "", "adele", map[string]any{"access": sorted(fin, hr), "id": nil}},
		{"groups assigned to the API", "ApplicationGroup", "", "adele", map[string]any{"access": sorted(fin), "id": nil}},
		{"no assigned group", "ApplicationGroup", "", "alex", map[string]any{"access": []any{}, "id": nil}},
		{"the client's ID token", "", "All", "alex", map[string]any{"access": nil, "id": sorted(eng)}},
	}
	for _, tt := range tests {
		for _, a := range []struct{ id, v string }{{api.id, tt.apiSetting}, {client.id, tt.clientSetting}} {
			var v any
			if a.v != "" {
				v = a.v
			}
			op.must(http.StatusNoContent, "PATCH", "/applications/"+a.id, map[string]any{"groupMembershipClaims": v})
		}
		if diff := cmp.Diff(tt.want, tokenFor(tt.user)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
