package plan

import (
	"time"

	"github.com/entraform/entraform/providers/entra"
)

// The Desired* types are what the executor needs to carry out a change,
// beyond the rendered values: request bodies, ids of resources, file
// paths. They live on Change.Desired; Change.Current holds the object read
// from the tenant (an *entra.Application, entra.OAuth2PermissionGrant, ...).

// DesiredApplication is an application as it should be.
type DesiredApplication struct {
	Address    string
	UniqueName string
	// Adopt is the appId of an existing application taken over.
	Adopt string
	// Body is the application JSON to upsert or patch (tags included).
	// A resourceAppId or pre-authorized appId that is an application's
	// address ("application.x") stands for that application's appId,
	// which apply puts in once the application exists.
	Body entra.Application
	// DisableFirst, when set, is written before Body: the scopes and app
	// roles as the tenant has them, with those Body removes or changes
	// disabled (Graph refuses to remove or change enabled ones).
	DisableFirst *entra.Application
}

// DesiredServicePrincipal is the service principal of an application.
type DesiredServicePrincipal struct {
	Application               string // address of the application
	Tags                      []string
	AppRoleAssignmentRequired bool
	Notes                     string
	LoginURL                  string
}

// Settings is the write of the settings besides tags that differ from
// cur (all that are set when cur is nil: a new service principal).
func (d *DesiredServicePrincipal) Settings(cur *entra.ServicePrincipal) entra.ServicePrincipalPatch {
	var p entra.ServicePrincipalPatch
	var have entra.ServicePrincipal
	if cur != nil {
		have = *cur
	}
	if d.AppRoleAssignmentRequired != have.AppRoleAssignmentRequired {
		v := d.AppRoleAssignmentRequired
		p.AppRoleAssignmentRequired = &v
	}
	if d.Notes != derefString(have.Notes) {
		v := d.Notes
		p.Notes = &v
	}
	if d.LoginURL != derefString(have.LoginURL) {
		v := d.LoginURL
		p.LoginURL = &v
	}
	return p
}

// DesiredConsent is tenant-wide delegated consent of an app to a resource.
type DesiredConsent struct {
	Application   string
	ResourceAppID string
	Scopes        []string
}

// DesiredRoleAssignment is an application permission granted by an admin.
type DesiredRoleAssignment struct {
	Application   string
	ResourceAppID string
	AppRoleID     string
	Role          string
}

// DesiredSecret is a client secret.
type DesiredSecret struct {
	Application string
	DisplayName string
	ExpiresIn   time.Duration
	// WriteTo is the dotenv file the value goes to ("" for none), as
	// written in the configuration (relative to the config directory).
	WriteTo string
	// Replaces is the keyId of the secret this one replaces, removed once
	// the new value is safely written.
	Replaces string
}

// DesiredCertificate is a certificate credential whose private key lives
// in a local file.
type DesiredCertificate struct {
	Application    string
	DisplayName    string
	PrivateKeyFile string
	ExpiresIn      time.Duration
	// NewKey is true when apply must generate a new key and certificate
	// (no file yet, or rotation).
	NewKey bool
	// Replaces is the keyId of the credential this one replaces.
	Replaces string
}

// DesiredFederatedCredential is a federated identity credential.
type DesiredFederatedCredential struct {
	Application string
	Body        entra.FederatedIdentityCredential
}

// DesiredOwner is one owner of an application or its service principal.
type DesiredOwner struct {
	Application string // address of the application
	// OfServicePrincipal: an owner of the service principal rather than
	// of the application.
	OfServicePrincipal bool
	// OwnerID is the owner's object id; an application address
	// ("application.x") while that application's service principal does
	// not exist yet.
	OwnerID string
}

// DesiredAssignment gives a principal an app role of the application's
// service principal.
type DesiredAssignment struct {
	Application string // the resource: address of the application
	// PrincipalID is the object id of the user, group or service
	// principal; an application address while it does not exist yet.
	PrincipalID string
	AppRoleID   string
}

// DesiredSitePermission is a Sites.Selected grant of an app on a site.
type DesiredSitePermission struct {
	Application string
	SiteID      string
	SiteURL     string
	Roles       []string
}
