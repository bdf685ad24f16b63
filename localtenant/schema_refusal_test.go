package localtenant

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGraphSchemaRefusals: a body member Graph does not have, or a value
// of the wrong type, is refused with Graph's status, code and message,
// on create, update and the upsert, v1.0 and beta.
func TestGraphSchemaRefusals(t *testing.T) {
	s := start(t, Options{})
	c := operator(t, s)
	app := c.must(201, "POST", "/applications", map[string]any{"displayName": "target"})
	sp := c.must(201, "POST", "/servicePrincipals", map[string]any{"appId": app.str("appId")})
	appURL, spURL := "/applications/"+app.str("id"), "/servicePrincipals/"+sp.str("id")

	type want struct {
		Status  int
		Code    string
		Message string
	}
	bad := func(msg string) want { return want{400, CodeBadRequest, msg} }
	tests := []struct {
		name   string
		method string
		path   string
		body   map[string]any
		want   want
	}{
		{"unknown property", "POST", "/applications", map[string]any{"displayName": "x", "colour": "blue"},
			bad("Property 'colour' does not exist as a declared property or extension property.")},
		{"unknown property on update", "PATCH", appURL, map[string]any{"signInAudiance": "AzureADMyOrg"},
			bad("Property 'signInAudiance' does not exist as a declared property or extension property.")},
		{"unknown property on the upsert", "PATCH", "/applications(uniqueName='refused')", map[string]any{"displayName": "x", "colour": "blue"},
			bad("Property 'colour' does not exist as a declared property or extension property.")},
		{"beta-only property on v1.0", "PATCH", appURL, map[string]any{"windows": map[string]any{"redirectUris": []any{}}},
			bad("Property 'windows' does not exist as a declared property or extension property.")},
		{"v1.0-only property on beta", "PATCH", graphBeta + appURL, map[string]any{"oauth2RequirePostResponse": true},
			bad("Property 'oauth2RequirePostResponse' does not exist as a declared property or extension property.")},
		{"stream property in the body", "PATCH", appURL, map[string]any{"logo": "aGVsbG8="},
			bad("Property 'logo' does not exist as a declared property or extension property.")},
		{"unknown member of a complex value", "PATCH", appURL, map[string]any{"api": map[string]any{"scopes": []any{}}},
			bad("The property 'scopes' does not exist on type 'microsoft.graph.apiApplication'. Make sure to only use property names that are defined by the type.")},
		{"unknown member deep inside", "PATCH", appURL, map[string]any{"web": map[string]any{"implicitGrantSettings": map[string]any{"enableHybrid": true}}},
			bad("The property 'enableHybrid' does not exist on type 'microsoft.graph.implicitGrantSettings'. Make sure to only use property names that are defined by the type.")},
		{"number for a string", "PATCH", appURL, map[string]any{"groupMembershipClaims": 5},
			bad("Cannot convert the literal '5' to the expected type 'Edm.String'.")},
		{"string for a boolean", "PATCH", appURL, map[string]any{"isDeviceOnlyAuthSupported": "yes"},
			bad("Cannot convert the literal 'yes' to the expected type 'Edm.Boolean'.")},
		{"string for an Int32", "PATCH", appURL, map[string]any{"api": map[string]any{"requestedAccessTokenVersion": "2"}},
			bad("Cannot convert the literal '2' to the expected type 'Edm.Int32'.")},
		{"bad Guid", "PATCH", appURL, map[string]any{"api": map[string]any{"knownClientApplications": []any{"000000-0000"}}},
			bad("Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details.")},
		{"object for a string", "PATCH", appURL, map[string]any{"notes": map[string]any{}},
			bad("An unexpected 'StartObject' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.")},
		{"string for a collection", "PATCH", appURL, map[string]any{"tags": "a,b"},
			bad("An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartArray' node was expected.")},
		{"array for a complex value", "PATCH", appURL, map[string]any{"info": []any{}},
			bad("An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected.")},
		{"null collection", "PATCH", appURL, map[string]any{"appRoles": nil},
			bad("A null value was found for the property named 'appRoles', which has the expected type 'Collection(microsoft.graph.appRole)[Nullable=False]'. The expected type 'Collection(microsoft.graph.appRole)[Nullable=False]' does not allow null values.")},
		{"null non-nullable boolean", "PATCH", spURL, map[string]any{"appRoleAssignmentRequired": nil},
			bad("A null value was found for the property named 'appRoleAssignmentRequired', which has the expected type 'Edm.Boolean[Nullable=False]'. The expected type 'Edm.Boolean[Nullable=False]' does not allow null values.")},
		{"unknown derived type", "PATCH", graphBeta + appURL, map[string]any{"signInAudienceRestrictions": map[string]any{"@odata.type": "#microsoft.graph.everyone"}},
			bad("A type named 'microsoft.graph.everyone' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.")},
		{"read-only property", "PATCH", appURL, map[string]any{"publisherDomain": "contoso.com"},
			bad("Property 'publisherDomain' is read-only and cannot be set.")},
		{"unknown service principal property", "POST", "/servicePrincipals", map[string]any{"appId": app.str("appId"), "owner": "me"},
			bad("Property 'owner' does not exist as a declared property or extension property.")},
		{"$select of a property the type does not have", "GET", "/applications?$select=displayName,colour", nil,
			bad("Could not find a property named 'colour' on type 'microsoft.graph.application'.")},
		{"$select of a beta property on v1.0", "GET", appURL + "?$select=windows", nil,
			bad("Could not find a property named 'windows' on type 'microsoft.graph.application'.")},
		{"$select of the v1.0 scopes on beta", "GET", graphBeta + spURL + "?$select=oauth2PermissionScopes", nil,
			bad("Could not find a property named 'oauth2PermissionScopes' on type 'microsoft.graph.servicePrincipal'.")},
		{"v1.0 name of the scopes on beta", "PATCH", graphBeta + spURL, map[string]any{"oauth2PermissionScopes": []any{}},
			bad("Property 'oauth2PermissionScopes' does not exist as a declared property or extension property.")},
	}
	for _, tt := range tests {
		var headers []string
		if strings.Contains(tt.path, "uniqueName=") {
			headers = append(headers, "Prefer: create-if-missing")
		}
		var body any
		if tt.body != nil {
			body = tt.body
		}
		r := c.do(tt.method, tt.path, body, headers...)
		if diff := cmp.Diff(tt.want, want{r.status, r.code(), r.message()}); diff != "" {
			t.Errorf("%s: %s %s (-want +got):\n%s", tt.name, tt.method, tt.path, diff)
		}
	}

	// Nothing refused was stored.
	got := c.must(200, "GET", appURL, nil)
	mustConform(t, "after refusals", versionV1, "application", got.body, false)
	if got.body["groupMembershipClaims"] != nil || got.body["notes"] != nil {
		t.Errorf("refused values stored: groupMembershipClaims %v, notes %v", got.body["groupMembershipClaims"], got.body["notes"])
	}
	if r := c.do("GET", "/applications(uniqueName='refused')", nil); r.status != 404 {
		t.Errorf("refused upsert created an application: HTTP %d", r.status)
	}
}
