package graph

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBatchRetriesServerErrorItems: a $batch item answered 500 or 502 is
// sent again like a request of its own would be, and a 504 only when the
// item is safe to repeat. The fault suite (internal/reliability) found a
// plan failing on one $batch item answered 500.
func TestBatchRetriesServerErrorItems(t *testing.T) {
	first := map[string]int{"get500": 500, "get502": 502, "get504": 504, "post500": 500, "post504": 504}
	srv := &batchServer{calls: map[string]int{}, answer: func(call int, r wireBatchRequest) wireBatchResponse {
		if status, ok := first[r.ID]; ok && call == 1 {
			return wireBatchResponse{Status: status, Body: json.RawMessage(odataError("generalException", "An unexpected error occurred."))}
		}
		return okEcho(call, r)
	}}
	c, _ := testClient(t, srv)
	got, err := c.Batch(context.Background(), []BatchRequest{
		{ID: "get500", URL: "/a"},
		{ID: "get502", URL: "/b"},
		{ID: "get504", URL: "/c"},
		{ID: "post500", Method: "POST", URL: "/d", Body: map[string]string{}},
		{ID: "post504", Method: "POST", URL: "/e", Body: map[string]string{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	gotStatus := map[string]int{}
	for _, r := range got {
		gotStatus[r.ID] = r.Status
	}
	want := map[string]int{"get500": 200, "get502": 200, "get504": 200, "post500": 200, "post504": 504}
	if diff := cmp.Diff(want, gotStatus); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"get500": 2, "get502": 2, "get504": 2, "post500": 2, "post504": 1}, srv.calls); diff != "" {
		t.Errorf("times each item was sent (-want +got; a POST answered 504 may have been done):\n%s", diff)
	}
}
