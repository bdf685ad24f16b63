package localtenant

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// graphRoleID is the id of a Graph app role from the seed catalog.
func graphRoleID(t *testing.T, s *Server, value string) string {
	t.Helper()
	var id string
	s.read(func(st *Store) {
		g, _ := st.spByAppID(graphAppID, true)
		r, _ := findAppRole(g, value)
		id = r.ID
	})
	if id == "" {
		t.Fatalf("no Graph role %s", value)
	}
	return id
}

func TestServicePrincipals(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	app := op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "sp app"})
	appID := app.str("appId")

	r := op.must(http.StatusCreated, "POST", "/servicePrincipals", map[string]any{"appId": appID, "tags": []string{"entraform:managed"}})
	spID := r.str("id")
	got := map[string]any{}
	for _, k := range []string{"@odata.context", "appId", "displayName", "servicePrincipalType", "servicePrincipalNames", "tags", "accountEnabled", "appRoleAssignmentRequired"} {
		got[k] = r.body[k]
	}
	want := map[string]any{
		"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
		"appId":          appID, "displayName": "sp app", "servicePrincipalType": "Application",
		"servicePrincipalNames": []any{appID}, "tags": []any{"entraform:managed"}, "accountEnabled": true, "appRoleAssignmentRequired": false,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST /servicePrincipals (-want +got):\n%s", diff)
	}

	for _, path := range []string{"/servicePrincipals/" + spID, "/servicePrincipals(appId='" + appID + "')"} {
		if g := op.must(http.StatusOK, "GET", path, nil); g.str("id") != spID {
			t.Errorf("GET %s: id %q, want %q", path, g.str("id"), spID)
		}
	}
	op.must(http.StatusNoContent, "PATCH", "/servicePrincipals/"+spID, map[string]any{
		"tags": []string{"entraform:managed", "x"}, "appRoleAssignmentRequired": true, "accountEnabled": false})
	g := op.must(http.StatusOK, "GET", "/servicePrincipals/"+spID, nil)
	gotPatch := map[string]any{"tags": g.body["tags"], "appRoleAssignmentRequired": g.body["appRoleAssignmentRequired"], "accountEnabled": g.body["accountEnabled"]}
	wantPatch := map[string]any{"tags": []any{"entraform:managed", "x"}, "appRoleAssignmentRequired": true, "accountEnabled": false}
	if diff := cmp.Diff(wantPatch, gotPatch); diff != "" {
		t.Errorf("after PATCH (-want +got):\n%s", diff)
	}

	filters := []struct {
		filter string
		want   []string // appIds
	}{
		{"appId eq '" + appID + "'", []string{appID}},
		{"tags/any(t:t eq 'x')", []string{appID}},
		{"displayName eq 'Microsoft Graph'", []string{graphAppID}},
		{"appId in ('" + graphAppID + "','" + sharePointAppID + "')", []string{graphAppID, sharePointAppID}},
	}
	for _, tt := range filters {
		var got []string
		for _, v := range op.must(http.StatusOK, "GET", "/servicePrincipals?$filter="+url.QueryEscape(tt.filter), nil).values() {
			got = append(got, v["appId"].(string))
		}
		slices.Sort(got)
		slices.Sort(tt.want)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("$filter=%s (-want +got):\n%s", tt.filter, diff)
		}
	}

	errs := []refusal{
		{"unknown app", op, "POST", "/servicePrincipals", map[string]any{"appId": newID()}, errorOf{400, CodeBadRequest}},
		{"second SP", op, "POST", "/servicePrincipals", map[string]any{"appId": appID}, errorOf{409, CodeConflict}},
		{"no appId", op, "POST", "/servicePrincipals", map[string]any{"tags": []string{}}, errorOf{400, CodeBadRequest}},
		{"unknown property", op, "PATCH", "/servicePrincipals/" + spID, map[string]any{"colour": 1}, errorOf{400, CodeBadRequest}},
		{"absent", op, "GET", "/servicePrincipals/" + newID(), nil, errorOf{404, CodeNotFound}},
	}
	checkRefusals(t, errs)
}

func TestAppRoleAssignments(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	na := op.createApp("role holder", graphAppID)
	graphSP := op.spOf(graphAppID)
	sitesRead := graphRoleID(t, s, "Sites.Read.All")
	base := "/servicePrincipals/" + graphSP + "/appRoleAssignedTo"

	r := op.must(http.StatusCreated, "POST", base, map[string]any{"principalId": na.spID, "resourceId": graphSP, "appRoleId": sitesRead})
	assignmentID := r.str("id")
	got := map[string]any{}
	for _, k := range []string{"principalId", "resourceId", "appRoleId", "principalDisplayName", "resourceDisplayName", "principalType"} {
		got[k] = r.body[k]
	}
	want := map[string]any{"principalId": na.spID, "resourceId": graphSP, "appRoleId": sitesRead,
		"principalDisplayName": "role holder", "resourceDisplayName": "Microsoft Graph", "principalType": "ServicePrincipal"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST appRoleAssignedTo (-want +got):\n%s", diff)
	}
	if _, err := time.Parse(time.RFC3339, r.str("createdDateTime")); err != nil {
		t.Errorf("createdDateTime %q: %v", r.str("createdDateTime"), err)
	}

	// The new role is in the app's next token.
	if c := claims(t, op.appClient(na).token); !slices.Contains(c["roles"].([]any), any("Sites.Read.All")) {
		t.Errorf("token roles %v lack Sites.Read.All", c["roles"])
	}

	held := op.must(http.StatusOK, "GET", "/servicePrincipals/"+na.spID+"/appRoleAssignments", nil)
	if len(held.values()) != 1 || held.values()[0]["id"] != assignmentID {
		t.Errorf("appRoleAssignments of the client = %v", held.values())
	}
	// The resource side is paged: the operator's five roles plus this one.
	var ids []string
	next := graphV1 + base + "?$top=4"
	for next != "" {
		page := op.must(http.StatusOK, "GET", next, nil)
		for _, v := range page.values() {
			ids = append(ids, v["id"].(string))
		}
		next = page.str("@odata.nextLink")
	}
	if len(ids) != 6 || !slices.Contains(ids, assignmentID) {
		t.Errorf("appRoleAssignedTo over pages: %d ids (want 6, with %s)", len(ids), assignmentID)
	}

	writer := op.appClient(op.createApp("writer", graphAppID, "Application.ReadWrite.All"))
	errs := []struct {
		name string
		c    *client
		body map[string]any
		want errorOf
		msg  string
	}{
		{"twice", op, map[string]any{"principalId": na.spID, "resourceId": graphSP, "appRoleId": sitesRead}, errorOf{400, CodeBadRequest},
			"Permission being assigned already exists on the object"},
		{"not a role of the resource", op, map[string]any{"principalId": na.spID, "resourceId": graphSP, "appRoleId": newID()}, errorOf{400, CodeBadRequest},
			"Permission being assigned was not found on application '" + graphAppID + "'."},
		{"unknown principal", op, map[string]any{"principalId": newID(), "resourceId": graphSP, "appRoleId": sitesRead}, errorOf{404, CodeNotFound}, ""},
		{"resource differs from the URL", op, map[string]any{"principalId": na.spID, "resourceId": na.spID, "appRoleId": sitesRead}, errorOf{400, CodeBadRequest}, ""},
		{"without AppRoleAssignment.ReadWrite.All", writer, map[string]any{"principalId": na.spID, "resourceId": graphSP, "appRoleId": graphRoleID(t, s, "User.Read.All")},
			errorOf{403, CodeAuthDenied}, "Insufficient privileges to complete the operation."},
	}
	for _, tt := range errs {
		r := tt.c.do("POST", base, tt.body)
		if diff := cmp.Diff(tt.want, errOf(r)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if tt.msg != "" && r.message() != tt.msg {
			t.Errorf("%s: message %q, want %q", tt.name, r.message(), tt.msg)
		}
	}

	// A service principal inside the replication delay cannot be named yet.
	s.SetFaults(Faults{ReplicationDelay: 10 * time.Second})
	fresh := op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "fresh"})
	s.AdvanceClock(11 * time.Second)
	freshSP := op.must(http.StatusCreated, "POST", "/servicePrincipals", map[string]any{"appId": fresh.str("appId")}).str("id")
	r = op.do("POST", base, map[string]any{"principalId": freshSP, "resourceId": graphSP, "appRoleId": sitesRead})
	if diff := cmp.Diff(errorOf{404, CodeNotFound}, errOf(r)); diff != "" {
		t.Errorf("assignment to a new SP during the delay (-want +got):\n%s", diff)
	}
	s.AdvanceClock(11 * time.Second)
	op.must(http.StatusCreated, "POST", base, map[string]any{"principalId": freshSP, "resourceId": graphSP, "appRoleId": sitesRead})

	op.must(http.StatusNoContent, "DELETE", base+"/"+assignmentID, nil)
	if n := len(op.must(http.StatusOK, "GET", "/servicePrincipals/"+na.spID+"/appRoleAssignments", nil).values()); n != 0 {
		t.Errorf("assignments after DELETE: %d", n)
	}
	if diff := cmp.Diff(errorOf{404, CodeNotFound}, errOf(op.do("DELETE", base+"/"+assignmentID, nil))); diff != "" {
		t.Errorf("DELETE twice (-want +got):\n%s", diff)
	}
}

func TestPermissionGrants(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	na := op.createApp("delegated", graphAppID)
	spo := op.spOf(sharePointAppID)
	graphSP := op.spOf(graphAppID)

	r := op.must(http.StatusCreated, "POST", "/oauth2PermissionGrants", map[string]any{
		"clientId": na.spID, "consentType": "AllPrincipals", "resourceId": spo, "scope": "AllSites.Read User.Read.All"})
	grantID := r.str("id")
	want := map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#oauth2PermissionGrants/$entity",
		"id": grantID, "clientId": na.spID, "consentType": "AllPrincipals", "principalId": nil, "resourceId": spo, "scope": "AllSites.Read User.Read.All"}
	if diff := cmp.Diff(want, r.body); diff != "" {
		t.Errorf("POST oauth2PermissionGrants (-want +got):\n%s", diff)
	}
	user := s.DefaultUser()
	op.must(http.StatusCreated, "POST", "/oauth2PermissionGrants", map[string]any{
		"@odata.type": "#microsoft.graph.oAuth2PermissionGrant", // annotations are accepted
		"clientId":    na.spID, "consentType": "Principal", "principalId": user.ID, "resourceId": graphSP, "scope": "User.Read"})

	lists := []struct {
		filter string
		want   int
	}{
		{"clientId eq '" + na.spID + "'", 2},
		{"resourceId eq '" + spo + "'", 1},
		{"clientId eq '" + na.spID + "' and consentType eq 'Principal'", 1},
	}
	for _, tt := range lists {
		if n := len(op.must(http.StatusOK, "GET", "/oauth2PermissionGrants?$filter="+url.QueryEscape(tt.filter), nil).values()); n != tt.want {
			t.Errorf("$filter=%s: %d grants, want %d", tt.filter, n, tt.want)
		}
	}
	page := op.must(http.StatusOK, "GET", "/oauth2PermissionGrants?$top=1&$filter="+url.QueryEscape("clientId eq '"+na.spID+"'"), nil)
	if len(page.values()) != 1 || page.str("@odata.nextLink") == "" {
		t.Errorf("$top=1: %d values, nextLink %q", len(page.values()), page.str("@odata.nextLink"))
	}

	op.must(http.StatusNoContent, "PATCH", "/oauth2PermissionGrants/"+grantID, map[string]any{"scope": "AllSites.Read"})
	if g := op.must(http.StatusOK, "GET", "/oauth2PermissionGrants/"+grantID, nil); g.str("scope") != "AllSites.Read" {
		t.Errorf("scope after PATCH = %q", g.str("scope"))
	}

	reader := op.appClient(op.createApp("dir reader", graphAppID, "Directory.Read.All"))
	errs := []refusal{
		{"duplicate", op, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": na.spID, "consentType": "AllPrincipals", "resourceId": spo, "scope": "x"}, errorOf{409, CodeConflict}},
		{"Principal without principalId", op, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": na.spID, "consentType": "Principal", "resourceId": spo, "scope": "x"}, errorOf{400, CodeBadRequest}},
		{"unknown client", op, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": newID(), "consentType": "AllPrincipals", "resourceId": spo, "scope": "x"}, errorOf{400, CodeBadRequest}},
		{"bad consentType", op, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": na.spID, "consentType": "Everyone", "resourceId": spo, "scope": "x"}, errorOf{400, CodeBadRequest}},
		{"Directory.Read.All reads", reader, "GET", "/oauth2PermissionGrants/" + grantID, nil, errorOf{200, ""}},
		{"Directory.Read.All cannot write", reader, "PATCH", "/oauth2PermissionGrants/" + grantID, map[string]any{"scope": "x"}, errorOf{403, CodeAuthDenied}},
		{"Directory.Read.All cannot create", reader, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": na.spID, "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "x"}, errorOf{403, CodeAuthDenied}},
	}
	checkRefusals(t, errs)

	op.must(http.StatusNoContent, "DELETE", "/oauth2PermissionGrants/"+grantID, nil)
	if diff := cmp.Diff(errorOf{404, CodeNotFound}, errOf(op.do("GET", "/oauth2PermissionGrants/"+grantID, nil))); diff != "" {
		t.Errorf("GET after DELETE (-want +got):\n%s", diff)
	}
}

func TestDeleteServicePrincipalRemovesGrantsAndAssignments(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	na := op.createApp("doomed", graphAppID, "Sites.Read.All")
	op.grant(na.spID, sharePointAppID, "AllSites.Read")

	op.must(http.StatusNoContent, "DELETE", "/servicePrincipals/"+na.spID, nil)
	grants := op.must(http.StatusOK, "GET", "/oauth2PermissionGrants?$filter="+url.QueryEscape("clientId eq '"+na.spID+"'"), nil)
	if len(grants.values()) != 0 {
		t.Errorf("grants left: %v", grants.values())
	}
	var left int
	s.read(func(st *Store) {
		left = len(st.roleAssignments(true, func(a *AppRoleAssignment) bool { return a.PrincipalID == na.spID }))
	})
	if left != 0 {
		t.Errorf("%d app role assignments left", left)
	}
	op.must(http.StatusOK, "GET", "/applications/"+na.id, nil)
	if diff := cmp.Diff(errorOf{404, CodeNotFound}, errOf(op.do("GET", "/servicePrincipals/"+na.spID, nil))); diff != "" {
		t.Errorf("GET after DELETE (-want +got):\n%s", diff)
	}
}

func TestUsersAndMe(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	alex := s.DefaultUser()

	list := op.must(http.StatusOK, "GET", "/users?$select=userPrincipalName", nil)
	var upns []string
	for _, v := range list.values() {
		upns = append(upns, v["userPrincipalName"].(string))
	}
	slices.Sort(upns)
	if diff := cmp.Diff([]string{"adele@contoso.onmicrosoft.com", "alex@contoso.onmicrosoft.com", "diego@contoso.onmicrosoft.com", "megan@contoso.onmicrosoft.com"}, upns); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	for _, key := range []string{alex.ID, alex.UserPrincipalName} {
		if u := op.must(http.StatusOK, "GET", "/users/"+key, nil); u.str("displayName") != "Alex Wilber" {
			t.Errorf("GET /users/%s: displayName %q", key, u.str("displayName"))
		}
	}
	r := op.do("GET", "/me", nil)
	if diff := cmp.Diff(errorOf{400, "BadRequest"}, errOf(r)); diff != "" || r.message() != "/me request is only valid with delegated authentication flow." {
		t.Errorf("/me app-only: %q (-want +got):\n%s", r.message(), diff)
	}

	na := op.createApp("me reader", graphAppID)
	grant := op.grant(na.spID, graphAppID, "User.Read")
	me := op.as(userToken(t, s, na.appID, na.secret, "User.Read"))
	got := me.must(http.StatusOK, "GET", "/me", nil)
	want := map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity", "id": alex.ID,
		"userPrincipalName": alex.UserPrincipalName, "displayName": "Alex Wilber"}
	for k := range want {
		if diff := cmp.Diff(want[k], got.body[k]); diff != "" {
			t.Errorf("/me %s (-want +got):\n%s", k, diff)
		}
	}
	if diff := cmp.Diff(errorOf{403, CodeAuthDenied}, errOf(me.do("GET", "/users", nil))); diff != "" {
		t.Errorf("User.Read lists users (-want +got):\n%s", diff)
	}

	op.must(http.StatusNoContent, "PATCH", "/oauth2PermissionGrants/"+grant, map[string]any{"scope": "Sites.Read.All"})
	sites := op.as(userToken(t, s, na.appID, na.secret, "Sites.Read.All"))
	if diff := cmp.Diff(errorOf{403, CodeAuthDenied}, errOf(sites.do("GET", "/me", nil))); diff != "" {
		t.Errorf("/me without a user scope (-want +got):\n%s", diff)
	}
}
