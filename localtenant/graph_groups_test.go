package localtenant

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// names lists the member of each value of a list answer, sorted (Graph
// promises no order).
func names(r response, member string) []string {
	var out []string
	for _, v := range r.values() {
		s, _ := v[member].(string)
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// userID is the object id of a seeded user by local part.
func userID(t *testing.T, s *Server, local string) string {
	t.Helper()
	var id string
	s.read(func(st *Store) {
		if u, ok := st.userByUPN(local+"@"+s.Domain(), true); ok {
			id = u.ID
		}
	})
	if id == "" {
		t.Fatalf("no user %s", local)
	}
	return id
}

// groupID is the object id of a group by display name.
func groupID(t *testing.T, s *Server, name string) string {
	t.Helper()
	var id string
	s.read(func(st *Store) {
		if g, ok := st.groupByName(name, true); ok {
			id = g.ID
		}
	})
	if id == "" {
		t.Fatalf("no group %s", name)
	}
	return id
}

func TestUsersAndGroupsRead(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	eng := groupID(t, s, "Engineering")
	alex := userID(t, s, "alex")
	q := url.QueryEscape
	tests := []struct {
		name, path, member string
		want               []string
	}{
		{"users by upn", "/users?$filter=" + q("userPrincipalName eq 'adele@contoso.onmicrosoft.com'"), "displayName", []string{"Adele Vance"}},
		{"users by name", "/users?$filter=" + q("startswith(displayName,'D')"), "userPrincipalName", []string{"diego@contoso.onmicrosoft.com"}},
		{"groups", "/groups", "displayName", []string{"Engineering", "Finance", "HR"}},
		{"groups by name", "/groups?$filter=" + q("displayName eq 'Finance'"), "mailNickname", []string{"Finance"}},
		{"members", "/groups/" + eng + "/members", "userPrincipalName", []string{"alex@contoso.onmicrosoft.com", "diego@contoso.onmicrosoft.com"}},
		{"member types", "/groups/" + eng + "/members", "@odata.type", []string{"#microsoft.graph.user", "#microsoft.graph.user"}},
		{"memberOf", "/users/" + alex + "/memberOf", "displayName", []string{"Engineering"}},
		{"memberOf by upn", "/users/megan@contoso.onmicrosoft.com/memberOf", "displayName", []string{"Finance", "HR"}},
	}
	for _, tt := range tests {
		r := op.must(http.StatusOK, "GET", tt.path, nil)
		if diff := cmp.Diff(tt.want, names(r, tt.member)); diff != "" {
			t.Errorf("%s: GET %s (-want +got):\n%s", tt.name, tt.path, diff)
		}
	}
	g := op.must(http.StatusOK, "GET", "/groups/"+eng, nil)
	want := map[string]any{
		"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups/$entity",
		"id":             eng, "displayName": "Engineering", "description": "Engineering team", "mailNickname": "Engineering",
		"mail": nil, "mailEnabled": false, "securityEnabled": true, "groupTypes": []any{}, "visibility": nil,
		"createdDateTime": g.body["createdDateTime"],
	}
	if diff := cmp.Diff(want, g.body); diff != "" {
		t.Errorf("GET /groups/{id} (-want +got):\n%s", diff)
	}
}

func TestUsersAndGroupsPermissions(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	eng := groupID(t, s, "Engineering")
	users := op.appClient(op.createApp("user reader", graphAppID, "User.Read.All"))
	groups := op.appClient(op.createApp("group reader", graphAppID, "Group.Read.All"))
	members := op.appClient(op.createApp("member reader", graphAppID, "GroupMember.Read.All"))
	none := op.appClient(op.createApp("no roles", graphAppID))
	ok, denied, missing := errorOf{200, ""}, errorOf{403, CodeAuthDenied}, errorOf{404, CodeNotFound}
	checkRefusals(t, []refusal{
		{"User.Read.All lists users", users, "GET", "/users", nil, ok},
		{"User.Read.All lists no groups", users, "GET", "/groups", nil, denied},
		{"Group.Read.All lists groups", groups, "GET", "/groups", nil, ok},
		{"Group.Read.All lists no users", groups, "GET", "/users", nil, denied},
		{"GroupMember.Read.All lists members", members, "GET", "/groups/" + eng + "/members", nil, ok},
		{"no role: groups", none, "GET", "/groups", nil, denied},
		{"no role: group", none, "GET", "/groups/" + eng, nil, denied},
		{"no role: members", none, "GET", "/groups/" + eng + "/members", nil, denied},
		{"no role: memberOf", none, "GET", "/users/alex@contoso.onmicrosoft.com/memberOf", nil, denied},
		{"no role: user assignments", none, "GET", "/users/alex@contoso.onmicrosoft.com/appRoleAssignments", nil, denied},
		{"no role: group assignments", none, "GET", "/groups/" + eng + "/appRoleAssignments", nil, denied},
		{"missing group", op, "GET", "/groups/" + newID(), nil, missing},
		{"missing group members", op, "GET", "/groups/" + newID() + "/members", nil, missing},
		{"missing user assignments", op, "GET", "/users/" + newID() + "/appRoleAssignments", nil, missing},
	})
}

// apiApp registers an API whose service principal publishes roles (by
// value: the allowed member types) and scopes, and returns it with the
// ids of its roles by value.
func apiApp(t *testing.T, s *Server, name string, roles map[string][]string, scopes ...string) (registered, map[string]string) {
	t.Helper()
	reg := register(t, s, testApp{name: name})
	ids := map[string]string{}
	err := s.write(func(st *Store) error {
		a, _ := st.appByID(reg.app.ID, true)
		a.IdentifierURIs = []string{"api://" + a.AppID}
		sp, _ := st.spByID(reg.sp.ID, true)
		sp.ServicePrincipalNames = []string{a.AppID, "api://" + a.AppID}
		for value, types := range roles {
			id := nameID("role", a.AppID, value)
			ids[value] = id
			sp.AppRoles = append(sp.AppRoles, AppRole{ID: id, Value: value, DisplayName: value, AllowedMemberTypes: types, IsEnabled: true, Origin: "Application"})
		}
		for _, v := range scopes {
			id := nameID("scope", a.AppID, v)
			ids[v] = id
			sp.OAuth2PermissionScopes = append(sp.OAuth2PermissionScopes, PermissionScope{ID: id, Value: v, Type: "User", IsEnabled: true, Origin: "Application"})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg, ids
}

func TestUserAndGroupAssignments(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	api, roles := apiApp(t, s, "orders api", map[string][]string{"Orders.Read": {"User"}, "Orders.Admin": {"User", "Application"}, "Orders.Sync": {"Application"}})
	plain, _ := apiApp(t, s, "plain api", nil)
	eng, alex, adele := groupID(t, s, "Engineering"), userID(t, s, "alex"), userID(t, s, "adele")
	assignedTo := "/servicePrincipals/" + api.sp.ID + "/appRoleAssignedTo"
	body := func(principal, resource, role string) map[string]any {
		return map[string]any{"principalId": principal, "resourceId": resource, "appRoleId": role}
	}

	g := op.must(http.StatusCreated, "POST", assignedTo, body(eng, api.sp.ID, roles["Orders.Read"]))
	want := map[string]any{"principalId": eng, "principalType": "Group", "principalDisplayName": "Engineering", "resourceId": api.sp.ID, "resourceDisplayName": "orders api", "appRoleId": roles["Orders.Read"]}
	if diff := cmp.Diff(want, pick(g.body, "principalId", "principalType", "principalDisplayName", "resourceId", "resourceDisplayName", "appRoleId")); diff != "" {
		t.Errorf("group assignment (-want +got):\n%s", diff)
	}
	u := op.must(http.StatusCreated, "POST", "/users/"+alex+"/appRoleAssignments", body(alex, api.sp.ID, roles["Orders.Admin"]))
	if u.str("principalType") != "User" || u.str("@odata.context") != "https://graph.microsoft.com/v1.0/$metadata#users('"+alex+"')/appRoleAssignments/$entity" {
		t.Errorf("user assignment: %s", u.raw)
	}
	op.must(http.StatusCreated, "POST", "/groups/"+eng+"/appRoleAssignments", body(eng, plain.sp.ID, defaultAccessRole))

	bad := errorOf{400, CodeBadRequest}
	reader := op.appClient(op.createApp("reader", graphAppID, "Directory.Read.All"))
	checkRefusals(t, []refusal{
		{"held already", op, "POST", assignedTo, body(eng, api.sp.ID, roles["Orders.Read"]), bad},
		{"role for applications only", op, "POST", assignedTo, body(adele, api.sp.ID, roles["Orders.Sync"]), bad},
		{"default access beside user roles", op, "POST", assignedTo, body(adele, api.sp.ID, defaultAccessRole), bad},
		{"unknown role", op, "POST", assignedTo, body(adele, api.sp.ID, newID()), bad},
		{"unknown principal", op, "POST", assignedTo, body(newID(), api.sp.ID, roles["Orders.Read"]), errorOf{404, CodeNotFound}},
		{"principal not the path's user", op, "POST", "/users/" + adele + "/appRoleAssignments", body(alex, api.sp.ID, roles["Orders.Read"]), bad},
		{"principal not the path's group", op, "POST", "/groups/" + eng + "/appRoleAssignments", body(alex, api.sp.ID, roles["Orders.Read"]), bad},
		{"no property", op, "POST", "/users/" + adele + "/appRoleAssignments", map[string]any{"principalId": adele}, bad},
		{"without AppRoleAssignment.ReadWrite.All", reader, "POST", "/users/" + adele + "/appRoleAssignments", body(adele, api.sp.ID, roles["Orders.Read"]), errorOf{403, CodeAuthDenied}},
	})

	lists := []struct {
		path string
		want []string
	}{
		{assignedTo, []string{"Alex Wilber", "Engineering"}},
		{"/users/" + alex + "/appRoleAssignments", []string{"Alex Wilber"}},
		{"/users/alex@contoso.onmicrosoft.com/appRoleAssignments", []string{"Alex Wilber"}},
		{"/groups/" + eng + "/appRoleAssignments", []string{"Engineering", "Engineering"}},
		{"/users/" + adele + "/appRoleAssignments", nil},
	}
	for _, l := range lists {
		if diff := cmp.Diff(l.want, names(op.must(http.StatusOK, "GET", l.path, nil), "principalDisplayName")); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", l.path, diff)
		}
	}
	if r := reader.must(http.StatusOK, "GET", "/groups/"+eng+"/appRoleAssignments", nil); len(r.values()) != 2 {
		t.Errorf("Directory.Read.All reader: %s", r.raw)
	}

	checkRefusals(t, []refusal{
		{"delete through another user", op, "DELETE", "/users/" + adele + "/appRoleAssignments/" + u.str("id"), nil, errorOf{404, CodeNotFound}},
		{"delete", op, "DELETE", "/users/" + alex + "/appRoleAssignments/" + u.str("id"), nil, errorOf{204, ""}},
		{"get deleted", op, "GET", "/users/" + alex + "/appRoleAssignments/" + u.str("id"), nil, errorOf{404, CodeNotFound}},
		{"delete group's through the resource", op, "DELETE", assignedTo + "/" + g.str("id"), nil, errorOf{204, ""}},
		{"group's gone", op, "GET", "/groups/" + eng + "/appRoleAssignments/" + g.str("id"), nil, errorOf{404, CodeNotFound}},
	})
}

func TestSeedGroups(t *testing.T) {
	s := start(t, Options{Seed: &Seed{
		Users:  []SeedUser{{UserPrincipalName: "lee@contoso.onmicrosoft.com", DisplayName: "Lee Gu"}},
		Groups: []SeedGroup{{DisplayName: "Ops", Members: []string{"lee@contoso.onmicrosoft.com", "alex@contoso.onmicrosoft.com"}}, {DisplayName: "HR", Members: []string{"adele@contoso.onmicrosoft.com"}}},
	}})
	op := operator(t, s)
	for name, want := range map[string][]string{"Ops": {"alex@contoso.onmicrosoft.com", "lee@contoso.onmicrosoft.com"}, "HR": {"adele@contoso.onmicrosoft.com", "megan@contoso.onmicrosoft.com"}} {
		got := names(op.must(http.StatusOK, "GET", "/groups/"+groupID(t, s, name)+"/members", nil), "userPrincipalName")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("members of %s (-want +got):\n%s", name, diff)
		}
	}
	_, err := Start(context.Background(), Options{Seed: &Seed{Groups: []SeedGroup{{DisplayName: "Ghosts", Members: []string{"nobody@contoso.onmicrosoft.com"}}}}})
	if err == nil || !strings.Contains(err.Error(), `group "Ghosts": member nobody@contoso.onmicrosoft.com is not a user of the tenant`) {
		t.Errorf("Start with an unknown member: %v", err)
	}
}

func TestGroupsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := Start(context.Background(), Options{DataDir: dir, Seed: &Seed{Groups: []SeedGroup{{DisplayName: "HR", Members: []string{"diego@contoso.onmicrosoft.com"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	hr := groupID(t, s1, "HR")
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := start(t, Options{DataDir: dir})
	got := names(operator(t, s2).must(http.StatusOK, "GET", "/groups/"+hr+"/members", nil), "userPrincipalName")
	if diff := cmp.Diff([]string{"diego@contoso.onmicrosoft.com", "megan@contoso.onmicrosoft.com"}, got); diff != "" {
		t.Errorf("HR after a restart (-want +got):\n%s", diff)
	}
}

// TestGroupMembersChange: a user added to an assigned group gets into an
// API that requires assignment, and is refused again once removed.
func TestGroupMembersChange(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	ca := setupCustomAPI(t, s)
	requireAssignment(t, s, ca.api.sp)
	eng, adele := groupID(t, s, "Engineering"), userID(t, s, "adele")
	writer := op.appClient(op.createApp("member writer", graphAppID, "Group.ReadWrite.All"))
	reader := op.appClient(op.createApp("member reader", graphAppID, "GroupMember.Read.All"))
	ref := map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + adele}
	tokenPath := "/" + s.TenantID() + "/oauth2/v2.0/token"
	form := passwordForm(s, ca.client, "adele", "api://"+ca.api.appID()+"/Orders.Read")
	status, body := tokenCall(t, s, tokenPath, form)
	if diff := cmp.Diff(wantAAD(400, "invalid_grant", 50105), checkAADError(t, status, body)); diff != "" {
		t.Errorf("before joining (-want +got):\n%s", diff)
	}

	checkRefusals(t, []refusal{
		{"GroupMember.Read.All adds no member", reader, "POST", "/groups/" + eng + "/members/$ref", ref, errorOf{403, CodeAuthDenied}},
		{"add", writer, "POST", "/groups/" + eng + "/members/$ref", ref, errorOf{204, ""}},
		{"add again", writer, "POST", "/groups/" + eng + "/members/$ref", ref, errorOf{400, CodeBadRequest}},
		{"no such user", writer, "POST", "/groups/" + eng + "/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + newID()}, errorOf{404, CodeNotFound}},
		{"no reference", writer, "POST", "/groups/" + eng + "/members/$ref", map[string]any{"id": adele}, errorOf{400, CodeBadRequest}},
	})
	if c := claims(t, token(t, s, form)); c["roles"] == nil || c["roles"].([]any)[0] != "Orders.Reader" {
		t.Errorf("after joining: roles %v", c["roles"])
	}
	checkRefusals(t, []refusal{
		{"remove", writer, "DELETE", "/groups/" + eng + "/members/" + adele + "/$ref", nil, errorOf{204, ""}},
		{"remove again", writer, "DELETE", "/groups/" + eng + "/members/" + adele + "/$ref", nil, errorOf{404, CodeNotFound}},
	})
	status, body = tokenCall(t, s, tokenPath, form)
	if diff := cmp.Diff(wantAAD(400, "invalid_grant", 50105), checkAADError(t, status, body)); diff != "" {
		t.Errorf("after leaving (-want +got):\n%s", diff)
	}
}

func TestLoadSeedGroups(t *testing.T) {
	tests := []struct {
		name, json string
		want       []SeedGroup
		err        string
	}{
		{"groups with members", `{"users":[{"userPrincipalName":"lee@contoso.onmicrosoft.com"}],"groups":[{"displayName":"Ops","description":"Operations","members":["lee@contoso.onmicrosoft.com"]}]}`,
			[]SeedGroup{{DisplayName: "Ops", Description: "Operations", Members: []string{"lee@contoso.onmicrosoft.com"}}}, ""},
		{"a group without a name", `{"groups":[{"members":["alex@contoso.onmicrosoft.com"]}]}`, nil, "group 0: displayName is required"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "seed.json")
		if err := os.WriteFile(path, []byte(tt.json), 0o600); err != nil {
			t.Fatal(err)
		}
		seed, err := LoadSeed(path)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, seed.Groups); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
