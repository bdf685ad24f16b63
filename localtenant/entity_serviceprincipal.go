package localtenant

import (
	"encoding/json"
)

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
	return renderEntity(ver, "servicePrincipal", typed, props, spDefaults)
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
func (sp *ServicePrincipal) prop(name string, v any) bool {
	raw, ok := sp.Props[name]
	if !ok || raw == nil {
		return false
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}
