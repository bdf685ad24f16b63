package localtenant

import (
	"fmt"
	"net/http"
	"strings"
)

func init() { addRoutes(armRoutes) }

// armRoutes are the few Azure Resource Manager calls a sign-in needs
// (az login lists the tenants and their subscriptions): this tenant has
// no subscriptions.
func armRoutes(s *Server) []Route {
	return []Route{
		{Host: HostARM, Method: "GET", Pattern: "/subscriptions", Handler: s.arm(s.armSubscriptions)},
		{Host: HostARM, Method: "GET", Pattern: "/subscriptions/{id}", Handler: s.arm(s.armSubscription)},
		{Host: HostARM, Method: "GET", Pattern: "/tenants", Handler: s.arm(s.armTenants)},
	}
}

// armAudiences are the audiences Resource Manager accepts.
var armAudiences = []string{"https://management.core.windows.net/", "https://management.azure.com/", armAppID}

// armError is Resource Manager's error body: {"error":{"code","message"}}.
func writeARMError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// arm wraps a Resource Manager handler: every call needs ?api-version.
func (s *Server) arm(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api-version") == "" {
			writeARMError(w, http.StatusBadRequest, "MissingApiVersionParameter",
				"The api-version query parameter (?api-version=) is required for all requests.")
			return
		}
		h(w, r)
	}
}

// authenticateARM checks a Resource Manager bearer token and answers 401
// as Resource Manager does.
func (s *Server) authenticateARM(w http.ResponseWriter, r *http.Request) (*Caller, bool) {
	raw := bearerToken(r)
	challenge := `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="%s"`
	if raw == "" {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(challenge, "The authentication failed because of missing 'Authorization' header."))
		writeARMError(w, http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
		return nil, false
	}
	c, err := s.ValidateAccessToken(raw, armAudiences...)
	if err != nil {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(challenge, "The access token is invalid."))
		writeARMError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "The access token is invalid.")
		return nil, false
	}
	return c, true
}

// armSubscriptions is GET /subscriptions: none.
func (s *Server) armSubscriptions(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"value": []any{}, "count": map[string]any{"type": "Total", "value": 0}})
}

// armSubscription is GET /subscriptions/{id}: there is none to find.
func (s *Server) armSubscription(w http.ResponseWriter, r *http.Request) {
	writeARMError(w, http.StatusNotFound, "SubscriptionNotFound", fmt.Sprintf("The subscription '%s' could not be found.", r.PathValue("id")))
}

// armTenants is GET /tenants: the caller's tenant, which is this one.
func (s *Server) armTenants(w http.ResponseWriter, r *http.Request) {
	name, _, _ := strings.Cut(s.domain, ".")
	writeJSON(w, http.StatusOK, map[string]any{"value": []any{map[string]any{
		"id":             "/tenants/" + s.tenantID,
		"tenantId":       s.tenantID,
		"countryCode":    "US",
		"displayName":    strings.ToUpper(name[:1]) + name[1:],
		"domains":        []string{s.domain},
		"tenantCategory": "Home",
		"defaultDomain":  s.domain,
		"tenantType":     "AAD",
	}}})
}
