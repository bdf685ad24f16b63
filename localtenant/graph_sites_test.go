package localtenant

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// siteNames lists the displayNames of a site list response, sorted.
func siteNames(r response) []string {
	var out []string
	for _, v := range r.values() {
		out = append(out, v["displayName"].(string))
	}
	slices.Sort(out)
	return out
}

func TestSitesAddressing(t *testing.T) {
	s := start(t, Options{Seed: &Seed{Sites: []SeedSite{{Path: "/teams/ops", DisplayName: "Ops"}}}})
	op := operator(t, s)
	reader := op.appClient(op.createApp("site reader", graphAppID, "Sites.Read.All"))

	root := reader.must(http.StatusOK, "GET", "/sites/root", nil)
	rootID := root.str("id")
	parts := strings.Split(rootID, ",")
	if len(parts) != 3 || parts[0] != "contoso.sharepoint.com" || !looksLikeGUID(parts[1]) || !looksLikeGUID(parts[2]) {
		t.Fatalf("root site id %q: want {host},{guid},{guid}", rootID)
	}
	want := map[string]any{
		"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#sites/$entity",
		"id":             rootID, "name": "", "displayName": "Communication site", "webUrl": "https://contoso.sharepoint.com",
		"siteCollection": map[string]any{"hostname": "contoso.sharepoint.com"}, "root": map[string]any{},
	}
	got := map[string]any{}
	for k := range want {
		got[k] = root.body[k]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /sites/root (-want +got):\n%s", diff)
	}

	hr := reader.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/sites/hr", nil)
	hrID := hr.str("id")
	if hr.str("webUrl") != "https://contoso.sharepoint.com/sites/hr" || hr.str("name") != "hr" || hr.body["root"] != nil {
		t.Errorf("hr site = %v", hr.body)
	}
	hp := strings.Split(hrID, ",")
	same := []string{
		"/sites/contoso.sharepoint.com:/sites/hr:",
		"/sites/contoso.sharepoint.com:/sites/HR/",
		"/sites/" + hrID,
		"/sites/" + hp[0] + "," + hp[1],
		"/sites/" + hp[1] + "," + hp[2],
	}
	for _, path := range same {
		if r := reader.must(http.StatusOK, "GET", path, nil); r.str("id") != hrID {
			t.Errorf("GET %s: id %q, want %q", path, r.str("id"), hrID)
		}
	}
	for _, path := range []string{"/sites/contoso.sharepoint.com", "/sites/contoso.sharepoint.com:/"} {
		if r := reader.must(http.StatusOK, "GET", path, nil); r.str("id") != rootID {
			t.Errorf("GET %s: id %q, want the root %q", path, r.str("id"), rootID)
		}
	}
	if r := reader.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/teams/ops", nil); r.str("displayName") != "Ops" {
		t.Errorf("seeded site /teams/ops: %v", r.body)
	}

	searches := []struct {
		query string
		want  []string
	}{
		{"/sites?search=hr", []string{"HR"}},
		{"/sites?search=FINANCE", []string{"Finance"}},
		{"/sites?search=*", []string{"Communication site", "Engineering", "Finance", "HR", "Ops"}},
		{"/sites", []string{"Communication site", "Engineering", "Finance", "HR", "Ops"}},
		{"/sites?search=nothing-like-this", nil},
	}
	for _, tt := range searches {
		r := reader.must(http.StatusOK, "GET", tt.query, nil)
		if diff := cmp.Diff(tt.want, siteNames(r)); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.query, diff)
		}
		if r.str("@odata.context") != "https://graph.microsoft.com/v1.0/$metadata#sites" {
			t.Errorf("GET %s: @odata.context %q", tt.query, r.str("@odata.context"))
		}
	}

	errs := []struct {
		path string
		want errorOf
	}{
		{"/sites/contoso.sharepoint.com:/sites/nope", errorOf{404, CodeItemNotFound}},
		{"/sites/fabrikam.sharepoint.com:/sites/hr", errorOf{404, CodeItemNotFound}},
		{"/sites/" + newID() + "," + newID(), errorOf{404, CodeItemNotFound}},
		{"/sites/" + hrID + "/drives", errorOf{501, CodeNotImplemented}},
	}
	for _, tt := range errs {
		if diff := cmp.Diff(tt.want, errOf(reader.do("GET", tt.path, nil))); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
		}
	}
}

func TestSitesAccess(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	none := op.appClient(op.createApp("no roles", graphAppID))
	selectedApp := op.createApp("selected", graphAppID, "Sites.Selected")
	selected := op.appClient(selectedApp)
	hrID := op.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/sites/hr", nil).str("id")

	r := none.do("GET", "/sites/root", nil)
	if diff := cmp.Diff(errorOf{403, CodeAccessDenied}, errOf(r)); diff != "" || r.message() != "Access denied" {
		t.Errorf("no roles: %q (-want +got):\n%s", r.message(), diff)
	}
	if diff := cmp.Diff(errorOf{403, CodeAccessDenied}, errOf(selected.do("GET", "/sites/"+hrID, nil))); diff != "" {
		t.Errorf("Sites.Selected before a grant (-want +got):\n%s", diff)
	}

	op.must(http.StatusCreated, "POST", "/sites/"+hrID+"/permissions", map[string]any{
		"roles": []string{"read"}, "grantedToIdentities": []any{map[string]any{"application": map[string]any{"id": selectedApp.appID, "displayName": "selected"}}}})
	selected.must(http.StatusOK, "GET", "/sites/"+hrID, nil)
	selected.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/sites/hr", nil)
	if diff := cmp.Diff(errorOf{403, CodeAccessDenied}, errOf(selected.do("GET", "/sites/contoso.sharepoint.com:/sites/finance", nil))); diff != "" {
		t.Errorf("Sites.Selected on a site without a grant (-want +got):\n%s", diff)
	}
	for _, q := range []string{"/sites?search=*", "/sites"} {
		if diff := cmp.Diff([]string{"HR"}, siteNames(selected.must(http.StatusOK, "GET", q, nil))); diff != "" {
			t.Errorf("Sites.Selected %s (-want +got):\n%s", q, diff)
		}
	}
	if diff := cmp.Diff(errorOf{403, CodeAccessDenied}, errOf(selected.do("GET", "/sites/"+hrID+"/permissions", nil))); diff != "" {
		t.Errorf("a read grant does not manage permissions (-want +got):\n%s", diff)
	}

	// Delegated: a user token with the Graph scope reads the sites.
	na := op.createApp("delegated sites", graphAppID)
	op.grant(na.spID, graphAppID, "Sites.Read.All User.Read")
	user := op.as(userToken(t, s, na.appID, na.secret, "Sites.Read.All"))
	if diff := cmp.Diff([]string{"Communication site", "Engineering", "Finance", "HR"}, siteNames(user.must(http.StatusOK, "GET", "/sites?search=*", nil))); diff != "" {
		t.Errorf("delegated search (-want +got):\n%s", diff)
	}
	userRead := op.as(userToken(t, s, na.appID, na.secret, "User.Read"))
	if diff := cmp.Diff(errorOf{403, CodeAccessDenied}, errOf(userRead.do("GET", "/sites/root", nil))); diff != "" {
		t.Errorf("delegated without a Sites scope (-want +got):\n%s", diff)
	}
}

func TestSitePermissions(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	app := op.createApp("granted", graphAppID, "Sites.Selected")
	hrID := op.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/sites/hr", nil).str("id")
	base := "/sites/" + hrID + "/permissions"
	identity := []any{map[string]any{"application": map[string]any{"id": app.appID, "displayName": "granted"}}}

	created := op.must(http.StatusCreated, "POST", base, map[string]any{"roles": []string{"write"}, "grantedToIdentities": identity})
	permID := created.str("id")
	wantIdentity := []any{map[string]any{"application": map[string]any{"id": app.appID, "displayName": "granted"}}}
	want := map[string]any{"id": permID, "roles": []any{"write"}, "grantedToIdentities": wantIdentity, "grantedToIdentitiesV2": wantIdentity}
	got := map[string]any{}
	for k := range want {
		got[k] = created.body[k]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST permissions (-want +got):\n%s", diff)
	}

	// The reported quirk: the list leaves roles out; GET by id has them.
	list := op.must(http.StatusOK, "GET", base, nil)
	if len(list.values()) != 1 {
		t.Fatalf("permissions list: %v", list.values())
	}
	item := list.values()[0]
	if _, has := item["roles"]; has || item["id"] != permID || item["grantedToIdentitiesV2"] == nil {
		t.Errorf("list item = %v: want id and grantedToIdentitiesV2 without roles", item)
	}
	if byID := op.must(http.StatusOK, "GET", base+"/"+permID, nil); !cmp.Equal([]any{"write"}, byID.body["roles"]) {
		t.Errorf("GET by id roles = %v, want [write]", byID.body["roles"])
	}

	patched := op.must(http.StatusOK, "PATCH", base+"/"+permID, map[string]any{"roles": []string{"fullcontrol"}})
	if !cmp.Equal([]any{"fullcontrol"}, patched.body["roles"]) {
		t.Errorf("PATCH answered roles %v", patched.body["roles"])
	}
	// The same application again: one permission per app and site.
	again := op.must(http.StatusCreated, "POST", base, map[string]any{"roles": []string{"read", "fullcontrol"}, "grantedToIdentitiesV2": identity})
	if again.str("id") != permID || len(op.must(http.StatusOK, "GET", base, nil).values()) != 1 {
		t.Errorf("second POST for the same app made id %q (first %q)", again.str("id"), permID)
	}

	// With fullcontrol on hr, a Sites.Selected app manages hr's permissions, not finance's.
	self := op.appClient(app)
	self.must(http.StatusOK, "GET", base, nil)
	if diff := cmp.Diff(errorOf{403, CodeAccessDenied}, errOf(self.do("GET", "/sites/contoso.sharepoint.com:/sites/finance:/permissions", nil))); diff != "" {
		t.Errorf("fullcontrol on hr, finance permissions (-want +got):\n%s", diff)
	}
	reader := op.appClient(op.createApp("reader", graphAppID, "Sites.Read.All"))
	errs := []refusal{
		{"Sites.Read.All cannot grant", reader, "POST", base, map[string]any{"roles": []string{"read"}, "grantedToIdentities": identity}, errorOf{403, CodeAccessDenied}},
		{"unknown role", op, "POST", base, map[string]any{"roles": []string{"owner2"}, "grantedToIdentities": identity}, errorOf{400, CodeInvalidRequest}},
		{"no roles", op, "POST", base, map[string]any{"roles": []string{}, "grantedToIdentities": identity}, errorOf{400, CodeInvalidRequest}},
		{"no identity", op, "POST", base, map[string]any{"roles": []string{"read"}}, errorOf{400, CodeInvalidRequest}},
		{"unknown app", op, "POST", base, map[string]any{"roles": []string{"read"}, "grantedToIdentities": []any{map[string]any{"application": map[string]any{"id": newID()}}}}, errorOf{400, CodeInvalidRequest}},
		{"absent permission", op, "GET", base + "/nope", nil, errorOf{404, CodeItemNotFound}},
	}
	checkRefusals(t, errs)

	// Path addressing works for permissions too.
	fin := op.must(http.StatusCreated, "POST", "/sites/contoso.sharepoint.com:/sites/finance:/permissions", map[string]any{"roles": []string{"read"}, "grantedToIdentities": identity})
	op.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/sites/finance:/permissions/"+fin.str("id"), nil)

	op.must(http.StatusNoContent, "DELETE", base+"/"+permID, nil)
	if diff := cmp.Diff(errorOf{404, CodeItemNotFound}, errOf(op.do("GET", base+"/"+permID, nil))); diff != "" {
		t.Errorf("GET after DELETE (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(errorOf{403, CodeAccessDenied}, errOf(self.do("GET", "/sites/"+hrID, nil))); diff != "" {
		t.Errorf("site access after the permission is deleted (-want +got):\n%s", diff)
	}
}
