package entra

import (
	"testing"

	"github.com/entraform/entraform/localtenant/schematest"
)

// TestWireTypesAreGraph: every JSON field the provider's types encode or
// decode is a documented property of the Graph type it stands for (v1.0,
// the version the provider calls), with a Go type that carries its JSON,
// per the description of Microsoft's CSDL the local tenant serves. The
// local tenant refuses undocumented members in the bodies these types
// and the provider's map bodies produce, so the provider's tests against
// it cover the writes too.
func TestWireTypesAreGraph(t *testing.T) {
	for _, tt := range []struct {
		graphType string
		v         any
	}{
		{"application", Application{}},
		{"application", applicationWire{}},
		{"servicePrincipal", ServicePrincipal{}},
		{"oAuth2PermissionGrant", OAuth2PermissionGrant{}},
		{"appRoleAssignment", AppRoleAssignment{}},
		{"federatedIdentityCredential", FederatedIdentityCredential{}},
		{"federatedIdentityCredential", federatedUpdate{}},
		{"keyCredential", keyCredentialWrite{}},
		{"passwordCredential", PasswordCredential{}},
		{"appRole", AppRole{}},
		{"permissionScope", PermissionScope{}},
	} {
		for _, p := range schematest.Check("v1.0", tt.graphType, tt.v) {
			t.Errorf("%T: %s", tt.v, p)
		}
	}
	// Owners and members are users, groups or service principals.
	for _, p := range schematest.CheckAny("v1.0", []string{"user", "group", "servicePrincipal"}, DirectoryObject{}) {
		t.Errorf("DirectoryObject: %s", p)
	}
}
