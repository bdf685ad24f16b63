package localtenant

import (
	"encoding/json"
	"slices"
)

// The application entity: what the generic model (graphschema.json,
// schema_*.go) needs to know about it beyond the description, and the
// hooks for its behaviour rules. Handlers are in graph_applications.go,
// typed body decoding (uniqueName, redirect URIs, certificates, ...) in
// graph_appbody.go.

// appReadOnly are documented application properties a client may not
// write: server-assigned ones, and passwordCredentials (addPassword).
var appReadOnly = []string{"id", "appId", "createdDateTime", "deletedDateTime", "publisherDomain", "passwordCredentials",
	"createdByAppId", "certification", "verifiedPublisher"}

// appTypedOnly are members kept only in typed fields, never in the bag:
// the behaviour code owns them entirely (certificate bytes, secret
// hashes).
var appTypedOnly = []string{"keyCredentials", "passwordCredentials"}

// appDefaults are Graph's values for a new application (the create
// example of the v1.0 reference and GET responses): these complex
// properties are objects of defaults, not null; a few members have
// values of their own.
var appDefaults = entityDefaults{
	objects: []string{"api", "info", "parentalControlSettings", "publicClient", "spa", "web", "web.implicitGrantSettings", "verifiedPublisher", "windows"},
	values: map[string]any{
		"parentalControlSettings.legalAgeGroupRule": "Allow",
		// Roles and scopes defined on an application are its own.
		"appRoles.origin":                   "Application",
		"api.oauth2PermissionScopes.origin": "Application",
		// beta: an application not restricted to some tenants.
		"signInAudienceRestrictions": map[string]any{"@odata.type": "#microsoft.graph.unrestrictedAudience"},
	},
}

// applicationRules are the behaviour rules a create (cur == nil) or an
// update of an application must pass, run on the would-be result before
// it is stored. Each returns an *apiError (Graph's answer) or nil. Add
// rules (e.g. about api.oauth2PermissionScopes or appRoles, read with
// next.prop) to this list.
var applicationRules []func(st *Store, cur, next *Application) error

// checkApplicationRules runs applicationRules.
func checkApplicationRules(st *Store, cur, next *Application) error {
	for _, rule := range applicationRules {
		if err := rule(st, cur, next); err != nil {
			return err
		}
	}
	return nil
}

// applicationJSON is the wire JSON of an application in version ver.
// Call it under the store lock.
func applicationJSON(ver string, a *Application) map[string]any {
	m := renderEntity(ver, "application", toMap(a), a.Props, appDefaults)
	// web.redirectUriSettings lists web.redirectUris (with no index)
	// unless a client wrote it.
	if web, ok := m["web"].(map[string]any); ok {
		stored, _ := a.Props["web"].(map[string]any)
		if _, documented := web["redirectUriSettings"]; documented && stored["redirectUriSettings"] == nil {
			settings := []any{}
			for _, u := range a.Web.RedirectURIs {
				settings = append(settings, map[string]any{"uri": u, "index": nil})
			}
			web["redirectUriSettings"] = settings
		}
	}
	return m
}

// clone copies an application so an update can be built and checked
// before it replaces the stored one. Slices the typed decoding writes
// into in place are copied; the rest are replaced whole on change.
func (a *Application) clone() *Application {
	c := *a
	c.Web.RedirectURIs = slices.Clone(a.Web.RedirectURIs)
	c.Spa.RedirectURIs = slices.Clone(a.Spa.RedirectURIs)
	c.PublicClient.RedirectURIs = slices.Clone(a.PublicClient.RedirectURIs)
	return &c
}

// prop decodes the stored (or typed) value of a documented property
// into v, as the wire shows it in v1.0 and beta alike; false when it is
// unset or null. Behaviour code reads properties it does not model
// with it, e.g. a.prop("appRoles", &roles).
func (a *Application) prop(name string, v any) bool { return decodeProp(a.Props, name, v) }

// decodeProp decodes props[name] into v: false when it is unset, null or
// not of v's shape.
func decodeProp(props map[string]any, name string, v any) bool {
	raw, ok := props[name]
	if !ok || raw == nil {
		return false
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}
