package localtenant

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

const grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"

// tokenResponse is the token endpoint's success body.
type tokenResponse struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	ClientInfo   string `json:"client_info,omitempty"`
}

// token is POST /{tenant}/oauth2/v2.0/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if !s.checkTenant(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.writeAADError(w, r, newAADError(http.StatusBadRequest, "invalid_request", 900144, "The request body could not be read: %v", err))
		return
	}
	form := r.PostForm
	var resp *tokenResponse
	var aerr *aadError
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
		resp, aerr = s.grantClientCredentials(r, form)
	case "authorization_code":
		resp, aerr = s.grantAuthCode(r, form)
	case "refresh_token":
		resp, aerr = s.grantRefreshToken(r, form)
	case grantDeviceCode, "device_code":
		resp, aerr = s.grantDeviceCode(r, form)
	case "password":
		resp, aerr = s.grantPassword(r, form)
	case "":
		aerr = newAADError(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
	default:
		aerr = newAADError(http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'.", gt)
	}
	if aerr != nil {
		s.writeAADError(w, r, aerr)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// grantClientCredentials issues an app-only token for {resource}/.default
// carrying the client's app role assignments on the resource.
func (s *Server) grantClientCredentials(r *http.Request, form url.Values) (*tokenResponse, *aadError) {
	if aerr := checkTenantSpecific(r.PathValue("tenant")); aerr != nil {
		return nil, aerr
	}
	ca, aerr := s.authenticateClient(r.Context(), r, form)
	if aerr != nil {
		return nil, aerr
	}
	if !ca.authenticated() {
		return nil, errNeedCredential()
	}
	scope := strings.TrimSpace(form.Get("scope"))
	if scope == "" {
		return nil, newAADError(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
	}
	var sr *scopeRequest
	var clientSP *ServicePrincipal
	var roles []string
	version := 1
	s.read(func(st *Store) {
		sr, aerr = s.parseScopes(st, scope)
		if aerr != nil {
			return
		}
		if !sr.isDefault() {
			aerr = newAADError(http.StatusBadRequest, "invalid_scope", 1002012,
				"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope)
			return
		}
		sp, ok := st.spByAppID(ca.app.AppID, false)
		if !ok {
			aerr = newAADError(http.StatusBadRequest, "invalid_client", 7000229,
				"The client application %s is missing service principal in the tenant %s. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119", ca.app.AppID, s.tenantID)
			return
		}
		clientSP = sp
		if aerr = st.appMayUse(sp, sr.Resource, sr.Audience); aerr != nil {
			return
		}
		roles = st.appRolesFor(sp, sr.Resource)
		version = st.tokenVersion(sr.Resource)
	})
	if aerr != nil {
		return nil, aerr
	}
	tok, exp, err := s.mintAccessToken(accessTokenRequest{
		Resource: sr.Resource, Audience: sr.Audience, Client: ca.app, ClientSP: clientSP,
		AppIDACR: ca.acr, Roles: roles, Version: version,
	})
	if err != nil {
		return nil, newAADError(http.StatusInternalServerError, "server_error", 90000, "Signing the token failed: %v", err)
	}
	return &tokenResponse{TokenType: "Bearer", ExpiresIn: exp, ExtExpiresIn: exp, AccessToken: tok}, nil
}

// userSignIn is a user flow's result before tokens are minted.
type userSignIn struct {
	client       *clientAuth
	user         *User
	scope        string
	mfa          bool
	confidential bool   // the refresh token will need the client credential again
	nonce        string // from /authorize, echoed in the ID token
}

// issueUserTokens checks consent and mints the access, refresh and ID
// tokens of a user flow.
func (s *Server) issueUserTokens(r *http.Request, in userSignIn) (*tokenResponse, *aadError) {
	var sr *scopeRequest
	var scopes, roles, groups, idGroups, idRoles []string
	version := 1
	var clientSP *ServicePrincipal
	var aerr *aadError
	s.read(func(st *Store) {
		sr, aerr = s.parseScopes(st, in.scope)
		if aerr != nil {
			return
		}
		clientSP, _ = st.spByAppID(in.client.app.AppID, false)
		if aerr = st.userMayUse(in.user, clientSP, sr.Resource); aerr != nil {
			return
		}
		scopes, aerr = s.delegatedScopes(st, in.client.app, clientSP, in.user, sr)
		roles = st.userRolesFor(in.user, sr.Resource)
		version = st.tokenVersion(sr.Resource)
		if a, ok := st.appByAppID(sr.Resource.AppID, false); ok {
			groups = st.groupsClaim(in.user, a, sr.Resource)
		}
		idGroups = st.groupsClaim(in.user, in.client.app, clientSP)
		if clientSP != nil {
			idRoles = st.userRolesFor(in.user, clientSP)
		}
	})
	if aerr != nil {
		return nil, aerr
	}
	tok, exp, err := s.mintAccessToken(accessTokenRequest{
		Resource: sr.Resource, Audience: sr.Audience, Client: in.client.app, ClientSP: clientSP,
		AppIDACR: in.client.acr, User: in.user, Scopes: scopes, Roles: roles, Groups: groups, AuthMFA: in.mfa, Version: version,
	})
	if err != nil {
		return nil, newAADError(http.StatusInternalServerError, "server_error", 90000, "Signing the token failed: %v", err)
	}
	resp := &tokenResponse{
		TokenType: "Bearer", Scope: sr.responseScope(scopes), ExpiresIn: exp, ExtExpiresIn: exp,
		AccessToken: tok, ClientInfo: s.clientInfo(in.user),
	}
	if sr.has("offline_access") {
		if resp.RefreshToken, err = s.mintRefreshToken(refreshClaims{
			ClientID: in.client.app.AppID, UserID: in.user.ID, Confidential: in.confidential, MFA: in.mfa,
		}); err != nil {
			return nil, newAADError(http.StatusInternalServerError, "server_error", 90000, "Signing the token failed: %v", err)
		}
	}
	if sr.has("openid") {
		host := hostOnly(r.Host)
		if resp.IDToken, err = s.mintIDToken(host, in.client.app, in.user, in.nonce, idRoles, idGroups); err != nil {
			return nil, newAADError(http.StatusInternalServerError, "server_error", 90000, "Signing the token failed: %v", err)
		}
	}
	return resp, nil
}

// grantAuthCode redeems an authorization code (PKCE S256 or plain). A code
// issued to a web (confidential) redirect URI needs the client credential.
func (s *Server) grantAuthCode(r *http.Request, form url.Values) (*tokenResponse, *aadError) {
	ca, aerr := s.authenticateClient(r.Context(), r, form)
	if aerr != nil {
		return nil, aerr
	}
	code, ok := s.flows.takeCode(form.Get("code"))
	if !ok || !strings.EqualFold(code.clientID, ca.app.AppID) {
		return nil, newAADError(http.StatusBadRequest, "invalid_grant", 70000,
			"The provided authorization code or refresh token has expired due to inactivity or is invalid. Send a new interactive authorization request for this user and resource.")
	}
	if s.clock.now().After(code.expires) {
		return nil, newAADError(http.StatusBadRequest, "invalid_grant", 70008,
			"The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	}
	if form.Get("redirect_uri") != code.redirectURI {
		return nil, newAADError(http.StatusBadRequest, "invalid_grant", 500112,
			"The reply address '%s' does not match the reply address '%s' provided when requesting Authorization code.", form.Get("redirect_uri"), code.redirectURI)
	}
	if code.challenge != "" {
		verifier := form.Get("code_verifier")
		want := verifier
		if strings.EqualFold(code.method, "S256") {
			sum := sha256.Sum256([]byte(verifier))
			want = base64.RawURLEncoding.EncodeToString(sum[:])
		}
		if verifier == "" || want != code.challenge {
			return nil, newAADError(http.StatusBadRequest, "invalid_grant", 501481,
				"The Code_Verifier does not match the code_challenge supplied in the authorization request.")
		}
	}
	if !code.publicClient && !ca.authenticated() {
		return nil, errNeedCredential()
	}
	u, aerr := s.lookupUser(code.userID)
	if aerr != nil {
		return nil, aerr
	}
	scope := form.Get("scope")
	if strings.TrimSpace(scope) == "" {
		scope = strings.Join(code.scopes, " ")
	}
	return s.issueUserTokens(r, userSignIn{client: ca, user: u, scope: scope, mfa: true, confidential: ca.authenticated(), nonce: code.nonce})
}

// grantRefreshToken redeems a refresh token for any resource the client
// has consent for (refresh tokens are multi-resource).
func (s *Server) grantRefreshToken(r *http.Request, form url.Values) (*tokenResponse, *aadError) {
	ca, aerr := s.authenticateClient(r.Context(), r, form)
	if aerr != nil {
		return nil, aerr
	}
	rc, err := s.parseRefreshToken(form.Get("refresh_token"))
	if err != nil {
		code := 9002313
		if strings.Contains(err.Error(), "expired") {
			code = 700082
		}
		return nil, newAADError(http.StatusBadRequest, "invalid_grant", code, "Invalid request. The refresh token is malformed, expired or was issued to another client: %v.", err)
	}
	if !strings.EqualFold(rc.ClientID, ca.app.AppID) {
		return nil, newAADError(http.StatusBadRequest, "invalid_grant", 70000, "Provided grant is invalid or malformed: the refresh token was issued to another client.")
	}
	if rc.Confidential && !ca.authenticated() {
		return nil, errNeedCredential()
	}
	u, aerr := s.lookupUser(rc.UserID)
	if aerr != nil {
		return nil, aerr
	}
	return s.issueUserTokens(r, userSignIn{client: ca, user: u, scope: form.Get("scope"), mfa: rc.MFA, confidential: rc.Confidential})
}

// grantDeviceCode polls a device authorization: authorization_pending on
// the first poll, then the default user's tokens.
func (s *Server) grantDeviceCode(r *http.Request, form url.Values) (*tokenResponse, *aadError) {
	ca, aerr := s.authenticateClient(r.Context(), r, form)
	if aerr != nil {
		return nil, aerr
	}
	raw := form.Get("device_code")
	d, ok := s.flows.device(raw)
	if !ok || !strings.EqualFold(d.clientID, ca.app.AppID) {
		return nil, newAADError(http.StatusBadRequest, "invalid_grant", 70000, "Provided grant is invalid or malformed: unknown device_code.")
	}
	if s.clock.now().After(d.expires) {
		s.flows.dropDevice(raw)
		return nil, newAADError(http.StatusBadRequest, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.")
	}
	if !ca.authenticated() && !publicFlowAllowed(ca.app) {
		return nil, errNeedCredential()
	}
	if d.polls <= 1 {
		return nil, newAADError(http.StatusBadRequest, "authorization_pending", 70016,
			"OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
	}
	s.flows.dropDevice(raw)
	u, aerr := s.lookupUser(d.userID)
	if aerr != nil {
		return nil, aerr
	}
	return s.issueUserTokens(r, userSignIn{client: ca, user: u, scope: strings.Join(d.scopes, " "), mfa: true, confidential: ca.authenticated()})
}

// grantPassword is ROPC: refused for users that need MFA (AADSTS50076).
func (s *Server) grantPassword(r *http.Request, form url.Values) (*tokenResponse, *aadError) {
	ca, aerr := s.authenticateClient(r.Context(), r, form)
	if aerr != nil {
		return nil, aerr
	}
	if !ca.authenticated() && !publicFlowAllowed(ca.app) {
		return nil, errNeedCredential()
	}
	upn := form.Get("username")
	u, aerr := s.signInUser(upn, "invalid_grant")
	if aerr != nil {
		return nil, aerr
	}
	if form.Get("password") != u.Password {
		return nil, newAADError(http.StatusBadRequest, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.")
	}
	if u.MFA {
		resource := "00000003-0000-0000-c000-000000000000"
		s.read(func(st *Store) {
			if sr, err := s.parseScopes(st, form.Get("scope")); err == nil {
				resource = sr.Resource.AppID
			}
		})
		e := newAADError(http.StatusBadRequest, "interaction_required", 50076,
			"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '%s'.", resource)
		return nil, e
	}
	return s.issueUserTokens(r, userSignIn{client: ca, user: u, scope: form.Get("scope"), mfa: false, confidential: ca.authenticated()})
}

// lookupUser finds a user by object id for a user flow.
func (s *Server) lookupUser(id string) (*User, *aadError) {
	var u *User
	s.read(func(st *Store) {
		if p, ok := st.userByID(id, true); ok {
			cp := *p
			u = &cp
		}
	})
	if u == nil {
		return nil, newAADError(http.StatusBadRequest, "invalid_grant", 50034, "The user account does not exist in the %s directory.", s.tenantID)
	}
	return u, nil
}
