package localtenant

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// batchByID indexes a batch answer's responses by id.
func batchByID(t *testing.T, r response) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, v := range r.body["responses"].([]any) {
		m := v.(map[string]any)
		out[m["id"].(string)] = m
	}
	return out
}

func itemStatus(m map[string]any) int {
	f, _ := m["status"].(float64)
	return int(f)
}

func itemCode(m map[string]any) string {
	body, _ := m["body"].(map[string]any)
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestBatch(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	missing := newID()

	reqs := []any{
		map[string]any{"id": "create", "method": "POST", "url": "/applications", "headers": map[string]string{"Content-Type": "application/json"},
			"body": map[string]any{"displayName": "from batch", "uniqueName": "batch.one"}},
		map[string]any{"id": "missing", "method": "GET", "url": "/applications/" + missing},
		map[string]any{"id": "after-create", "method": "GET", "url": "/applications(uniqueName='batch.one')", "dependsOn": []string{"create"}},
		map[string]any{"id": "after-missing", "method": "GET", "url": "/sites/root", "dependsOn": []string{"missing"}},
		map[string]any{"id": "no-route", "method": "GET", "url": "/drives"},
		map[string]any{"id": "relative", "method": "GET", "url": "sites/root"},
		map[string]any{"id": "select", "method": "GET", "url": "/servicePrincipals(appId='" + graphAppID + "')?$select=appId"},
	}
	for i := len(reqs); i < maxBatchRequests; i++ {
		reqs = append(reqs, map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/users?$top=1"})
	}
	r := op.must(http.StatusOK, "POST", "/$batch", map[string]any{"requests": reqs})
	got := batchByID(t, r)
	if len(got) != maxBatchRequests {
		t.Fatalf("%d responses, want %d", len(got), maxBatchRequests)
	}
	want := map[string]errorOf{
		"create":        {201, ""},
		"missing":       {404, CodeNotFound},
		"after-create":  {200, ""},
		"after-missing": {424, "FailedDependency"},
		"no-route":      {501, CodeNotImplemented},
		"relative":      {200, ""},
		"select":        {200, ""},
	}
	for i := 7; i < maxBatchRequests; i++ {
		want[fmt.Sprint(i)] = errorOf{200, ""}
	}
	gotStatus := map[string]errorOf{}
	for id, m := range got {
		gotStatus[id] = errorOf{itemStatus(m), itemCode(m)}
	}
	if diff := cmp.Diff(want, gotStatus); diff != "" {
		t.Errorf("item statuses (-want +got):\n%s", diff)
	}
	created := got["create"]["body"].(map[string]any)
	if got["after-create"]["body"].(map[string]any)["id"] != created["id"] {
		t.Errorf("dependent item did not see the created app")
	}
	if diff := cmp.Diff(map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(appId)/$entity",
		"id": op.spOf(graphAppID), "appId": graphAppID}, got["select"]["body"]); diff != "" {
		t.Errorf("$select inside a batch (-want +got):\n%s", diff)
	}
	if ct := got["create"]["headers"].(map[string]any)["Content-Type"]; ct == nil {
		t.Errorf("item headers lack Content-Type: %v", got["create"]["headers"])
	}

	// Permissions apply per item with the batch's token.
	none := op.appClient(op.createApp("no roles", graphAppID))
	nr := batchByID(t, none.must(http.StatusOK, "POST", "/$batch", map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/applications"},
		map[string]any{"id": "2", "method": "GET", "url": "/sites/root"},
	}}))
	if diff := cmp.Diff(map[string]errorOf{"1": {403, CodeAuthDenied}, "2": {403, CodeAccessDenied}},
		map[string]errorOf{"1": {itemStatus(nr["1"]), itemCode(nr["1"])}, "2": {itemStatus(nr["2"]), itemCode(nr["2"])}}); diff != "" {
		t.Errorf("batch without roles (-want +got):\n%s", diff)
	}

	items := func(n int) []any {
		var out []any
		for i := range n {
			out = append(out, map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/users"})
		}
		return out
	}
	bad := []struct {
		name string
		body any
	}{
		{"21 requests", map[string]any{"requests": items(21)}},
		{"no requests", map[string]any{"requests": []any{}}},
		{"duplicate ids", map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "/users"}, map[string]any{"id": "1", "method": "GET", "url": "/users"}}}},
		{"body without Content-Type", map[string]any{"requests": []any{map[string]any{"id": "1", "method": "POST", "url": "/applications", "body": map[string]any{"displayName": "x"}}}}},
		{"unknown dependency", map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "/users", "dependsOn": []string{"9"}}}}},
		{"dependency cycle", map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "/users", "dependsOn": []string{"2"}},
			map[string]any{"id": "2", "method": "GET", "url": "/users", "dependsOn": []string{"1"}}}}},
	}
	for _, tt := range bad {
		if diff := cmp.Diff(errorOf{400, "BadRequest"}, errOf(op.do("POST", "/$batch", tt.body))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	itemBad := batchByID(t, op.must(http.StatusOK, "POST", "/$batch", map[string]any{"requests": []any{
		map[string]any{"id": "abs", "method": "GET", "url": "https://graph.microsoft.com/v1.0/users"},
		map[string]any{"id": "nested", "method": "POST", "url": "/$batch", "headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{"requests": []any{}}},
	}}))
	for _, id := range []string{"abs", "nested"} {
		if itemStatus(itemBad[id]) != 400 {
			t.Errorf("item %s: status %d, want 400", id, itemStatus(itemBad[id]))
		}
	}
}

func TestBatchThrottledItems(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	const rate = 0.3
	// Find a fault seed where the batch request itself passes and its
	// items are a mix of throttled and answered; the fault RNG draws once
	// for the HTTP request, then once per item in order.
	var seed int64
	var predicted []bool
	for seed = 1; seed < 1000; seed++ {
		fs := newFaultState(Faults{ThrottleRate: rate, Seed: seed})
		if _, hit := fs.draw(); hit {
			continue
		}
		predicted = predicted[:0]
		throttled := 0
		for range maxBatchRequests {
			_, hit := fs.draw()
			predicted = append(predicted, hit)
			if hit {
				throttled++
			}
		}
		if throttled > 0 && throttled < maxBatchRequests {
			break
		}
	}
	if seed == 1000 {
		t.Fatal("no fault seed below 1000 gives a mixed batch")
	}
	var reqs []any
	for i := range maxBatchRequests {
		reqs = append(reqs, map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/sites/root"})
	}
	s.SetFaults(Faults{ThrottleRate: rate, Seed: seed, RetryAfter: 3e9})
	got := batchByID(t, op.must(http.StatusOK, "POST", "/$batch", map[string]any{"requests": reqs}))
	s.SetFaults(Faults{})
	for i, hit := range predicted {
		m := got[fmt.Sprint(i)]
		headers, _ := m["headers"].(map[string]any)
		if hit {
			if itemStatus(m) != 429 || itemCode(m) != CodeTooManyRequests || headers["Retry-After"] != "3" {
				t.Errorf("item %d: want 429 TooManyRequests with Retry-After 3, got %d %s %v", i, itemStatus(m), itemCode(m), headers)
			}
		} else if itemStatus(m) != 200 {
			t.Errorf("item %d: status %d, want 200", i, itemStatus(m))
		}
	}

	// The request log has the batch as one request.
	s.ResetRequests()
	op.must(http.StatusOK, "POST", "/$batch", map[string]any{"requests": reqs[:3]})
	var logged []string
	for _, rec := range s.Requests() {
		logged = append(logged, fmt.Sprintf("%s %s %d", rec.Method, (&url.URL{Path: rec.Path}).String(), rec.Status))
	}
	if diff := cmp.Diff([]string{"POST /v1.0/$batch 200"}, logged); diff != "" {
		t.Errorf("request log (-want +got):\n%s", diff)
	}
}
