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
	Lookups entra.Lookups
	// LookupSites are the sites of data "site" blocks by URL.
	LookupSites map[string]*sharepoint.Site
	// CallerID is the object id of the operator (the signed-in user or
	// service principal), "" when unknown. Graph makes the caller an
	// owner of what it creates: the plan never counts it as drift.
	CallerID string
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
