package localtenant

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// accessTokenRequest is everything an access token says.
type accessTokenRequest struct {
	Resource *ServicePrincipal // the API: Graph or SharePoint
	Audience string            // "https://graph.microsoft.com", "https://contoso.sharepoint.com"
	Client   *Application
	ClientSP *ServicePrincipal // may be nil for delegated tokens
	AppIDACR string
	User     *User    // nil for app-only
	Roles    []string // app roles held on the resource (by the client SP, or by the user and its groups)
	Scopes   []string // delegated
	AuthMFA  bool
	// Groups is the groups claim (the user's group ids) when the
	// resource's application asks for it (groupMembershipClaims).
	Groups []string
	// Version is the access token format the resource asks for
	// (api.requestedAccessTokenVersion): 2, or 1 (the default).
	Version int
}

// mintAccessToken signs a v1.0 access token as Graph and SharePoint
// receive them and returns it with its lifetime in seconds.
func (s *Server) mintAccessToken(req accessTokenRequest) (string, int, error) {
	now := s.clock.now()
	exp := now.Add(accessTokenLifetime)
	c := map[string]any{
		"aud":             req.Audience,
		"iss":             s.accessTokenIssuer(),
		"iat":             now.Unix(),
		"nbf":             now.Unix(),
		"exp":             exp.Unix(),
		"aio":             newID(),
		"app_displayname": req.Client.DisplayName,
		"appid":           req.Client.AppID,
		"appidacr":        req.AppIDACR,
		"idp":             s.accessTokenIssuer(),
		"rh":              "0.local.",
		"tid":             s.tenantID,
		"uti":             strings.ReplaceAll(newID(), "-", "")[:22],
		"ver":             "1.0",
	}
	if req.User == nil {
		c["idtyp"] = "app"
		if req.ClientSP != nil {
			c["oid"] = req.ClientSP.ID
			c["sub"] = req.ClientSP.ID
		}
		if len(req.Roles) > 0 {
			c["roles"] = req.Roles
		}
	} else {
		u := req.User
		c["idtyp"] = "user"
		c["oid"] = u.ID
		c["sub"] = pairwiseSubject(u.ID, req.Client.AppID)
		c["upn"] = u.UserPrincipalName
		c["unique_name"] = u.UserPrincipalName
		c["name"] = u.DisplayName
		c["scp"] = strings.Join(req.Scopes, " ")
		c["acr"] = "1"
		amr := []string{"pwd"}
		if req.AuthMFA {
			amr = append(amr, "mfa")
		}
		c["amr"] = amr
		if len(req.Roles) > 0 {
			c["roles"] = req.Roles
		}
		if req.Groups != nil {
			c["groups"] = req.Groups
		}
		given, family, _ := strings.Cut(u.DisplayName, " ")
		c["given_name"] = given
		c["family_name"] = family
	}
	if req.Version == 2 {
		c = v2AccessToken(c, req, s.tenantID)
	}
	tok, err := s.signer.sign(c)
	if err != nil {
		return "", 0, err
	}
	return tok, int(accessTokenLifetime/time.Second) - 1, nil
}

// pairwiseSubject is the per-application subject of a user, as Entra's
// sub claim is.
func pairwiseSubject(userID, appID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(nameID("sub", userID, appID)))[:43]
}

// loginIssuer is the v2.0 issuer for a login host.
func (s *Server) loginIssuer(loginHost string) string {
	return "https://" + loginHost + "/" + s.tenantID + "/v2.0"
}

// mintIDToken signs a v2.0 ID token for a user sign-in.
// roles are the client's app roles the user holds, groups its groups
// claim (nil: none).
func (s *Server) mintIDToken(loginHost string, client *Application, u *User, nonce string, roles, groups []string) (string, error) {
	now := s.clock.now()
	c := map[string]any{
		"aud":                client.AppID,
		"iss":                s.loginIssuer(loginHost),
		"iat":                now.Unix(),
		"nbf":                now.Unix(),
		"exp":                now.Add(accessTokenLifetime).Unix(),
		"name":               u.DisplayName,
		"oid":                u.ID,
		"preferred_username": u.UserPrincipalName,
		"rh":                 "0.local.",
		"sub":                pairwiseSubject(u.ID, client.AppID),
		"tid":                s.tenantID,
		"uti":                strings.ReplaceAll(newID(), "-", "")[:22],
		"ver":                "2.0",
	}
	if nonce != "" {
		c["nonce"] = nonce
	}
	if groups != nil {
		c["groups"] = groups
	}
	if len(roles) > 0 {
		c["roles"] = roles
	}
	return s.signer.sign(c)
}

// clientInfo is the client_info value of user flows: base64url
// {"uid","utid"}.
func (s *Server) clientInfo(u *User) string {
	b, _ := json.Marshal(map[string]string{"uid": u.ID, "utid": s.tenantID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// refreshClaims is what a refresh token carries: who signed in to which
// client, how the client authenticated, and when.
type refreshClaims struct {
	ClientID     string
	UserID       string
	Confidential bool // the client authenticated with a credential; it must again
	MFA          bool
}

// mintRefreshToken signs a refresh token. Refresh tokens are
// multi-resource: consent is checked again when one is redeemed.
func (s *Server) mintRefreshToken(rc refreshClaims) (string, error) {
	now := s.clock.now()
	return s.signer.sign(map[string]any{
		"typ":  "refresh",
		"iss":  s.accessTokenIssuer(),
		"tid":  s.tenantID,
		"cid":  rc.ClientID,
		"oid":  rc.UserID,
		"conf": rc.Confidential,
		"mfa":  rc.MFA,
		"iat":  now.Unix(),
		"exp":  now.Add(refreshTokenLifetime).Unix(),
		"jti":  newID(),
	})
}

// parseRefreshToken verifies a refresh token this tenant issued.
func (s *Server) parseRefreshToken(raw string) (refreshClaims, error) {
	c, err := s.ownToken(raw)
	if err != nil || claimString(c, "typ") != "refresh" || claimString(c, "tid") != s.tenantID {
		return refreshClaims{}, fmt.Errorf("invalid refresh token")
	}
	if exp, ok := claimTime(c, "exp"); !ok || s.clock.now().After(exp) {
		return refreshClaims{}, fmt.Errorf("expired refresh token")
	}
	conf, _ := c["conf"].(bool)
	mfa, _ := c["mfa"].(bool)
	return refreshClaims{ClientID: claimString(c, "cid"), UserID: claimString(c, "oid"), Confidential: conf, MFA: mfa}, nil
}

// appRolesFor lists the values of the app roles the client SP holds on the
// resource SP, as the roles claim of an app-only token; assignments still
// inside the replication delay are not yet in tokens.
func (st *Store) appRolesFor(clientSP, resource *ServicePrincipal) []string {
	var roles []string
	for _, a := range st.roleAssignments(false, func(a *AppRoleAssignment) bool {
		return a.PrincipalID == clientSP.ID && a.ResourceID == resource.ID
	}) {
		for _, r := range resource.AppRoles {
			if strings.EqualFold(r.ID, a.AppRoleID) && r.IsEnabled && !slices.Contains(roles, r.Value) {
				roles = append(roles, r.Value)
			}
		}
	}
	slices.Sort(roles)
	return roles
}

// grantedScopes lists the delegated scopes of resource that the client SP
// may use for user u: AllPrincipals grants plus Principal grants for u,
// only those past the replication delay.
func (st *Store) grantedScopes(clientSP, resource *ServicePrincipal, u *User) []string {
	var out []string
	for _, g := range st.permissionGrants(false) {
		if g.ClientID != clientSP.ID || g.ResourceID != resource.ID {
			continue
		}
		if strings.EqualFold(g.ConsentType, "Principal") && (g.PrincipalID == nil || u == nil || !strings.EqualFold(*g.PrincipalID, u.ID)) {
			continue
		}
		for _, sc := range strings.Fields(g.Scope) {
			if !containsFold(out, sc) {
				out = append(out, sc)
			}
		}
	}
	return out
}
