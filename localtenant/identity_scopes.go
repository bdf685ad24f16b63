package localtenant

import (
	"net/http"
	"strings"
)

// oidcScopes need no consent and name no resource.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "email": true, "offline_access": true}

// scopeRequest is a parsed scope parameter: the one resource it names and
// the scope names asked of it.
type scopeRequest struct {
	Resource *ServicePrincipal
	Audience string   // the aud of the access token
	Names    []string // scope names on the resource (".default" possible)
	Raw      []string // the non-OIDC scopes as the client wrote them
	Prefix   string   // how the client wrote the resource ("" for bare Graph names)
	OIDC     []string // openid, profile, email, offline_access asked
}

// isDefault reports whether the request is {resource}/.default.
func (sr *scopeRequest) isDefault() bool {
	for _, n := range sr.Names {
		if n == ".default" {
			return true
		}
	}
	return false
}

func (sr *scopeRequest) has(oidc string) bool { return containsFold(sr.OIDC, oidc) }

// parseScopes resolves a scope parameter to its resource: "{resource}/.default",
// bare Graph names ("User.Read"), "https://contoso.sharepoint.com/AllSites.Read",
// "{appId}/name". Unknown resources give AADSTS500011, scopes spanning two
// resources AADSTS28000, unknown delegated names AADSTS70011. With only
// OIDC scopes the resource is Microsoft Graph with no names.
func (s *Server) parseScopes(st *Store, scope string) (*scopeRequest, *aadError) {
	sr := &scopeRequest{}
	var resourceID string
	for _, sc := range strings.Fields(scope) {
		if oidcScopes[strings.ToLower(sc)] {
			sr.OIDC = append(sr.OIDC, strings.ToLower(sc))
			continue
		}
		res, name := "", sc
		if i := strings.LastIndex(sc, "/"); i >= 0 {
			res, name = sc[:i], sc[i+1:]
		}
		if res == "" {
			res = graphAppID
		}
		if resourceID != "" && !strings.EqualFold(strings.TrimSuffix(resourceID, "/"), strings.TrimSuffix(res, "/")) {
			return nil, newAADError(http.StatusBadRequest, "invalid_scope", 28000,
				"Provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", scope)
		}
		resourceID = res
		sr.Names = append(sr.Names, name)
		sr.Raw = append(sr.Raw, sc)
		if strings.Contains(sc, "/") {
			sr.Prefix = res
		}
	}
	if resourceID == "" {
		resourceID = graphAppID
	}
	sp, ok := st.spByName(resourceID, false)
	if !ok {
		sp, ok = s.spByIdentifierURI(st, resourceID)
	}
	if !ok {
		return nil, newAADError(http.StatusBadRequest, "invalid_resource", 500011,
			"The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resourceID, s.domain)
	}
	sr.Resource = sp
	sr.Audience = strings.TrimSuffix(resourceID, "/")
	if !strings.Contains(sr.Audience, "://") {
		switch sp.AppID {
		case graphAppID:
			sr.Audience = "https://graph.microsoft.com"
		case sharePointAppID:
			sr.Audience = "https://" + s.spHost
		default:
			sr.Audience = sp.AppID
		}
	}
	for _, n := range sr.Names {
		if n == ".default" {
			if len(sr.Names) > 1 {
				return nil, newAADError(http.StatusBadRequest, "invalid_scope", 70011,
					"The provided value for the input parameter 'scope' is not valid. The scope %s is not valid. .default scope can't be combined with resource-specific scopes.", scope)
			}
			continue
		}
		if _, ok := findScope(sp, n); !ok {
			return nil, newAADError(http.StatusBadRequest, "invalid_scope", 70011,
				"The provided value for the input parameter 'scope' is not valid. The scope '%s' does not exist on the resource '%s'.", n, sp.AppID)
		}
	}
	return sr, nil
}

// spByIdentifierURI finds the service principal of an application whose
// identifierUris hold uri (custom APIs: api://...).
func (s *Server) spByIdentifierURI(st *Store, uri string) (*ServicePrincipal, bool) {
	uri = strings.TrimSuffix(uri, "/")
	for _, a := range st.applications(false) {
		if containsFold(a.IdentifierURIs, uri) || strings.EqualFold(a.AppID, uri) {
			return st.spByAppID(a.AppID, false)
		}
	}
	return nil, false
}

// delegatedScopes decides the scp of a delegated token: the scopes asked
// (all granted ones for .default) must all be granted to the client for
// this user, else AADSTS65001.
func (s *Server) delegatedScopes(st *Store, client *Application, clientSP *ServicePrincipal, u *User, sr *scopeRequest) ([]string, *aadError) {
	var granted []string
	if clientSP != nil {
		granted = st.grantedScopes(clientSP, sr.Resource, u)
	}
	// Pre-authorized: by the resource's own API (preAuthorizedApplications)
	// or, for Microsoft's first-party clients, by Microsoft.
	for _, v := range append(st.preAuthorizedScopes(client.AppID, sr.Resource), firstPartyScopes(client.AppID, sr.Resource)...) {
		if !containsFold(granted, v) {
			granted = append(granted, v)
		}
	}
	consent := func() *aadError {
		e := newAADError(http.StatusBadRequest, "invalid_grant", 65001,
			"The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource.", client.AppID, client.DisplayName)
		return e
	}
	if len(sr.Names) == 0 {
		return granted, nil
	}
	if sr.isDefault() {
		if len(granted) == 0 {
			return nil, consent()
		}
		return granted, nil
	}
	var out []string
	for _, n := range sr.Names {
		if !containsFold(granted, n) {
			return nil, consent()
		}
		sc, _ := findScope(sr.Resource, n)
		out = append(out, sc.Value)
	}
	return out, nil
}

// responseScope is the scope field of a token response: the scopes granted
// written as the client wrote the resource, plus the asked forms and OIDC
// scopes, so MSAL's cache finds the token for the same request again.
func (sr *scopeRequest) responseScope(granted []string) string {
	var out []string
	add := func(v string) {
		if !containsFold(out, v) {
			out = append(out, v)
		}
	}
	for _, g := range granted {
		if sr.Prefix != "" {
			add(sr.Prefix + "/" + g)
		} else {
			add(g)
		}
	}
	for _, r := range sr.Raw {
		add(r)
	}
	for _, o := range sr.OIDC {
		if o != "offline_access" {
			add(o)
		}
	}
	return strings.Join(out, " ")
}
