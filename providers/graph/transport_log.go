package graph

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// bodyLogLimit caps each body in the debug log.
const bodyLogLimit = 4096

// logTransport writes one debug line per attempt: method, URL (query
// kept, sensitive parameters redacted), status, duration, attempt, request
// ids, the $batch that carried the request (when coalescing put it in
// one), and the redacted bodies. It never writes headers other than the
// ids.
type logTransport struct {
	next http.RoundTripper
	w    io.Writer
	mu   *sync.Mutex
	now  func() time.Time
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	ctx, note := withBatchNote(req.Context())
	req = req.WithContext(ctx)
	start := t.now()
	resp, err := t.next.RoundTrip(req)
	dur := t.now().Sub(start)

	var b strings.Builder
	fmt.Fprintf(&b, "graph: %s %s attempt=%d", req.Method, redactURL(req.URL), max(attemptFrom(req.Context()), 1))
	if err != nil {
		fmt.Fprintf(&b, " error=%q", redactJWTs(err.Error()))
	} else {
		fmt.Fprintf(&b, " status=%d", resp.StatusCode)
	}
	fmt.Fprintf(&b, " duration=%s client-request-id=%s", dur.Round(time.Millisecond), req.Header.Get("client-request-id"))
	if id, size := note.get(); id != "" {
		fmt.Fprintf(&b, " batch=%s batch-size=%d", id, size)
	}
	if resp != nil {
		if id := requestIDOf(resp.Header); id != "" {
			fmt.Fprintf(&b, " request-id=%s", id)
		}
	}
	b.WriteByte('\n')
	if s := redactBody(req.Header.Get("Content-Type"), reqBody, bodyLogLimit); s != "" {
		fmt.Fprintf(&b, "graph:   request body: %s\n", s)
	}
	if resp != nil && resp.Body != nil {
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			// Hand the reader's failure to the caller as the body would have.
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
		}
		if s := redactBody(resp.Header.Get("Content-Type"), body, bodyLogLimit); s != "" {
			fmt.Fprintf(&b, "graph:   response body: %s\n", s)
		}
	}
	t.mu.Lock()
	io.WriteString(t.w, b.String())
	t.mu.Unlock()
	return resp, err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
