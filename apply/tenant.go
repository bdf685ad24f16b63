package apply

import (
	"context"
	"time"

	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/sharepoint"
)

// Tenant is what the executor needs of the providers. Every method is one
// idempotent-as-possible operation; eventual-consistency retries happen
// inside (an object created a moment ago may not be visible yet).
type Tenant interface {
	// UpsertApplication creates the application with that unique name, or
	// updates it when it exists, and returns it with its ids.
	UpsertApplication(ctx context.Context, uniqueName string, body entra.Application) (*entra.Application, error)
	UpdateApplication(ctx context.Context, objectID string, body entra.Application) error
	DeleteApplication(ctx context.Context, objectID string) error

	// ServicePrincipalByAppID returns the service principal of an app, or nil.
	ServicePrincipalByAppID(ctx context.Context, appID string) (*entra.ServicePrincipal, error)
	CreateServicePrincipal(ctx context.Context, appID string, tags []string) (*entra.ServicePrincipal, error)
	UpdateServicePrincipalTags(ctx context.Context, objectID string, tags []string) error
	UpdateServicePrincipal(ctx context.Context, objectID string, patch entra.ServicePrincipalPatch) error
	DeleteServicePrincipal(ctx context.Context, objectID string) error

	// CreateGrant creates delegated consent; when a grant for the same
	// client, resource and consent type exists it sets its scope instead.
	CreateGrant(ctx context.Context, g entra.OAuth2PermissionGrant) (*entra.OAuth2PermissionGrant, error)
	UpdateGrantScope(ctx context.Context, grantID, scope string) error
	DeleteGrant(ctx context.Context, grantID string) error

	// AssignAppRole grants an app role; an assignment that already exists
	// is returned as is.
	AssignAppRole(ctx context.Context, a entra.AppRoleAssignment) (*entra.AppRoleAssignment, error)
	RemoveAppRole(ctx context.Context, resourceObjectID, assignmentID string) error

	// AddOwner and RemoveOwner change the owners of an application or
	// service principal; adding an owner twice or removing one that is
	// gone is not an error.
	AddOwner(ctx context.Context, set entra.OwnerSet, objectID, ownerID string) error
	RemoveOwner(ctx context.Context, set entra.OwnerSet, objectID, ownerID string) error

	// AddPassword adds a client secret; the returned credential carries
	// SecretText, which exists only in this answer. existing are the key
	// ids of the application's secrets (none for an application this
	// apply created): after a lost answer, a secret of that display name
	// that is not among them is removed before trying again.
	AddPassword(ctx context.Context, appObjectID, displayName string, end time.Time, existing ...string) (entra.PasswordCredential, error)
	RemovePassword(ctx context.Context, appObjectID, keyID string) error

	// AddKeyCredential uploads a certificate (public part only) and
	// returns the new credential; RemoveKeyCredential removes one.
	AddKeyCredential(ctx context.Context, appObjectID string, cred entra.KeyCredential) (entra.KeyCredential, error)
	RemoveKeyCredential(ctx context.Context, appObjectID, keyID string) error

	CreateFederatedCredential(ctx context.Context, appObjectID string, f entra.FederatedIdentityCredential) (*entra.FederatedIdentityCredential, error)
	UpdateFederatedCredential(ctx context.Context, appObjectID, id string, f entra.FederatedIdentityCredential) error
	DeleteFederatedCredential(ctx context.Context, appObjectID, id string) error

	// CreateSitePermission grants an application roles on a site.
	CreateSitePermission(ctx context.Context, siteID string, app sharepoint.Identity, roles []string) (*sharepoint.Permission, error)
	UpdateSitePermission(ctx context.Context, siteID, permissionID string, roles []string) error
	DeleteSitePermission(ctx context.Context, siteID, permissionID string) error
}
