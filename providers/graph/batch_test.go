package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// batchServer answers $batch requests in reverse order; answer decides
// each item's status, headers and body.
type batchServer struct {
	mu      sync.Mutex
	batches [][]wireBatchRequest
	answer  func(call int, r wireBatchRequest) wireBatchResponse
	calls   map[string]int // per item id
}

func (s *batchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1.0/$batch" || r.Method != http.MethodPost {
		writeJSON(w, 404, odataError("NotFound", r.URL.Path))
		return
	}
	var in struct {
		Requests []wireBatchRequest `json:"requests"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Requests) > MaxBatchSize {
		writeJSON(w, 400, odataError("BadRequest", fmt.Sprintf("bad batch: %v, %d requests", err, len(in.Requests))))
		return
	}
	s.mu.Lock()
	s.batches = append(s.batches, in.Requests)
	var out struct {
		Responses []wireBatchResponse `json:"responses"`
	}
	for i := len(in.Requests) - 1; i >= 0; i-- {
		req := in.Requests[i]
		s.calls[req.ID]++
		resp := s.answer(s.calls[req.ID], req)
		resp.ID = req.ID
		out.Responses = append(out.Responses, resp)
	}
	s.mu.Unlock()
	b, _ := json.Marshal(out)
	writeJSON(w, 200, string(b))
}

func okEcho(_ int, r wireBatchRequest) wireBatchResponse {
	return wireBatchResponse{Status: 200, Body: json.RawMessage(fmt.Sprintf(`{"url":%q}`, r.URL))}
}

func TestBatchSplitsAndMatches(t *testing.T) {
	srv := &batchServer{answer: okEcho, calls: map[string]int{}}
	c, _ := testClient(t, srv, func(o *Options) { o.BatchConcurrency = 1 })
	var reqs []BatchRequest
	for i := 0; i < 45; i++ {
		reqs = append(reqs, BatchRequest{URL: fmt.Sprintf("applications/app-%d", i)})
	}
	got, err := c.Batch(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, b := range srv.batches {
		sizes = append(sizes, len(b))
	}
	if diff := cmp.Diff([]int{20, 20, 5}, sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
	for i, r := range got {
		var body struct{ URL string }
		if err := r.Decode(&body); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("/applications/app-%d", i); body.URL != want || r.ID != fmt.Sprint(i) || r.Status != 200 {
			t.Errorf("response %d = %+v (%s); want the answer to %s", i, r, body.URL, want)
		}
	}
	if srv.batches[0][0].Method != "GET" {
		t.Errorf("default method %q; want GET", srv.batches[0][0].Method)
	}
}

func TestBatchKeepsDependenciesTogether(t *testing.T) {
	srv := &batchServer{answer: okEcho, calls: map[string]int{}}
	c, _ := testClient(t, srv, func(o *Options) { o.BatchConcurrency = 1 })
	var reqs []BatchRequest
	for i := 0; i < 25; i++ {
		reqs = append(reqs, BatchRequest{ID: fmt.Sprintf("r%d", i), Method: "GET", URL: fmt.Sprintf("/x/%d", i)})
	}
	// r18 -> r19 -> r20 -> r21: a chain across the first boundary of 20.
	reqs[19].DependsOn = []string{"r18"}
	reqs[20].DependsOn = []string{"r19"}
	reqs[21].DependsOn = []string{"r20"}
	if _, err := c.Batch(context.Background(), reqs); err != nil {
		t.Fatal(err)
	}
	group := map[string]int{}
	for g, b := range srv.batches {
		for _, r := range b {
			group[r.ID] = g
		}
		for _, r := range b {
			for _, d := range r.DependsOn {
				if _, ok := group[d]; !ok || group[d] != g {
					t.Errorf("%s depends on %s in another batch", r.ID, d)
				}
			}
		}
	}
	if group["r18"] != group["r21"] {
		t.Errorf("chain split over batches: %v", group)
	}
	if len(srv.batches[0]) > MaxBatchSize || len(srv.batches) != 2 {
		t.Errorf("batches of %d and %d", len(srv.batches[0]), len(srv.batches[1]))
	}
}

func TestBatchRetriesThrottledItems(t *testing.T) {
	srv := &batchServer{calls: map[string]int{}, answer: func(call int, r wireBatchRequest) wireBatchResponse {
		switch {
		case r.ID == "1" && call == 1:
			return wireBatchResponse{Status: 429, Headers: map[string]string{"Retry-After": "3"}, Body: json.RawMessage(odataError("TooManyRequests", "slow down"))}
		case r.ID == "2" && call <= 2:
			return wireBatchResponse{Status: 503, Headers: map[string]string{"retry-after": "5"}, Body: json.RawMessage(odataError("ServiceUnavailable", "busy"))}
		case r.ID == "3" && call == 1:
			return wireBatchResponse{Status: 424, Body: json.RawMessage(odataError("FailedDependency", "dependency failed"))}
		case r.ID == "4":
			return wireBatchResponse{Status: 404, Body: json.RawMessage(odataError("Request_ResourceNotFound", "gone"))}
		}
		return okEcho(call, r)
	}}
	c, clock := testClient(t, srv)
	reqs := []BatchRequest{
		{URL: "/a/0"},
		{URL: "/a/1"},
		{URL: "/a/2", Method: "PATCH", Body: map[string]string{"displayName": "x"}},
		{URL: "/a/3", DependsOn: []string{"2"}},
		{URL: "/a/4"},
	}
	got, err := c.Batch(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, r := range got {
		statuses = append(statuses, r.Status)
	}
	if diff := cmp.Diff([]int{200, 200, 200, 200, 404}, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if !IsNotFound(got[4].Err) || got[4].Err.(*Error).URL != "https://graph.microsoft.com/v1.0/a/4" {
		t.Errorf("item 4 error = %v", got[4].Err)
	}
	var rounds [][]string
	for _, b := range srv.batches {
		var ids []string
		for _, r := range b {
			ids = append(ids, r.ID)
		}
		sort.Strings(ids)
		rounds = append(rounds, ids)
	}
	want := [][]string{{"0", "1", "2", "3", "4"}, {"1", "2", "3"}, {"2"}}
	if diff := cmp.Diff(want, rounds); diff != "" {
		t.Errorf("rounds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{5 * time.Second, 5 * time.Second}, clock.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got; the longest Retry-After of a round):\n%s", diff)
	}
	if b := srv.batches[0][2]; b.Headers["Content-Type"] != "application/json" || string(b.Body) != `{"displayName":"x"}` {
		t.Errorf("item with a body sent as %+v", b)
	}
	if deps := srv.batches[1]; !hasDep(deps, "3", "2") {
		t.Errorf("retried dependant lost its dependsOn: %+v", deps)
	}
}

func hasDep(reqs []wireBatchRequest, id, dep string) bool {
	for _, r := range reqs {
		if r.ID == id {
			return len(r.DependsOn) == 1 && r.DependsOn[0] == dep
		}
	}
	return false
}

func TestBatchReplicationRetryPerItem(t *testing.T) {
	srv := &batchServer{calls: map[string]int{}, answer: func(call int, r wireBatchRequest) wireBatchResponse {
		if call <= 2 {
			return wireBatchResponse{Status: 404, Body: json.RawMessage(odataError("Request_ResourceNotFound", "not yet"))}
		}
		return okEcho(call, r)
	}}
	c, _ := testClient(t, srv)
	got, err := c.Batch(context.Background(), []BatchRequest{
		{ID: "new", URL: "/servicePrincipals/new", RetryReplication: time.Minute},
		{ID: "old", URL: "/servicePrincipals/old"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Status != 200 || got[1].Status != 404 {
		t.Errorf("statuses %d, %d; want 200 for the opted-in item, 404 for the other", got[0].Status, got[1].Status)
	}
	if srv.calls["new"] != 3 || srv.calls["old"] != 1 {
		t.Errorf("calls %v", srv.calls)
	}
}

func TestBatchThrottledPastMaxRetries(t *testing.T) {
	srv := &batchServer{calls: map[string]int{}, answer: func(int, wireBatchRequest) wireBatchResponse {
		return wireBatchResponse{Status: 429, Headers: map[string]string{"Retry-After": "1"}, Body: json.RawMessage(odataError("TooManyRequests", "no"))}
	}}
	c, _ := testClient(t, srv, func(o *Options) { o.MaxRetries = 2 })
	got, err := c.Batch(context.Background(), []BatchRequest{{URL: "/a"}})
	if err != nil {
		t.Fatal(err)
	}
	if !IsThrottled(got[0].Err) || srv.calls["0"] != 3 {
		t.Errorf("item = %+v after %d calls; want 429 after 3", got[0], srv.calls["0"])
	}
}

func TestBatchRejectsBadInput(t *testing.T) {
	c, _ := testClient(t, &batchServer{answer: okEcho, calls: map[string]int{}})
	tests := []struct {
		reqs []BatchRequest
		want string
	}{
		{[]BatchRequest{{ID: "a", URL: "/x"}, {ID: "a", URL: "/y"}}, `duplicate request id "a"`},
		{[]BatchRequest{{ID: "a", URL: "/x", DependsOn: []string{"b"}}}, `depends on unknown request "b"`},
	}
	chain := make([]BatchRequest, 21)
	for i := range chain {
		chain[i] = BatchRequest{ID: fmt.Sprint(i), URL: "/x"}
		if i > 0 {
			chain[i].DependsOn = []string{fmt.Sprint(i - 1)}
		}
	}
	tests = append(tests, struct {
		reqs []BatchRequest
		want string
	}{chain, "21 requests depend on each other"})
	for _, tt := range tests {
		_, err := c.Batch(context.Background(), tt.reqs)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error = %v; want %q", err, tt.want)
		}
	}
}
