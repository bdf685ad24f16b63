package localtenant

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FailMatching breaks only the requests it names, on their own or inside
// a $batch, and only as many times as asked.
func TestFailMatching(t *testing.T) {
	s := start(t, Options{})
	s.FailMatching("GET", "/_test/ping", 1, http.StatusBadRequest)
	s.FailMatching("GET", "/sites/root", 1, http.StatusForbidden)
	tok := operatorToken(t, s, "https://graph.microsoft.com")

	var got []int
	for range 2 {
		status, _, _ := getJSON(t, s, pingURL, "")
		got = append(got, status)
	}
	if diff := cmp.Diff([]int{400, 200}, got); diff != "" {
		t.Errorf("ping statuses (-want +got):\n%s", diff)
	}

	// In a batch the rule hits its item only.
	item := func(id, url string) batchItem { return batchItem{ID: id, Method: "GET", URL: url} }
	resp := s.runBatchItem(httptestRequest(t, tok), item("1", "/sites/root?$select=id"))
	if resp.Status != http.StatusForbidden {
		t.Errorf("first /sites/root item: status %d, want 403", resp.Status)
	}
	resp = s.runBatchItem(httptestRequest(t, tok), item("2", "/sites/root"))
	if resp.Status != http.StatusOK {
		t.Errorf("second /sites/root item: status %d, want 200 (the rule is used up)", resp.Status)
	}
}

// httptestRequest is an outer $batch request carrying the token.
func httptestRequest(t *testing.T, token string) *http.Request {
	t.Helper()
	r, err := http.NewRequest("POST", "https://graph.microsoft.com/v1.0/$batch", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Host = "graph.microsoft.com"
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}
