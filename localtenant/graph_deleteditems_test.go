package localtenant

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func deletedIDs(c *client, path string) []string {
	c.t.Helper()
	out := []string{}
	for _, v := range c.must(http.StatusOK, "GET", path, nil).values() {
		out = append(out, v["id"].(string))
	}
	return out
}

func TestDeletedItems(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	const apps, sps = "/directory/deletedItems/microsoft.graph.application", "/directory/deletedItems/microsoft.graph.servicePrincipal"

	na := op.createApp("to delete", graphAppID, "Sites.Read.All")
	op.must(http.StatusCreated, "PATCH", "/applications(uniqueName='interop.deleted')", map[string]any{"displayName": "named"}, "Prefer: create-if-missing")
	named := op.must(http.StatusOK, "GET", "/applications(uniqueName='interop.deleted')", nil)

	// Deleting an application moves it and its service principal to the
	// deleted items; the app role assignment goes.
	op.must(http.StatusNoContent, "DELETE", "/applications/"+na.id, nil)
	checkRefusals(t, []refusal{
		{"GET the deleted application", op, "GET", "/applications/" + na.id, nil, errorOf{404, CodeNotFound}},
		{"GET its service principal", op, "GET", "/servicePrincipals/" + na.spID, nil, errorOf{404, CodeNotFound}},
		{"the list without a type cast", op, "GET", "/directory/deletedItems", nil, errorOf{400, CodeBadRequest}},
		{"an id that is not deleted", op, "GET", "/directory/deletedItems/" + named.str("id"), nil, errorOf{404, CodeNotFound}},
	})
	if diff := cmp.Diff([]string{na.id}, deletedIDs(op, apps)); diff != "" {
		t.Errorf("deleted applications (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{na.spID}, deletedIDs(op, sps)); diff != "" {
		t.Errorf("deleted service principals (-want +got):\n%s", diff)
	}
	item := op.must(http.StatusOK, "GET", "/directory/deletedItems/"+na.id, nil)
	if item.body["@odata.type"] != "#microsoft.graph.application" || item.str("deletedDateTime") == "" || item.str("appId") != na.appID {
		t.Errorf("deleted item = %s", item.raw)
	}

	// Restoring it brings back the service principal, not its assignments.
	restored := op.must(http.StatusOK, "POST", "/directory/deletedItems/"+na.id+"/restore", nil)
	if restored.str("id") != na.id || restored.body["deletedDateTime"] != nil {
		t.Errorf("restore answered %s", restored.raw)
	}
	op.must(http.StatusOK, "GET", "/applications/"+na.id, nil)
	op.must(http.StatusOK, "GET", "/servicePrincipals/"+na.spID, nil)
	if n := len(op.must(http.StatusOK, "GET", "/servicePrincipals/"+na.spID+"/appRoleAssignments", nil).values()); n != 0 {
		t.Errorf("%d app role assignments came back with the restore", n)
	}
	if diff := cmp.Diff([]string{}, deletedIDs(op, apps)); diff != "" {
		t.Errorf("deleted applications after the restore (-want +got):\n%s", diff)
	}

	// A deleted application's uniqueName is free for a new one; the old
	// one cannot come back while the name is taken, and a permanent
	// delete removes it.
	op.must(http.StatusNoContent, "DELETE", "/applications/"+named.str("id"), nil)
	again := op.must(http.StatusCreated, "PATCH", "/applications(uniqueName='interop.deleted')", map[string]any{"displayName": "named again"}, "Prefer: create-if-missing")
	if again.str("id") == named.str("id") {
		t.Errorf("the upsert found the deleted application")
	}
	checkRefusals(t, []refusal{
		{"restore while the uniqueName is taken", op, "POST", "/directory/deletedItems/" + named.str("id") + "/restore", nil, errorOf{400, CodeBadRequest}},
	})
	op.must(http.StatusNoContent, "DELETE", "/directory/deletedItems/"+named.str("id"), nil)
	checkRefusals(t, []refusal{
		{"GET after the permanent delete", op, "GET", "/directory/deletedItems/" + named.str("id"), nil, errorOf{404, CodeNotFound}},
		{"restore after the permanent delete", op, "POST", "/directory/deletedItems/" + named.str("id") + "/restore", nil, errorOf{404, CodeNotFound}},
	})

	// A service principal deleted on its own comes back on its own.
	op.must(http.StatusNoContent, "DELETE", "/servicePrincipals/"+na.spID, nil)
	if diff := cmp.Diff([]string{na.spID}, deletedIDs(op, sps)); diff != "" {
		t.Errorf("deleted service principals (-want +got):\n%s", diff)
	}
	op.must(http.StatusOK, "POST", "/directory/deletedItems/"+na.spID+"/restore", nil)
	op.must(http.StatusOK, "GET", "/servicePrincipals(appId='"+na.appID+"')", nil)

	// A caller without application permissions sees none of it.
	reader := op.createApp("no app perms", graphAppID, "Sites.Read.All")
	checkRefusals(t, []refusal{
		{"list without permission", op.appClient(reader), "GET", apps, nil, errorOf{403, CodeAuthDenied}},
	})
}
