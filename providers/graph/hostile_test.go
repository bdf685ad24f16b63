package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
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

// hostileHandler answers every request with the same status and body.
func hostileHandler(status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

// TestHostileAnswers: answers that are not what Graph sends (bad JSON,
// wrong types, foreign next links, odd error bodies) end in errors that
// say what was wrong, never in a panic or a silent success.
func TestHostileAnswers(t *testing.T) {
	type app struct {
		ID   string `json:"id"`
		Tags []string
	}
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		call   func(c *Client) error
		want   string // substring of the error
	}{
		{"bad JSON", 200, nil, `{"id": "a", `, func(c *Client) error { var a app; return c.Get(context.Background(), "/applications/a", &a) },
			"GET https://graph.microsoft.com/v1.0/applications/a: decoding the answer: unexpected end of JSON input"},
		{"HTML instead of JSON", 200, map[string]string{"Content-Type": "text/html"}, "<html><body>Sign in</body></html>",
			func(c *Client) error { var a app; return c.Get(context.Background(), "/applications/a", &a) }, "decoding the answer: invalid character '<'"},
		{"wrong type of a field", 200, nil, `{"id": 42}`, func(c *Client) error { var a app; return c.Get(context.Background(), "/applications/a", &a) },
			"decoding the answer: json: cannot unmarshal number into Go struct field app.id of type string"},
		{"value is not a list", 200, nil, `{"value": {"id": "a"}}`, func(c *Client) error {
			_, err := ListAll[app](context.Background(), c, "/applications")
			return err
		}, "decoding the answer: json: cannot unmarshal object"},
		{"item of the wrong type", 200, nil, `{"value": [{"id": "a"}, "b"]}`, func(c *Client) error {
			_, err := ListAll[app](context.Background(), c, "/applications")
			return err
		}, "listing /applications: decoding item 2: json: cannot unmarshal string"},
		{"next link to a foreign host", 200, nil, `{"value": [], "@odata.nextLink": "https://collector.example.org/steal"}`, func(c *Client) error {
			_, err := ListAll[app](context.Background(), c, "/applications")
			return err
		}, "refusing to call https://collector.example.org: not a Graph or SharePoint host"},
		{"next link over plain http", 200, nil, `{"value": [], "@odata.nextLink": "http://graph.microsoft.com/v1.0/applications?$skiptoken=x"}`, func(c *Client) error {
			_, err := ListAll[app](context.Background(), c, "/applications")
			return err
		}, "refusing to call http://graph.microsoft.com"},
		{"next link is a number", 200, nil, `{"value": [], "@odata.nextLink": 7}`, func(c *Client) error {
			_, err := ListAll[app](context.Background(), c, "/applications")
			return err
		}, "cannot unmarshal number into Go struct field page.@odata.nextLink of type string"},
		{"error body not JSON", 400, nil, "<html>Bad Request</html>", func(c *Client) error { return c.Get(context.Background(), "/applications/a", nil) },
			"GET https://graph.microsoft.com/v1.0/applications/a: 400 BadRequest: <html>Bad Request</html>"},
		{"error body of the wrong shape", 403, nil, `{"error": {"code": 7, "message": ["x"]}}`, func(c *Client) error { return c.Get(context.Background(), "/applications/a", nil) },
			"GET https://graph.microsoft.com/v1.0/applications/a: 403 Forbidden"},
		{"huge error body", 400, nil, strings.Repeat("x", 5<<20), func(c *Client) error { return c.Get(context.Background(), "/applications/a", nil) },
			"400 BadRequest: " + strings.Repeat("x", 300) + "..."},
		{"batch answer not JSON", 200, nil, "not json", func(c *Client) error {
			_, err := c.Batch(context.Background(), []BatchRequest{{URL: "/a"}})
			return err
		}, "batch of 1 requests: POST https://graph.microsoft.com/v1.0/$batch: decoding the answer"},
		{"batch answer without the item", 200, nil, `{"responses": [{"id": "other", "status": 200}]}`, func(c *Client) error {
			_, err := c.Batch(context.Background(), []BatchRequest{{URL: "/a"}})
			return err
		}, `batch: no response for request "0" (GET /a)`},
		{"batch responses of the wrong type", 200, nil, `{"responses": {"id": "0"}}`, func(c *Client) error {
			_, err := c.Batch(context.Background(), []BatchRequest{{URL: "/a"}})
			return err
		}, "decoding the answer: json: cannot unmarshal object"},
		{"batch item without a status", 200, nil, `{"responses": [{"id": "0", "body": {"id": "a"}}]}`, func(c *Client) error {
			resps, err := c.Batch(context.Background(), []BatchRequest{{URL: "/a"}})
			if err != nil {
				return err
			}
			var a app
			return resps[0].Decode(&a)
		}, `batch: the response for request "0" (GET /a) has no valid status (0)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := testClient(t, hostileHandler(tt.status, tt.header, tt.body))
			err := tt.call(c)
			if err == nil {
				t.Fatalf("no error; want one containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n  %s\nwant it to contain:\n  %s", err, tt.want)
			}
		})
	}
}

// TestHugeAnswers: an answer past the size bound is refused after reading
// that much (the default bound is 256 MiB; here 1 MiB), a listing that
// never ends stops at the page bound, and a large but finite page (100,000
// items) is read whole.
func TestHugeAnswers(t *testing.T) {
	chunk := []byte(`{"value":[` + strings.Repeat(`{"id":"aaaaaaaa"},`, 3000))
	endless := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for sent := 0; sent < 64<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c, _ := testClient(t, endless)
	c.cfg.maxAnswer = 1 << 20
	_, err := ListAll[struct{ ID string }](context.Background(), c, "/applications")
	if err == nil || !strings.Contains(err.Error(), "GET https://graph.microsoft.com/v1.0/applications: the answer is larger than 1 MiB; refusing to read more") {
		t.Errorf("endless answer: %v", err)
	}

	var pages int
	var mu sync.Mutex
	more := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		pages++
		n := pages
		mu.Unlock()
		writeJSON(w, 200, fmt.Sprintf(`{"value":[{"id":"%d"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/applications?$skiptoken=%d"}`, n, n))
	})
	c, _ = testClient(t, more)
	c.cfg.maxPages = 50
	items, err := ListAll[struct{ ID string }](context.Background(), c, "/applications")
	if err == nil || err.Error() != "listing /applications: more than 50 pages; the service keeps sending next links" {
		t.Errorf("endless pages: %v", err)
	}
	if pages != 50 || len(items) != 50 {
		t.Errorf("read %d pages and %d items before stopping; want 50 and 50", pages, len(items))
	}

	big := `{"value":[` + strings.TrimSuffix(strings.Repeat(`{"id":"x"},`, 100000), ",") + `]}`
	c, _ = testClient(t, hostileHandler(200, nil, big))
	items, err = ListAll[struct{ ID string }](context.Background(), c, "/applications")
	if err != nil || len(items) != 100000 {
		t.Errorf("a page of 100,000 items: %d items, %v", len(items), err)
	}
}
