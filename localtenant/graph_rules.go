package localtenant

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Graph's rules on what an application exposes, checked on every create
// and update of an application (applicationRules) before it is stored:
//
//   - an enabled scope (api.oauth2PermissionScopes) or app role cannot be
//     removed, nor its value changed: it must be disabled by an earlier
//     write (CannotDeleteOrUpdateEnabledEntitlement);
//   - ids and values are unique among the scopes, among the app roles,
//     and a value both define belongs to one id (DuplicateValue);
//   - a new identifier URI follows the tenant's policy: api://{appId},
//     api://{tenantId}/..., api://{anything}/{appId}, or a URI whose host
//     is a verified domain of the tenant or a subdomain of one
//     (HostNameNotOnVerifiedDomain).
//
// Then the application's service principal is brought in line: it
// publishes the application's app roles and scopes, and its identifier
// URIs among its servicePrincipalNames, as Graph's does. A new service
// principal starts with them (servicePrincipalRules).

func init() {
	applicationRules = append(applicationRules, checkExposedPermissions, checkIdentifierURIs, publishToServicePrincipal)
	servicePrincipalRules = append(servicePrincipalRules, servicePrincipalFromApplication)
}

// Graph's codes and messages for these rules.
const (
	CodeEnabledEntitlement   = "CannotDeleteOrUpdateEnabledEntitlement"
	CodeDuplicateValue       = "DuplicateValue"
	CodeHostNotVerified      = "HostNameNotOnVerifiedDomain"
	msgEnabledEntitlement    = "Permission (scope or role) cannot be deleted or updated unless disabled first."
	msgDuplicateValue        = "Request contains a property with duplicate values."
	msgIdentifierURIVerified = "Values of identifierUris property must use a verified domain of the organization or its subdomain: '%s'"
)

// exposedAPI is the part of application.api the rules and tokens read.
type exposedAPI struct {
	Scopes        []PermissionScope `json:"oauth2PermissionScopes"`
	PreAuthorized []struct {
		AppID         string   `json:"appId"`
		PermissionIDs []string `json:"delegatedPermissionIds"`
	} `json:"preAuthorizedApplications"`
}

// exposed reads an application's scopes, pre-authorized applications
// and app roles (nil application: none).
func exposed(a *Application) (exposedAPI, []AppRole) {
	var api exposedAPI
	var roles []AppRole
	if a != nil {
		a.prop("api", &api)
		a.prop("appRoles", &roles)
	}
	return api, roles
}

// entitlement is a scope or an app role, for the rules they share.
type entitlement struct {
	id, value string
	enabled   bool
}

func scopeEntitlements(scopes []PermissionScope) []entitlement {
	out := make([]entitlement, len(scopes))
	for i, s := range scopes {
		out[i] = entitlement{strings.ToLower(s.ID), s.Value, s.IsEnabled}
	}
	return out
}

func roleEntitlements(roles []AppRole) []entitlement {
	out := make([]entitlement, len(roles))
	for i, r := range roles {
		out[i] = entitlement{strings.ToLower(r.ID), r.Value, r.IsEnabled}
	}
	return out
}

func checkExposedPermissions(_ *Store, cur, next *Application) error {
	curAPI, curRoles := exposed(cur)
	nextAPI, nextRoles := exposed(next)
	scopes, roles := scopeEntitlements(nextAPI.Scopes), roleEntitlements(nextRoles)
	if cur != nil {
		if err := keepsEnabled(scopeEntitlements(curAPI.Scopes), scopes); err != nil {
			return err
		}
		if err := keepsEnabled(roleEntitlements(curRoles), roles); err != nil {
			return err
		}
	}
	if duplicated(scopes) || duplicated(roles) {
		return duplicateValue()
	}
	for _, s := range scopes {
		for _, r := range roles {
			sameValue := s.value != "" && strings.EqualFold(s.value, r.value)
			if (s.id == r.id) != sameValue {
				return duplicateValue()
			}
		}
	}
	return nil
}

// keepsEnabled refuses a write that removes an enabled entitlement or
// changes its value.
func keepsEnabled(cur, next []entitlement) error {
	for _, c := range cur {
		if !c.enabled {
			continue
		}
		kept := false
		for _, n := range next {
			if n.id == c.id && n.value == c.value {
				kept = true
			}
		}
		if !kept {
			return &apiError{http.StatusBadRequest, CodeEnabledEntitlement, msgEnabledEntitlement}
		}
	}
	return nil
}

// duplicated reports two entitlements with one id or one value (values
// compared without case; an empty value is no value).
func duplicated(es []entitlement) bool {
	for i, a := range es {
		for _, b := range es[i+1:] {
			if a.id == b.id || (a.value != "" && strings.EqualFold(a.value, b.value)) {
				return true
			}
		}
	}
	return false
}

func duplicateValue() error {
	return &apiError{http.StatusBadRequest, CodeDuplicateValue, msgDuplicateValue}
}

// checkIdentifierURIs applies the tenant's policy to the identifier URIs
// a write adds (graph_appbody.go refuses one another application has).
func checkIdentifierURIs(st *Store, cur, next *Application) error {
	for _, uri := range next.IdentifierURIs {
		if cur != nil && containsFold(cur.IdentifierURIs, uri) {
			continue
		}
		if !st.identifierURIAllowed(uri, next.AppID) {
			return &apiError{http.StatusBadRequest, CodeHostNotVerified, fmt.Sprintf(msgIdentifierURIVerified, uri)}
		}
	}
	return nil
}

// identifierURIAllowed is the tenant's identifier URI policy (Entra's
// default restrictions on new identifier URIs).
func (st *Store) identifierURIAllowed(uri, appID string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || strings.Contains(uri, "*") {
		return false
	}
	host := strings.ToLower(u.Hostname())
	scheme := strings.ToLower(u.Scheme)
	var segs []string
	for _, p := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if p != "" {
			segs = append(segs, strings.ToLower(p))
		}
	}
	unique := func(v string) bool {
		v = strings.ToLower(v)
		return v != "" && (strings.EqualFold(v, appID) || strings.EqualFold(v, st.tenantID))
	}
	if scheme != "api" && scheme != "https" && scheme != "http" {
		return false
	}
	if scheme == "api" && unique(host) {
		return true // api://{appId}[/...], api://{tenantId}/...
	}
	if len(segs) > 0 && unique(segs[len(segs)-1]) {
		return true // {scheme}://{string}/{appId or tenantId}
	}
	for _, d := range st.domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// publishToServicePrincipal makes the application's service principal
// (if it has one) publish the application's scopes, app roles and
// identifier URIs. It runs last: the write is accepted by then.
func publishToServicePrincipal(st *Store, _, next *Application) error {
	if next.AppID == "" {
		return nil
	}
	if sp, ok := st.spByAppID(next.AppID, true); ok {
		publish(next, sp)
	}
	return nil
}

// servicePrincipalFromApplication fills a new service principal with
// what its application exposes.
func servicePrincipalFromApplication(st *Store, cur, next *ServicePrincipal) error {
	if cur != nil {
		return nil
	}
	if a, ok := st.appByAppID(next.AppID, true); ok {
		publish(a, next)
	}
	return nil
}

// publish copies what a exposes onto its service principal sp.
func publish(a *Application, sp *ServicePrincipal) {
	api, roles := exposed(a)
	sp.AppRoles = make([]AppRole, 0, len(roles))
	for _, r := range roles {
		if r.Origin == "" {
			r.Origin = "Application"
		}
		if r.AllowedMemberTypes == nil {
			r.AllowedMemberTypes = []string{}
		}
		sp.AppRoles = append(sp.AppRoles, r)
	}
	sp.OAuth2PermissionScopes = make([]PermissionScope, 0, len(api.Scopes))
	for _, s := range api.Scopes {
		if s.Origin == "" {
			s.Origin = "Application"
		}
		sp.OAuth2PermissionScopes = append(sp.OAuth2PermissionScopes, s)
	}
	names := []string{a.AppID}
	for _, u := range a.IdentifierURIs {
		if !containsFold(names, u) {
			names = append(names, u)
		}
	}
	sp.ServicePrincipalNames = names
}

// preAuthorizedScopes lists the values of the resource's scopes its
// application pre-authorizes for the client application: the client
// needs no consent for them.
func (st *Store) preAuthorizedScopes(clientAppID string, resource *ServicePrincipal) []string {
	a, ok := st.appByAppID(resource.AppID, false)
	if !ok {
		return nil
	}
	api, _ := exposed(a)
	var out []string
	for _, p := range api.PreAuthorized {
		if !strings.EqualFold(p.AppID, clientAppID) {
			continue
		}
		for _, id := range p.PermissionIDs {
			for _, s := range resource.OAuth2PermissionScopes {
				if strings.EqualFold(s.ID, id) && s.IsEnabled && !containsFold(out, s.Value) {
					out = append(out, s.Value)
				}
			}
		}
	}
	return out
}
