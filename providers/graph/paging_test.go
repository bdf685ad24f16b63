package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pager serves /v1.0/applications as pages of size items out of total.
func pager(t *testing.T, total, size int, requests *[]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*requests = append(*requests, r.URL.RequestURI())
		if r.Header.Get("ConsistencyLevel") != "eventual" {
			t.Errorf("page %s without the ConsistencyLevel header", r.URL)
		}
		skip, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
		var items []string
		for i := skip; i < min(skip+size, total); i++ {
			items = append(items, fmt.Sprintf(`{"id":"app-%d"}`, i))
		}
		next := ""
		if skip+size < total {
			next = fmt.Sprintf(`,"@odata.nextLink":"https://graph.microsoft.com/v1.0/applications?$top=%d&$skiptoken=%d"`, size, skip+size)
		}
		writeJSON(w, 200, `{"@odata.context":"x","value":[`+strings.Join(items, ",")+`]`+next+`}`)
	})
}

func TestListFollowsNextLinks(t *testing.T) {
	var requests []string
	c, _ := testClient(t, pager(t, 7, 3, &requests))
	type app struct {
		ID string `json:"id"`
	}
	got, err := ListAll[app](context.Background(), c, "/applications?$top=3", ConsistencyEventual())
	if err != nil {
		t.Fatal(err)
	}
	var want []app
	for i := 0; i < 7; i++ {
		want = append(want, app{ID: fmt.Sprintf("app-%d", i)})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	wantReqs := []string{"/v1.0/applications?$top=3", "/v1.0/applications?$top=3&$skiptoken=3", "/v1.0/applications?$top=3&$skiptoken=6"}
	if diff := cmp.Diff(wantReqs, requests); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestListStops(t *testing.T) {
	var requests []string
	c, _ := testClient(t, pager(t, 100, 10, &requests))
	n := 0
	err := c.List(context.Background(), "/applications?$top=10", func(json.RawMessage) error {
		n++
		if n == 15 {
			return ErrStop
		}
		return nil
	}, ConsistencyEventual())
	if err != nil || n != 15 || len(requests) != 2 {
		t.Errorf("stopped with %v after %d items and %d requests; want nil, 15, 2", err, n, len(requests))
	}
	boom := fmt.Errorf("boom")
	err = c.List(context.Background(), "/applications?$top=10", func(json.RawMessage) error { return boom }, ConsistencyEventual())
	if err != boom {
		t.Errorf("callback error = %v; want it returned", err)
	}
}

func TestListDetectsLoops(t *testing.T) {
	c, _ := testClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"value":[{}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/applications?$skiptoken=same"}`)
	}))
	err := c.List(context.Background(), "/applications", func(json.RawMessage) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "links back") {
		t.Errorf("error = %v; want a loop error", err)
	}
}
