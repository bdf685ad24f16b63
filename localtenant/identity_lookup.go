package localtenant

import "net/http"

// The application and the user a sign-in names, copied out of the store
// as the replica sees them (a new app or user is not there until it has
// replicated), with the AADSTS errors Entra gives when they are missing.

// signInApp is the application whose appId is clientID (or a Microsoft
// first-party client).
func (s *Server) signInApp(clientID string) (*Application, *aadError) {
	var app *Application
	s.read(func(st *Store) {
		if a, ok := st.clientApplication(clientID); ok {
			cp := *a
			app = &cp
		}
	})
	if app == nil {
		return nil, s.appNotFound(clientID)
	}
	return app, nil
}

// appNotFound is AADSTS700016: no application with that appId.
func (s *Server) appNotFound(clientID string) *aadError {
	return newAADError(http.StatusBadRequest, "unauthorized_client", 700016,
		"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, s.domain)
}

// signInUser is the user whose userPrincipalName is upn, or AADSTS50034
// with the OAuth error code oauthErr ("invalid_request" on the authorize
// page, "invalid_grant" at the token endpoint).
func (s *Server) signInUser(upn, oauthErr string) (*User, *aadError) {
	var u *User
	s.read(func(st *Store) {
		if p, ok := st.userByUPN(upn, false); ok {
			cp := *p
			u = &cp
		}
	})
	if u == nil {
		return nil, newAADError(http.StatusBadRequest, oauthErr, 50034,
			"The user account %s does not exist in the %s directory. To sign into this application, the account must be added to the directory.", upn, s.tenantID)
	}
	return u, nil
}
