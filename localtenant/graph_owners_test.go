package localtenant

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ownerIDs lists the ids and types of the owners at path.
func ownerIDs(c *client, path string) []string {
	c.t.Helper()
	out := []string{}
	for _, o := range c.must(http.StatusOK, "GET", path, nil).values() {
		out = append(out, fmt.Sprintf("%s %s", o["@odata.type"], o["id"]))
	}
	return out
}

func dirRef(id string) map[string]any {
	return map[string]any{"@odata.id": graphV1 + "/directoryObjects/" + id}
}

func TestOwners(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	opSP := op.spOf(func() string { id, _ := s.Operator(); return id }())
	user := s.DefaultUser().ID
	const spType, userType = "#microsoft.graph.servicePrincipal", "#microsoft.graph.user"

	// An app-only caller that creates an application owns it.
	app := op.createApp("owned app", "")
	if diff := cmp.Diff([]string{spType + " " + opSP}, ownerIDs(op, "/applications/"+app.id+"/owners")); diff != "" {
		t.Errorf("owners after create (-want +got):\n%s", diff)
	}

	// $ref adds a user; the alternate key and the /myorganization alias
	// reach the same list.
	op.must(http.StatusNoContent, "POST", "/applications/"+app.id+"/owners/$ref", dirRef(user))
	want := []string{spType + " " + opSP, userType + " " + user}
	for _, path := range []string{"/applications/" + app.id + "/owners", "/applications(appId='" + app.appID + "')/owners", "/myorganization/applications/" + app.id + "/owners"} {
		if diff := cmp.Diff(want, ownerIDs(op, path)); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", path, diff)
		}
	}

	// owners@odata.bind on create, for an application and a service principal.
	bound := op.must(http.StatusCreated, "POST", "/applications", map[string]any{
		"displayName": "bound", "owners@odata.bind": []string{graphV1 + "/users/" + user}})
	if diff := cmp.Diff([]string{spType + " " + opSP, userType + " " + user}, ownerIDs(op, "/applications/"+bound.str("id")+"/owners")); diff != "" {
		t.Errorf("owners@odata.bind on an application (-want +got):\n%s", diff)
	}
	sp := op.must(http.StatusCreated, "POST", "/servicePrincipals", map[string]any{
		"appId": bound.str("appId"), "owners@odata.bind": []string{graphV1 + "/directoryObjects/" + user}})
	spOwners := "/servicePrincipals/" + sp.str("id") + "/owners"
	if diff := cmp.Diff([]string{userType + " " + user}, ownerIDs(op, spOwners)); diff != "" {
		t.Errorf("owners@odata.bind on a service principal (-want +got):\n%s", diff)
	}
	op.must(http.StatusNoContent, "POST", spOwners+"/$ref", dirRef(opSP))
	op.must(http.StatusNoContent, "DELETE", spOwners+"/"+user+"/$ref", nil)
	if diff := cmp.Diff([]string{spType + " " + opSP}, ownerIDs(op, spOwners)); diff != "" {
		t.Errorf("service principal owners after add and remove (-want +got):\n%s", diff)
	}

	// $expand=owners inlines them.
	got := op.must(http.StatusOK, "GET", "/applications/"+app.id+"?$select=displayName&$expand=owners", nil)
	if n := len(got.body["owners"].([]any)); n != 2 {
		t.Errorf("$expand=owners: %d owners, want 2: %s", n, got.raw)
	}

	op.must(http.StatusNoContent, "DELETE", "/applications/"+app.id+"/owners/"+user+"/$ref", nil)
	if diff := cmp.Diff([]string{spType + " " + opSP}, ownerIDs(op, "/applications/"+app.id+"/owners")); diff != "" {
		t.Errorf("owners after remove (-want +got):\n%s", diff)
	}

	// An owner holding only Application.ReadWrite.OwnedBy reads and
	// changes its application but does not add owners.
	ownedBy := op.createApp("owned-by caller", graphAppID, "Application.ReadWrite.OwnedBy")
	mine := op.appClient(ownedBy).must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "mine"})
	checkRefusals(t, []refusal{
		{"an owner twice", op, "POST", "/applications/" + app.id + "/owners/$ref", dirRef(opSP), errorOf{400, CodeBadRequest}},
		{"an unknown object", op, "POST", "/applications/" + app.id + "/owners/$ref", dirRef("0a4d8b3c-0000-0000-0000-000000000000"), errorOf{404, CodeNotFound}},
		{"no @odata.id", op, "POST", "/applications/" + app.id + "/owners/$ref", map[string]any{"id": user}, errorOf{400, CodeBadRequest}},
		{"removing a non-owner", op, "DELETE", "/applications/" + app.id + "/owners/" + user + "/$ref", nil, errorOf{404, CodeNotFound}},
		{"an unknown bind", op, "POST", "/applications", map[string]any{"displayName": "x", "owners@odata.bind": []string{graphV1 + "/directoryObjects/0a4d8b3c-0000-0000-0000-000000000000"}}, errorOf{404, CodeNotFound}},
		{"OwnedBy adds an owner", op.appClient(ownedBy), "POST", "/applications/" + mine.str("id") + "/owners/$ref", dirRef(user), errorOf{403, CodeAuthDenied}},
		{"OwnedBy reads another's owners", op.appClient(ownedBy), "GET", "/applications/" + app.id + "/owners", nil, errorOf{403, CodeAuthDenied}},
	})
	if diff := cmp.Diff([]string{spType + " " + ownedBy.spID}, ownerIDs(op.appClient(ownedBy), "/applications/"+mine.str("id")+"/owners")); diff != "" {
		t.Errorf("owners of an OwnedBy caller's application (-want +got):\n%s", diff)
	}
}

func TestExpandLimits(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	for i := range 101 {
		op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": fmt.Sprintf("app %03d", i)})
	}
	// With $expand a page holds at most 100 objects, whatever $top says.
	for _, tt := range []struct {
		query    string
		wantPage int
	}{
		{"$top=999", 102}, // the operator app and the 101
		{"$top=999&$expand=owners", 100},
		{"$top=50&$expand=owners", 50},
	} {
		got := op.must(http.StatusOK, "GET", "/applications?"+tt.query, nil)
		if n := len(got.values()); n != tt.wantPage {
			t.Errorf("GET /applications?%s: %d objects, want %d", tt.query, n, tt.wantPage)
		}
	}

	// An expanded navigation property inlines at most 20 objects.
	graph := op.spOf(graphAppID)
	got := op.must(http.StatusOK, "GET", "/servicePrincipals/"+graph+"?$expand=appRoleAssignedTo", nil)
	if n := len(got.body["appRoleAssignedTo"].([]any)); n != 5 {
		t.Errorf("appRoleAssignedTo of Graph: %d, want the operator's 5", n)
	}
	na := op.createApp("many roles", graphAppID, "Sites.Read.All")
	var roles []string
	for _, ar := range op.must(http.StatusOK, "GET", "/servicePrincipals/"+graph, nil).body["appRoles"].([]any) {
		if v := ar.(map[string]any)["value"].(string); v != "Sites.Read.All" && len(roles) < 24 {
			roles = append(roles, v)
		}
	}
	op.assign(na.spID, graphAppID, roles...)
	list := op.must(http.StatusOK, "GET", "/servicePrincipals?$filter=appId eq '"+na.appID+"'&$expand=appRoleAssignments", nil).values()
	if len(list) != 1 || len(list[0]["appRoleAssignments"].([]any)) != maxExpandedItems {
		t.Errorf("$expand=appRoleAssignments of an SP with 25 roles: %v", list)
	}
	if n := len(op.must(http.StatusOK, "GET", "/servicePrincipals/"+na.spID+"/appRoleAssignments", nil).values()); n != 25 {
		t.Errorf("the navigation itself lists %d, want 25", n)
	}
}
