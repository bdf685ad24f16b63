package graph

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// step is one scripted answer.
type step struct {
	status     int
	retryAfter string
	body       string
}

// scripted answers the i-th request with steps[i] (the last step repeats)
// and records what it received.
type scripted struct {
	mu     sync.Mutex
	steps  []step
	bodies []string
	ids    []string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.bodies)
	s.bodies = append(s.bodies, string(body))
	s.ids = append(s.ids, r.Header.Get("client-request-id"))
	st := s.steps[min(n, len(s.steps)-1)]
	s.mu.Unlock()
	if st.retryAfter != "" {
		w.Header().Set("Retry-After", st.retryAfter)
	}
	w.Header().Set("request-id", "rid-"+string(rune('a'+n)))
	b := st.body
	if b == "" && st.status >= 400 {
		b = odataError(strings.ReplaceAll(http.StatusText(st.status), " ", ""), "scripted failure")
	}
	if b == "" && st.status == 200 {
		b = `{"ok":true}`
	}
	writeJSON(w, st.status, b)
}

func (s *scripted) attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func TestRetryPolicy(t *testing.T) {
	ok := step{status: 200}
	tests := []struct {
		name         string
		method       string
		steps        []step
		opts         []RequestOption
		wantAttempts int
		wantStatus   int // of the final answer (error or success)
		wantSleeps   []time.Duration
	}{
		{name: "GET 503 honours Retry-After seconds", method: "GET",
			steps: []step{{status: 503, retryAfter: "3"}, ok}, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{3 * time.Second}},
		{name: "GET 429 honours Retry-After date", method: "GET",
			steps: []step{{status: 429, retryAfter: "Sun, 01 Mar 2026 12:00:07 GMT"}, ok}, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{7 * time.Second}},
		{name: "GET 500 502 504 back off exponentially", method: "GET",
			steps: []step{{status: 500}, {status: 502}, {status: 504}, ok}, wantAttempts: 4, wantStatus: 200,
			wantSleeps: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}},
		{name: "GET throttled past MaxRetries gives up", method: "GET",
			steps: []step{{status: 429, retryAfter: "1"}}, wantAttempts: 4, wantStatus: 429,
			wantSleeps: []time.Duration{time.Second, time.Second, time.Second}},
		{name: "Retry-After past MaxRetryTime gives up at once", method: "GET",
			steps: []step{{status: 429, retryAfter: "3600"}, ok}, wantAttempts: 1, wantStatus: 429},
		{name: "GET 400 is not retried", method: "GET",
			steps: []step{{status: 400}, ok}, wantAttempts: 1, wantStatus: 400},
		{name: "GET 404 is not retried without RetryReplication", method: "GET",
			steps: []step{{status: 404, body: odataError("Request_ResourceNotFound", "Resource 'x' does not exist")}, ok}, wantAttempts: 1, wantStatus: 404},
		{name: "GET 403 is not retried even with RetryReplication", method: "GET",
			steps: []step{{status: 403, body: odataError("Authorization_RequestDenied", "Insufficient privileges")}, ok},
			opts:  []RequestOption{RetryReplication(time.Minute)}, wantAttempts: 1, wantStatus: 403},
		{name: "POST 429 is retried", method: "POST",
			steps: []step{{status: 429, retryAfter: "2"}, ok}, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{2 * time.Second}},
		{name: "POST 500 is retried (Graph did not do it)", method: "POST",
			steps: []step{{status: 500}, ok}, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "POST 504 is not retried (the write may have happened)", method: "POST",
			steps: []step{{status: 504}, ok}, wantAttempts: 1, wantStatus: 504},
		{name: "POST 504 is retried when Idempotent", method: "POST",
			steps: []step{{status: 504}, ok}, opts: []RequestOption{Idempotent()}, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "PATCH 503 is retried", method: "PATCH",
			steps: []step{{status: 503}, {status: 503}, {status: 204}}, wantAttempts: 3, wantStatus: 204,
			wantSleeps: []time.Duration{500 * time.Millisecond, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &scripted{steps: tt.steps}
			c, clock := testClient(t, srv, func(o *Options) { o.MaxRetries = 3; o.MaxRetryTime = time.Minute })
			var body any
			if tt.method != "GET" {
				body = map[string]any{"displayName": "x"}
			}
			resp, err := c.Do(context.Background(), tt.method, "/applications", body, nil, tt.opts...)
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			if tt.wantStatus >= 400 {
				var ge *Error
				if !errors.As(err, &ge) {
					t.Fatalf("error = %v; want *Error", err)
				}
				status = ge.StatusCode
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus {
				t.Errorf("status = %d; want %d", status, tt.wantStatus)
			}
			if got := srv.attempts(); got != tt.wantAttempts {
				t.Errorf("attempts = %d; want %d", got, tt.wantAttempts)
			}
			if diff := cmp.Diff(tt.wantSleeps, clock.Sleeps()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
			for i, b := range srv.bodies {
				if b != srv.bodies[0] {
					t.Errorf("attempt %d sent body %q; want the first attempt's %q", i+1, b, srv.bodies[0])
				}
				if srv.ids[i] != srv.ids[0] || len(srv.ids[i]) != 36 {
					t.Errorf("attempt %d client-request-id %q; want one GUID for all attempts (%q)", i+1, srv.ids[i], srv.ids[0])
				}
			}
		})
	}
}

func TestRetryBackoffIsBoundedAndJittered(t *testing.T) {
	cfg := &config{baseDelay: 500 * time.Millisecond, maxDelay: 4 * time.Second}
	var got []time.Duration
	cfg.jitter = func(d time.Duration) time.Duration { got = append(got, d); return d / 3 }
	for n := 1; n <= 6; n++ {
		if w := cfg.backoff(n); w != got[n-1]/3 {
			t.Errorf("backoff(%d) = %v; want the jittered %v", n, w, got[n-1]/3)
		}
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jitter ceilings (-want +got):\n%s", diff)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", -1},
		{"0", 0},
		{"17", 17 * time.Second},
		{"-3", -1},
		{"soon", -1},
		{"Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second},
		{"Sun, 01 Mar 2026 11:59:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

// resetOnce drops the connection of the first request without answering.
type resetOnce struct {
	mu    sync.Mutex
	count int
}

func (h *resetOnce) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.count++
	n := h.count
	h.mu.Unlock()
	if n == 1 {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	writeJSON(w, 200, `{"ok":true}`)
}

func TestRetryConnectionDropped(t *testing.T) {
	t.Run("GET is repeated", func(t *testing.T) {
		h := &resetOnce{}
		c, _ := testClient(t, h)
		if err := c.Get(context.Background(), "/applications", nil); err != nil {
			t.Fatalf("GET after a dropped connection: %v", err)
		}
		if h.count != 2 {
			t.Errorf("requests = %d; want 2", h.count)
		}
	})
	t.Run("POST is not repeated", func(t *testing.T) {
		h := &resetOnce{}
		c, _ := testClient(t, h)
		err := c.Post(context.Background(), "/applications/x/addPassword", map[string]any{"passwordCredential": map[string]any{}}, nil)
		if err == nil {
			t.Fatal("POST after a dropped connection succeeded; want the error")
		}
		if h.count != 1 {
			t.Errorf("requests = %d; want 1 (a POST whose outcome is unknown is not repeated)", h.count)
		}
	})
}

func TestRetryStopsAtContextDeadline(t *testing.T) {
	srv := &scripted{steps: []step{{status: 503, retryAfter: "30"}, {status: 200}}}
	c, clock := testClient(t, srv)
	clock.now = time.Now() // the context's deadline is on the real clock
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := c.Get(ctx, "/applications", nil)
	if StatusCode(err) != 503 {
		t.Errorf("error = %v; want the 503 (waiting 30s would pass the deadline)", err)
	}
	if srv.attempts() != 1 || len(clock.Sleeps()) != 0 {
		t.Errorf("attempts %d, sleeps %v; want 1 attempt and no sleep", srv.attempts(), clock.Sleeps())
	}
}
