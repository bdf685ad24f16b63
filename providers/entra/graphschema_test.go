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
	for _, p := range schematest.CheckAll("v1.0",
		schematest.Wire{GraphType: "application", Value: Application{}},
		schematest.Wire{GraphType: "application", Value: applicationWire{}},
		schematest.Wire{GraphType: "servicePrincipal", Value: ServicePrincipal{}},
		schematest.Wire{GraphType: "oAuth2PermissionGrant", Value: OAuth2PermissionGrant{}},
		schematest.Wire{GraphType: "appRoleAssignment", Value: AppRoleAssignment{}},
		schematest.Wire{GraphType: "federatedIdentityCredential", Value: FederatedIdentityCredential{}},
		schematest.Wire{GraphType: "federatedIdentityCredential", Value: federatedUpdate{}},
		schematest.Wire{GraphType: "keyCredential", Value: keyCredentialWrite{}},
		schematest.Wire{GraphType: "passwordCredential", Value: PasswordCredential{}},
		schematest.Wire{GraphType: "appRole", Value: AppRole{}},
		schematest.Wire{GraphType: "permissionScope", Value: PermissionScope{}},
	) {
		t.Error(p)
	}
	// Owners and members are users, groups or service principals.
	for _, p := range schematest.CheckAny("v1.0", []string{"user", "group", "servicePrincipal"}, DirectoryObject{}) {
		t.Errorf("DirectoryObject: %s", p)
	}
}
