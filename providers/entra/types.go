package entra

import "time"

// Application is a Microsoft Graph application object, as read and written
// by entraform. Field names follow the Graph v1.0 JSON.
type Application struct {
	ID                     string                   `json:"id,omitempty"`
	AppID                  string                   `json:"appId,omitempty"`
	DisplayName            string                   `json:"displayName,omitempty"`
	UniqueName             string                   `json:"uniqueName,omitempty"`
	SignInAudience         string                   `json:"signInAudience,omitempty"`
	Notes                  *string                  `json:"notes,omitempty"`
	Web                    *WebApplication          `json:"web,omitempty"`
	PublicClient           *RedirectURIs            `json:"publicClient,omitempty"`
	SPA                    *RedirectURIs            `json:"spa,omitempty"`
	IsFallbackPublicClient *bool                    `json:"isFallbackPublicClient,omitempty"`
	IdentifierURIs         []string                 `json:"identifierUris,omitempty"`
	RequiredResourceAccess []RequiredResourceAccess `json:"requiredResourceAccess,omitempty"`
	PasswordCredentials    []PasswordCredential     `json:"passwordCredentials,omitempty"`
	KeyCredentials         []KeyCredential          `json:"keyCredentials,omitempty"`
	Tags                   []string                 `json:"tags,omitempty"`
	CreatedDateTime        *time.Time               `json:"createdDateTime,omitempty"`

	GroupMembershipClaims      *string           `json:"groupMembershipClaims,omitempty"`
	ServiceManagementReference *string           `json:"serviceManagementReference,omitempty"`
	Info                       *InformationalURL `json:"info,omitempty"`
	OptionalClaims             *OptionalClaims   `json:"optionalClaims,omitempty"`
	API                        *APIApplication   `json:"api,omitempty"`
	AppRoles                   []AppRole         `json:"appRoles,omitempty"`

	// Owners is filled by refresh from $expand=owners (or the owners
	// collection); nil when not read.
	Owners []DirectoryObject `json:"-"`

	// FederatedIdentityCredentials is not part of the application JSON;
	// refresh fills it from the federatedIdentityCredentials collection.
	FederatedIdentityCredentials []FederatedIdentityCredential `json:"-"`
}

// InformationalURL is application.info: the branding links.
type InformationalURL struct {
	MarketingURL        *string `json:"marketingUrl"`
	PrivacyStatementURL *string `json:"privacyStatementUrl"`
	TermsOfServiceURL   *string `json:"termsOfServiceUrl"`
	SupportURL          *string `json:"supportUrl"`
}

// OptionalClaims are the optional claims of each token type.
type OptionalClaims struct {
	IDToken     []OptionalClaim `json:"idToken"`
	AccessToken []OptionalClaim `json:"accessToken"`
	SAML2Token  []OptionalClaim `json:"saml2Token"`
}

// OptionalClaim is one optional claim.
type OptionalClaim struct {
	Name                 string   `json:"name"`
	Source               *string  `json:"source"`
	Essential            bool     `json:"essential"`
	AdditionalProperties []string `json:"additionalProperties"`
}

// APIApplication is application.api: what the application exposes.
type APIApplication struct {
	RequestedAccessTokenVersion *int                       `json:"requestedAccessTokenVersion"`
	KnownClientApplications     []string                   `json:"knownClientApplications"`
	OAuth2PermissionScopes      []PermissionScope          `json:"oauth2PermissionScopes"`
	PreAuthorizedApplications   []PreAuthorizedApplication `json:"preAuthorizedApplications"`
}

// PreAuthorizedApplication lets a client use scopes without consent.
type PreAuthorizedApplication struct {
	AppID                  string   `json:"appId"`
	DelegatedPermissionIDs []string `json:"delegatedPermissionIds"`
}

// DirectoryObject is an owner or member: a user, group or service
// principal, told apart by its @odata.type.
type DirectoryObject struct {
	ODataType         string `json:"@odata.type,omitempty"`
	ID                string `json:"id"`
	AppID             string `json:"appId,omitempty"`
	DisplayName       string `json:"displayName,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// IsUser reports whether the object is a user.
func (o DirectoryObject) IsUser() bool {
	return o.ODataType == "#microsoft.graph.user" || (o.ODataType == "" && o.UserPrincipalName != "")
}

// WebApplication holds the web platform settings of an application.
type WebApplication struct {
	RedirectURIs          []string               `json:"redirectUris"`
	HomePageURL           *string                `json:"homePageUrl"`
	LogoutURL             *string                `json:"logoutUrl"`
	ImplicitGrantSettings *ImplicitGrantSettings `json:"implicitGrantSettings,omitempty"`
}

// ImplicitGrantSettings says whether the authorize endpoint may issue
// tokens directly.
type ImplicitGrantSettings struct {
	EnableIDTokenIssuance     bool `json:"enableIdTokenIssuance"`
	EnableAccessTokenIssuance bool `json:"enableAccessTokenIssuance"`
}

// RedirectURIs is the publicClient and spa platform shape.
type RedirectURIs struct {
	RedirectURIs []string `json:"redirectUris"`
}

// RequiredResourceAccess lists the permissions an application asks for on
// one resource. It grants nothing by itself.
type RequiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []ResourceAccess `json:"resourceAccess"`
}

// ResourceAccess is one requested permission: Type "Scope" (delegated) or
// "Role" (application).
type ResourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// PasswordCredential is a client secret's metadata. SecretText is set only
// in the answer to addPassword.
type PasswordCredential struct {
	KeyID         string     `json:"keyId,omitempty"`
	DisplayName   string     `json:"displayName,omitempty"`
	StartDateTime *time.Time `json:"startDateTime,omitempty"`
	EndDateTime   *time.Time `json:"endDateTime,omitempty"`
	Hint          string     `json:"hint,omitempty"`
	SecretText    string     `json:"secretText,omitempty"`
}

// KeyCredential is a certificate credential. Key (base64 DER) is sent on
// write and comes back null on reads.
type KeyCredential struct {
	KeyID               string     `json:"keyId,omitempty"`
	Type                string     `json:"type,omitempty"`
	Usage               string     `json:"usage,omitempty"`
	Key                 *string    `json:"key,omitempty"`
	CustomKeyIdentifier string     `json:"customKeyIdentifier,omitempty"`
	DisplayName         string     `json:"displayName,omitempty"`
	StartDateTime       *time.Time `json:"startDateTime,omitempty"`
	EndDateTime         *time.Time `json:"endDateTime,omitempty"`
}

// FederatedIdentityCredential lets tokens of an external issuer sign in as
// the application.
type FederatedIdentityCredential struct {
	ID          string   `json:"id,omitempty"`
	Name        string   `json:"name"`
	Issuer      string   `json:"issuer"`
	Subject     string   `json:"subject"`
	Audiences   []string `json:"audiences"`
	Description *string  `json:"description,omitempty"`
}

// ServicePrincipal is an application's identity in the tenant.
type ServicePrincipal struct {
	ID                        string            `json:"id,omitempty"`
	AppID                     string            `json:"appId,omitempty"`
	DisplayName               string            `json:"displayName,omitempty"`
	ServicePrincipalType      string            `json:"servicePrincipalType,omitempty"`
	ServicePrincipalNames     []string          `json:"servicePrincipalNames,omitempty"`
	AppRoles                  []AppRole         `json:"appRoles,omitempty"`
	OAuth2PermissionScopes    []PermissionScope `json:"oauth2PermissionScopes,omitempty"`
	AppRoleAssignmentRequired bool              `json:"appRoleAssignmentRequired,omitempty"`
	Tags                      []string          `json:"tags,omitempty"`
	Notes                     *string           `json:"notes,omitempty"`
	LoginURL                  *string           `json:"loginUrl,omitempty"`

	// Owners and AssignedTo are filled by refresh for the workspace's
	// service principals (nil when not read): the owners, and the users,
	// groups and service principals given one of its app roles.
	Owners     []DirectoryObject   `json:"-"`
	AssignedTo []AppRoleAssignment `json:"-"`
}

// AppRole is an application permission a resource publishes.
type AppRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	DisplayName        string   `json:"displayName"`
	Description        string   `json:"description,omitempty"`
	AllowedMemberTypes []string `json:"allowedMemberTypes,omitempty"`
	IsEnabled          bool     `json:"isEnabled"`
	Origin             string   `json:"origin,omitempty"`
}

// PermissionScope is a delegated permission a resource publishes.
type PermissionScope struct {
	ID                      string `json:"id"`
	Value                   string `json:"value"`
	Type                    string `json:"type"`
	AdminConsentDisplayName string `json:"adminConsentDisplayName"`
	AdminConsentDescription string `json:"adminConsentDescription,omitempty"`
	UserConsentDisplayName  string `json:"userConsentDisplayName,omitempty"`
	UserConsentDescription  string `json:"userConsentDescription,omitempty"`
	IsEnabled               bool   `json:"isEnabled"`
	Origin                  string `json:"origin,omitempty"`
}

// OAuth2PermissionGrant is delegated consent of a client to a resource.
type OAuth2PermissionGrant struct {
	ID          string `json:"id,omitempty"`
	ClientID    string `json:"clientId"`
	ConsentType string `json:"consentType"`
	PrincipalID string `json:"principalId,omitempty"`
	ResourceID  string `json:"resourceId"`
	Scope       string `json:"scope"`
}

// AppRoleAssignment grants an application permission (app role) of a
// resource to a client service principal.
type AppRoleAssignment struct {
	ID                   string     `json:"id,omitempty"`
	PrincipalID          string     `json:"principalId"`
	ResourceID           string     `json:"resourceId"`
	AppRoleID            string     `json:"appRoleId"`
	PrincipalDisplayName string     `json:"principalDisplayName,omitempty"`
	PrincipalType        string     `json:"principalType,omitempty"`
	ResourceDisplayName  string     `json:"resourceDisplayName,omitempty"`
	CreatedDateTime      *time.Time `json:"createdDateTime,omitempty"`
}
