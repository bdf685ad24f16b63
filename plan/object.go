package plan

// ObjectType is the kind of tenant object a change is about.
type ObjectType string

// The object types of the model (DESIGN section 3).
const (
	TypeApplication         ObjectType = "application"
	TypeServicePrincipal    ObjectType = "service_principal"
	TypeConsent             ObjectType = "delegated_consent"
	TypeRoleAssignment      ObjectType = "app_role_assignment"
	TypeSecret              ObjectType = "secret"
	TypeCertificate         ObjectType = "certificate"
	TypeFederatedCredential ObjectType = "federated_credential"
	TypeSitePermission      ObjectType = "site_permission"
	TypeOwner               ObjectType = "owner"
	TypeAssignment          ObjectType = "assignment"
)

// Label is the word a rendered plan uses for the object type in its block
// header, e.g. `+ secret "web" {`.
func (t ObjectType) Label() string {
	switch t {
	case TypeConsent:
		return "consent"
	case TypeRoleAssignment:
		return "role"
	case TypeSitePermission:
		return "grant"
	}
	return string(t)
}

// rank orders object types by dependency: an object never depends on one
// of a higher rank.
func (t ObjectType) rank() int {
	switch t {
	case TypeApplication:
		return 0
	case TypeServicePrincipal, TypeSecret, TypeCertificate, TypeFederatedCredential:
		return 1
	case TypeConsent, TypeRoleAssignment, TypeSitePermission, TypeOwner, TypeAssignment:
		return 2
	}
	return 3
}
