package localtenant

import (
	"net/http"
	"strings"
)

func init() { addRoutes(identityRoutes) }

// identityRoutes are the v2.0 identity platform endpoints. They answer on
// every login host (public, usgov, china); faults never apply to them.
func identityRoutes(s *Server) []Route {
	return []Route{
		{Host: HostLogin, Method: "GET", Pattern: "/{tenant}/v2.0/.well-known/openid-configuration", Handler: s.openIDConfiguration},
		{Host: HostLogin, Method: "GET", Pattern: "/{tenant}/discovery/v2.0/keys", Handler: s.jwks},
		{Host: HostLogin, Method: "GET", Pattern: "/{tenant}/discovery/keys", Handler: s.jwks},
		{Host: HostLogin, Method: "GET", Pattern: "/common/discovery/instance", Handler: s.instanceDiscovery},
		{Host: HostLogin, Method: "GET", Pattern: "/common/userrealm/{user}", Handler: s.userRealm},
		{Host: HostLogin, Method: "GET", Pattern: "/{tenant}/oauth2/v2.0/authorize", Handler: s.authorize},
		{Host: HostLogin, Method: "POST", Pattern: "/{tenant}/oauth2/v2.0/authorize", Handler: s.authorize},
		{Host: HostLogin, Method: "POST", Pattern: "/{tenant}/oauth2/v2.0/token", Handler: s.token},
		{Host: HostLogin, Method: "POST", Pattern: "/{tenant}/oauth2/v2.0/devicecode", Handler: s.deviceCode},
	}
}

// resolveTenant accepts the tenant id, the domain, "organizations" and
// "common" as the {tenant} segment.
func (s *Server) resolveTenant(seg string) bool {
	switch strings.ToLower(seg) {
	case s.tenantID, s.domain, "organizations", "common":
		return true
	}
	return false
}

// checkTenant answers AADSTS90002 for an unknown tenant.
func (s *Server) checkTenant(w http.ResponseWriter, r *http.Request) bool {
	seg := r.PathValue("tenant")
	if s.resolveTenant(seg) {
		return true
	}
	s.writeAADError(w, r, newAADError(http.StatusBadRequest, "invalid_tenant", 90002,
		"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", seg))
	return false
}

// openIDConfiguration is the v2.0 OIDC discovery document. The issuer's
// host is the login host asked, as MSAL requires.
func (s *Server) openIDConfiguration(w http.ResponseWriter, r *http.Request) {
	if !s.checkTenant(w, r) {
		return
	}
	host := hostOnly(r.Host)
	seg := r.PathValue("tenant")
	issuer := s.loginIssuer(host)
	if l := strings.ToLower(seg); l == "common" || l == "organizations" {
		issuer = "https://" + host + "/{tenantid}/v2.0"
	}
	base := "https://" + host + "/" + seg
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"userinfo_endpoint":                     "https://graph.microsoft.com/oidc/userinfo",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nbf", "name", "nonce", "oid", "preferred_username", "tid", "ver"},
		"request_uri_parameter_supported":       false,
		"tenant_region_scope":                   "NA",
		"cloud_instance_name":                   strings.TrimPrefix(host, "login."),
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          "graph.microsoft.com",
	})
}

// jwks publishes the token signing key.
func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	if !s.checkTenant(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": []any{s.signer.jwk()}})
}

// instanceDiscovery answers MSAL's authority validation for the login hosts.
func (s *Server) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	host := hostOnly(r.Host)
	aliases := []string{host}
	if host == "login.microsoftonline.com" {
		aliases = []string{"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": "https://" + host + "/" + s.tenantID + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []any{map[string]any{
			"preferred_network": host,
			"preferred_cache":   host,
			"aliases":           aliases,
		}},
	})
}

// userRealm tells MSAL's password flow that every user is managed (no
// federation): the password goes to the token endpoint.
func (s *Server) userRealm(w http.ResponseWriter, r *http.Request) {
	host := hostOnly(r.Host)
	domain := s.domain
	if _, d, ok := strings.Cut(r.PathValue("user"), "@"); ok {
		domain = strings.ToLower(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ver":                 "1.0",
		"account_type":        "Managed",
		"domain_name":         domain,
		"cloud_instance_name": strings.TrimPrefix(host, "login."),
		"cloud_audience_urn":  "urn:federation:MicrosoftOnline",
	})
}
