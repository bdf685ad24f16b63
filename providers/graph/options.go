package graph

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
)

// Options configure a Client.
type Options struct {
	// Tokens supplies bearer tokens. Required.
	Tokens auth.TokenSource
	// Cloud decides the Graph host and the SharePoint suffix; default public.
	Cloud endpoint.Cloud
	// HTTPClient provides the base transport (build it with
	// endpoint.NewHTTPClient); nil means http.DefaultTransport. Its Timeout
	// is not used: deadlines come from the context.
	HTTPClient *http.Client
	// Log receives the debug log; nil disables it. See DebugLog.
	Log io.Writer
	// UserAgent is sent on every request; default "entraform".
	UserAgent string

	// MaxRetries bounds the retries of one request (and of one $batch item)
	// after throttling, server errors and resets; default 5, negative for none.
	MaxRetries int
	// MaxRetryTime bounds the time spent retrying one request; default 2m.
	MaxRetryTime time.Duration
	// BaseDelay and MaxDelay shape the exponential backoff; defaults 500ms
	// and 30s.
	BaseDelay, MaxDelay time.Duration
	// BatchConcurrency is how many $batch groups are in flight at once;
	// default 4.
	BatchConcurrency int

	// Coalesce gathers Graph v1.0 requests issued at the same time (same
	// host, same token) into JSON $batch requests of up to MaxBatchSize
	// and hands each caller the answer to its own request, so that
	// concurrent writes cost one round trip per 20 instead of one each.
	// Retries, error decoding and the debug log still see one request per
	// item. $batch itself, SharePoint REST and bodies that are not JSON
	// are sent as they are. See the package documentation.
	Coalesce bool
	// CoalesceWindow is how long the first request of a $batch waits for
	// others to join it (a batch of 20 leaves at once); default 2ms,
	// negative for no wait.
	CoalesceWindow time.Duration
	// MaxInFlight bounds, when Coalesce is on, the HTTP requests the
	// client has open at once (a $batch counts once); default 10.
	// WithMaxInFlight sets another bound for the requests made under one
	// context.
	MaxInFlight int

	// Budget, when set, paces the client's Graph identity requests by
	// these quotas and the documented request costs (DocumentedLimits,
	// LimitsFromSetting): a request waits for budget rather than being
	// sent into a 429. Retry-After and Graph's rate headers correct it.
	// nil sends at once.
	Budget *Limits

	// Sleep waits d or until ctx is done (tests replace it); default a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Jitter returns a random duration in [0, max); default uniform.
	Jitter func(max time.Duration) time.Duration
}

// DebugLog returns w when ENTRAFORM_LOG=debug (looked up through getenv),
// else nil: pass the result as Options.Log.
func DebugLog(getenv func(string) string, w io.Writer) io.Writer {
	if getenv != nil && strings.EqualFold(strings.TrimSpace(getenv("ENTRAFORM_LOG")), "debug") {
		return w
	}
	return nil
}

// RequestOption changes one request.
type RequestOption func(*requestOptions)

type requestOptions struct {
	header      http.Header
	replication time.Duration
	idempotent  bool
}

// WithHeader sets a request header.
func WithHeader(key, value string) RequestOption {
	return func(o *requestOptions) {
		if o.header == nil {
			o.header = http.Header{}
		}
		o.header.Set(key, value)
	}
}

// Prefer sets the Prefer header (e.g. "create-if-missing" for the
// application upsert).
func Prefer(value string) RequestOption { return WithHeader("Prefer", value) }

// ConsistencyEventual sets "ConsistencyLevel: eventual", which Graph needs
// for $count and advanced $filter queries.
func ConsistencyEventual() RequestOption { return WithHeader("ConsistencyLevel", "eventual") }

// RetryReplication retries the replication-delay errors of Entra ID (see
// the package documentation) for at most d. Use it on requests that touch
// an object created moments ago.
func RetryReplication(d time.Duration) RequestOption {
	return func(o *requestOptions) { o.replication = d }
}

// Idempotent declares that repeating this request is harmless, so a POST
// is retried on every retryable failure, like a GET.
func Idempotent() RequestOption {
	return func(o *requestOptions) { o.idempotent = true }
}

// policy is what the retry transport needs to know about one request; it
// travels in the request's context.
type policy struct {
	replication time.Duration
	idempotent  bool
}

type policyKey struct{}

// WithReplicationRetry returns a context under which every request retries
// replication-delay errors for at most d (as RetryReplication does).
func WithReplicationRetry(ctx context.Context, d time.Duration) context.Context {
	p := policyFrom(ctx)
	p.replication = d
	return context.WithValue(ctx, policyKey{}, p)
}

func withPolicy(ctx context.Context, o requestOptions) context.Context {
	p := policyFrom(ctx)
	if o.replication > 0 {
		p.replication = o.replication
	}
	if o.idempotent {
		p.idempotent = true
	}
	return context.WithValue(ctx, policyKey{}, p)
}

func policyFrom(ctx context.Context) policy {
	p, _ := ctx.Value(policyKey{}).(policy)
	return p
}

type attemptKey struct{}

func withAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}

func attemptFrom(ctx context.Context) int {
	n, _ := ctx.Value(attemptKey{}).(int)
	return n
}
