package localtenant

import "time"

// Meta is what the store records about every object besides its Graph
// fields: when it was created on the tenant clock (replication delay is
// measured from here), whether it is seed data (always visible) and
// when it was deleted.
// Embedded in every stored type with `json:"-"`, so it never shows on
// the wire.
type Meta struct {
	Created time.Time `json:"created"`
	Seeded  bool      `json:"seeded,omitempty"`
	// Deleted is when an application or service principal went to the
	// directory's deleted items (zero while it is live). Deleted objects
	// are seen only through /directory/deletedItems.
	Deleted time.Time `json:"deleted,omitempty"`
}

func (m *Meta) meta() *Meta { return m }

// object is any stored type (all embed Meta).
type object interface{ meta() *Meta }

// Application is an app registration. JSON field names and shapes are
// Graph's; internal material (secret hashes, certificate bytes) is kept in
// `json:"-"` fields and never marshalled onto the wire.
type Application struct {
	Meta `json:"-"`

	ID                     string                   `json:"id"`
	AppID                  string                   `json:"appId"`
	DisplayName            string                   `json:"displayName"`
	UniqueName             *string                  `json:"uniqueName"`
	Description            *string                  `json:"description"`
	SignInAudience         string                   `json:"signInAudience"`
	Web                    WebApplication           `json:"web"`
	PublicClient           PublicClientApplication  `json:"publicClient"`
	Spa                    SpaApplication           `json:"spa"`
	IsFallbackPublicClient *bool                    `json:"isFallbackPublicClient"`
	IdentifierURIs         []string                 `json:"identifierUris"`
	RequiredResourceAccess []RequiredResourceAccess `json:"requiredResourceAccess"`
	PasswordCredentials    []PasswordCredential     `json:"passwordCredentials"`
	KeyCredentials         []KeyCredential          `json:"keyCredentials"`
	Tags                   []string                 `json:"tags"`
	Notes                  *string                  `json:"notes"`
	CreatedDateTime        time.Time                `json:"createdDateTime"`

	// FederatedIdentityCredentials is a navigation property in Graph
	// (/applications/{id}/federatedIdentityCredentials), not part of the
	// application's JSON.
	FederatedIdentityCredentials []*FederatedIdentityCredential `json:"-"`

	// Owners are the object ids (service principals or users) that own
	// the application, a navigation property in Graph (/owners). A
	// caller holding only Application.ReadWrite.OwnedBy manages just
	// the applications it owns; creating one makes it an owner.
	Owners []string `json:"-"`

	// Props holds every documented property a client wrote (JSON values,
	// complex ones merged as PATCH merges them), whether or not the
	// fields above model it: the wire JSON is rendered from the
	// description (graphschema.json) over Props and the typed fields
	// (see entity_application.go). Replaced, never changed in place.
	Props map[string]any `json:"-"`
}

// WebApplication is application.web.
type WebApplication struct {
	RedirectURIs          []string              `json:"redirectUris"`
	HomePageURL           *string               `json:"homePageUrl"`
	LogoutURL             *string               `json:"logoutUrl"`
	ImplicitGrantSettings ImplicitGrantSettings `json:"implicitGrantSettings"`
}

// ImplicitGrantSettings is application.web.implicitGrantSettings.
type ImplicitGrantSettings struct {
	EnableIDTokenIssuance     bool `json:"enableIdTokenIssuance"`
	EnableAccessTokenIssuance bool `json:"enableAccessTokenIssuance"`
}

// PublicClientApplication is application.publicClient.
type PublicClientApplication struct {
	RedirectURIs []string `json:"redirectUris"`
}

// SpaApplication is application.spa.
type SpaApplication struct {
	RedirectURIs []string `json:"redirectUris"`
}

// RequiredResourceAccess is one entry of application.requiredResourceAccess.
type RequiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []ResourceAccess `json:"resourceAccess"`
}

// ResourceAccess is a permission asked for: Type "Scope" (delegated) or
// "Role" (application).
type ResourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// PasswordCredential is a client secret. SecretText is always nil in the
// store: Graph returns the text only from addPassword.
type PasswordCredential struct {
	KeyID               string    `json:"keyId"`
	DisplayName         *string   `json:"displayName"`
	CustomKeyIdentifier *string   `json:"customKeyIdentifier"`
	StartDateTime       time.Time `json:"startDateTime"`
	EndDateTime         time.Time `json:"endDateTime"`
	Hint                string    `json:"hint"`
	SecretText          *string   `json:"secretText"`

	// SecretHash is hashSecret(secret text); Created is when it was added
	// on the tenant clock (a new secret is refused with AADSTS7000215
	// during replication delay).
	SecretHash string    `json:"-"`
	Created    time.Time `json:"-"`
}

// KeyCredential is a certificate. Key is always nil on reads; the
// certificate itself is kept in CertDER.
type KeyCredential struct {
	KeyID               string    `json:"keyId"`
	Type                string    `json:"type"`
	Usage               string    `json:"usage"`
	DisplayName         *string   `json:"displayName"`
	CustomKeyIdentifier string    `json:"customKeyIdentifier"`
	StartDateTime       time.Time `json:"startDateTime"`
	EndDateTime         time.Time `json:"endDateTime"`
	Key                 *string   `json:"key"`

	CertDER []byte    `json:"-"`
	Created time.Time `json:"-"`
}

// FederatedIdentityCredential is a trust on an external issuer's tokens.
type FederatedIdentityCredential struct {
	Meta `json:"-"`

	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Issuer      string   `json:"issuer"`
	Subject     string   `json:"subject"`
	Audiences   []string `json:"audiences"`
	Description *string  `json:"description"`
}

// ServicePrincipal is the instance of an application in the tenant.
type ServicePrincipal struct {
	Meta `json:"-"`

	ID                        string            `json:"id"`
	AppID                     string            `json:"appId"`
	DisplayName               string            `json:"displayName"`
	ServicePrincipalType      string            `json:"servicePrincipalType"`
	ServicePrincipalNames     []string          `json:"servicePrincipalNames"`
	AppRoles                  []AppRole         `json:"appRoles"`
	OAuth2PermissionScopes    []PermissionScope `json:"oauth2PermissionScopes"`
	AppRoleAssignmentRequired bool              `json:"appRoleAssignmentRequired"`
	Tags                      []string          `json:"tags"`
	AccountEnabled            bool              `json:"accountEnabled"`
	AppOwnerOrganizationID    *string           `json:"appOwnerOrganizationId"`

	// Props is the property bag, as Application.Props.
	Props map[string]any `json:"-"`

	// Owners are the object ids (users or service principals) that own
	// the service principal, a navigation property (/owners).
	Owners []string `json:"-"`
}

// AppRole is an application permission a resource publishes.
type AppRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	DisplayName        string   `json:"displayName"`
	Description        string   `json:"description"`
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	IsEnabled          bool     `json:"isEnabled"`
	Origin             string   `json:"origin"`
}

// PermissionScope is a delegated permission a resource publishes.
type PermissionScope struct {
	ID                      string `json:"id"`
	Value                   string `json:"value"`
	Type                    string `json:"type"`
	AdminConsentDisplayName string `json:"adminConsentDisplayName"`
	AdminConsentDescription string `json:"adminConsentDescription"`
	UserConsentDisplayName  string `json:"userConsentDisplayName"`
	UserConsentDescription  string `json:"userConsentDescription"`
	IsEnabled               bool   `json:"isEnabled"`
	Origin                  string `json:"origin"`
}

// OAuth2PermissionGrant is delegated consent: client SP may use these
// scopes of resource SP, for everyone (AllPrincipals) or one user
// (Principal + PrincipalID).
type OAuth2PermissionGrant struct {
	Meta `json:"-"`

	ID          string  `json:"id"`
	ClientID    string  `json:"clientId"`
	ConsentType string  `json:"consentType"`
	PrincipalID *string `json:"principalId"`
	ResourceID  string  `json:"resourceId"`
	Scope       string  `json:"scope"`
}

// AppRoleAssignment is an application permission granted: principal SP
// holds appRoleId on resource SP.
type AppRoleAssignment struct {
	Meta `json:"-"`

	ID                   string     `json:"id"`
	AppRoleID            string     `json:"appRoleId"`
	CreatedDateTime      time.Time  `json:"createdDateTime"`
	DeletedDateTime      *time.Time `json:"deletedDateTime"`
	PrincipalDisplayName string     `json:"principalDisplayName"`
	PrincipalID          string     `json:"principalId"`
	PrincipalType        string     `json:"principalType"`
	ResourceDisplayName  string     `json:"resourceDisplayName"`
	ResourceID           string     `json:"resourceId"`
}

// User is a directory user. Password and MFA are internal: the password
// flow and the sign-in pages use them.
type User struct {
	Meta `json:"-"`

	ID                string  `json:"id"`
	UserPrincipalName string  `json:"userPrincipalName"`
	DisplayName       string  `json:"displayName"`
	Mail              *string `json:"mail"`

	Password string `json:"-"`
	MFA      bool   `json:"-"`
}

// Site is a SharePoint site. ID is "{hostname},{site collection guid},{web guid}".
type Site struct {
	Meta `json:"-"`

	ID              string         `json:"id"`
	Name            string         `json:"name"`
	DisplayName     string         `json:"displayName"`
	WebURL          string         `json:"webUrl"`
	Description     string         `json:"description"`
	CreatedDateTime time.Time      `json:"createdDateTime"`
	SiteCollection  SiteCollection `json:"siteCollection"`

	// Path is the server-relative path ("/" for the root site,
	// "/sites/hr"), Hostname the SharePoint host.
	Path     string `json:"-"`
	Hostname string `json:"-"`
}

// SiteCollection is site.siteCollection.
type SiteCollection struct {
	Hostname string `json:"hostname"`
}

// SitePermission is a Sites.Selected grant on one site.
type SitePermission struct {
	Meta `json:"-"`

	ID                    string        `json:"id"`
	Roles                 []string      `json:"roles"`
	GrantedToIdentities   []IdentitySet `json:"grantedToIdentities"`
	GrantedToIdentitiesV2 []IdentitySet `json:"grantedToIdentitiesV2"`

	// SiteID is the site the permission is on.
	SiteID string `json:"-"`
}

// IdentitySet names who a site permission is granted to.
type IdentitySet struct {
	Application *Identity `json:"application,omitempty"`
	User        *Identity `json:"user,omitempty"`
}

// Identity is an application (id = appId) or user.
type Identity struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}
