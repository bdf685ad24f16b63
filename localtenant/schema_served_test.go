package localtenant

import (
	"net/http"
	"testing"
)

// TestGraphSchemaServedTypes: the other types the tenant serves
// (delegated grants, app role assignments, federated credentials, users,
// groups, directory objects, sites, site permissions) have only
// documented properties, with the documented JSON types. The tenant
// serves part of these types, so a property it leaves out is not an
// error here.
func TestGraphSchemaServedTypes(t *testing.T) {
	s := start(t, Options{})
	c := operator(t, s)
	app := c.createApp("served", graphAppID, "Sites.Selected")
	partial := func(what, typ string, obj map[string]any) {
		t.Helper()
		if len(obj) == 0 {
			t.Errorf("%s: empty answer", what)
		}
		mustConform(t, what, versionV1, typ, obj, true)
	}

	g := c.must(http.StatusCreated, "POST", "/oauth2PermissionGrants", map[string]any{
		"clientId": app.spID, "consentType": "AllPrincipals", "resourceId": c.spOf(graphAppID), "scope": "User.Read"})
	partial("POST /oauth2PermissionGrants", "oAuth2PermissionGrant", g.body)
	for _, o := range c.must(http.StatusOK, "GET", "/oauth2PermissionGrants", nil).values() {
		partial("GET /oauth2PermissionGrants", "oAuth2PermissionGrant", o)
	}
	for _, o := range c.must(http.StatusOK, "GET", "/servicePrincipals/"+app.spID+"/appRoleAssignments", nil).values() {
		partial("GET appRoleAssignments", "appRoleAssignment", o)
	}
	f := c.must(http.StatusCreated, "POST", "/applications/"+app.id+"/federatedIdentityCredentials", map[string]any{
		"name": "gh", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:o/r:ref:refs/heads/main", "audiences": []string{"api://AzureADTokenExchange"}})
	partial("POST federatedIdentityCredentials", "federatedIdentityCredential", f.body)
	for _, o := range c.must(http.StatusOK, "GET", "/users", nil).values() {
		partial("GET /users", "user", o)
	}
	for _, o := range c.must(http.StatusOK, "GET", "/groups", nil).values() {
		partial("GET /groups", "group", o)
	}
	root := c.must(http.StatusOK, "GET", "/sites/root", nil)
	partial("GET /sites/root", "site", root.body)
	for _, o := range c.must(http.StatusOK, "GET", "/sites", nil).values() {
		partial("GET /sites", "site", o)
	}
	hr := c.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/sites/hr", nil).str("id")
	p := c.must(http.StatusCreated, "POST", "/sites/"+hr+"/permissions", map[string]any{"roles": []string{"read"},
		"grantedToIdentities": []any{map[string]any{"application": map[string]any{"id": app.appID, "displayName": "served"}}}})
	partial("POST site permission", "permission", p.body)
	partial("GET site permission", "permission", c.must(http.StatusOK, "GET", "/sites/"+hr+"/permissions/"+p.str("id"), nil).body)
}
