package localtenant

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const graphBeta = "https://graph.microsoft.com/beta"

// terraformApplication is the body the Terraform azuread provider (v3)
// sends to create an application: every block it manages, most of them
// empty or null.
func terraformApplication(name string) map[string]any {
	return map[string]any{
		"displayName": name,
		"api": map[string]any{
			"acceptMappedClaims":      nil,
			"knownClientApplications": []any{},
			"oauth2PermissionScopes": []any{map[string]any{
				"adminConsentDescription": "Access the API as the signed-in user", "adminConsentDisplayName": "Access",
				"id": "6b2b2f47-8e3f-4a61-9b55-08d4c5a2c111", "isEnabled": true, "type": "User",
				"userConsentDescription": "Access the API as you", "userConsentDisplayName": "Access", "value": "user_impersonation",
			}},
			"preAuthorizedApplications":   []any{},
			"requestedAccessTokenVersion": 2,
		},
		"appRoles": []any{map[string]any{
			"allowedMemberTypes": []any{"Application"}, "description": "Read everything", "displayName": "Reader",
			"id": "0d5c8c7e-3b1f-4b0b-9c55-2f6f3c3d0a01", "isEnabled": true, "value": "Data.Read",
		}},
		"info": map[string]any{
			"marketingUrl": nil, "privacyStatementUrl": "https://example.com/privacy", "supportUrl": nil, "termsOfServiceUrl": nil,
		},
		"optionalClaims": map[string]any{
			"accessToken": []any{map[string]any{"name": "groups", "essential": false, "additionalProperties": []any{}, "source": nil}},
			"idToken":     []any{},
			"saml2Token":  []any{},
		},
		"groupMembershipClaims":      "SecurityGroup",
		"isDeviceOnlyAuthSupported":  false,
		"isFallbackPublicClient":     false,
		"oauth2RequirePostResponse":  false,
		"serviceManagementReference": nil,
		"signInAudience":             "AzureADMyOrg",
		"identifierUris":             []any{},
		"tags":                       []any{"terraform"},
		"description":                nil,
		"notes":                      nil,
		"publicClient":               map[string]any{"redirectUris": []any{}},
		"spa":                        map[string]any{"redirectUris": []any{"https://spa.example.com/"}},
		"web": map[string]any{
			"homePageUrl": nil, "logoutUrl": nil, "redirectUris": []any{"https://web.example.com/auth"},
			"implicitGrantSettings": map[string]any{"enableAccessTokenIssuance": false, "enableIdTokenIssuance": true},
		},
		"requiredResourceAccess": []any{map[string]any{
			"resourceAppId":  graphAppID,
			"resourceAccess": []any{map[string]any{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"}},
		}},
		"parentalControlSettings": map[string]any{"countriesBlockedForMinors": []any{}, "legalAgeGroupRule": "Allow"},
	}
}

// TestGraphSchemaScenario drives applications and service principals
// through create, upsert, patch, get, list, $select and $batch, in v1.0
// and beta, and checks every object the tenant returns against the
// description generated from Microsoft's CSDL.
func TestGraphSchemaScenario(t *testing.T) {
	s := start(t, Options{})
	c := operator(t, s)
	full := func(what, ver, typ string, obj map[string]any) {
		t.Helper()
		mustConform(t, what, ver, typ, obj, false)
	}

	// A plain create shows Graph's defaults for a new application.
	plain := c.must(201, "POST", "/applications", map[string]any{"displayName": "plain"})
	full("POST /applications", versionV1, "application", plain.body)
	wantDefaults := map[string]any{
		"api": map[string]any{"acceptMappedClaims": nil, "knownClientApplications": []any{}, "oauth2PermissionScopes": []any{},
			"preAuthorizedApplications": []any{}, "requestedAccessTokenVersion": nil},
		"info":                    map[string]any{"logoUrl": nil, "marketingUrl": nil, "privacyStatementUrl": nil, "supportUrl": nil, "termsOfServiceUrl": nil},
		"parentalControlSettings": map[string]any{"countriesBlockedForMinors": []any{}, "legalAgeGroupRule": "Allow"},
		"optionalClaims":          nil, "groupMembershipClaims": nil, "isDeviceOnlyAuthSupported": nil, "appRoles": []any{},
		"addIns": []any{}, "publicClient": map[string]any{"redirectUris": []any{}}, "tokenEncryptionKeyId": nil,
		"publisherDomain": s.Domain(),
	}
	gotDefaults := map[string]any{}
	for k := range wantDefaults {
		gotDefaults[k] = plain.body[k]
	}
	if diff := cmp.Diff(wantDefaults, gotDefaults); diff != "" {
		t.Errorf("new application defaults (-want +got):\n%s", diff)
	}

	// Terraform's body: accepted, stored, returned as sent.
	tf := c.must(201, "POST", "/applications", terraformApplication("tf"))
	full("POST /applications (Terraform body)", versionV1, "application", tf.body)
	id := tf.str("id")
	for _, name := range []string{"api", "appRoles", "optionalClaims", "groupMembershipClaims", "isDeviceOnlyAuthSupported", "info", "spa"} {
		got := c.must(200, "GET", "/applications/"+id+"?$select="+name, nil)
		mustConform(t, "GET $select="+name, versionV1, "application", got.body, true)
		want := roundTrip(t, terraformApplication("tf")[name])
		switch name {
		case "info":
			want.(map[string]any)["logoUrl"] = nil
		case "api":
			want.(map[string]any)["oauth2PermissionScopes"].([]any)[0].(map[string]any)["origin"] = "Application"
		case "appRoles":
			want.([]any)[0].(map[string]any)["origin"] = "Application"
		}
		if diff := cmp.Diff(want, got.body[name]); diff != "" {
			t.Errorf("GET $select=%s (-want +got):\n%s", name, diff)
		}
		if len(got.body) != 3 { // id, the property, @odata.context
			t.Errorf("GET $select=%s: members %v", name, keys(got.body))
		}
	}

	// PATCH merges complex values and replaces collections (an enabled
	// app role is disabled first, as Graph requires before removing it).
	disabled := roundTrip(t, terraformApplication("tf")["appRoles"]).([]any)
	disabled[0].(map[string]any)["isEnabled"] = false
	c.must(204, "PATCH", "/applications/"+id, map[string]any{"appRoles": disabled})
	c.must(204, "PATCH", "/applications/"+id, map[string]any{
		"info":                       map[string]any{"supportUrl": "https://example.com/support"},
		"appRoles":                   []any{},
		"serviceManagementReference": "ticket-1",
	})
	got := c.must(200, "GET", "/applications/"+id, nil)
	full("GET after PATCH", versionV1, "application", got.body)
	if diff := cmp.Diff(map[string]any{"logoUrl": nil, "marketingUrl": nil, "privacyStatementUrl": "https://example.com/privacy",
		"supportUrl": "https://example.com/support", "termsOfServiceUrl": nil}, got.body["info"]); diff != "" {
		t.Errorf("info after PATCH (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{}, got.body["appRoles"]); diff != "" {
		t.Errorf("appRoles after PATCH (-want +got):\n%s", diff)
	}

	// The upsert accepts the same body.
	up := c.must(201, "PATCH", "/applications(uniqueName='tf-upsert')", terraformApplication("tf upsert"), "Prefer: create-if-missing")
	full("upsert", versionV1, "application", up.body)

	// beta: the same objects, with the beta description; beta-only
	// properties are accepted there and absent from v1.0.
	b := c.must(200, "GET", graphBeta+"/applications/"+id, nil)
	full("GET /beta/applications/{id}", versionBeta, "application", b.body)
	if ctx, _ := b.body["@odata.context"].(string); !strings.HasPrefix(ctx, graphBeta+"/$metadata#applications") {
		t.Errorf("beta @odata.context = %q", ctx)
	}
	c.must(204, "PATCH", graphBeta+"/applications/"+id, map[string]any{
		"authenticationBehaviors": map[string]any{"blockAzureADGraphAccess": true, "removeUnverifiedEmailClaim": true, "requireClientServicePrincipal": false},
	})
	b = c.must(200, "GET", graphBeta+"/applications/"+id+"?$select=authenticationBehaviors", nil)
	if diff := cmp.Diff(map[string]any{"blockAzureADGraphAccess": true, "removeUnverifiedEmailClaim": true, "requireClientServicePrincipal": false}, b.body["authenticationBehaviors"]); diff != "" {
		t.Errorf("beta authenticationBehaviors (-want +got):\n%s", diff)
	}
	// Sub-resources are served on beta too.
	if pw := c.must(200, "POST", graphBeta+"/applications/"+id+"/addPassword", map[string]any{"passwordCredential": map[string]any{"displayName": "beta"}}); pw.str("secretText") == "" {
		t.Errorf("beta addPassword: no secretText: %v", pw.body)
	}
	c.must(200, "GET", graphBeta+"/applications/"+id+"/federatedIdentityCredentials", nil)
	bcreated := c.must(201, "POST", graphBeta+"/applications", map[string]any{"displayName": "beta app", "windows": map[string]any{"redirectUris": []any{}}})
	full("POST /beta/applications", versionBeta, "application", bcreated.body)
	v1 := c.must(200, "GET", "/applications/"+id, nil)
	full("GET v1.0 after a beta PATCH", versionV1, "application", v1.body)

	// Lists, v1.0 and beta.
	for _, base := range []string{graphV1, graphBeta} {
		ver := versionV1
		if base == graphBeta {
			ver = versionBeta
		}
		for _, o := range c.must(200, "GET", base+"/applications", nil).values() {
			full("GET "+base+"/applications", ver, "application", o)
		}
		for _, o := range c.must(200, "GET", base+"/servicePrincipals", nil).values() {
			full("GET "+base+"/servicePrincipals", ver, "servicePrincipal", o)
		}
	}

	// Service principals, created with Terraform's body.
	sp := c.must(201, "POST", "/servicePrincipals", map[string]any{
		"appId": tf.str("appId"), "accountEnabled": true, "appRoleAssignmentRequired": false, "tags": []any{"WindowsAzureActiveDirectoryIntegratedApp"},
		"alternativeNames": []any{}, "description": nil, "loginUrl": nil, "notes": "managed by terraform", "notificationEmailAddresses": []any{},
		"preferredSingleSignOnMode": nil, "samlSingleSignOnSettings": map[string]any{"relayState": nil},
	})
	full("POST /servicePrincipals", versionV1, "servicePrincipal", sp.body)
	if sp.body["signInAudience"] != "AzureADMyOrg" {
		t.Errorf("POST /servicePrincipals: signInAudience %v, want the application's", sp.body["signInAudience"])
	}
	if sp.body["notes"] != "managed by terraform" || sp.body["samlSingleSignOnSettings"] == nil {
		t.Errorf("POST /servicePrincipals: notes %v, samlSingleSignOnSettings %v", sp.body["notes"], sp.body["samlSingleSignOnSettings"])
	}
	// The service principal publishes its application's scopes and
	// roles, and follows changes of them.
	if diff := cmp.Diff([]any{"user_impersonation"}, pluck(sp.body[spScopesV1], "value")); diff != "" {
		t.Errorf("service principal scopes (-want +got):\n%s", diff)
	}
	c.must(204, "PATCH", "/applications/"+id, map[string]any{"appRoles": terraformApplication("tf")["appRoles"]})
	spRoles := c.must(200, "GET", "/servicePrincipals/"+sp.str("id")+"?$select=appRoles", nil)
	if diff := cmp.Diff([]any{"Data.Read"}, pluck(spRoles.body["appRoles"], "value")); diff != "" {
		t.Errorf("service principal roles after the application's PATCH (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"Application"}, pluck(spRoles.body["appRoles"], "origin")); diff != "" {
		t.Errorf("service principal role origin (-want +got):\n%s", diff)
	}
	c.must(204, "PATCH", graphBeta+"/servicePrincipals/"+sp.str("id"), map[string]any{"preferredSingleSignOnMode": "oidc"})
	gsp := c.must(200, "GET", graphBeta+"/servicePrincipals(appId='"+tf.str("appId")+"')", nil)
	full("GET /beta/servicePrincipals(appId=..)", versionBeta, "servicePrincipal", gsp.body)
	if gsp.body["preferredSingleSignOnMode"] != "oidc" {
		t.Errorf("preferredSingleSignOnMode = %v", gsp.body["preferredSingleSignOnMode"])
	}
	if diff := cmp.Diff([]any{"user_impersonation"}, pluck(gsp.body[spScopesBeta], "value")); diff != "" {
		t.Errorf("beta publishedPermissionScopes (-want +got):\n%s", diff)
	}

	// $batch, v1.0 and beta.
	for _, base := range []string{graphV1, graphBeta} {
		ver := versionV1
		if base == graphBeta {
			ver = versionBeta
		}
		create := terraformApplication("batched")
		if ver == versionBeta {
			delete(create, "oauth2RequirePostResponse") // v1.0 only
		}
		br := c.must(200, "POST", base+"/$batch", map[string]any{"requests": []any{
			map[string]any{"id": "1", "method": "GET", "url": "/applications/" + id},
			map[string]any{"id": "2", "method": "POST", "url": "/applications", "headers": map[string]any{"Content-Type": "application/json"}, "body": create},
			map[string]any{"id": "3", "method": "GET", "url": "/servicePrincipals/" + sp.str("id")},
		}})
		resps, _ := br.body["responses"].([]any)
		if len(resps) != 3 {
			t.Fatalf("%s/$batch: %d responses", base, len(resps))
		}
		for _, r := range resps {
			m := r.(map[string]any)
			body, _ := m["body"].(map[string]any)
			if st, _ := m["status"].(float64); st != http.StatusOK && st != http.StatusCreated {
				t.Errorf("%s/$batch item %v: status %v: %v", base, m["id"], m["status"], body)
				continue
			}
			typ := "application"
			if m["id"] == "3" {
				typ = "servicePrincipal"
			}
			full(base+"/$batch item "+m["id"].(string), ver, typ, body)
		}
	}
}

// roundTrip is v as JSON decodes it (numbers as float64).
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	return toMap(map[string]any{"v": v})["v"]
}

// pluck is member name of each object of a JSON array.
func pluck(arr any, name string) []any {
	out := []any{}
	list, _ := arr.([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, m[name])
	}
	return out
}

func keys(m map[string]any) []string { return sortedKeys(m) }

// TestGraphSchemaPropertiesPersist: the properties stored generically
// survive a restart of a tenant with a data directory.
func TestGraphSchemaPropertiesPersist(t *testing.T) {
	dir := t.TempDir()
	s1 := start(t, Options{DataDir: dir})
	c1 := operator(t, s1)
	app := c1.must(201, "POST", "/applications", terraformApplication("kept"))
	sp := c1.must(201, "POST", "/servicePrincipals", map[string]any{"appId": app.str("appId"), "notes": "kept too"})
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := start(t, Options{DataDir: dir})
	c2 := operator(t, s2)
	gotApp := c2.must(200, "GET", "/applications/"+app.str("id"), nil)
	gotSP := c2.must(200, "GET", "/servicePrincipals/"+sp.str("id"), nil)
	delete(app.body, "@odata.context")
	delete(gotApp.body, "@odata.context")
	if diff := cmp.Diff(app.body, gotApp.body); diff != "" {
		t.Errorf("application after a restart (-before +after):\n%s", diff)
	}
	if gotSP.body["notes"] != "kept too" || len(pluck(gotSP.body[spScopesV1], "value")) != 1 {
		t.Errorf("service principal after a restart: notes %v, scopes %v", gotSP.body["notes"], gotSP.body[spScopesV1])
	}
}
