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
	// Outputs are sorted by name. Their values are computed by EvalOutputs.
	Outputs []*Output

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

	DeclRange hcl.Range
	// AttrRanges gives the source range of each attribute set in the block,
	// by name; nested ones as "web.redirect_uris".
	AttrRanges map[string]hcl.Range
	// SensitiveAttrs names (as AttrRanges does) the attributes whose value
	// comes from a sensitive variable: plans show them as (sensitive value).
	SensitiveAttrs map[string]bool
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
	// ResourceAppID is the resource's appId (lower case).
	ResourceAppID string
	Delegated     []PermissionRef
	Application   []PermissionRef
	DeclRange     hcl.Range
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
	Requests     []*Request
	DeclRange    hcl.Range
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
