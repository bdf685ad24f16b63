package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/config/catalog"
	"github.com/entraform/entraform/providers/entra"
)

// application plans one declared application and everything it owns.
func (b *builder) application(app *config.Application) {
	actual := b.findApplication(app)
	if actual != nil {
		b.matched[actual.ID] = true
		b.appIDs[app.Addr] = config.AppAttrs{AppID: actual.AppID, ObjectID: actual.ID}
	}

	perms := b.resolvePermissions(app)
	body := b.applicationBody(app, actual, perms)
	values := map[string]any{
		"access_token_issuance":       body.Web != nil && body.Web.ImplicitGrantSettings.EnableAccessTokenIssuance,
		"api_permissions":             perms.entries(),
		"app_id":                      unknownString,
		"display_name":                body.DisplayName,
		"fallback_public_client":      body.IsFallbackPublicClient != nil && *body.IsFallbackPublicClient,
		"home_page_url":               derefString(webField(body.Web, func(w *entra.WebApplication) *string { return w.HomePageURL })),
		"id_token_issuance":           body.Web != nil && body.Web.ImplicitGrantSettings.EnableIDTokenIssuance,
		"logout_url":                  derefString(webField(body.Web, func(w *entra.WebApplication) *string { return w.LogoutURL })),
		"notes":                       derefString(body.Notes),
		"object_id":                   unknownString,
		"public_client_redirect_uris": redirects(body.PublicClient),
		"sign_in_audience":            body.SignInAudience,
		"spa_redirect_uris":           redirects(body.SPA),
		"unique_name":                 body.UniqueName,
		"web_redirect_uris":           webRedirects(body.Web),
		"workspace":                   b.workspace,
	}
	b.extrasValue(&body, values)
	desired := NewValue(TypeApplication, values)
	before := cty.NullVal(ObjectTypeOf(TypeApplication))
	if actual != nil {
		before = b.applicationValue(actual)
	}
	c := b.add(change(app.Addr, TypeApplication, app.Name, before, desired, DeleteThenCreate))
	c.SensitivePaths = sensitivePaths(app.SensitiveAttrs, "", applicationAttrs)
	d := &DesiredApplication{Address: app.Addr, UniqueName: app.UniqueName, Adopt: app.Adopt, Body: body}
	c.Desired = d
	c.DependsOn = b.appDeps(app.Addr, body)
	if actual != nil {
		c.Current = actual
		if c.Action == Update {
			var words []string
			d.DisableFirst, words = disableFirst(actual, body)
			if d.DisableFirst != nil {
				c.Reason = disableReason(words)
			}
		}
	}
	// A replaced application takes its children with it: they are all
	// created afresh under the new one.
	childActual := actual
	if c.Action.IsReplace() {
		childActual = nil
	}
	var sp *entra.ServicePrincipal
	if childActual != nil {
		sp = b.spByAppID[strings.ToLower(childActual.AppID)]
		if sp != nil {
			attrs := b.appIDs[app.Addr]
			attrs.ServicePrincipalID = sp.ID
			b.appIDs[app.Addr] = attrs
		}
	}
	b.servicePrincipal(app, childActual, sp)
	var appOwners, spOwners []entra.DirectoryObject
	if childActual != nil {
		appOwners = childActual.Owners
	}
	if sp != nil {
		spOwners = sp.Owners
	}
	b.owners(app, appOwners, childActual != nil, false)
	b.owners(app, spOwners, sp != nil, true)
	b.assignments(app, sp)
	granted := perms // what admin consent grants; nothing without it
	if !app.AdminConsent {
		granted = nil
	}
	b.consents(app.Addr, sp, granted)
	b.roleAssignments(app.Addr, sp, granted)
	b.secrets(app, childActual)
	b.certificates(app, childActual)
	b.federatedCredentials(app, childActual)
}

// findApplication finds the tenant object of a declared application: the
// adopted appId, else the application with its unique name.
func (b *builder) findApplication(app *config.Application) *entra.Application {
	if app.Adopt != "" {
		a := b.appsByAppID[strings.ToLower(app.Adopt)]
		if a == nil {
			b.errorf(rangeOf(app, "adopt"), "Application to adopt not found",
				"No application with appId %s exists in tenant %s.", app.Adopt, b.snap.TenantID)
		}
		return a
	}
	if a := b.appsByUnique[app.UniqueName]; a != nil {
		return a
	}
	if other := b.snap.TakenUniqueNames[app.UniqueName]; other != nil {
		owner := "no workspace (it was made by hand or by another tool)"
		if ws := entra.WorkspaceOf(other.Tags); ws != "" {
			owner = fmt.Sprintf("workspace %q", ws)
		}
		b.errorf(app.DeclRange, "Unique name already in use",
			"%s would be created with unique_name %q, which application %q (appId %s) already holds; it belongs to %s. Take it over with adopt = %q, or give this application another unique_name.",
			app.Addr, app.UniqueName, other.DisplayName, other.AppID, owner, other.AppID)
	}
	return nil
}

func rangeOf(app *config.Application, attr string) hcl.Range {
	if r, ok := app.AttrRanges[attr]; ok {
		return r
	}
	return app.DeclRange
}

// resolvedPermission is one permission of an application, resolved to ids.
type resolvedPermission struct {
	ResourceAppID string // lower case; the application's address while it does not exist yet
	Label         string // graph, sharepoint, application.x or the appId
	ID            string
	Value         string
	Delegated     bool
}

type permissionSet []resolvedPermission

func (ps permissionSet) entries() []string {
	var out []string
	for _, p := range ps {
		out = append(out, permissionEntry(p.Label, p.Value, p.Delegated))
	}
	return out
}

// byResource groups permissions by resource appId, delegated or not.
func (ps permissionSet) byResource(delegated bool) map[string][]resolvedPermission {
	out := map[string][]resolvedPermission{}
	for _, p := range ps {
		if p.Delegated == delegated {
			out[p.ResourceAppID] = append(out[p.ResourceAppID], p)
		}
	}
	return out
}

// resolvePermissions returns the declared permissions with ids. Names the
// configuration could not resolve offline (a resource outside the built-in
// catalog) are resolved against the resource's service principal read
// from the tenant.
func (b *builder) resolvePermissions(app *config.Application) permissionSet {
	var out permissionSet
	for _, p := range app.Permissions {
		if p.ResourceAddr != "" {
			out = append(out, b.ownAPIPermissions(p)...)
			continue
		}
		appID := strings.ToLower(p.ResourceAppID)
		for _, list := range []struct {
			refs      []config.PermissionRef
			delegated bool
		}{{p.Delegated, true}, {p.Application, false}} {
			for _, ref := range list.refs {
				id, value := ref.ID, ref.Value
				if id == "" {
					perm, ok := b.resolveAtRuntime(appID, list.delegated, ref)
					if !ok {
						continue
					}
					id, value = perm.ID, perm.Value
				} else if !b.published(appID, id, list.delegated, ref) {
					continue
				}
				out = append(out, resolvedPermission{ResourceAppID: appID, Label: b.resourceLabel(appID), ID: id, Value: value, Delegated: list.delegated})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return permissionEntry(out[i].Label, out[i].Value, out[i].Delegated) < permissionEntry(out[j].Label, out[j].Value, out[j].Delegated)
	})
	return out
}

// published checks a permission the built-in catalog resolved against
// the resource's service principal as the tenant publishes it: a
// permission the resource no longer offers (or a catalog out of date)
// is reported here, before an apply meets a refusal half-way.
func (b *builder) published(appID, id string, delegated bool, ref config.PermissionRef) bool {
	sp := b.snap.Resources[appID]
	if sp == nil {
		return true // nothing to check against; the write will say
	}
	kind := "application permission (app role)"
	if delegated {
		kind = "delegated permission (scope)"
		for _, s := range sp.OAuth2PermissionScopes {
			if strings.EqualFold(s.ID, id) {
				return true
			}
		}
	} else {
		for _, r := range sp.AppRoles {
			if strings.EqualFold(r.ID, id) {
				return true
			}
		}
	}
	b.errorf(ref.Range, "Permission not published by the resource",
		"%s in tenant %s publishes no %s %q (id %s); it may have been retired, or this tenant's copy of the resource differs.",
		resourceName(sp, appID), b.snap.TenantID, kind, ref.Name, id)
	return false
}

func (b *builder) resolveAtRuntime(appID string, delegated bool, ref config.PermissionRef) (catalog.Permission, bool) {
	sp := b.snap.Resources[appID]
	if sp == nil {
		b.errorf(ref.Range, "Unknown resource application",
			"No service principal with appId %s exists in tenant %s, so %q cannot be resolved.", appID, b.snap.TenantID, ref.Name)
		return catalog.Permission{}, false
	}
	kind := catalog.Application
	if delegated {
		kind = catalog.Delegated
	}
	perm, err := ResourceCatalog(sp).Resolve(appID, kind, ref.Name)
	if err != nil {
		b.errorf(ref.Range, "Unknown permission", "%s", err.Error())
		return catalog.Permission{}, false
	}
	return perm, true
}

// ResourceCatalog builds a permission catalog from a resource service principal.
func ResourceCatalog(sp *entra.ServicePrincipal) *catalog.Catalog {
	r := catalog.Resource{AppID: strings.ToLower(sp.AppID), DisplayName: sp.DisplayName}
	for _, s := range sp.OAuth2PermissionScopes {
		r.Scopes = append(r.Scopes, catalog.Permission{ID: s.ID, Value: s.Value, Label: s.AdminConsentDisplayName, Type: s.Type})
	}
	for _, ar := range sp.AppRoles {
		r.Roles = append(r.Roles, catalog.Permission{ID: ar.ID, Value: ar.Value, Label: ar.DisplayName, Type: "Application"})
	}
	return catalog.New([]catalog.Resource{r})
}

// applicationBody is the Graph JSON for the declared application.
func (b *builder) applicationBody(app *config.Application, actual *entra.Application, perms permissionSet) entra.Application {
	body := entra.Application{
		DisplayName:    app.DisplayName,
		UniqueName:     app.UniqueName,
		SignInAudience: app.SignInAudience,
	}
	b.applyExtras(app, &body)
	pruneExtras(&body, actual)
	if actual != nil && app.Adopt != "" {
		// An adopted application keeps its own unique name, none included:
		// unique names are write-once, so giving a hand-made application
		// (which usually has none) ours would plan its replacement.
		body.UniqueName = actual.UniqueName
	}
	notes := app.Notes
	body.Notes = &notes
	var tags []string
	if actual != nil {
		tags = actual.Tags
	}
	if app.TagsSet {
		tags = app.Tags
	}
	body.Tags = entra.WithOwnership(tags, b.workspace, app.Addr)
	web := &entra.WebApplication{RedirectURIs: []string{}, ImplicitGrantSettings: &entra.ImplicitGrantSettings{}}
	if w := app.Web; w != nil {
		web.RedirectURIs = sortedCopy(w.RedirectURIs)
		web.HomePageURL = optional(w.HomePageURL)
		web.LogoutURL = optional(w.LogoutURL)
		web.ImplicitGrantSettings.EnableIDTokenIssuance = w.IDTokenIssuance
		web.ImplicitGrantSettings.EnableAccessTokenIssuance = w.AccessTokenIssuance
	}
	body.Web = web
	body.PublicClient = &entra.RedirectURIs{RedirectURIs: []string{}}
	fallback := false
	if app.PublicClient != nil {
		body.PublicClient.RedirectURIs = sortedCopy(app.PublicClient.RedirectURIs)
		fallback = true
	}
	body.IsFallbackPublicClient = &fallback
	body.SPA = &entra.RedirectURIs{RedirectURIs: []string{}}
	if app.SPA != nil {
		body.SPA.RedirectURIs = sortedCopy(app.SPA.RedirectURIs)
	}
	body.RequiredResourceAccess = []entra.RequiredResourceAccess{}
	byResource := map[string]*entra.RequiredResourceAccess{}
	for _, p := range perms {
		r := byResource[p.ResourceAppID]
		if r == nil {
			body.RequiredResourceAccess = append(body.RequiredResourceAccess, entra.RequiredResourceAccess{ResourceAppID: p.ResourceAppID})
			r = &body.RequiredResourceAccess[len(body.RequiredResourceAccess)-1]
			byResource[p.ResourceAppID] = r
		}
		typ := "Role"
		if p.Delegated {
			typ = "Scope"
		}
		r.ResourceAccess = append(r.ResourceAccess, entra.ResourceAccess{ID: p.ID, Type: typ})
	}
	return body
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func webField(w *entra.WebApplication, f func(*entra.WebApplication) *string) *string {
	if w == nil {
		return nil
	}
	return f(w)
}

func webRedirects(w *entra.WebApplication) []string {
	if w == nil {
		return nil
	}
	return w.RedirectURIs
}

func redirects(r *entra.RedirectURIs) []string {
	if r == nil {
		return nil
	}
	return r.RedirectURIs
}

func sortedCopy(s []string) []string {
	c := append([]string{}, s...)
	sort.Strings(c)
	return c
}

// servicePrincipal plans the application's service principal.
func (b *builder) servicePrincipal(cfgApp *config.Application, app *entra.Application, sp *entra.ServicePrincipal) {
	appAddr := cfgApp.Addr
	addr := appAddr + ".service_principal"
	appID := unknownString
	if app != nil {
		appID = cty.StringVal(app.AppID)
	}
	var tags []string
	if sp != nil {
		tags = sp.Tags
	}
	d := &DesiredServicePrincipal{Application: appAddr}
	if s := cfgApp.ServicePrincipal; s != nil {
		d.AppRoleAssignmentRequired, d.Notes, d.LoginURL = s.AppRoleAssignmentRequired, s.Notes, s.LoginURL
		if s.TagsSet {
			tags = s.Tags
		}
	}
	d.Tags = entra.WithOwnership(tags, b.workspace, addr)
	desired := NewValue(TypeServicePrincipal, map[string]any{
		"app_id":                       appID,
		"app_role_assignment_required": d.AppRoleAssignmentRequired,
		"login_url":                    d.LoginURL,
		"notes":                        d.Notes,
		"object_id":                    unknownString,
		"tags":                         entra.UserTags(d.Tags),
		"workspace":                    b.workspace,
	})
	before := cty.NullVal(ObjectTypeOf(TypeServicePrincipal))
	if sp != nil {
		before = servicePrincipalValue(sp)
	}
	c := b.add(change(addr, TypeServicePrincipal, "", before, desired, DeleteThenCreate))
	c.Parent = appAddr
	c.DependsOn = []string{appAddr}
	c.Desired = d
	if sp != nil {
		c.Current = sp
	}
}

// consents plans the tenant-wide delegated consent of the app, one grant
// per resource with delegated permissions. perms is nil when the
// application does not want admin consent: existing grants are removed.
func (b *builder) consents(appAddr string, sp *entra.ServicePrincipal, perms permissionSet) {
	existing := map[string]entra.OAuth2PermissionGrant{}
	if sp != nil {
		for _, g := range b.grantsBySP[sp.ID] {
			if g.ConsentType != "AllPrincipals" {
				continue // a user's own consent is theirs, not ours
			}
			if r := b.resourcesByID[g.ResourceID]; r != nil {
				existing[strings.ToLower(r.AppID)] = g
			} else {
				existing[g.ResourceID] = g
			}
		}
	}
	spAddr := appAddr + ".service_principal"
	clientID := unknownString
	if sp != nil {
		clientID = cty.StringVal(sp.ID)
	}
	declared := perms.byResource(true)
	for _, resAppID := range sortedKeys(declared) {
		list := declared[resAppID]
		var scopes []string
		for _, p := range list {
			scopes = append(scopes, p.Value)
		}
		resource := b.resourceSP(resAppID)
		key := b.resourceLabel(resAppID)
		addr := fmt.Sprintf("%s.consent[%q]", appAddr, key)
		desired := NewValue(TypeConsent, map[string]any{
			"client_id":       clientID,
			"consent_type":    "AllPrincipals",
			"resource":        resourceName(resource, key),
			"resource_app_id": knownAppID(resAppID),
			"scopes":          scopes,
		})
		before := cty.NullVal(ObjectTypeOf(TypeConsent))
		g, ok := existing[resAppID]
		if ok {
			before = consentValue(g, resource)
			delete(existing, resAppID)
		}
		c := b.add(change(addr, TypeConsent, key, before, desired, DeleteThenCreate))
		c.Parent, c.DependsOn = appAddr, append([]string{spAddr}, b.ownResourceDeps(resAppID)...)
		c.Desired = &DesiredConsent{Application: appAddr, ResourceAppID: resAppID, Scopes: scopes}
		if ok {
			c.Current = g
		}
	}
	for _, key := range sortedKeys(existing) {
		g := existing[key]
		resource := b.resourcesByID[g.ResourceID]
		addr := fmt.Sprintf("%s.consent[%q]", appAddr, b.resourceLabel(key))
		b.add(deletion(addr, TypeConsent, b.resourceLabel(key), consentValue(g, resource), appAddr, g))
	}
}

// roleAssignments plans the admin-granted application permissions.
func (b *builder) roleAssignments(appAddr string, sp *entra.ServicePrincipal, perms permissionSet) {
	existing := map[assignmentKey]entra.AppRoleAssignment{}
	if sp != nil {
		for _, a := range b.assignsBySP[sp.ID] {
			resAppID := a.ResourceID
			if r := b.resourcesByID[a.ResourceID]; r != nil {
				resAppID = strings.ToLower(r.AppID)
			}
			existing[assignmentKey{resAppID, strings.ToLower(a.AppRoleID)}] = a
		}
	}
	spAddr := appAddr + ".service_principal"
	principal := unknownString
	if sp != nil {
		principal = cty.StringVal(sp.ID)
	}
	declared := perms.byResource(false)
	for _, resAppID := range sortedKeys(declared) {
		resource := b.resourceSP(resAppID)
		for _, p := range declared[resAppID] {
			name := b.roleKey(resAppID, p.Value)
			addr := fmt.Sprintf("%s.role[%q]", appAddr, name)
			desired := NewValue(TypeRoleAssignment, map[string]any{
				"app_role_id":     strings.ToLower(p.ID),
				"principal_id":    principal,
				"resource":        resourceName(resource, b.resourceLabel(resAppID)),
				"resource_app_id": knownAppID(resAppID),
				"role":            p.Value,
			})
			k := assignmentKey{resAppID, strings.ToLower(p.ID)}
			before := cty.NullVal(ObjectTypeOf(TypeRoleAssignment))
			a, ok := existing[k]
			if ok {
				before = roleAssignmentValue(a, resource)
				before = withAttr(before, "app_role_id", cty.StringVal(strings.ToLower(a.AppRoleID)))
				delete(existing, k)
			}
			c := b.add(change(addr, TypeRoleAssignment, name, before, desired, DeleteThenCreate))
			c.Parent, c.DependsOn = appAddr, append([]string{spAddr}, b.ownResourceDeps(resAppID)...)
			c.Desired = &DesiredRoleAssignment{Application: appAddr, ResourceAppID: resAppID, AppRoleID: p.ID, Role: p.Value}
			if ok {
				c.Current = a
			}
		}
	}
	for _, k := range sortedAssignments(existing, nil) {
		a := existing[k]
		resource := b.resourcesByID[a.ResourceID]
		value := a.AppRoleID
		if resource != nil {
			value = permissionValue(resource, a.AppRoleID, false)
		}
		name := b.roleKey(k.of, value)
		addr := fmt.Sprintf("%s.role[%q]", appAddr, name)
		b.add(deletion(addr, TypeRoleAssignment, name, roleAssignmentValue(a, resource), appAddr, a))
	}
}

// assignmentKey finds an app role assignment: of is the resource appId
// (or id) it is on, or the principal id it is held by; role is the app
// role id, both in lower case.
type assignmentKey struct{ of, role string }

// sortedAssignments are the keys of m that keep accepts (all of them
// for a nil keep), in order.
func sortedAssignments(m map[assignmentKey]entra.AppRoleAssignment, keep func(assignmentKey) bool) []assignmentKey {
	keys := make([]assignmentKey, 0, len(m))
	for k := range m {
		if keep == nil || keep(k) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].of != keys[j].of {
			return keys[i].of < keys[j].of
		}
		return keys[i].role < keys[j].role
	})
	return keys
}

// withAttr returns obj with one attribute replaced.
func withAttr(obj cty.Value, name string, v cty.Value) cty.Value {
	m := obj.AsValueMap()
	m[name] = v
	return cty.ObjectVal(m)
}

// applicationAttrs maps configuration attributes of an application to
// the plan's attributes.
var applicationAttrs = map[string]string{
	"display_name":                "display_name",
	"unique_name":                 "unique_name",
	"sign_in_audience":            "sign_in_audience",
	"notes":                       "notes",
	"web.redirect_uris":           "web_redirect_uris",
	"web.home_page_url":           "home_page_url",
	"web.logout_url":              "logout_url",
	"public_client.redirect_uris": "public_client_redirect_uris",
	"spa.redirect_uris":           "spa_redirect_uris",
}

// federatedAttrs maps a federated_credential block's attributes.
var federatedAttrs = map[string]string{
	"issuer": "issuer", "subject": "subject", "audiences": "audiences", "description": "description",
}

// sensitivePaths lists the plan attributes whose configuration
// attribute (prefix + name, as config.Application.SensitiveAttrs keys
// them) holds a sensitive value.
func sensitivePaths(sensitive map[string]bool, prefix string, names map[string]string) []string {
	var out []string
	for from, to := range names {
		if sensitive[prefix+from] {
			out = append(out, to)
		}
	}
	sort.Strings(out)
	return out
}
