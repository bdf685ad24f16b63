package graph

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/entraform/entraform/endpoint"
)

// coalesceTransport gathers Graph v1.0 requests that arrive at the same
// time and sends them as one JSON $batch, then answers each caller with an
// ordinary *http.Response built from its item (status, headers, body).
// It sits under the auth transport, so requests come with their token, and
// the transports above it (retry, log) work per item as if each had been
// sent on its own.
//
// Requests share a $batch when they go to the same host with the same
// Authorization header under the same in-flight bound (see
// WithMaxInFlight). A queue's first request waits up to the window for
// others; 20 leave at once. A batch, or a request sent on its own, takes a
// slot of the bound before it leaves; while every slot is taken, requests
// keep queueing, so batches fill up exactly when the service is slow.
//
// Never coalesced (sent as they are, under the same bound): $batch
// itself, hosts other than the cloud's Graph host (SharePoint REST, the
// sign-in hosts), paths outside /v1.0, methods other than GET, POST,
// PATCH, PUT and DELETE, and bodies that are not JSON.
type coalesceTransport struct {
	next      http.RoundTripper
	cloud     endpoint.Cloud
	window    time.Duration
	limit     *limiter // the bound of requests without WithMaxInFlight
	maxAnswer int64
	now       func() time.Time

	mu     sync.Mutex
	queues map[queueKey]*queue
}

func newCoalesceTransport(next http.RoundTripper, cloud endpoint.Cloud, window time.Duration, maxInFlight int, maxAnswer int64) *coalesceTransport {
	return &coalesceTransport{
		next:      next,
		cloud:     cloud,
		window:    window,
		limit:     newLimiter(maxInFlight),
		maxAnswer: maxAnswer,
		now:       time.Now,
		queues:    map[queueKey]*queue{},
	}
}

// queueKey says which requests may share a $batch.
type queueKey struct {
	host, authorization string
	limit               *limiter
}

// queue holds the requests waiting for a batch; one flusher goroutine
// serves it while it is not empty.
type queue struct {
	key     queueKey
	waiters []*waiter
	full    chan struct{} // signalled when MaxBatchSize are waiting
}

// waiter is one caller's request on its way.
type waiter struct {
	req    *http.Request
	body   []byte // the body as read; nil when the request has none
	queued time.Time
	q      *queue
	done   chan outcome // buffered: the sender never blocks

	// Guarded by coalesceTransport.mu.
	sent      *sentBatch // set when the request leaves in a batch
	abandoned bool       // the caller's context ended first
	answered  bool       // an outcome is in done
}

type outcome struct {
	resp *http.Response
	err  error
}

// sentBatch is a $batch on its way; its request is cancelled when every
// caller in it has given up.
type sentBatch struct {
	waiting int // guarded by coalesceTransport.mu
	cancel  context.CancelFunc
}

func (t *coalesceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	lim := limiterFrom(ctx, t.limit)
	body, ok, err := t.coalescable(req)
	if err != nil {
		return nil, err
	}
	if !ok {
		if body != nil {
			// The body was read to look at it: send what was read.
			req = withBody(req, body)
		}
		if err := lim.acquire(ctx); err != nil {
			closeBody(req)
			return nil, err
		}
		defer lim.release()
		return t.next.RoundTrip(req)
	}

	w := &waiter{req: req, body: body, queued: t.now(), done: make(chan outcome, 1)}
	t.enqueue(w, queueKey{host: req.URL.Host, authorization: req.Header.Get("Authorization"), limit: lim})
	select {
	case o := <-w.done:
		return o.resp, o.err
	case <-ctx.Done():
		t.abandon(w)
		return nil, ctx.Err()
	}
}

// coalescable reports whether req may go in a $batch, and returns its body
// when it had to read it (it then closed req.Body; a body of only white
// space is sent as none).
func (t *coalesceTransport) coalescable(req *http.Request) (body []byte, ok bool, err error) {
	switch req.Method {
	case http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
	default:
		return nil, false, nil
	}
	if req.URL.Scheme != "https" || !t.cloud.IsGraphHost(req.URL.Hostname()) {
		return nil, false, nil
	}
	path := req.URL.EscapedPath()
	if !strings.HasPrefix(path, "/v1.0/") {
		return nil, false, nil
	}
	if p := strings.ToLower(strings.TrimPrefix(path, "/v1.0")); p == "/$batch" || p == "/%24batch" {
		return nil, false, nil
	}
	if req.Body == nil || req.Body == http.NoBody {
		return nil, true, nil
	}
	if !strings.Contains(strings.ToLower(req.Header.Get("Content-Type")), "json") {
		return nil, false, nil
	}
	body, err = io.ReadAll(io.LimitReader(req.Body, t.maxAnswer+1))
	req.Body.Close()
	if err != nil {
		return nil, false, fmt.Errorf("reading the request body: %w", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return body, true, nil
	}
	if int64(len(body)) > t.maxAnswer || !json.Valid(body) {
		return body, false, nil
	}
	return body, true, nil
}

// withBody is a copy of req that sends body.
func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return r
}

func (t *coalesceTransport) enqueue(w *waiter, key queueKey) {
	t.mu.Lock()
	q := t.queues[key]
	start := q == nil
	if start {
		q = &queue{key: key, full: make(chan struct{}, 1)}
		t.queues[key] = q
	}
	w.q = q
	q.waiters = append(q.waiters, w)
	if len(q.waiters) >= MaxBatchSize {
		select {
		case q.full <- struct{}{}:
		default:
		}
	}
	t.mu.Unlock()
	if start {
		go t.flush(q)
	}
}

// abandon takes a caller that gave up out of its queue, or out of the
// batch it went in (cancelling the batch when nobody else waits for it).
func (t *coalesceTransport) abandon(w *waiter) {
	t.mu.Lock()
	w.abandoned = true
	answered := w.answered
	switch {
	case answered:
	case w.sent == nil:
		q := w.q
		for i, other := range q.waiters {
			if other == w {
				q.waiters = append(q.waiters[:i:i], q.waiters[i+1:]...)
				break
			}
		}
	default:
		w.sent.waiting--
		if w.sent.waiting == 0 {
			w.sent.cancel()
		}
	}
	t.mu.Unlock()
	if answered {
		if o := <-w.done; o.resp != nil {
			o.resp.Body.Close()
		}
	}
}

// answer hands a caller its outcome, or drops it when the caller is gone.
func (t *coalesceTransport) answer(w *waiter, resp *http.Response, err error) {
	t.mu.Lock()
	gone := w.abandoned
	if !gone {
		w.answered = true
		w.done <- outcome{resp, err}
	}
	t.mu.Unlock()
	if gone && resp != nil {
		resp.Body.Close()
	}
}

// flush serves a queue until it is empty: it waits for the window (or 20
// requests), then for a slot of the bound, and sends up to 20 requests.
func (t *coalesceTransport) flush(q *queue) {
	for {
		t.mu.Lock()
		if len(q.waiters) == 0 {
			delete(t.queues, q.key)
			t.mu.Unlock()
			return
		}
		oldest, n := q.waiters[0].queued, len(q.waiters)
		t.mu.Unlock()

		if wait := t.window - t.now().Sub(oldest); n < MaxBatchSize && wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-timer.C:
			case <-q.full:
			}
			timer.Stop()
		}
		t.mu.Lock()
		empty := len(q.waiters) == 0 // every caller gave up meanwhile
		t.mu.Unlock()
		if empty {
			continue
		}
		lim := q.key.limit
		lim.wait()

		t.mu.Lock()
		take := q.waiters[:min(len(q.waiters), MaxBatchSize):min(len(q.waiters), MaxBatchSize)]
		q.waiters = append([]*waiter(nil), q.waiters[len(take):]...)
		if len(q.waiters) < MaxBatchSize {
			select {
			case <-q.full:
			default:
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		b := &sentBatch{waiting: len(take), cancel: cancel}
		for _, w := range take {
			w.sent = b
		}
		t.mu.Unlock()

		if len(take) == 0 {
			cancel()
			lim.release()
			continue
		}
		go func() {
			defer lim.release()
			defer cancel()
			if len(take) == 1 {
				t.sendOne(take[0])
				return
			}
			t.sendBatch(ctx, take)
		}()
	}
}

// sendOne sends a request that found no company as it is, under its own
// context.
func (t *coalesceTransport) sendOne(w *waiter) {
	req := w.req
	if w.body != nil {
		req = withBody(req, w.body)
	}
	resp, err := t.next.RoundTrip(req)
	t.answer(w, resp, err)
}

// sendBatch sends the requests of ws as one $batch and answers each.
func (t *coalesceTransport) sendBatch(ctx context.Context, ws []*waiter) {
	first := ws[0].req
	wire := struct {
		Requests []wireBatchRequest `json:"requests"`
	}{Requests: make([]wireBatchRequest, len(ws))}
	for i, w := range ws {
		wire.Requests[i] = wireBatchRequest{
			ID:      strconv.Itoa(i + 1),
			Method:  w.req.Method,
			URL:     itemURL(w.req),
			Headers: itemHeaders(w.req.Header),
		}
		if len(bytes.TrimSpace(w.body)) > 0 {
			wire.Requests[i].Body = w.body
		}
	}
	payload, err := json.Marshal(wire)
	if err != nil {
		t.answerAll(ws, fmt.Errorf("encoding a $batch of %d requests: %w", len(ws), err))
		return
	}
	u := *first.URL
	u.Path, u.RawPath, u.RawQuery = "/v1.0/$batch", "", ""
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		t.answerAll(ws, fmt.Errorf("a $batch of %d requests: %w", len(ws), err))
		return
	}
	req.Header.Set("Authorization", first.Header.Get("Authorization"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if ua := first.Header.Get("User-Agent"); ua != "" {
		req.Header.Set("User-Agent", ua)
	}
	batchID := NewGUID()
	req.Header.Set("client-request-id", batchID)
	for _, w := range ws {
		noteBatch(w.req.Context(), batchID, len(ws))
	}

	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.answerAll(ws, fmt.Errorf("$batch of %d requests: %w", len(ws), err))
		return
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, t.maxAnswer+1))
	resp.Body.Close()
	if err != nil {
		t.answerAll(ws, fmt.Errorf("$batch of %d requests: reading the answer: %w", len(ws), err))
		return
	}
	if int64(len(data)) > t.maxAnswer {
		t.answerAll(ws, fmt.Errorf("$batch of %d requests: the answer is larger than %d MiB; refusing to read more", len(ws), t.maxAnswer>>20))
		return
	}
	if resp.StatusCode != http.StatusOK {
		// The batch as a whole was refused (throttled, unauthorised,
		// failed): each request gets that answer, and its own retry
		// policy decides.
		for _, w := range ws {
			t.answer(w, copyResponse(resp, data, w.req), nil)
		}
		return
	}
	var out struct {
		Responses []wireBatchResponse `json:"responses"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.answerAll(ws, fmt.Errorf("$batch of %d requests: decoding the answer: %w", len(ws), err))
		return
	}
	byID := make(map[string]wireBatchResponse, len(out.Responses))
	for _, r := range out.Responses {
		byID[r.ID] = r
	}
	for i, w := range ws {
		id := strconv.Itoa(i + 1)
		r, ok := byID[id]
		switch {
		case !ok:
			t.answer(w, nil, fmt.Errorf("the $batch answer (request-id %s) has no response for this request", requestIDOf(resp.Header)))
		case r.Status < 200 || r.Status > 599:
			t.answer(w, nil, fmt.Errorf("the $batch answer (request-id %s) has no valid status for this request (%d)", requestIDOf(resp.Header), r.Status))
		default:
			t.answer(w, itemResponse(resp, r, w.req), nil)
		}
	}
}

func (t *coalesceTransport) answerAll(ws []*waiter, err error) {
	for _, w := range ws {
		t.answer(w, nil, err)
	}
}

// itemURL is the request's URL relative to the version root, as a $batch
// item names it.
func itemURL(req *http.Request) string {
	u := strings.TrimPrefix(req.URL.EscapedPath(), "/v1.0")
	if req.URL.RawQuery != "" {
		u += "?" + req.URL.RawQuery
	}
	return u
}

// itemHeaders are the request headers a $batch item carries: all but the
// ones that belong to the HTTP request around it.
func itemHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k, vs := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "User-Agent", "Accept-Encoding", "Content-Length", "Connection", "Host", "Transfer-Encoding":
			continue
		}
		out[k] = strings.Join(vs, ", ")
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// itemResponse turns one item of a $batch answer into the answer of its
// own request. The item's headers come first; the batch's request id
// stands in when the item has none.
func itemResponse(batch *http.Response, r wireBatchResponse, req *http.Request) *http.Response {
	h := http.Header{}
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	if requestIDOf(h) == "" {
		if id := requestIDOf(batch.Header); id != "" {
			h.Set("request-id", id)
		}
	}
	body := itemBody(r.Body, h)
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status)),
		StatusCode:    r.Status,
		Proto:         batch.Proto,
		ProtoMajor:    batch.ProtoMajor,
		ProtoMinor:    batch.ProtoMinor,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// itemBody is the bytes of an item's body: JSON as it is; a JSON string
// as its text (text/* content) or its base64-decoded bytes (anything
// else that is not JSON), as Graph encodes them.
func itemBody(raw json.RawMessage, h http.Header) []byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	ct := strings.ToLower(h.Get("Content-Type"))
	if raw[0] == '"' && !strings.Contains(ct, "json") {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if !strings.HasPrefix(ct, "text/") {
				if b, err := base64.StdEncoding.DecodeString(s); err == nil {
					return b
				}
			}
			return []byte(s)
		}
	}
	if ct == "" {
		h.Set("Content-Type", "application/json")
	}
	return raw
}

// copyResponse is a copy of a whole $batch's answer for one of its
// requests.
func copyResponse(resp *http.Response, body []byte, req *http.Request) *http.Response {
	return &http.Response{
		Status:        resp.Status,
		StatusCode:    resp.StatusCode,
		Proto:         resp.Proto,
		ProtoMajor:    resp.ProtoMajor,
		ProtoMinor:    resp.ProtoMinor,
		Header:        resp.Header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

func (t *coalesceTransport) CloseIdleConnections() { closeIdle(t.next) }

// batchNote is filled in when a request goes out in a $batch; the debug
// log puts one in the context to say so.
type batchNote struct {
	mu   sync.Mutex
	id   string // the client-request-id of the $batch
	size int
}

type batchNoteKey struct{}

func withBatchNote(ctx context.Context) (context.Context, *batchNote) {
	n := &batchNote{}
	return context.WithValue(ctx, batchNoteKey{}, n), n
}

func noteBatch(ctx context.Context, id string, size int) {
	if n, ok := ctx.Value(batchNoteKey{}).(*batchNote); ok {
		n.mu.Lock()
		n.id, n.size = id, size
		n.mu.Unlock()
	}
}

func (n *batchNote) get() (id string, size int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.id, n.size
}
