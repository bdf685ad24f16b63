package localtenant

// The servicePrincipal entity: what the generic model needs beyond the
// description, and the hooks for its behaviour rules. Handlers are in
// graph_serviceprincipals.go.

// spReadOnly are documented service principal properties a client may
// not write.
var spReadOnly = []string{"id", "servicePrincipalType", "appOwnerOrganizationId", "deletedDateTime", "servicePrincipalNames",
	"appDisplayName", "appDescription", "publisherName", "signInAudience", "createdByAppId", "verifiedPublisher",
	"applicationTemplateId", "passwordCredentials"}

// spTypedOnly are members kept only in typed fields.
var spTypedOnly = []string{"passwordCredentials"}

// spDefaults are Graph's values for a new service principal (the create
// example of the v1.0 reference).
var spDefaults = entityDefaults{objects: []string{"info", "verifiedPublisher"}}

// publishApplicationPermissions makes sp publish the app roles and
// delegated permission scopes its application defines (appRoles and
// api.oauth2PermissionScopes), as Entra keeps a service principal in its
// home tenant in step with its application: the typed copies for token
// issuance and assignments, the documented values for the wire. The
// application's sign-in audience and description show on the service
// principal too (signInAudience, appDescription).
func publishApplicationPermissions(sp *ServicePrincipal, a *Application) {
	var roles []AppRole
	var rolesJSON, scopesJSON any = []any{}, []any{}
	if a.prop("appRoles", &roles) {
		rolesJSON = a.Props["appRoles"]
	}
	var api struct {
		Scopes []PermissionScope `json:"oauth2PermissionScopes"`
	}
	if a.prop("api", &api) {
		if m, ok := a.Props["api"].(map[string]any); ok && m["oauth2PermissionScopes"] != nil {
			scopesJSON = m["oauth2PermissionScopes"]
		}
	}
	for i := range roles {
		if roles[i].Origin == "" {
			roles[i].Origin = "Application"
		}
	}
	for i := range api.Scopes {
		if api.Scopes[i].Origin == "" {
			api.Scopes[i].Origin = "Application"
		}
	}
	sp.AppRoles = append([]AppRole{}, roles...)
	sp.OAuth2PermissionScopes = append([]PermissionScope{}, api.Scopes...)
	props := make(map[string]any, len(sp.Props)+2)
	for k, v := range sp.Props {
		props[k] = v
	}
	props["appRoles"], props[spScopesV1] = rolesJSON, scopesJSON
	props["signInAudience"] = a.SignInAudience
	if a.Description != nil {
		props["appDescription"] = *a.Description
	} else {
		props["appDescription"] = nil
	}
	sp.Props = props
}

// servicePrincipalRules are the behaviour rules a create (cur == nil) or
// an update of a service principal must pass, run on the would-be
// result before it is stored.
var servicePrincipalRules []func(st *Store, cur, next *ServicePrincipal) error

func checkServicePrincipalRules(st *Store, cur, next *ServicePrincipal) error {
	for _, rule := range servicePrincipalRules {
		if err := rule(st, cur, next); err != nil {
			return err
		}
	}
	return nil
}

// servicePrincipalJSON is the wire JSON of a service principal in
// version ver: appDisplayName is the application's name unless set.
// Call it under the store lock.
func servicePrincipalJSON(ver string, sp *ServicePrincipal) map[string]any {
	typed := toMap(sp)
	if _, ok := sp.Props["appDisplayName"]; !ok {
		typed["appDisplayName"] = sp.DisplayName
	}
	props := sp.Props
	if ver == versionBeta {
		typed = renamed(typed, spScopesV1, spScopesBeta)
		props = renamed(props, spScopesV1, spScopesBeta)
	}
	m := renderEntity(ver, "servicePrincipal", typed, props, spDefaults)
	// A certificate's key is written, never read back in a listing.
	if creds, ok := m["keyCredentials"].([]any); ok {
		for _, c := range creds {
			if kc, ok := c.(map[string]any); ok {
				kc["key"] = nil
			}
		}
	}
	return m
}

// The delegated permissions a service principal publishes are
// oauth2PermissionScopes in v1.0 and publishedPermissionScopes in beta.
// The store keeps the v1.0 name.
const (
	spScopesV1   = "oauth2PermissionScopes"
	spScopesBeta = "publishedPermissionScopes"
)

// renamed is m with member from renamed to; m is not changed.
func renamed[V any](m map[string]V, from, to string) map[string]V {
	v, ok := m[from]
	if !ok {
		return m
	}
	out := make(map[string]V, len(m))
	for k, x := range m {
		if k != from {
			out[k] = x
		}
	}
	out[to] = v
	return out
}

// clone copies a service principal for an update.
func (sp *ServicePrincipal) clone() *ServicePrincipal {
	c := *sp
	return &c
}

// prop decodes a stored property, as Application.prop.
func (sp *ServicePrincipal) prop(name string, v any) bool { return decodeProp(sp.Props, name, v) }
