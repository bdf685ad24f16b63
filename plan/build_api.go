package plan

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/providers/entra"
)

// ownApp is what the plan knows of a declared application before
// planning it: the tenant object it matches (nil when it is to be
// created) and the final ids of its scopes and app roles by value.
type ownApp struct {
	cfg    *config.Application
	actual *entra.Application
	scopes map[string]string // value -> id
	roles  map[string]string // value -> id
}

// indexOwnApps matches every declared application with its tenant object
// (without diagnostics: planning the application reports those) and
// decides the ids of its scopes and roles: the given id, else the id of
// the tenant's scope or role with the same value (an adopted or exported
// application keeps its ids), else the derived one.
func (b *builder) indexOwnApps() {
	for _, app := range b.cfg.Applications {
		o := &ownApp{cfg: app, scopes: map[string]string{}, roles: map[string]string{}}
		if app.Adopt != "" {
			o.actual = b.appsByAppID[strings.ToLower(app.Adopt)]
		} else {
			o.actual = b.appsByUnique[app.UniqueName]
		}
		if o.actual != nil {
			b.ownByAppID[strings.ToLower(o.actual.AppID)] = app.Addr
		}
		if app.API != nil {
			for _, s := range app.API.Scopes {
				o.scopes[s.Value] = b.keptID(s.ID, s.IDGiven, s.Value, o.actual, true)
			}
		}
		for _, r := range app.AppRoles {
			o.roles[r.Value] = b.keptID(r.ID, r.IDGiven, r.Value, o.actual, false)
		}
		b.own[app.Addr] = o
	}
}

func (b *builder) keptID(id string, given bool, value string, actual *entra.Application, scope bool) string {
	if given || actual == nil {
		return id
	}
	if scope && actual.API != nil {
		for _, s := range actual.API.OAuth2PermissionScopes {
			if s.Value == value {
				return strings.ToLower(s.ID)
			}
		}
	}
	if !scope {
		for _, r := range actual.AppRoles {
			if r.Value == value {
				return strings.ToLower(r.ID)
			}
		}
	}
	return id
}

// ownAppID is the appId of a declared application, or its address while
// it does not exist (apply puts the appId in once it is created).
func (b *builder) ownAppID(addr string) string {
	if o := b.own[addr]; o != nil && o.actual != nil {
		return strings.ToLower(o.actual.AppID)
	}
	return addr
}

// isPlaceholder reports whether an appId is an application's address
// standing for an appId not known before apply.
func isPlaceholder(appID string) bool { return strings.HasPrefix(appID, "application.") }

// knownAppID is an appId for a plan value: unknown for a placeholder.
func knownAppID(appID string) any {
	if isPlaceholder(appID) {
		return unknownString
	}
	return appID
}

// ownResourceDeps are the addresses a consent or role assignment on a
// resource waits for: the resource's service principal when the
// resource is an application of this configuration.
func (b *builder) ownResourceDeps(resAppID string) []string {
	if addr, ok := b.ownAddr(resAppID); ok {
		return []string{addr + ".service_principal"}
	}
	return nil
}

func (b *builder) ownAddr(appID string) (string, bool) {
	if isPlaceholder(appID) {
		return appID, true
	}
	addr, ok := b.ownByAppID[strings.ToLower(appID)]
	return addr, ok
}

// resourceLabel names a resource in plans and addresses: graph,
// sharepoint, application.x for the configuration's own, else the appId.
func (b *builder) resourceLabel(appID string) string {
	if addr, ok := b.ownAddr(appID); ok {
		return addr
	}
	return entra.ResourceLabel(appID)
}

// resourceSP is the service principal of a resource as the plan sees it:
// for the configuration's own applications, their scopes and roles as the
// tenant holds them on the application.
func (b *builder) resourceSP(appID string) *entra.ServicePrincipal {
	if addr, ok := b.ownAddr(appID); ok {
		o := b.own[addr]
		if o == nil || o.actual == nil {
			return nil
		}
		sp := &entra.ServicePrincipal{AppID: o.actual.AppID, DisplayName: o.actual.DisplayName, AppRoles: o.actual.AppRoles}
		if s := b.spByAppID[strings.ToLower(o.actual.AppID)]; s != nil {
			sp.ID = s.ID
		}
		if o.actual.API != nil {
			sp.OAuth2PermissionScopes = o.actual.API.OAuth2PermissionScopes
		}
		return sp
	}
	return b.snap.Resources[strings.ToLower(appID)]
}

// ownAPIPermissions resolves a permission block on an application of
// this configuration (names were checked by config against its scopes
// and roles; the ids are the plan's, which keep the tenant's).
func (b *builder) ownAPIPermissions(p *config.Permission) permissionSet {
	o := b.own[p.ResourceAddr]
	if o == nil {
		return nil
	}
	appID := b.ownAppID(p.ResourceAddr)
	var out permissionSet
	for _, ref := range p.Delegated {
		out = append(out, resolvedPermission{ResourceAppID: appID, Label: p.ResourceAddr, ID: o.scopes[ref.Value], Value: ref.Value, Delegated: true})
	}
	for _, ref := range p.Application {
		out = append(out, resolvedPermission{ResourceAppID: appID, Label: p.ResourceAddr, ID: o.roles[ref.Value], Value: ref.Value})
	}
	return out
}

// applyExtras puts the declared identifier URIs, claims, branding, API
// and app roles into the application body.
func (b *builder) applyExtras(app *config.Application, body *entra.Application) {
	o := b.own[app.Addr]
	body.IdentifierURIs = append([]string{}, app.IdentifierURIs...)
	gmc, smr := app.GroupMembershipClaims, app.ServiceManagementReference
	body.GroupMembershipClaims, body.ServiceManagementReference = &gmc, &smr
	body.Info = &entra.InformationalURL{
		MarketingURL:        optional(app.Info.MarketingURL),
		PrivacyStatementURL: optional(app.Info.PrivacyStatementURL),
		TermsOfServiceURL:   optional(app.Info.TermsOfServiceURL),
		SupportURL:          optional(app.Info.SupportURL),
	}
	oc := &entra.OptionalClaims{IDToken: []entra.OptionalClaim{}, AccessToken: []entra.OptionalClaim{}, SAML2Token: []entra.OptionalClaim{}}
	if c := app.OptionalClaims; c != nil {
		oc.IDToken, oc.AccessToken, oc.SAML2Token = claims(c.IDToken), claims(c.AccessToken), claims(c.SAML2Token)
	}
	body.OptionalClaims = oc

	api := &entra.APIApplication{KnownClientApplications: []string{}, OAuth2PermissionScopes: []entra.PermissionScope{}, PreAuthorizedApplications: []entra.PreAuthorizedApplication{}}
	if a := app.API; a != nil {
		if a.RequestedAccessTokenVersion != 0 {
			v := a.RequestedAccessTokenVersion
			api.RequestedAccessTokenVersion = &v
		}
		api.KnownClientApplications = append(api.KnownClientApplications, a.KnownClientApplications...)
		for _, s := range a.Scopes {
			api.OAuth2PermissionScopes = append(api.OAuth2PermissionScopes, entra.PermissionScope{
				ID: o.scopes[s.Value], Value: s.Value, Type: s.Type, IsEnabled: s.Enabled,
				AdminConsentDisplayName: s.AdminConsentDisplayName, AdminConsentDescription: s.AdminConsentDescription,
				UserConsentDisplayName: s.UserConsentDisplayName, UserConsentDescription: s.UserConsentDescription,
			})
		}
		for _, p := range a.PreAuthorized {
			pa := entra.PreAuthorizedApplication{AppID: p.AppID, DelegatedPermissionIDs: []string{}}
			if p.Application != "" {
				pa.AppID = b.principalAppID(p.Application)
			}
			for _, v := range p.Scopes {
				pa.DelegatedPermissionIDs = append(pa.DelegatedPermissionIDs, o.scopes[v])
			}
			api.PreAuthorizedApplications = append(api.PreAuthorizedApplications, pa)
		}
	}
	body.API = api
	body.AppRoles = []entra.AppRole{}
	for _, r := range app.AppRoles {
		body.AppRoles = append(body.AppRoles, entra.AppRole{
			ID: o.roles[r.Value], Value: r.Value, DisplayName: r.DisplayName, Description: r.Description,
			AllowedMemberTypes: append([]string{}, r.AllowedMemberTypes...), IsEnabled: r.Enabled,
		})
	}
}

// principalAppID is the appId of an application or service principal
// lookup named by address (the address itself while unknown).
func (b *builder) principalAppID(addr string) string {
	if isPlaceholder(addr) {
		return b.ownAppID(addr)
	}
	if d := b.data(addr); d != nil && d.Type == "service_principal" {
		if d.AppID != "" {
			return d.AppID
		}
		if sps := b.snap.Lookups.SPsByName[d.DisplayName]; len(sps) == 1 {
			return strings.ToLower(sps[0].AppID)
		}
	}
	return addr
}

func claims(cs []*config.OptionalClaim) []entra.OptionalClaim {
	out := []entra.OptionalClaim{}
	for _, c := range cs {
		out = append(out, entra.OptionalClaim{Name: c.Name, Essential: c.Essential, AdditionalProperties: append([]string{}, c.AdditionalProperties...)})
	}
	return out
}

// extrasValue renders the identifier URIs, claims, branding, API and
// app roles of an application (as read, or as it should be) into v.
func (b *builder) extrasValue(app *entra.Application, v map[string]any) {
	v["identifier_uris"] = app.IdentifierURIs
	v["group_membership_claims"] = derefString(app.GroupMembershipClaims)
	v["service_management_reference"] = derefString(app.ServiceManagementReference)
	v["tags"] = entra.UserTags(app.Tags)
	if i := app.Info; i != nil {
		v["marketing_url"] = derefString(i.MarketingURL)
		v["privacy_statement_url"] = derefString(i.PrivacyStatementURL)
		v["terms_of_service_url"] = derefString(i.TermsOfServiceURL)
		v["support_url"] = derefString(i.SupportURL)
	}
	v["optional_claims"] = claimEntries(app.OptionalClaims)
	// Without an api object the lists are empty, as with an empty one:
	// written alike on both sides of a plan (never null on one, [] on
	// the other).
	v["api_known_client_applications"] = []string{}
	v["api_scopes"] = []string{}
	v["api_pre_authorized"] = []string{}
	var scopes []entra.PermissionScope
	if a := app.API; a != nil {
		if a.RequestedAccessTokenVersion != nil {
			v["requested_access_token_version"] = strconv.Itoa(*a.RequestedAccessTokenVersion)
		}
		v["api_known_client_applications"] = lowered(a.KnownClientApplications)
		scopes = a.OAuth2PermissionScopes
		var entries []string
		for _, s := range a.OAuth2PermissionScopes {
			entries = append(entries, scopeEntry(s))
		}
		v["api_scopes"] = entries
		entries = nil
		for _, p := range a.PreAuthorizedApplications {
			entries = append(entries, b.preAuthEntry(p, scopes))
		}
		v["api_pre_authorized"] = entries
	}
	var roles []string
	for _, r := range app.AppRoles {
		roles = append(roles, roleEntry(r))
	}
	v["app_roles"] = roles
}

func lowered(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strings.ToLower(x)
	}
	return out
}

func claimEntries(oc *entra.OptionalClaims) []string {
	if oc == nil {
		return nil
	}
	var out []string
	for _, k := range []struct {
		name string
		list []entra.OptionalClaim
	}{{"id_token", oc.IDToken}, {"access_token", oc.AccessToken}, {"saml2_token", oc.SAML2Token}} {
		for _, c := range k.list {
			e := k.name + ": " + c.Name
			if c.Essential {
				e += " (essential)"
			}
			if len(c.AdditionalProperties) > 0 {
				p := slices.Clone(c.AdditionalProperties)
				sort.Strings(p)
				e += " [" + strings.Join(p, ", ") + "]"
			}
			out = append(out, e)
		}
	}
	return out
}

// scopeEntry renders one scope: its value, then every property.
func scopeEntry(s entra.PermissionScope) string {
	e := fmt.Sprintf("%s: id=%s type=%s enabled=%t", s.Value, strings.ToLower(s.ID), s.Type, s.IsEnabled)
	for _, f := range []struct{ k, v string }{
		{"admin_consent", s.AdminConsentDisplayName}, {"admin_description", s.AdminConsentDescription},
		{"user_consent", s.UserConsentDisplayName}, {"user_description", s.UserConsentDescription},
	} {
		if f.v != "" {
			e += fmt.Sprintf(" %s=%q", f.k, f.v)
		}
	}
	return e
}

// roleEntry renders one app role.
func roleEntry(r entra.AppRole) string {
	members := slices.Clone(r.AllowedMemberTypes)
	sort.Strings(members)
	e := fmt.Sprintf("%s: id=%s members=%s enabled=%t display_name=%q", r.Value, strings.ToLower(r.ID), strings.Join(members, ","), r.IsEnabled, r.DisplayName)
	if r.Description != "" {
		e += fmt.Sprintf(" description=%q", r.Description)
	}
	return e
}

// preAuthEntry renders a pre-authorized client and the values of its
// scopes.
func (b *builder) preAuthEntry(p entra.PreAuthorizedApplication, scopes []entra.PermissionScope) string {
	var vals []string
	for _, id := range p.DelegatedPermissionIDs {
		v := id
		for _, s := range scopes {
			if strings.EqualFold(s.ID, id) {
				v = s.Value
			}
		}
		vals = append(vals, v)
	}
	sort.Strings(vals)
	return b.resourceLabel(p.AppID) + ": " + strings.Join(vals, ", ")
}

// disableFirst returns the body of the first of two writes when the
// change removes or changes a scope or app role that is enabled in the
// tenant (Graph refuses both until it is disabled): the scopes and roles
// as they are, with those disabled. It also returns what it disables, in
// words; nil when one write does.
func disableFirst(actual *entra.Application, desired entra.Application) (*entra.Application, []string) {
	var words []string
	var api *entra.APIApplication
	if actual.API != nil {
		want := map[string]entra.PermissionScope{}
		if desired.API != nil {
			for _, s := range desired.API.OAuth2PermissionScopes {
				want[strings.ToLower(s.ID)] = s
			}
		}
		cp := *actual.API
		cp.OAuth2PermissionScopes = slices.Clone(actual.API.OAuth2PermissionScopes)
		for i, s := range cp.OAuth2PermissionScopes {
			w, kept := want[strings.ToLower(s.ID)]
			if !s.IsEnabled || (kept && sameScope(s, w)) {
				continue
			}
			if kept && !w.IsEnabled {
				d := w
				d.IsEnabled = true
				if sameScope(s, d) {
					continue // only disabled: one write does it
				}
			}
			cp.OAuth2PermissionScopes[i].IsEnabled = false
			words = append(words, fmt.Sprintf("scope %s", s.Value))
			api = &cp
		}
	}
	var roles []entra.AppRole
	want := map[string]entra.AppRole{}
	for _, r := range desired.AppRoles {
		want[strings.ToLower(r.ID)] = r
	}
	changed := false
	roles = slices.Clone(actual.AppRoles)
	for i, r := range roles {
		w, kept := want[strings.ToLower(r.ID)]
		if !r.IsEnabled || (kept && sameRole(r, w)) {
			continue
		}
		if kept && !w.IsEnabled {
			d := w
			d.IsEnabled = true
			if sameRole(r, d) {
				continue
			}
		}
		roles[i].IsEnabled = false
		words = append(words, fmt.Sprintf("app role %s", r.Value))
		changed = true
	}
	if api == nil && !changed {
		return nil, nil
	}
	first := &entra.Application{API: api}
	if changed {
		first.AppRoles = roles
	}
	return first, words
}

func sameScope(a, b entra.PermissionScope) bool {
	return a.Value == b.Value && a.Type == b.Type && a.IsEnabled == b.IsEnabled &&
		a.AdminConsentDisplayName == b.AdminConsentDisplayName && a.AdminConsentDescription == b.AdminConsentDescription &&
		a.UserConsentDisplayName == b.UserConsentDisplayName && a.UserConsentDescription == b.UserConsentDescription
}

func sameRole(a, b entra.AppRole) bool {
	ma, mb := slices.Clone(a.AllowedMemberTypes), slices.Clone(b.AllowedMemberTypes)
	sort.Strings(ma)
	sort.Strings(mb)
	return a.Value == b.Value && a.DisplayName == b.DisplayName && a.Description == b.Description &&
		a.IsEnabled == b.IsEnabled && slices.Equal(ma, mb)
}

// disableReason says in words what disableFirst does.
func disableReason(words []string) string {
	return fmt.Sprintf("apply first disables %s, then writes the change: Graph refuses to remove or change an enabled scope or app role", joinWords(words))
}

func joinWords(w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	}
	return strings.Join(w[:len(w)-1], ", ") + " and " + w[len(w)-1]
}

// appDeps are the applications an application's body names by address
// (own APIs it asks permissions of, pre-authorized clients): created
// first, so apply can put their appIds in.
func (b *builder) appDeps(self string, body entra.Application) []string {
	var out []string
	for _, r := range body.RequiredResourceAccess {
		if isPlaceholder(r.ResourceAppID) {
			out = append(out, r.ResourceAppID)
		}
	}
	if body.API != nil {
		for _, p := range body.API.PreAuthorizedApplications {
			if isPlaceholder(p.AppID) && p.AppID != self {
				out = append(out, p.AppID)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pruneExtras leaves out of the body the properties that are empty both
// in the configuration and in the tenant: there is nothing to write, and
// a tenant that does not know a property is not asked to store it.
func pruneExtras(body *entra.Application, actual *entra.Application) {
	var have entra.Application
	if actual != nil {
		have = *actual
	}
	if len(body.IdentifierURIs) == 0 && len(have.IdentifierURIs) == 0 {
		body.IdentifierURIs = nil
	}
	if derefString(body.GroupMembershipClaims) == "" && derefString(have.GroupMembershipClaims) == "" {
		body.GroupMembershipClaims = nil
	}
	if derefString(body.ServiceManagementReference) == "" && derefString(have.ServiceManagementReference) == "" {
		body.ServiceManagementReference = nil
	}
	if infoEmpty(body.Info) && infoEmpty(have.Info) {
		body.Info = nil
	}
	if claimsEmpty(body.OptionalClaims) && claimsEmpty(have.OptionalClaims) {
		body.OptionalClaims = nil
	}
	if apiEmpty(body.API) && apiEmpty(have.API) {
		body.API = nil
	}
	if len(body.AppRoles) == 0 && len(have.AppRoles) == 0 {
		body.AppRoles = nil
	}
}

func infoEmpty(i *entra.InformationalURL) bool {
	return i == nil || derefString(i.MarketingURL)+derefString(i.PrivacyStatementURL)+derefString(i.TermsOfServiceURL)+derefString(i.SupportURL) == ""
}

func claimsEmpty(c *entra.OptionalClaims) bool {
	return c == nil || len(c.IDToken)+len(c.AccessToken)+len(c.SAML2Token) == 0
}

func apiEmpty(a *entra.APIApplication) bool {
	return a == nil || (a.RequestedAccessTokenVersion == nil && len(a.KnownClientApplications)+len(a.OAuth2PermissionScopes)+len(a.PreAuthorizedApplications) == 0)
}
