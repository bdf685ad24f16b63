package localtenant

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestApplicationLifecycle(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)

	created := op.must(http.StatusCreated, "POST", "/applications", map[string]any{
		"displayName": "Flask demo",
		"uniqueName":  "entraform.demo.flask",
		"tags":        []string{"entraform:managed", "entraform:workspace:demo"},
		"web":         map[string]any{"redirectUris": []string{"http://localhost:5555/"}},
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": sharePointAppID,
			"resourceAccess": []any{map[string]any{"id": "0cea5a30-f6f8-42b5-87a0-84cc26822e02", "type": "Scope"}}}},
	})
	id, appID := created.str("id"), created.str("appId")
	want := map[string]any{
		"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications/$entity",
		"displayName":    "Flask demo",
		"uniqueName":     "entraform.demo.flask",
		"signInAudience": "AzureADMyOrg",
		"tags":           []any{"entraform:managed", "entraform:workspace:demo"},
		"web": map[string]any{"redirectUris": []any{"http://localhost:5555/"}, "homePageUrl": nil, "logoutUrl": nil,
			"redirectUriSettings":   []any{map[string]any{"uri": "http://localhost:5555/", "index": nil}},
			"implicitGrantSettings": map[string]any{"enableIdTokenIssuance": false, "enableAccessTokenIssuance": false}},
		"passwordCredentials": []any{},
		"keyCredentials":      []any{},
		"identifierUris":      []any{},
	}
	got := map[string]any{}
	for k := range want {
		got[k] = created.body[k]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST /applications (-want +got):\n%s", diff)
	}
	if !looksLikeGUID(id) || !looksLikeGUID(appID) || id == appID {
		t.Errorf("id %q appId %q: want two distinct GUIDs", id, appID)
	}

	// The three ways to address it answer the same object.
	for _, path := range []string{"/applications/" + id, "/applications(appId='" + appID + "')", "/applications(uniqueName='entraform.demo.flask')"} {
		r := op.must(http.StatusOK, "GET", path, nil)
		if r.str("id") != id {
			t.Errorf("GET %s: id %q, want %q", path, r.str("id"), id)
		}
	}

	op.must(http.StatusNoContent, "PATCH", "/applications/"+id, map[string]any{
		"displayName": "Flask demo 2", "notes": "managed", "web": map[string]any{"homePageUrl": "https://example.com"}})
	r := op.must(http.StatusOK, "GET", "/applications/"+id, nil)
	gotPatch := map[string]any{"displayName": r.body["displayName"], "notes": r.body["notes"], "web": r.body["web"]}
	wantPatch := map[string]any{"displayName": "Flask demo 2", "notes": "managed", "web": map[string]any{
		"redirectUris": []any{"http://localhost:5555/"}, "homePageUrl": "https://example.com", "logoutUrl": nil,
		"redirectUriSettings":   []any{map[string]any{"uri": "http://localhost:5555/", "index": nil}},
		"implicitGrantSettings": map[string]any{"enableIdTokenIssuance": false, "enableAccessTokenIssuance": false}}}
	if diff := cmp.Diff(wantPatch, gotPatch); diff != "" {
		t.Errorf("after PATCH (web merges, redirectUris kept) (-want +got):\n%s", diff)
	}

	errs := []refusal{
		{"uniqueName is immutable", op, "PATCH", "/applications/" + id, map[string]any{"uniqueName": "other"}, errorOf{400, CodeBadRequest}},
		{"unknown property", op, "PATCH", "/applications/" + id, map[string]any{"colour": "blue"}, errorOf{400, CodeBadRequest}},
		{"read-only property", op, "PATCH", "/applications/" + id, map[string]any{"appId": "x"}, errorOf{400, CodeBadRequest}},
		{"bad signInAudience", op, "PATCH", "/applications/" + id, map[string]any{"signInAudience": "Everyone"}, errorOf{400, CodeBadRequest}},
		{"http redirect off loopback", op, "PATCH", "/applications/" + id, map[string]any{"web": map[string]any{"redirectUris": []string{"http://example.com/"}}}, errorOf{400, CodeBadRequest}},
		{"create without displayName", op, "POST", "/applications", map[string]any{"tags": []string{}}, errorOf{400, CodeBadRequest}},
		{"duplicate uniqueName", op, "POST", "/applications", map[string]any{"displayName": "x", "uniqueName": "entraform.demo.flask"}, errorOf{400, CodeConflict}},
		{"absent uniqueName", op, "GET", "/applications(uniqueName='nope')", nil, errorOf{404, CodeNotFound}},
		{"absent id", op, "GET", "/applications/" + newID(), nil, errorOf{404, CodeNotFound}},
		{"bad alternate key", op, "GET", "/applications(colour='x')", nil, errorOf{400, CodeBadRequest}},
	}
	checkRefusals(t, errs)

	op.must(http.StatusNoContent, "DELETE", "/applications/"+id, nil)
	r = op.do("GET", "/applications/"+id, nil)
	if diff := cmp.Diff(errorOf{404, CodeNotFound}, errOf(r)); diff != "" {
		t.Errorf("GET after DELETE (-want +got):\n%s", diff)
	}
	if want := "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present."; r.message() != want {
		t.Errorf("404 message = %q, want %q", r.message(), want)
	}
}

func TestApplicationUpsert(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	path := "/applications(uniqueName='entraform.ws.reader')"
	body := map[string]any{"displayName": "Reader", "tags": []string{"entraform:managed"}}

	r := op.do("PATCH", path, body)
	if diff := cmp.Diff(errorOf{404, CodeNotFound}, errOf(r)); diff != "" {
		t.Errorf("upsert without Prefer (-want +got):\n%s", diff)
	}
	r = op.do("PATCH", path, map[string]any{"tags": []string{"x"}}, "Prefer: create-if-missing")
	if diff := cmp.Diff(errorOf{400, CodeBadRequest}, errOf(r)); diff != "" {
		t.Errorf("upsert create without displayName (-want +got):\n%s", diff)
	}

	r = op.must(http.StatusCreated, "PATCH", path, body, "Prefer: create-if-missing")
	got := map[string]any{"uniqueName": r.body["uniqueName"], "tags": r.body["tags"], "displayName": r.body["displayName"]}
	want := map[string]any{"uniqueName": "entraform.ws.reader", "tags": []any{"entraform:managed"}, "displayName": "Reader"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("upsert create (-want +got):\n%s", diff)
	}
	id := r.str("id")

	op.must(http.StatusNoContent, "PATCH", path, map[string]any{"displayName": "Reader 2", "tags": []string{"entraform:managed", "v2"}}, "Prefer: create-if-missing")
	r = op.must(http.StatusOK, "GET", "/applications/"+id, nil)
	if diff := cmp.Diff([]any{"entraform:managed", "v2"}, r.body["tags"]); diff != "" || r.str("displayName") != "Reader 2" {
		t.Errorf("upsert update: displayName %q, tags (-want +got):\n%s", r.str("displayName"), diff)
	}
	list := op.must(http.StatusOK, "GET", "/applications?$filter=uniqueName eq 'entraform.ws.reader'", nil)
	if n := len(list.values()); n != 1 {
		t.Errorf("applications with the uniqueName after two upserts: %d, want 1", n)
	}
}

func TestApplicationPermissions(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	target := op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "target"}).str("id")

	none := op.appClient(op.createApp("no roles", graphAppID))
	reader := op.appClient(op.createApp("reader", graphAppID, "Application.Read.All"))
	owner := op.appClient(op.createApp("owner", graphAppID, "Application.ReadWrite.OwnedBy"))
	anon := op.as("")

	tests := []struct {
		name   string
		c      *client
		method string
		path   string
		body   any
		want   int
		code   string
	}{
		{"no token", anon, "GET", "/applications", nil, 401, CodeInvalidToken},
		{"no roles: list", none, "GET", "/applications", nil, 403, CodeAuthDenied},
		{"no roles: get", none, "GET", "/applications/" + target, nil, 403, CodeAuthDenied},
		{"no roles: create", none, "POST", "/applications", map[string]any{"displayName": "x"}, 403, CodeAuthDenied},
		{"reader: list", reader, "GET", "/applications", nil, 200, ""},
		{"reader: get", reader, "GET", "/applications/" + target, nil, 200, ""},
		{"reader: patch", reader, "PATCH", "/applications/" + target, map[string]any{"notes": "x"}, 403, CodeAuthDenied},
		{"reader: delete", reader, "DELETE", "/applications/" + target, nil, 403, CodeAuthDenied},
		{"reader: addPassword", reader, "POST", "/applications/" + target + "/addPassword", map[string]any{}, 403, CodeAuthDenied},
		{"owner: patch not owned", owner, "PATCH", "/applications/" + target, map[string]any{"notes": "x"}, 403, CodeAuthDenied},
		{"owner: get not owned", owner, "GET", "/applications/" + target, nil, 403, CodeAuthDenied},
	}
	for _, tt := range tests {
		r := tt.c.do(tt.method, tt.path, tt.body)
		if diff := cmp.Diff(errorOf{tt.want, tt.code}, errOf(r)); diff != "" {
			t.Errorf("%s: %s %s (-want +got):\n%s", tt.name, tt.method, tt.path, diff)
		}
		if tt.want == 403 && r.message() != "Insufficient privileges to complete the operation." {
			t.Errorf("%s: message %q", tt.name, r.message())
		}
	}

	// OwnedBy: what it creates it owns, and only that.
	mine := owner.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "mine"}).str("id")
	owner.must(http.StatusNoContent, "PATCH", "/applications/"+mine, map[string]any{"notes": "mine"})
	owner.must(http.StatusOK, "POST", "/applications/"+mine+"/addPassword", map[string]any{})
	var names []string
	for _, v := range owner.must(http.StatusOK, "GET", "/applications", nil).values() {
		names = append(names, v["displayName"].(string))
	}
	if diff := cmp.Diff([]string{"mine"}, names); diff != "" {
		t.Errorf("OwnedBy list (-want +got):\n%s", diff)
	}
	owner.must(http.StatusNoContent, "DELETE", "/applications/"+mine, nil)
}

func TestApplicationReplicationDelay(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	s.SetFaults(Faults{ReplicationDelay: 5 * time.Second})

	r := op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "fresh", "uniqueName": "fresh"})
	id, appID := r.str("id"), r.str("appId")

	steps := []struct {
		name   string
		method string
		path   string
		body   any
		want   errorOf
	}{
		{"GET by id", "GET", "/applications/" + id, nil, errorOf{404, CodeNotFound}},
		{"GET by appId", "GET", "/applications(appId='" + appID + "')", nil, errorOf{404, CodeNotFound}},
		{"service principal", "POST", "/servicePrincipals", map[string]any{"appId": appID}, errorOf{400, CodeBadRequest}},
		{"PATCH (primary)", "PATCH", "/applications/" + id, map[string]any{"notes": "x"}, errorOf{204, ""}},
		{"upsert sees it (primary)", "PATCH", "/applications(uniqueName='fresh')", map[string]any{"displayName": "fresh"}, errorOf{204, ""}},
	}
	for _, st := range steps {
		got := op.do(st.method, st.path, st.body, "Prefer: create-if-missing")
		if diff := cmp.Diff(st.want, errOf(got)); diff != "" {
			t.Errorf("during delay, %s (-want +got):\n%s", st.name, diff)
		}
		if st.name == "service principal" {
			if want := "The appId '" + appID + "' of the service principal does not reference a valid application object."; got.message() != want {
				t.Errorf("message = %q, want %q", got.message(), want)
			}
		}
	}
	list := op.must(http.StatusOK, "GET", "/applications?$filter=appId eq '"+appID+"'", nil)
	if len(list.values()) != 0 {
		t.Errorf("list during delay shows the new app")
	}

	s.AdvanceClock(6 * time.Second)
	op.must(http.StatusOK, "GET", "/applications/"+id, nil)
	op.must(http.StatusCreated, "POST", "/servicePrincipals", map[string]any{"appId": appID})
	if n := len(op.must(http.StatusOK, "GET", "/applications?$filter=appId eq '"+appID+"'", nil).values()); n != 1 {
		t.Errorf("list after delay: %d apps, want 1", n)
	}
}

func TestApplicationFilterAndSelect(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	apps := map[string]string{} // displayName -> appId
	for _, a := range []struct {
		name, unique string
		tags         []string
	}{
		{"alpha one", "u.alpha", []string{"entraform:managed", "entraform:workspace:a"}},
		{"alpha two", "u.alpha2", []string{"entraform:managed", "entraform:workspace:b"}},
		{"beta", "", []string{"other"}},
	} {
		body := map[string]any{"displayName": a.name, "tags": a.tags}
		if a.unique != "" {
			body["uniqueName"] = a.unique
		}
		apps[a.name] = op.must(http.StatusCreated, "POST", "/applications", body).str("appId")
	}
	tests := []struct {
		filter string
		want   []string
	}{
		{"displayName eq 'beta'", []string{"beta"}},
		{"displayName eq 'BETA'", []string{"beta"}},
		{"appId eq '" + apps["alpha two"] + "'", []string{"alpha two"}},
		{"uniqueName eq 'u.alpha'", []string{"alpha one"}},
		{"tags/any(t:t eq 'entraform:managed')", []string{"alpha one", "alpha two"}},
		{"tags/any(t:t eq 'entraform:managed') and tags/any(t:t eq 'entraform:workspace:b')", []string{"alpha two"}},
		{"startswith(displayName,'alpha')", []string{"alpha one", "alpha two"}},
		{"displayName eq 'beta' or uniqueName eq 'u.alpha2'", []string{"alpha two", "beta"}},
		{"appId in ('" + apps["alpha one"] + "', '" + apps["beta"] + "')", []string{"alpha one", "beta"}},
		{"(displayName eq 'beta')", []string{"beta"}},
	}
	for _, tt := range tests {
		r := op.must(http.StatusOK, "GET", "/applications?$filter="+url.QueryEscape(tt.filter), nil)
		var got []string
		for _, v := range r.values() {
			if v["displayName"] != "entraform operator" {
				got = append(got, v["displayName"].(string))
			}
		}
		sort.Strings(got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("$filter=%s (-want +got):\n%s", tt.filter, diff)
		}
	}

	bad := []struct {
		query   string
		headers []string
		want    errorOf
	}{
		{"$filter=" + url.QueryEscape("displayName eq"), nil, errorOf{400, CodeUnsupportedQuery}},
		{"$filter=" + url.QueryEscape("displayName like 'a'"), nil, errorOf{400, CodeUnsupportedQuery}},
		{"$filter=" + url.QueryEscape("colour eq 'a'"), nil, errorOf{400, CodeUnsupportedQuery}},
		{"$filter=" + url.QueryEscape("displayName ne 'a'"), nil, errorOf{400, CodeUnsupportedQuery}},
		{"$filter=" + url.QueryEscape("displayName ne 'beta'"), []string{"ConsistencyLevel: eventual"}, errorOf{400, CodeUnsupportedQuery}},
		{"$count=true&$filter=" + url.QueryEscape("displayName ne 'beta'"), []string{"ConsistencyLevel: eventual"}, errorOf{200, ""}},
		{"$top=1000", nil, errorOf{400, CodeBadRequest}},
		{"$top=0", nil, errorOf{400, CodeBadRequest}},
		{"$count=true", nil, errorOf{400, CodeBadRequest}},
		{"$orderby=displayName", nil, errorOf{400, CodeUnsupportedQuery}},
		{"$skiptoken=garbage", nil, errorOf{400, CodeBadRequest}},
	}
	for _, tt := range bad {
		r := op.do("GET", "/applications?"+tt.query, nil, tt.headers...)
		if diff := cmp.Diff(tt.want, errOf(r)); diff != "" {
			t.Errorf("GET /applications?%s (-want +got):\n%s", tt.query, diff)
		}
	}

	// $select on a list and on one entity: only the selected members and id.
	r := op.must(http.StatusOK, "GET", "/applications?$select=displayName,appId&$filter="+url.QueryEscape("displayName eq 'beta'"), nil)
	if want := "https://graph.microsoft.com/v1.0/$metadata#applications(displayName,appId)"; r.str("@odata.context") != want {
		t.Errorf("@odata.context = %q, want %q", r.str("@odata.context"), want)
	}
	if diff := cmp.Diff([]map[string]any{{"id": r.values()[0]["id"], "displayName": "beta", "appId": apps["beta"]}}, r.values()); diff != "" {
		t.Errorf("$select list (-want +got):\n%s", diff)
	}
	one := op.must(http.StatusOK, "GET", "/applications(appId='"+apps["beta"]+"')?$select=tags", nil)
	var keys []string
	for k := range one.body {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if diff := cmp.Diff([]string{"@odata.context", "id", "tags"}, keys); diff != "" {
		t.Errorf("$select entity keys (-want +got):\n%s", diff)
	}
	count := op.must(http.StatusOK, "GET", "/applications/$count", nil, "ConsistencyLevel: eventual")
	if strings.TrimSpace(string(count.raw)) != "4" {
		t.Errorf("/applications/$count = %q, want 4 (three apps and the operator)", count.raw)
	}
	if r := op.do("GET", "/applications/$count", nil); r.status != 400 || r.code() != CodeUnsupportedQuery {
		t.Errorf("/$count without ConsistencyLevel: %d %s", r.status, r.code())
	}
}

func TestApplicationPaging(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	want := map[string]bool{}
	for i := range 250 {
		r := op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "bulk", "tags": []string{"bulk", "n" + itoa(i)}})
		want[r.str("id")] = true
	}
	next := graphV1 + "/applications?$top=100&$filter=" + url.QueryEscape("tags/any(t:t eq 'bulk')") + "&$select=id,tags"
	got := map[string]bool{}
	var sizes []int
	for next != "" {
		r := op.must(http.StatusOK, "GET", next, nil)
		sizes = append(sizes, len(r.values()))
		for _, v := range r.values() {
			if got[v["id"].(string)] {
				t.Errorf("id %s on two pages", v["id"])
			}
			got[v["id"].(string)] = true
		}
		next = r.str("@odata.nextLink")
		if next != "" && !strings.HasPrefix(next, "https://graph.microsoft.com/v1.0/applications?") {
			t.Fatalf("nextLink %q is not an absolute Graph URL", next)
		}
		if len(sizes) > 5 {
			t.Fatal("paging does not end")
		}
	}
	if diff := cmp.Diff([]int{100, 100, 50}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids over all pages (-want +got):\n%s", diff)
	}
	r := op.must(http.StatusOK, "GET", "/applications?$count=true&$top=5&$filter="+url.QueryEscape("tags/any(t:t eq 'bulk')"), nil, "ConsistencyLevel: eventual")
	if n, _ := r.body["@odata.count"].(float64); n != 250 || len(r.values()) != 5 {
		t.Errorf("$count=true: @odata.count %v with %d values, want 250 with 5", r.body["@odata.count"], len(r.values()))
	}
	if n := len(op.must(http.StatusOK, "GET", "/applications", nil).values()); n != defaultPageSize {
		t.Errorf("default page: %d values, want %d", n, defaultPageSize)
	}
}
