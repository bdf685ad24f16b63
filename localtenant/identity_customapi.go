package localtenant

import (
	"net/http"
	"slices"
	"strings"
)

// Tokens for the tenant's own APIs (an application that exposes scopes
// and app roles): who may sign in to them, and the roles a user's token
// carries.
//
// A service principal with appRoleAssignmentRequired lets a user sign in
// (to it as the client, or for it as the resource) only when the user
// holds an app role assignment on it, directly or through a group the
// user is a direct member of; Entra refuses everyone else with
// AADSTS50105. An app-only token for such a resource needs an
// assignment of the client (AADSTS501051). Graph and SharePoint never
// require assignment.

// userAssignments lists the assignments on resource held by u or by a
// group u is a direct member of, as the replica sees them.
func (st *Store) userAssignments(u *User, resource *ServicePrincipal) []*AppRoleAssignment {
	principals := []string{u.ID}
	for _, g := range st.groupsOf(u.ID, false) {
		principals = append(principals, g.ID)
	}
	return st.roleAssignments(false, func(a *AppRoleAssignment) bool {
		return a.ResourceID == resource.ID && slices.Contains(principals, a.PrincipalID)
	})
}

// userRolesFor lists the values of the enabled app roles of resource
// that u holds (directly or through a group), sorted: the roles claim of
// a delegated token. The default access role has no value and adds
// nothing.
func (st *Store) userRolesFor(u *User, resource *ServicePrincipal) []string {
	var roles []string
	for _, a := range st.userAssignments(u, resource) {
		for _, r := range resource.AppRoles {
			if strings.EqualFold(r.ID, a.AppRoleID) && r.IsEnabled && !slices.Contains(roles, r.Value) {
				roles = append(roles, r.Value)
			}
		}
	}
	slices.Sort(roles)
	return roles
}

// userMayUse refuses u with AADSTS50105 when one of sps (the client's
// and the resource's service principal; nil ones are skipped) requires
// assignment and u holds none on it.
func (st *Store) userMayUse(u *User, sps ...*ServicePrincipal) *aadError {
	for _, sp := range sps {
		if sp == nil || !sp.AppRoleAssignmentRequired || len(st.userAssignments(u, sp)) > 0 {
			continue
		}
		return newAADError(http.StatusBadRequest, "invalid_grant", 50105,
			"Your administrator has configured the application %s ('%s') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '%s' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.",
			sp.DisplayName, sp.AppID, u.UserPrincipalName)
	}
	return nil
}

// appMayUse refuses an app-only token for a resource that requires
// assignment when the client holds no app role on it (AADSTS501051).
func (st *Store) appMayUse(client, resource *ServicePrincipal, audience string) *aadError {
	if !resource.AppRoleAssignmentRequired {
		return nil
	}
	held := st.roleAssignments(false, func(a *AppRoleAssignment) bool {
		return a.PrincipalID == client.ID && a.ResourceID == resource.ID
	})
	if len(held) > 0 {
		return nil
	}
	return newAADError(http.StatusBadRequest, "invalid_grant", 501051,
		"Application '%s'(%s) is not assigned to a role for the application '%s'(%s).", client.AppID, client.DisplayName, audience, resource.DisplayName)
}

// tokenVersion is the access token format a resource asks for: its
// application's api.requestedAccessTokenVersion (2), else 1. Graph and
// SharePoint take version 1.
func (st *Store) tokenVersion(resource *ServicePrincipal) int {
	a, ok := st.appByAppID(resource.AppID, false)
	if !ok {
		return 1
	}
	var api struct {
		Version *int `json:"requestedAccessTokenVersion"`
	}
	if a.prop("api", &api) && api.Version != nil && *api.Version == 2 {
		return 2
	}
	return 1
}

// v2AccessToken turns the claims of a version 1 access token into those
// of version 2: the v2.0 issuer, the API's appId as audience, azp and
// azpacr for the client, preferred_username for the user.
func v2AccessToken(c map[string]any, req accessTokenRequest, tenantID string) map[string]any {
	c["ver"] = "2.0"
	c["iss"] = "https://login.microsoftonline.com/" + tenantID + "/v2.0"
	c["aud"] = req.Resource.AppID
	c["azp"], c["azpacr"] = c["appid"], c["appidacr"]
	delete(c, "appid")
	delete(c, "appidacr")
	delete(c, "idp")
	if upn, ok := c["upn"]; ok {
		c["preferred_username"] = upn
		delete(c, "upn")
		delete(c, "unique_name")
	}
	return c
}

// groupsClaim is the groups claim of a token about u for application a
// (the API for access tokens, the client for ID tokens), as its
// groupMembershipClaims asks: "SecurityGroup" or "All" lists the ids of
// the security groups u is a direct member of, "ApplicationGroup" only
// those assigned to a's service principal sp. nil when a asks for none.
func (st *Store) groupsClaim(u *User, a *Application, sp *ServicePrincipal) []string {
	var setting string
	if a == nil || !a.prop("groupMembershipClaims", &setting) {
		return nil
	}
	all, assigned := false, false
	for _, v := range strings.Split(setting, ",") {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "securitygroup", "all":
			all = true
		case "applicationgroup":
			assigned = true
		}
	}
	if !all && !assigned {
		return nil
	}
	out := []string{}
	for _, g := range st.groupsOf(u.ID, false) {
		if !g.SecurityEnabled {
			continue
		}
		if !all && (sp == nil || len(st.roleAssignments(false, func(x *AppRoleAssignment) bool {
			return x.PrincipalID == g.ID && x.ResourceID == sp.ID
		})) == 0) {
			continue
		}
		out = append(out, g.ID)
	}
	slices.Sort(out)
	return out
}
