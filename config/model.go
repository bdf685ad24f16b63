package config

import (
	"path/filepath"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Config is a fully evaluated, expanded configuration.
type Config struct {
	// Dir is the configuration directory as given in LoadOptions.
	Dir string
	// Files holds every parsed source by the file name used in diagnostic
	// ranges (configuration files, -var-files and -var values), for
	// rendering snippets. It is filled even when loading fails.
	Files map[string]*hcl.File
	// Hash is a hex sha256 over the configuration files' names and contents
	// and the final variable values. A saved plan records it so apply can
	// refuse a plan made from another configuration.
	Hash string

	Tenant Tenant
	// Variables are the final values of the input variables, converted to
	// their declared types. Sensitive ones carry SensitiveMark.
	Variables map[string]cty.Value

	// Applications, Sites and Checks are the expanded instances, sorted by
	// block name and then by instance key (numbers numerically).
	Applications []*Application
	Sites        []*Site
	Checks       []*Check
	// Data are the lookups (data blocks), sorted by address.
	Data []*Data
	// Outputs are sorted by name. Their values are computed by EvalOutputs.
	Outputs []*Output

	// Policies are the policy blocks, in file order; Ignores the ignore
	// blocks. Package policy evaluates them.
	Policies []*Policy
	Ignores  []*Ignore

	state *evalState // what EvalOutputs needs to evaluate outputs again
}

// Path resolves a path from the configuration (a secret's WriteTo, a
// certificate's PrivateKeyFile) against the configuration directory.
func (c *Config) Path(p string) string {
	if p == "" {
		return p
	}
	return inDir(c.Dir, p)
}

// inDir resolves p against dir unless it is absolute: how every path a
// configuration names (files, variable files, write_to) is read.
func inDir(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Application returns the application instance with the given address.
func (c *Config) Application(addr string) *Application {
	for _, a := range c.Applications {
		if a.Addr == addr {
			return a
		}
	}
	return nil
}

// Tenant is the tenant block, with defaults applied.
type Tenant struct {
	// ID is a tenant GUID or verified domain; "" means: take it from the
	// environment (AZURE_TENANT_ID).
	ID string
	// Cloud is "public", "usgov" or "china" (default "public").
	Cloud string
	// SharePoint is the SharePoint tenant name ("contoso" for
	// https://contoso.sharepoint.com); "" when neither the block nor any site
	// URL gives it.
	SharePoint string
	// Workspace names the ownership tag entraform:workspace:<Workspace>;
	// default: the base name of the configuration directory.
	Workspace string
	// DeclRange is the tenant block's header; zero without a block.
	DeclRange hcl.Range
}

// Application is one instance of an application block.
type Application struct {
	Addr string    // application.x, application.x["k"], application.x[0]
	Name string    // the block label
	Key  cty.Value // cty.NilVal without for_each or count

	DisplayName    string
	UniqueName     string // default entraform.<workspace>.<name>[.<key>]
	SignInAudience string // default AzureADMyOrg
	Notes          string
	Adopt          string // appId of an existing application to manage; ""

	Web          *Web         // nil without a web block
	PublicClient *RedirectSet // nil without a public_client block
	SPA          *RedirectSet // nil without a spa block

	Permissions  []*Permission // in declaration order
	AdminConsent bool

	Secrets              []*Secret
	Certificates         []*Certificate
	FederatedCredentials []*FederatedCredential

	// IdentifierURIs, GroupMembershipClaims, ServiceManagementReference,
	// Info and OptionalClaims are written as declared ("" and nil clear
	// them).
	IdentifierURIs             []string
	GroupMembershipClaims      string // None, SecurityGroup, All, DirectoryRole, ApplicationGroup (comma separated)
	ServiceManagementReference string
	Info                       Info
	OptionalClaims             *OptionalClaims // nil: none
	// Tags are the application's own tags (besides entraform's ownership
	// tags). TagsSet is false when the block does not set tags: the
	// tenant's tags are then kept as they are.
	Tags    []string
	TagsSet bool

	// API is the api block; nil without one (the application exposes no
	// scopes).
	API *API
	// AppRoles are the app_role blocks in declaration order.
	AppRoles []*AppRole
	// Owners of the application (users and service principals).
	// OwnersSet is false when the block does not set owners: they are
	// then not managed (the tenant's stay as they are).
	Owners    []*Owner
	OwnersSet bool
	// ServicePrincipal is the service_principal block; nil without one
	// (defaults: nothing required, no notes, tags or owners).
	ServicePrincipal *ServicePrincipalConfig

	DeclRange hcl.Range
	// AttrRanges gives the source range of each attribute set in the block,
	// by name; nested ones as "web.redirect_uris".
	AttrRanges map[string]hcl.Range
	// SensitiveAttrs names (as AttrRanges does) the attributes whose value
	// comes from a sensitive variable: plans show them as (sensitive value).
	SensitiveAttrs map[string]bool
}

// Info is an application's branding links (application.info), "" for
// none.
type Info struct {
	MarketingURL        string
	PrivacyStatementURL string
	TermsOfServiceURL   string
	SupportURL          string
}

// OptionalClaims are the extra claims an application asks for in each
// kind of token.
type OptionalClaims struct {
	IDToken     []*OptionalClaim
	AccessToken []*OptionalClaim
	SAML2Token  []*OptionalClaim
	DeclRange   hcl.Range
}

// OptionalClaim is one optional claim, named by its block label.
type OptionalClaim struct {
	Name                 string
	Essential            bool
	AdditionalProperties []string
	DeclRange            hcl.Range
}

// API is what an application exposes as a resource: its delegated
// permissions (scopes) and the clients pre-authorized to use them.
type API struct {
	RequestedAccessTokenVersion int // 0: not set (Graph's default)
	KnownClientApplications     []string
	Scopes                      []*Scope         // declaration order
	PreAuthorized               []*PreAuthorized // declaration order
	DeclRange                   hcl.Range
}

// Scope is a delegated permission the application publishes. ID is the
// given id, or a UUID derived from the application's unique name and the
// block label (IDGiven false; the plan keeps the id of a scope the tenant
// already has with the same value).
type Scope struct {
	Name                    string // block label
	ID                      string
	IDGiven                 bool
	Value                   string
	Type                    string // User (default) or Admin
	AdminConsentDisplayName string
	AdminConsentDescription string
	UserConsentDisplayName  string
	UserConsentDescription  string
	Enabled                 bool // default true
	DeclRange               hcl.Range
}

// PreAuthorized lets a client application use some of the scopes without
// a consent prompt. Application is an application address
// (application.x) or a data.service_principal address, AppID a literal
// appId; one of them is set.
type PreAuthorized struct {
	Name        string
	Application string
	AppID       string
	Scopes      []string // scope values of this application
	DeclRange   hcl.Range
}

// AppRole is an app role the application publishes, given to users and
// groups (User) or to applications as an application permission
// (Application). Its id is chosen as a Scope's is.
type AppRole struct {
	Name               string
	ID                 string
	IDGiven            bool
	Value              string
	DisplayName        string
	Description        string
	AllowedMemberTypes []string
	Enabled            bool
	DeclRange          hcl.Range
}

// Owner is one owner of an application or service principal: a user
// (by user principal name, written literally or through data.user) or
// a service principal (by application address, data.service_principal
// address, or appId).
type Owner struct {
	// Kind is "user" or "service_principal".
	Kind string
	// UPN is a user's user principal name (lower case).
	UPN string
	// Ref is the address of the application or data block referred to
	// ("" for literals).
	Ref string
	// AppID is a service principal's appId given literally.
	AppID string
	Range hcl.Range
}

// Key is how plans name the owner: application.x.owner["<key>"].
func (o *Owner) Key() string {
	switch {
	case o.UPN != "":
		return o.UPN
	case o.AppID != "":
		return o.AppID
	}
	return o.Ref
}

// ServicePrincipalConfig is the service_principal block.
type ServicePrincipalConfig struct {
	AppRoleAssignmentRequired bool
	Notes                     string
	Tags                      []string
	TagsSet                   bool
	LoginURL                  string
	Owners                    []*Owner
	OwnersSet                 bool
	Assignments               []*Assignment
	DeclRange                 hcl.Range
}

// Assignment gives a user, group or service principal one app role of
// the application (who may sign in when assignment is required).
type Assignment struct {
	Name string
	// Principal is the address of what is assigned: data.user.x,
	// data.group.x, data.service_principal.x or application.x.
	Principal string
	// AppRole is the value of one of the application's app roles, ""
	// for the default access role.
	AppRole   string
	DeclRange hcl.Range
}

// Web is an application's web platform.
type Web struct {
	RedirectURIs        []string
	HomePageURL         string
	LogoutURL           string
	IDTokenIssuance     bool
	AccessTokenIssuance bool
	DeclRange           hcl.Range
}

// RedirectSet is a public_client or spa platform.
type RedirectSet struct {
	RedirectURIs []string
	DeclRange    hcl.Range
}

// Permission is one permission block: what an application asks of one
// resource API.
type Permission struct {
	// Resource is the block label as written: "graph", "sharepoint" or an
	// appId.
	Resource string
	// ResourceAppID is the resource's appId (lower case); "" for an
	// application of this configuration (ResourceAddr).
	ResourceAppID string
	// ResourceAddr is the address of the application of this
	// configuration whose API the permissions are of ("application.x"),
	// "" for other resources. Its names resolve against that
	// application's scopes and app roles.
	ResourceAddr string
	Delegated    []PermissionRef
	Application  []PermissionRef
	DeclRange    hcl.Range
}

// PermissionRef is one permission name. Value and ID are empty when the
// resource is not in the catalog: the engine resolves them against the
// resource's service principal.
type PermissionRef struct {
	Name  string // as written: a value or a portal label
	Value string // canonical value, e.g. "Sites.Read.All"
	ID    string // scope or app role id
	Range hcl.Range
}

// Secret is a client secret (password credential), identified in the tenant
// by its display name, the block label.
type Secret struct {
	Name         string
	ExpiresIn    time.Duration // default 4380h
	RotateBefore time.Duration // default 720h
	// WriteTo is the dotenv file the value goes to, relative to the
	// configuration directory (see Config.Path); "" when not written.
	WriteTo   string
	DeclRange hcl.Range
}

// Certificate is a certificate credential whose private key lives in
// PrivateKeyFile (relative to the configuration directory).
type Certificate struct {
	Name           string
	PrivateKeyFile string
	ExpiresIn      time.Duration // default 8760h
	RotateBefore   time.Duration // default 720h
	DeclRange      hcl.Range
}

// FederatedCredential trusts tokens of an external issuer (for example
// GitHub Actions) for the application.
type FederatedCredential struct {
	Name        string
	Issuer      string
	Subject     string
	Description string
	Audiences   []string // default ["api://AzureADTokenExchange"]
	DeclRange   hcl.Range
}

// Data is a lookup of an existing object, read at plan time: a data
// block. A lookup that finds nothing is a plan error at DeclRange.
type Data struct {
	Addr string // data.user.alex
	Type string // user, group, service_principal or site
	Name string
	// The key it is looked up by: UserPrincipalName (user),
	// DisplayName (group, or service_principal without app_id), AppID
	// (service_principal), URL (site).
	UserPrincipalName string
	DisplayName       string
	AppID             string
	URL               string
	DeclRange         hcl.Range
}

// Site is one instance of a site block: an existing SharePoint site.
type Site struct {
	Addr      string
	Name      string
	Key       cty.Value
	URL       string
	Grants    []*Grant
	DeclRange hcl.Range
}

// Grant gives an application roles on a site (Sites.Selected).
type Grant struct {
	Name        string
	Application string   // the application instance's address
	Roles       []string // read, write, manage, fullcontrol (lower case)
	DeclRange   hcl.Range
}

// Check is one instance of a check block: a login check.
type Check struct {
	Addr        string
	Name        string
	Key         cty.Value
	Application string // the application instance's address
	// Flow is client_credentials, certificate, federated, auth_code,
	// device_code or interactive.
	Flow string
	// User is a login hint for user flows; "".
	User string
	// Scopes are the scopes to request; empty: the check runner decides.
	Scopes       []string
	ExpectRoles  []string
	ExpectScopes []string
	// ExpectError is an AADSTS code ("AADSTS50105") the sign-in must be
	// refused with: the check proves someone cannot get in.
	ExpectError string
	Requests    []*Request
	DeclRange   hcl.Range
}

// Request is an HTTP request a check sends with the token it got.
type Request struct {
	Name      string
	URL       string
	Method    string // default GET
	Status    int    // expected status, default 200
	Headers   map[string]string
	Body      string
	DeclRange hcl.Range
}

// Output is an output block. Its value is computed by Config.EvalOutputs.
type Output struct {
	Name        string
	Description string
	Sensitive   bool
	DeclRange   hcl.Range
	expr        hcl.Expression
	refs        refSet
}

// AppAttrs are an application's computed attributes; "" means still
// unknown.
type AppAttrs struct {
	AppID              string
	ObjectID           string
	ServicePrincipalID string
}

// sensitiveMark is the type of SensitiveMark, so no other package's mark
// can equal it.
type sensitiveMark string

// SensitiveMark marks values that come from sensitive variables or
// sensitive outputs; renderers show them as (sensitive value). Test with
// v.HasMark(config.SensitiveMark) (or ContainsMarked for nested values).
const SensitiveMark = sensitiveMark("sensitive")
