package localtenant

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// customAPI is an API with scopes and roles, a client app with a
// delegated grant on it and an app role, Engineering holding
// Orders.Reader and alex holding Orders.Admin.
type customAPI struct {
	api, client registered
	roles       map[string]string
}

func setupCustomAPI(t *testing.T, s *Server) customAPI {
	t.Helper()
	api, roles := apiApp(t, s, "orders api",
		map[string][]string{"Orders.Reader": {"User"}, "Orders.Admin": {"User", "Application"}, "Orders.Sync": {"Application"}},
		"Orders.Read", "Orders.Write")
	client := register(t, s, testApp{name: "orders web", web: []string{"https://localhost/signin"}})
	err := s.write(func(st *Store) error {
		st.addPermissionGrant(&OAuth2PermissionGrant{ClientID: client.sp.ID, ConsentType: "AllPrincipals", ResourceID: api.sp.ID, Scope: "Orders.Read"})
		for _, a := range []assignmentInput{
			{PrincipalID: client.sp.ID, ResourceID: api.sp.ID, AppRoleID: roles["Orders.Sync"]},
			{PrincipalID: groupIDIn(st, "Engineering"), ResourceID: api.sp.ID, AppRoleID: roles["Orders.Reader"]},
			{PrincipalID: userIDIn(st, s, "alex"), ResourceID: api.sp.ID, AppRoleID: roles["Orders.Admin"]},
		} {
			if _, aerr := st.assignRole(a); aerr != nil {
				return aerr
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return customAPI{api: api, client: client, roles: roles}
}

func groupIDIn(st *Store, name string) string {
	g, _ := st.groupByName(name, true)
	return g.ID
}

func userIDIn(st *Store, s *Server, local string) string {
	u, _ := st.userByUPN(local+"@"+s.Domain(), true)
	return u.ID
}

// requireAssignment sets appRoleAssignmentRequired on a service principal.
func requireAssignment(t *testing.T, s *Server, sp *ServicePrincipal) {
	t.Helper()
	if err := s.write(func(st *Store) error {
		p, _ := st.spByID(sp.ID, true)
		p.AppRoleAssignmentRequired = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// passwordForm is a password grant of a seeded user through the client.
func passwordForm(s *Server, client registered, local, scope string) url.Values {
	return url.Values{"grant_type": {"password"}, "client_id": {client.appID()}, "client_secret": {client.secret},
		"scope": {scope}, "username": {local + "@" + s.Domain()}, "password": {defaultUserPassword}}
}

func TestCustomAPITokens(t *testing.T) {
	s := start(t, Options{})
	ca := setupCustomAPI(t, s)
	apiID := ca.api.appID()
	credentials := func(scope string) url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {ca.client.appID()}, "client_secret": {ca.client.secret}, "scope": {scope}}
	}
	tests := []struct {
		name string
		form url.Values
		want map[string]any
	}{
		{"app-only by identifier URI", credentials("api://" + apiID + "/.default"),
			map[string]any{"aud": "api://" + apiID, "idtyp": "app", "roles": []any{"Orders.Sync"}}},
		{"app-only by appId", credentials(apiID + "/.default"),
			map[string]any{"aud": apiID, "idtyp": "app", "roles": []any{"Orders.Sync"}}},
		{"user with a direct and a group role", passwordForm(s, ca.client, "alex", "api://"+apiID+"/Orders.Read"),
			map[string]any{"aud": "api://" + apiID, "idtyp": "user", "scp": "Orders.Read", "roles": []any{"Orders.Admin", "Orders.Reader"}}},
		{"user with a group role, .default", passwordForm(s, ca.client, "diego", "api://"+apiID+"/.default"),
			map[string]any{"aud": "api://" + apiID, "idtyp": "user", "scp": "Orders.Read", "roles": []any{"Orders.Reader"}}},
		{"user without roles", passwordForm(s, ca.client, "adele", "api://"+apiID+"/Orders.Read"),
			map[string]any{"aud": "api://" + apiID, "idtyp": "user", "scp": "Orders.Read"}},
	}
	for _, tt := range tests {
		got := pick(claims(t, token(t, s, tt.form)), "aud", "idtyp", "scp", "roles")
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	status, body := tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", passwordForm(s, ca.client, "alex", "api://"+apiID+"/Orders.Write"))
	if diff := cmp.Diff(wantAAD(400, "invalid_grant", 65001), checkAADError(t, status, body)); diff != "" {
		t.Errorf("a scope nobody consented (-want +got):\n%s", diff)
	}
}

func TestAssignmentRequired(t *testing.T) {
	s := start(t, Options{})
	ca := setupCustomAPI(t, s)
	requireAssignment(t, s, ca.api.sp)
	apiID := ca.api.appID()
	tokenPath := "/" + s.TenantID() + "/oauth2/v2.0/token"
	other := register(t, s, testApp{name: "unassigned daemon"})
	graphClient := register(t, s, testApp{name: "assigned web", graphScopes: "User.Read"})
	requireAssignment(t, s, graphClient.sp)

	refused := []struct {
		name    string
		form    url.Values
		want    map[string]any
		message string
	}{
		{"user with no assignment", passwordForm(s, ca.client, "adele", "api://"+apiID+"/Orders.Read"), wantAAD(400, "invalid_grant", 50105),
			"AADSTS50105: Your administrator has configured the application orders api ('" + apiID + "') to block users unless they are specifically granted ('assigned') access to the application. The signed in user 'adele@contoso.onmicrosoft.com' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application."},
		{"app with no role", url.Values{"grant_type": {"client_credentials"}, "client_id": {other.appID()}, "client_secret": {other.secret}, "scope": {"api://" + apiID + "/.default"}}, wantAAD(400, "invalid_grant", 501051),
			"AADSTS501051: Application '" + other.appID() + "'(unassigned daemon) is not assigned to a role for the application 'api://" + apiID + "'(orders api)."},
		{"user signing in to a client that requires assignment", passwordForm(s, graphClient, "alex", "User.Read"), wantAAD(400, "invalid_grant", 50105),
			"AADSTS50105: Your administrator has configured the application assigned web ('" + graphClient.appID() + "')"},
	}
	for _, tt := range refused {
		status, body := tokenCall(t, s, tokenPath, tt.form)
		if diff := cmp.Diff(tt.want, checkAADError(t, status, body)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if desc, _ := body["error_description"].(string); !strings.HasPrefix(desc, tt.message) {
			t.Errorf("%s: error_description %q does not start with %q", tt.name, desc, tt.message)
		}
	}

	// Assigned through a group, directly, or as an application: signed in.
	for _, form := range []url.Values{
		passwordForm(s, ca.client, "diego", "api://"+apiID+"/Orders.Read"),
		passwordForm(s, ca.client, "alex", "api://"+apiID+"/Orders.Read"),
		{"grant_type": {"client_credentials"}, "client_id": {ca.client.appID()}, "client_secret": {ca.client.secret}, "scope": {"api://" + apiID + "/.default"}},
	} {
		token(t, s, form)
	}

	// The default access role lets a user in with no roles in the token.
	if err := s.write(func(st *Store) error {
		p, _ := st.spByID(graphClient.sp.ID, true)
		_, aerr := st.assignRole(assignmentInput{PrincipalID: userIDIn(st, s, "alex"), ResourceID: p.ID, AppRoleID: defaultAccessRole})
		if aerr != nil {
			return aerr
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if c := claims(t, token(t, s, passwordForm(s, graphClient, "alex", "User.Read"))); c["roles"] != nil || c["scp"] != "User.Read" {
		t.Errorf("default access: roles %v scp %v", c["roles"], c["scp"])
	}

	// At the authorize endpoint Entra shows the refusal on its own page.
	q := url.Values{"client_id": {ca.client.appID()}, "redirect_uri": {"https://localhost/signin"}, "response_type": {"code"},
		"scope": {"api://" + apiID + "/Orders.Read"}, "login_hint": {"adele@" + s.Domain()}}
	status, loc, page := rawGet(t, s, "https://login.microsoftonline.com/"+s.TenantID()+"/oauth2/v2.0/authorize?"+q.Encode())
	if status != http.StatusBadRequest || loc != "" || !strings.Contains(page, "AADSTS50105") {
		t.Errorf("authorize for an unassigned user: %d %q %q", status, loc, page)
	}
	q.Set("login_hint", "alex@"+s.Domain())
	if status, loc, _ := rawGet(t, s, "https://login.microsoftonline.com/"+s.TenantID()+"/oauth2/v2.0/authorize?"+q.Encode()); status != http.StatusFound || !strings.Contains(loc, "code=") {
		t.Errorf("authorize for an assigned user: %d %q", status, loc)
	}
}

// TestIDTokenRoles: a web app's ID token carries the app roles of the
// web app itself that the user holds, directly or through a group.
func TestIDTokenRoles(t *testing.T) {
	s := start(t, Options{})
	web, roles := apiApp(t, s, "orders web", map[string][]string{"Orders.Admin": {"User"}, "Orders.Auditor": {"User"}})
	if err := s.write(func(st *Store) error {
		st.addPermissionGrant(&OAuth2PermissionGrant{ClientID: web.sp.ID, ConsentType: "AllPrincipals", ResourceID: graphSPID(st), Scope: "User.Read"})
		for _, a := range []assignmentInput{
			{PrincipalID: userIDIn(st, s, "alex"), ResourceID: web.sp.ID, AppRoleID: roles["Orders.Admin"]},
			{PrincipalID: groupIDIn(st, "Engineering"), ResourceID: web.sp.ID, AppRoleID: roles["Orders.Auditor"]},
		} {
			if _, aerr := st.assignRole(a); aerr != nil {
				return aerr
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	status, body := tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", passwordForm(s, web, "alex", "openid User.Read"))
	if status != http.StatusOK {
		t.Fatalf("token: %d %v", status, body)
	}
	got := map[string]any{"id": claims(t, body["id_token"].(string))["roles"], "access": claims(t, body["access_token"].(string))["roles"]}
	if diff := cmp.Diff(map[string]any{"id": []any{"Orders.Admin", "Orders.Auditor"}, "access": nil}, got); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
}

func graphSPID(st *Store) string {
	g, _ := st.spByAppID(graphAppID, true)
	return g.ID
}
