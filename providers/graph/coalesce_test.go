package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// itemAnswer is how coalesceServer answers one request, whether it came on
// its own or in a $batch.
type itemAnswer struct {
	status int
	header map[string]string
	body   string
}

// httpRequest is one HTTP request coalesceServer received.
type httpRequest struct {
	Method, Path string
	// Items are the requests a $batch carried ("PATCH /applications/a").
	Items []string
}

// coalesceServer answers $batch and single requests alike through answer
// (called with how often that method and URL has been asked for), records
// every HTTP request and counts how many are open at once. When gate is
// set, every HTTP request waits for a value from it before answering.
type coalesceServer struct {
	answer func(call int, method, url string, header http.Header, body []byte) itemAnswer
	gate   chan struct{}
	delay  time.Duration // added to every HTTP request

	mu          sync.Mutex
	seen        []httpRequest
	items       map[string]wireBatchRequest // the last item seen per method and URL
	calls       map[string]int
	open, most  int
	arrivedOpen chan struct{} // gets a value for each request that arrives
	dropped     chan struct{} // gets a value for each request the client gave up while the gate held it
}

func newCoalesceServer(answer func(call int, method, url string, header http.Header, body []byte) itemAnswer) *coalesceServer {
	return &coalesceServer{answer: answer, items: map[string]wireBatchRequest{}, calls: map[string]int{},
		arrivedOpen: make(chan struct{}, 1000), dropped: make(chan struct{}, 1000)}
}

// echo answers 200 with the method and URL (201 for a POST).
func echo(_ int, method, url string, _ http.Header, body []byte) itemAnswer {
	status := http.StatusOK
	if method == http.MethodPost {
		status = http.StatusCreated
	}
	return itemAnswer{status: status, header: map[string]string{"Content-Type": "application/json", "request-id": "item-" + method + " " + url},
		body: fmt.Sprintf(`{"method":%q,"url":%q,"body":%q}`, method, url, body)}
}

func (s *coalesceServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.open++
	s.most = max(s.most, s.open)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.open--
		s.mu.Unlock()
	}()
	// Read first: the server notices a client that gave up only once
	// the body is read.
	body, _ := io.ReadAll(r.Body)
	s.arrivedOpen <- struct{}{}
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-r.Context().Done():
			s.dropped <- struct{}{}
			return
		}
	}
	time.Sleep(s.delay)
	seen := httpRequest{Method: r.Method, Path: r.URL.Path}
	if r.URL.Path != "/v1.0/$batch" {
		rel := strings.TrimPrefix(r.URL.Path, "/v1.0")
		if r.URL.RawQuery != "" {
			rel += "?" + r.URL.RawQuery
		}
		s.mu.Lock()
		s.seen = append(s.seen, seen)
		key := r.Method + " " + rel
		s.calls[key]++
		call := s.calls[key]
		s.mu.Unlock()
		a := s.answer(call, r.Method, rel, r.Header, body)
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
		return
	}
	var in struct {
		Requests []wireBatchRequest `json:"requests"`
	}
	if err := json.Unmarshal(body, &in); err != nil || len(in.Requests) == 0 || len(in.Requests) > MaxBatchSize {
		writeJSON(w, 400, odataError("BadRequest", fmt.Sprintf("bad batch: %v, %d requests", err, len(in.Requests))))
		return
	}
	var out struct {
		Responses []wireBatchResponse `json:"responses"`
	}
	for i := len(in.Requests) - 1; i >= 0; i-- {
		it := in.Requests[i]
		key := it.Method + " " + it.URL
		s.mu.Lock()
		seen.Items = append([]string{key}, seen.Items...)
		s.items[key] = it
		s.calls[key]++
		call := s.calls[key]
		s.mu.Unlock()
		h := http.Header{}
		for k, v := range it.Headers {
			h.Set(k, v)
		}
		a := s.answer(call, it.Method, it.URL, h, it.Body)
		resp := wireBatchResponse{ID: it.ID, Status: a.status, Headers: a.header}
		if a.body != "" {
			resp.Body = json.RawMessage(a.body)
		}
		out.Responses = append(out.Responses, resp)
	}
	s.mu.Lock()
	s.seen = append(s.seen, seen)
	s.mu.Unlock()
	w.Header().Set("request-id", "batch-rid")
	b, _ := json.Marshal(out)
	writeJSON(w, 200, string(b))
}

func (s *coalesceServer) requests() []httpRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]httpRequest(nil), s.seen...)
}

func (s *coalesceServer) maxOpen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.most
}

// coalescing turns coalescing on with a window and an in-flight bound.
func coalescing(window time.Duration, maxInFlight int) func(*Options) {
	return func(o *Options) {
		o.Coalesce = true
		o.CoalesceWindow = window
		o.MaxInFlight = maxInFlight
	}
}

// result is what one concurrent caller got.
type result struct {
	Status int
	Body   string
	ReqID  string
	Err    string
}

// doAll sends each request at once from its own goroutine and returns
// what each got, in the order given.
func doAll(ctx context.Context, c *Client, reqs []testRequest) []result {
	out := make([]result, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var opts []RequestOption
			if r.prefer != "" {
				opts = append(opts, Prefer(r.prefer))
			}
			var raw []byte
			resp, err := c.Do(ctx, r.method, r.path, r.body, &raw, opts...)
			if err != nil {
				out[i].Err = err.Error()
			}
			if resp != nil {
				out[i].Status, out[i].Body, out[i].ReqID = resp.StatusCode, string(resp.Body), resp.RequestID
			}
		}()
	}
	wg.Wait()
	return out
}

type testRequest struct {
	method, path string
	body         any
	prefer       string
}

// batchSizes lists the number of items of each $batch (0 for a request
// sent on its own), smallest first.
func batchSizes(seen []httpRequest) []int {
	var out []int
	for _, r := range seen {
		out = append(out, len(r.Items))
	}
	sort.Ints(out)
	return out
}

func TestCoalesceGroupsConcurrentRequests(t *testing.T) {
	srv := newCoalesceServer(echo)
	// A window far longer than the test: only the 20th request sends them.
	c, _ := testClient(t, srv, coalescing(time.Hour, 10))
	var reqs []testRequest
	var want []result
	for i := range MaxBatchSize {
		var r testRequest
		switch i % 4 {
		case 0:
			r = testRequest{method: "POST", path: fmt.Sprintf("/applications/a%d/addPassword", i), body: map[string]string{"displayName": "web"}}
		case 1:
			r = testRequest{method: "PATCH", path: fmt.Sprintf("/applications(uniqueName='u%d')", i), body: map[string]string{"displayName": "x"}, prefer: "create-if-missing"}
		case 2:
			r = testRequest{method: "GET", path: fmt.Sprintf("/servicePrincipals?$filter=appId eq 'a%d'", i)}
		case 3:
			r = testRequest{method: "DELETE", path: fmt.Sprintf("/oauth2PermissionGrants/g%d", i)}
		}
		reqs = append(reqs, r)
		u, _ := url.Parse("https://graph.microsoft.com/v1.0" + r.path)
		u.RawQuery = escapeQuery(u.RawQuery)
		rel := strings.TrimPrefix(u.EscapedPath(), "/v1.0")
		if u.RawQuery != "" {
			rel += "?" + u.RawQuery
		}
		var body []byte
		if r.body != nil {
			body, _ = json.Marshal(r.body)
		}
		a := echo(0, r.method, rel, nil, body)
		want = append(want, result{Status: a.status, Body: a.body, ReqID: a.header["request-id"]})
	}
	got := doAll(context.Background(), c, reqs)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	seen := srv.requests()
	if diff := cmp.Diff([]int{MaxBatchSize}, batchSizes(seen)); diff != "" {
		t.Fatalf("HTTP requests: sizes of the batches (-want +got):\n%s\n%+v", diff, seen)
	}
	// Each item carries what its request said.
	item := srv.items["PATCH /applications(uniqueName='u1')"]
	if diff := cmp.Diff(map[string]string{"Content-Type": "application/json", "Prefer": "create-if-missing", "Accept": "application/json"}, withoutKey(item.Headers, "Client-Request-Id")); diff != "" {
		t.Errorf("headers of the PATCH item (-want +got):\n%s", diff)
	}
	if item.Headers["Client-Request-Id"] == "" {
		t.Error("the PATCH item carries no client-request-id")
	}
	if got := string(item.Body); got != `{"displayName":"x"}` {
		t.Errorf("body of the PATCH item = %s", got)
	}
}

func withoutKey(m map[string]string, key string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func TestCoalesceCapsBatchesAt20(t *testing.T) {
	srv := newCoalesceServer(echo)
	c, _ := testClient(t, srv, coalescing(300*time.Millisecond, 10))
	var reqs []testRequest
	for i := range 45 {
		reqs = append(reqs, testRequest{method: "POST", path: fmt.Sprintf("/servicePrincipals?n=%d", i), body: map[string]int{"n": i}})
	}
	for i, r := range doAll(context.Background(), c, reqs) {
		if r.Err != "" || r.Status != http.StatusCreated {
			t.Errorf("request %d: status %d, error %s", i, r.Status, r.Err)
		}
	}
	if diff := cmp.Diff([]int{5, 20, 20}, batchSizes(srv.requests())); diff != "" {
		t.Errorf("sizes of the batches (-want +got):\n%s", diff)
	}
}

func TestCoalesceWindow(t *testing.T) {
	const window = 80 * time.Millisecond
	t.Run("a lone request waits the window and goes on its own", func(t *testing.T) {
		srv := newCoalesceServer(echo)
		c, _ := testClient(t, srv, coalescing(window, 10))
		start := time.Now()
		if err := c.Get(context.Background(), "/applications/a", nil); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < window {
			t.Errorf("the request was answered after %v, before the window of %v ended", took, window)
		}
		if diff := cmp.Diff([]httpRequest{{Method: "GET", Path: "/v1.0/applications/a"}}, srv.requests()); diff != "" {
			t.Errorf("HTTP requests (-want +got):\n%s", diff)
		}
	})
	t.Run("requests within the window share a batch", func(t *testing.T) {
		srv := newCoalesceServer(echo)
		c, _ := testClient(t, srv, coalescing(window, 10))
		doAll(context.Background(), c, []testRequest{{method: "GET", path: "/applications/a"}, {method: "GET", path: "/applications/b"}, {method: "DELETE", path: "/applications/c"}})
		if diff := cmp.Diff([]int{3}, batchSizes(srv.requests())); diff != "" {
			t.Errorf("sizes of the batches (-want +got):\n%s", diff)
		}
	})
	t.Run("requests one after another do not wait for each other", func(t *testing.T) {
		srv := newCoalesceServer(echo)
		c, _ := testClient(t, srv, coalescing(-1, 10))
		for _, p := range []string{"/applications/a", "/applications/b"} {
			if err := c.Get(context.Background(), p, nil); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff([]int{0, 0}, batchSizes(srv.requests())); diff != "" {
			t.Errorf("sizes of the batches (-want +got):\n%s", diff)
		}
	})
}

func TestCoalesceItemThrottlingGoesThroughRetry(t *testing.T) {
	srv := newCoalesceServer(func(call int, method, u string, h http.Header, body []byte) itemAnswer {
		if u == "/applications/b/addPassword" && call == 1 {
			return itemAnswer{status: 429, header: map[string]string{"Retry-After": "7", "Content-Type": "application/json"}, body: odataError("TooManyRequests", "slow down")}
		}
		return echo(call, method, u, h, body)
	})
	c, clock := testClient(t, srv, coalescing(time.Millisecond, 10))
	reqs := []testRequest{}
	for _, id := range []string{"a", "b"} {
		reqs = append(reqs, testRequest{method: "POST", path: "/applications/" + id + "/addPassword", body: map[string]string{"displayName": "web"}})
	}
	for range MaxBatchSize - 2 {
		reqs = append(reqs, testRequest{method: "GET", path: "/me"})
	}
	got := doAll(context.Background(), c, reqs)
	for i, r := range got {
		if r.Err != "" {
			t.Errorf("request %d failed: %s", i, r.Err)
		}
	}
	if got[1].Status != http.StatusCreated {
		t.Errorf("the throttled request ended with %d, want 201", got[1].Status)
	}
	if diff := cmp.Diff([]time.Duration{7 * time.Second}, clock.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	srv.mu.Lock()
	calls := srv.calls["POST /applications/b/addPassword"]
	srv.mu.Unlock()
	if calls != 2 {
		t.Errorf("the throttled request was sent %d times, want 2", calls)
	}
}

func TestCoalesceWholeBatchRefused(t *testing.T) {
	// The $batch itself is throttled once: every request in it waits the
	// Retry-After and is sent again.
	inner := newCoalesceServer(echo)
	batches := 0
	var mu sync.Mutex
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		batches++
		first := batches == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "4")
			writeJSON(w, 429, odataError("TooManyRequests", "the batch was throttled"))
			return
		}
		inner.ServeHTTP(w, r)
	})
	c, clock := testClient(t, h, coalescing(time.Hour, 10))
	var reqs []testRequest
	for i := range MaxBatchSize {
		reqs = append(reqs, testRequest{method: "POST", path: fmt.Sprintf("/applications/a%d/addPassword", i), body: map[string]string{"displayName": "web"}})
	}
	for i, r := range doAll(context.Background(), c, reqs) {
		if r.Err != "" || r.Status != http.StatusCreated {
			t.Errorf("request %d: status %d, error %s", i, r.Status, r.Err)
		}
	}
	sleeps := clock.Sleeps()
	if len(sleeps) != MaxBatchSize {
		t.Fatalf("%d waits, want one per request: %v", len(sleeps), sleeps)
	}
	for _, s := range sleeps {
		if s != 4*time.Second {
			t.Fatalf("waits %v, want the batch's Retry-After of 4s each", sleeps)
		}
	}
}

func TestCoalesceLeavesOthersAlone(t *testing.T) {
	tests := []struct {
		name string
		opts func(*Options)
		send func(ctx context.Context, c *Client) error
		want []httpRequest
	}{
		{
			name: "SharePoint REST",
			opts: coalescing(20*time.Millisecond, 10),
			send: func(ctx context.Context, c *Client) error {
				return c.Get(ctx, "https://contoso.sharepoint.com/sites/x/_api/web", nil)
			},
			want: []httpRequest{{Method: "GET", Path: "/sites/x/_api/web"}, {Method: "GET", Path: "/sites/x/_api/web"}},
		},
		{
			name: "a form body",
			opts: coalescing(20*time.Millisecond, 10),
			send: func(ctx context.Context, c *Client) error {
				return c.Post(ctx, "/applications/a/form", url.Values{"a": {"b"}}, nil)
			},
			want: []httpRequest{{Method: "POST", Path: "/v1.0/applications/a/form"}, {Method: "POST", Path: "/v1.0/applications/a/form"}},
		},
		{
			name: "a body that is not JSON",
			opts: coalescing(20*time.Millisecond, 10),
			send: func(ctx context.Context, c *Client) error {
				return c.Post(ctx, "/applications/a/raw", []byte("not json"), nil)
			},
			want: []httpRequest{{Method: "POST", Path: "/v1.0/applications/a/raw"}, {Method: "POST", Path: "/v1.0/applications/a/raw"}},
		},
		{
			name: "the beta endpoint",
			opts: coalescing(20*time.Millisecond, 10),
			send: func(ctx context.Context, c *Client) error {
				return c.Get(ctx, "https://graph.microsoft.com/beta/applications", nil)
			},
			want: []httpRequest{{Method: "GET", Path: "/beta/applications"}, {Method: "GET", Path: "/beta/applications"}},
		},
		{
			name: "$batch itself",
			opts: coalescing(20*time.Millisecond, 10),
			send: func(ctx context.Context, c *Client) error {
				_, err := c.Batch(ctx, []BatchRequest{{URL: "/applications/a"}, {URL: "/applications/b"}})
				return err
			},
			want: []httpRequest{
				{Method: "POST", Path: "/v1.0/$batch", Items: []string{"GET /applications/a", "GET /applications/b"}},
				{Method: "POST", Path: "/v1.0/$batch", Items: []string{"GET /applications/a", "GET /applications/b"}},
			},
		},
		{
			name: "coalescing off",
			opts: func(*Options) {},
			send: func(ctx context.Context, c *Client) error {
				return c.Get(ctx, "/applications/a", nil)
			},
			want: []httpRequest{{Method: "GET", Path: "/v1.0/applications/a"}, {Method: "GET", Path: "/v1.0/applications/a"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCoalesceServer(echo)
			c, _ := testClient(t, srv, tt.opts)
			// Two at once: they would share a batch if they could.
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = tt.send(context.Background(), c) }()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tt.want, srv.requests()); diff != "" {
				t.Errorf("HTTP requests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCoalesceBoundsRequestsInFlight(t *testing.T) {
	tests := []struct {
		name     string
		bound    int
		ctxBound int // WithMaxInFlight; 0 for none
		want     int
	}{
		{name: "MaxInFlight", bound: 3, want: 3},
		{name: "WithMaxInFlight", bound: 10, ctxBound: 1, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCoalesceServer(echo)
			srv.delay = 5 * time.Millisecond
			c, _ := testClient(t, srv, coalescing(-1, tt.bound))
			ctx := context.Background()
			if tt.ctxBound > 0 {
				ctx = WithMaxInFlight(ctx, tt.ctxBound)
			}
			var reqs []testRequest
			for i := range 200 {
				reqs = append(reqs, testRequest{method: "PATCH", path: fmt.Sprintf("/applications/a%d", i), body: map[string]int{"n": i}})
			}
			// Requests that cannot go in a batch count too.
			for range 10 {
				reqs = append(reqs, testRequest{method: "GET", path: "https://contoso.sharepoint.com/_api/web"})
			}
			for i, r := range doAll(ctx, c, reqs) {
				if r.Err != "" || r.Status != http.StatusOK {
					t.Fatalf("request %d: status %d, error %s", i, r.Status, r.Err)
				}
			}
			if got := srv.maxOpen(); got != tt.want {
				t.Errorf("at most %d HTTP requests were open at once, want %d", got, tt.want)
			}
			if n := len(srv.requests()); n > 60 {
				t.Errorf("%d HTTP requests for 210 requests: they were hardly batched", n)
			}
		})
	}
}

func TestCoalesceCancelledCaller(t *testing.T) {
	t.Run("in a batch on its way", func(t *testing.T) {
		srv := newCoalesceServer(echo)
		srv.gate = make(chan struct{})
		c, _ := testClient(t, srv, coalescing(time.Hour, 10))
		ctx, cancel := context.WithCancel(context.Background())
		const cancelled = 3
		results := make([]chan error, MaxBatchSize)
		for i := range results {
			results[i] = make(chan error, 1)
			go func() {
				callCtx := context.Background()
				if i == cancelled {
					callCtx = ctx
				}
				results[i] <- c.Get(callCtx, fmt.Sprintf("/applications/a%d", i), nil)
			}()
		}
		<-srv.arrivedOpen // the batch is at the server, held by the gate
		cancel()
		select {
		case err := <-results[cancelled]:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("the cancelled caller got %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the cancelled caller did not return while its batch was on its way")
		}
		close(srv.gate)
		for i, ch := range results {
			if i == cancelled {
				continue
			}
			if err := <-ch; err != nil {
				t.Errorf("request %d failed: %v", i, err)
			}
		}
		if diff := cmp.Diff([]int{MaxBatchSize}, batchSizes(srv.requests())); diff != "" {
			t.Errorf("sizes of the batches (-want +got):\n%s", diff)
		}
	})
	t.Run("every caller of a batch", func(t *testing.T) {
		srv := newCoalesceServer(echo)
		srv.gate = make(chan struct{})
		defer close(srv.gate)
		c, _ := testClient(t, srv, coalescing(50*time.Millisecond, 10))
		ctx, cancel := context.WithCancel(context.Background())
		errs := make(chan error, 2)
		for _, p := range []string{"/applications/a", "/applications/b"} {
			go func() { errs <- c.Get(ctx, p, nil) }()
		}
		<-srv.arrivedOpen
		cancel()
		for range 2 {
			if err := <-errs; !errors.Is(err, context.Canceled) {
				t.Errorf("a cancelled caller got %v, want context.Canceled", err)
			}
		}
		select {
		case <-srv.dropped:
		case <-time.After(5 * time.Second):
			t.Fatal("the batch was not cancelled when all its callers had given up")
		}
	})
	t.Run("still queued", func(t *testing.T) {
		srv := newCoalesceServer(echo)
		srv.gate = make(chan struct{}, 10)
		// One slot: the first request holds it while two more queue.
		c, _ := testClient(t, srv, coalescing(-1, 1))
		first := make(chan error, 1)
		go func() { first <- c.Get(context.Background(), "/applications/first", nil) }()
		<-srv.arrivedOpen
		ctx, cancel := context.WithCancel(context.Background())
		gone, kept := make(chan error, 1), make(chan error, 1)
		go func() { gone <- c.Get(ctx, "/applications/gone", nil) }()
		go func() { kept <- c.Get(context.Background(), "/applications/kept", nil) }()
		time.Sleep(20 * time.Millisecond) // both are queued behind the slot
		cancel()
		if err := <-gone; !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled caller got %v, want context.Canceled", err)
		}
		srv.gate <- struct{}{}
		srv.gate <- struct{}{}
		for _, ch := range []chan error{first, kept} {
			if err := <-ch; err != nil {
				t.Error(err)
			}
		}
		want := []httpRequest{{Method: "GET", Path: "/v1.0/applications/first"}, {Method: "GET", Path: "/v1.0/applications/kept"}}
		if diff := cmp.Diff(want, srv.requests()); diff != "" {
			t.Errorf("HTTP requests (-want +got):\n%s", diff)
		}
	})
}

func TestCoalesceDebugLogPerRequest(t *testing.T) {
	srv := newCoalesceServer(echo)
	var log bytes.Buffer
	c, _ := testClient(t, srv, coalescing(time.Hour, 10), func(o *Options) { o.Log = &log })
	var reqs []testRequest
	for i := range MaxBatchSize {
		reqs = append(reqs, testRequest{method: "GET", path: fmt.Sprintf("/applications/a%d", i)})
	}
	doAll(context.Background(), c, reqs)
	line := regexp.MustCompile(`graph: GET https://graph\.microsoft\.com/v1\.0/applications/a\d+ attempt=1 status=200 duration=\S+ client-request-id=[0-9a-f-]{36} batch=[0-9a-f-]{36} batch-size=20 request-id=item-GET /applications/a\d+\n`)
	if n := len(line.FindAllString(log.String(), -1)); n != MaxBatchSize {
		t.Errorf("%d log lines of requests in a batch, want %d:\n%s", n, MaxBatchSize, log.String())
	}
}
