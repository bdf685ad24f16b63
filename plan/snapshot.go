package plan

import (
	"time"

	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/sharepoint"
)

// Snapshot is the actual state of everything a configuration can touch,
// as read by the providers (and, for credentials, from local files).
type Snapshot struct {
	TenantID string
	// Now is the tenant's time when the snapshot was read; expiry and
	// rotation are decided against it.
	Now time.Time
	// Applications are those tagged for the workspace plus the adopted
	// ones, with their federated credentials filled in.
	Applications []*entra.Application
	// ServicePrincipals of those applications.
	ServicePrincipals []*entra.ServicePrincipal
	// Resources are the resource service principals permissions refer to
	// (Microsoft Graph, SharePoint Online, and any other named by appId),
	// keyed by appId.
	Resources map[string]*entra.ServicePrincipal
	// Grants and Assignments held by the service principals above.
	Grants      []entra.OAuth2PermissionGrant
	Assignments []entra.AppRoleAssignment
	// Sites by site address (site.hr); a declared site missing here does
	// not exist in the tenant.
	Sites map[string]*sharepoint.Site
	// SitePermissions by site id, with authoritative roles.
	SitePermissions map[string][]sharepoint.Permission
	// TakenUniqueNames holds the applications outside the workspace that
	// hold the unique name of a declared application, by that name.
	TakenUniqueNames map[string]*entra.Application
	// SecretFiles by write_to path as written in the configuration.
	SecretFiles map[string]SecretFile
	// KeyFiles by private_key_file path as written in the configuration.
	KeyFiles map[string]KeyFile
	// Lookups are the objects the data blocks and the owners and
	// assignments name, as found in the tenant.
	Lookups Lookups
}

// Lookups are objects read by name for the configuration. A name that
// was looked up and not found is absent.
type Lookups struct {
	// Users by lower-case user principal name.
	Users map[string]*entra.DirectoryObject
	// Groups by data address (data.group.x).
	Groups map[string]*entra.DirectoryObject
	// ServicePrincipals by data address (data.service_principal.x) and
	// by lower-case appId (owners given by appId).
	ServicePrincipals map[string]*entra.ServicePrincipal
	// Sites by data address (data.site.x).
	Sites map[string]*sharepoint.Site
}

// SecretFile is what a secret's write_to file says about the secret it
// holds. Exists is false when there is no file.
type SecretFile struct {
	Exists   bool
	ClientID string
	KeyID    string
}

// KeyFile describes a certificate's local private key file.
type KeyFile struct {
	Exists     bool
	Thumbprint string // SHA-1 of the certificate, upper-case hex
	NotAfter   time.Time
}
