package graph

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// answerTransport answers every request with one status, header and body.
type answerTransport struct {
	status     int
	retryAfter string
	body       []byte
}

func (a answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {"application/json"}}
	if a.retryAfter != "" {
		h.Set("Retry-After", a.retryAfter)
	}
	return &http.Response{StatusCode: a.status, Header: h, Body: io.NopCloser(bytes.NewReader(a.body)), Request: r}, nil
}

// FuzzAnswer gives the client arbitrary answers (status, Retry-After and
// body) to a read, a listing and a $batch. Whatever they are, the client
// returns a result or an error with a message, never panics, and never
// waits past its retry bound.
//
//	go test ./providers/graph -run '^$' -fuzz FuzzAnswer -fuzztime 2m
func FuzzAnswer(f *testing.F) {
	f.Add(uint16(200), "", []byte(`{"value":[{"id":"a"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/x?$skiptoken=1"}`))
	f.Add(uint16(200), "", []byte(`{"responses":[{"id":"0","status":200,"body":{"id":"a"}},{"id":"1","status":429,"headers":{"Retry-After":"3"}}]}`))
	f.Add(uint16(429), "120", []byte(`{"error":{"code":"TooManyRequests","message":"slow"}}`))
	f.Add(uint16(503), "Wed, 21 Oct 2015 07:28:00 GMT", []byte(`{"odata.error":{"code":"x","message":{"lang":"en","value":"v"}}}`))
	f.Add(uint16(400), "", []byte(`{"error":"invalid_request","error_description":"d"}`))
	f.Fuzz(func(t *testing.T, status uint16, retryAfter string, body []byte) {
		clock := newFakeClock()
		c, err := New(Options{
			Tokens:     scopeTokens(),
			HTTPClient: &http.Client{Transport: answerTransport{status: 100 + int(status)%500, retryAfter: retryAfter, body: body}},
			Sleep:      clock.Sleep,
			Now:        clock.Now,
			MaxRetries: 3,
		})
		if err != nil {
			t.Fatal(err)
		}
		c.cfg.maxPages = 20
		ctx := context.Background()
		var out struct {
			ID   string   `json:"id"`
			Tags []string `json:"tags"`
		}
		check := func(what string, err error) {
			if err != nil && strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("%s: an error without a message", what)
			}
		}
		check("Get", c.Get(ctx, "/applications/a", &out))
		_, err = ListAll[struct{ ID string }](ctx, c, "/applications")
		check("ListAll", err)
		resps, err := c.Batch(ctx, []BatchRequest{{URL: "/a"}, {URL: "/b", RetryReplication: time.Minute}})
		check("Batch", err)
		for _, r := range resps {
			check("batch item", r.Decode(&out))
		}
		var slept time.Duration
		for _, d := range clock.Sleeps() {
			slept += d
		}
		// Each of the four calls (the batch's two items share rounds) may
		// retry up to the 2-minute bound.
		if slept > 4*(2*time.Minute+time.Minute) {
			t.Fatalf("waited %v in total", slept)
		}
	})
}
