package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
)

// Client talks to Microsoft Graph v1.0 and SharePoint REST. It is safe for
// concurrent use.
type Client struct {
	cloud endpoint.Cloud
	base  string // https://graph.microsoft.com/v1.0
	http  *http.Client
	cfg   *config
	// budget paces identity requests (Options.Budget); nil for none.
	budget *budget
	// tokens is the token source, for CallerObjectID.
	tokens auth.TokenSource
}

// config is the resolved Options shared by the transports.
type config struct {
	maxRetries          int
	maxRetryTime        time.Duration
	baseDelay, maxDelay time.Duration
	batchConcurrency    int
	userAgent           string
	sleep               func(context.Context, time.Duration) error
	now                 func() time.Time
	jitter              func(time.Duration) time.Duration
	// maxAnswer bounds the body of one answer and maxPages the pages of
	// one listing, so that a broken or hostile service cannot make the
	// client read forever.
	maxAnswer int64
	maxPages  int
}

// Bounds of one answer and one listing (see config).
const (
	defaultMaxAnswer = 256 << 20
	defaultMaxPages  = 100000
)

// Defaults of the coalescing options.
const (
	defaultCoalesceWindow = 2 * time.Millisecond
	defaultMaxInFlight    = 10
)

// New builds a Client. Options.Tokens is required.
func New(opts Options) (*Client, error) {
	if opts.Tokens == nil {
		return nil, errors.New("graph client: no token source")
	}
	cfg := &config{
		maxRetries:       opts.MaxRetries,
		maxRetryTime:     opts.MaxRetryTime,
		baseDelay:        opts.BaseDelay,
		maxDelay:         opts.MaxDelay,
		batchConcurrency: opts.BatchConcurrency,
		userAgent:        opts.UserAgent,
		sleep:            opts.Sleep,
		now:              opts.Now,
		jitter:           opts.Jitter,
		maxAnswer:        defaultMaxAnswer,
		maxPages:         defaultMaxPages,
	}
	switch {
	case cfg.maxRetries == 0:
		cfg.maxRetries = 5
	case cfg.maxRetries < 0:
		cfg.maxRetries = 0
	}
	if cfg.maxRetryTime <= 0 {
		cfg.maxRetryTime = 2 * time.Minute
	}
	if cfg.baseDelay <= 0 {
		cfg.baseDelay = 500 * time.Millisecond
	}
	if cfg.maxDelay <= 0 {
		cfg.maxDelay = 30 * time.Second
	}
	if cfg.batchConcurrency <= 0 {
		cfg.batchConcurrency = 4
	}
	if cfg.userAgent == "" {
		cfg.userAgent = "entraform"
	}
	if cfg.sleep == nil {
		cfg.sleep = sleepCtx
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.jitter == nil {
		cfg.jitter = func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return rand.N(d)
		}
	}

	var base http.RoundTripper = http.DefaultTransport
	if opts.HTTPClient != nil && opts.HTTPClient.Transport != nil {
		base = opts.HTTPClient.Transport
	}
	if opts.Coalesce {
		window := opts.CoalesceWindow
		if window == 0 {
			window = defaultCoalesceWindow
		}
		maxInFlight := opts.MaxInFlight
		if maxInFlight <= 0 {
			maxInFlight = defaultMaxInFlight
		}
		base = newCoalesceTransport(base, opts.Cloud.OrPublic(), window, maxInFlight, cfg.maxAnswer)
	}
	if opts.Log != nil {
		base = &logTransport{next: base, w: opts.Log, mu: &sync.Mutex{}, now: cfg.now}
	}
	cloud := opts.Cloud.OrPublic()
	var rt http.RoundTripper = &authTransport{next: base, tokens: opts.Tokens, cloud: cloud}
	var bud *budget
	if opts.Budget != nil {
		bud = newBudget(*opts.Budget, cfg.now, cfg.sleep)
		rt = &budgetTransport{next: rt, b: bud, cloud: cloud}
	}
	rt = &retryTransport{next: rt, cfg: cfg}

	hc := &http.Client{Transport: rt}
	if opts.HTTPClient != nil {
		hc.CheckRedirect = opts.HTTPClient.CheckRedirect
	}
	return &Client{cloud: cloud, base: cloud.GraphBaseURL(), http: hc, cfg: cfg, budget: bud, tokens: opts.Tokens}, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Cloud is the cloud the client talks to.
func (c *Client) Cloud() endpoint.Cloud { return c.cloud }

// BaseURL is the Graph v1.0 root, https://graph.microsoft.com/v1.0.
func (c *Client) BaseURL() string { return c.base }

// HTTPClient is the authenticated, retrying, logging http.Client under
// Do, for callers that need the raw response. Request options can be put
// on its requests' contexts with WithReplicationRetry.
func (c *Client) HTTPClient() *http.Client { return c.http }

// Response is a successful answer.
type Response struct {
	StatusCode int
	Header     http.Header
	// RequestID is the service's id for the request.
	RequestID string
	// Body is the raw body (also decoded into out, if given).
	Body []byte
}

// Do sends one request and decodes the JSON answer into out (unless out is
// nil or the answer has no body). pathOrURL is a Graph path relative to
// https://graph.microsoft.com/v1.0 ("/applications?$top=999"), or an
// absolute URL on the cloud's Graph or SharePoint hosts (an @odata.nextLink,
// a SharePoint REST URL).
//
// body may be nil, []byte or json.RawMessage (sent as JSON as is),
// url.Values (sent as a form), or any value (encoded as JSON).
//
// A status of 400 or more is returned as *Error, along with the Response.
func (c *Client) Do(ctx context.Context, method, pathOrURL string, body, out any, opts ...RequestOption) (*Response, error) {
	var ro requestOptions
	for _, o := range opts {
		o(&ro)
	}
	u, err := c.resolve(pathOrURL)
	if err != nil {
		return nil, err
	}
	payload, contentType, err := encodeBody(body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u, err)
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(withPolicy(ctx, ro), method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.cloud.IsSharePointHost(u.Hostname()) {
		req.Header.Set("Accept", "application/json;odata=nometadata")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("User-Agent", c.cfg.userAgent)
	for k, vs := range ro.header {
		req.Header[k] = vs
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, redactURL(u), unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.maxAnswer+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", method, redactURL(u), err)
	}
	if int64(len(data)) > c.cfg.maxAnswer {
		return nil, fmt.Errorf("%s %s: the answer is larger than %d MiB; refusing to read more", method, redactURL(u), c.cfg.maxAnswer>>20)
	}
	r := &Response{StatusCode: resp.StatusCode, Header: resp.Header, RequestID: requestIDOf(resp.Header), Body: data}
	if resp.StatusCode >= 400 {
		return r, newError(method, redactURL(u), resp.StatusCode, resp.Header, data)
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 && resp.StatusCode != http.StatusNoContent {
		if raw, ok := out.(*[]byte); ok {
			*raw = data
		} else if err := json.Unmarshal(data, out); err != nil {
			return r, fmt.Errorf("%s %s: decoding the answer: %w", method, redactURL(u), err)
		}
	}
	return r, nil
}

// Get reads pathOrURL into out.
func (c *Client) Get(ctx context.Context, pathOrURL string, out any, opts ...RequestOption) error {
	_, err := c.Do(ctx, http.MethodGet, pathOrURL, nil, out, opts...)
	return err
}

// Post sends body and decodes the answer into out (may be nil).
func (c *Client) Post(ctx context.Context, pathOrURL string, body, out any, opts ...RequestOption) error {
	_, err := c.Do(ctx, http.MethodPost, pathOrURL, body, out, opts...)
	return err
}

// Patch sends body; Graph answers 204 (or 201 + the object for an upsert
// that created it, decoded into out when out is not nil).
func (c *Client) Patch(ctx context.Context, pathOrURL string, body, out any, opts ...RequestOption) error {
	_, err := c.Do(ctx, http.MethodPatch, pathOrURL, body, out, opts...)
	return err
}

// Delete deletes pathOrURL.
func (c *Client) Delete(ctx context.Context, pathOrURL string, opts ...RequestOption) error {
	_, err := c.Do(ctx, http.MethodDelete, pathOrURL, nil, nil, opts...)
	return err
}

// resolve turns a Graph path or an absolute URL into the URL to call.
func (c *Client) resolve(pathOrURL string) (*url.URL, error) {
	raw := pathOrURL
	absolute := strings.HasPrefix(raw, "https://") || strings.HasPrefix(raw, "http://")
	if !absolute {
		raw = c.base + "/" + strings.TrimPrefix(raw, "/")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("graph: bad path %q: %w", pathOrURL, err)
	}
	if absolute {
		host := u.Hostname()
		if u.Scheme != "https" || !(c.cloud.IsGraphHost(host) || c.cloud.IsSharePointHost(host)) {
			return nil, fmt.Errorf("graph: refusing to call %s://%s: not a Graph or SharePoint host of the %s cloud", u.Scheme, u.Host, c.cloud.Name)
		}
	}
	u.RawQuery = escapeQuery(u.RawQuery)
	return u, nil
}

// escapeQuery percent-encodes the bytes a query may not hold as written
// (spaces in "$filter=appId eq '...'", quotes, non-ASCII) and keeps the
// rest, so already-encoded next links pass unchanged.
func escapeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		ch := q[i]
		if ch <= ' ' || ch >= 0x7f || ch == '"' || ch == '<' || ch == '>' || ch == '#' || ch == '`' || ch == '{' || ch == '}' || ch == '|' || ch == '\\' || ch == '^' {
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

func encodeBody(body any) ([]byte, string, error) {
	switch b := body.(type) {
	case nil:
		return nil, "", nil
	case []byte:
		return b, "application/json", nil
	case json.RawMessage:
		return b, "application/json", nil
	case url.Values:
		return []byte(b.Encode()), "application/x-www-form-urlencoded", nil
	case io.Reader:
		data, err := io.ReadAll(b)
		return data, "application/json", err
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, "", fmt.Errorf("encoding the request body: %w", err)
	}
	return data, "application/json", nil
}

// unwrapURLError drops *url.Error's repetition of method and URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
