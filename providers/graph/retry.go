package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// Backoff of replication retries: waits grow from 1s to 8s.
const (
	replicationBaseDelay = time.Second
	replicationMaxDelay  = 8 * time.Second
	maxErrorBodyRead     = 1 << 20
)

// retryTransport repeats a request after throttling, server errors,
// connection failures and (when the request opts in) replication errors.
// See the package documentation for the policy.
type retryTransport struct {
	next http.RoundTripper
	cfg  *config
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	pol := policyFrom(ctx)
	if req.Header.Get("client-request-id") == "" {
		req = req.Clone(ctx)
		req.Header.Set("client-request-id", NewGUID())
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	start := t.cfg.now()
	retries, replications := 0, 0

	for attempt := 1; ; attempt++ {
		try := req
		if attempt > 1 && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("replaying request body: %w", err)
			}
			try = req.Clone(ctx)
			try.Body = body
		}
		try = try.WithContext(withAttempt(ctx, attempt))
		resp, err := t.next.RoundTrip(try)

		if !replayable || ctx.Err() != nil {
			return resp, err
		}
		kind, retryAfter, resp := t.classify(req, pol, resp, err)
		elapsed := t.cfg.now().Sub(start)
		var wait time.Duration
		switch kind {
		case noRetry:
			return resp, err
		case transient:
			if retries >= t.cfg.maxRetries {
				return resp, err
			}
			retries++
			if retryAfter >= 0 {
				wait = retryAfter
			} else {
				wait = t.cfg.backoff(retries)
			}
			if elapsed+wait > t.cfg.maxRetryTime {
				return resp, err
			}
		case replication:
			replications++
			wait = t.cfg.replicationBackoff(replications)
			if elapsed+wait > pol.replication {
				return resp, err
			}
		}
		if deadline, ok := ctx.Deadline(); ok && t.cfg.now().Add(wait).After(deadline) {
			// The caller's deadline falls inside the wait: the last answer
			// says more than "context deadline exceeded" would.
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBodyRead))
			resp.Body.Close()
		}
		if serr := t.cfg.sleep(ctx, wait); serr != nil {
			return nil, serr
		}
	}
}

type retryKind int

const (
	noRetry retryKind = iota
	transient
	replication
)

// classify decides whether to retry. retryAfter is the server's requested
// wait (-1 when it named none). When it has to read the body to decide, it
// returns a response whose body can still be read.
func (t *retryTransport) classify(req *http.Request, pol policy, resp *http.Response, err error) (retryKind, time.Duration, *http.Response) {
	idempotent := pol.idempotent || isIdempotentMethod(req.Method)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return noRetry, -1, resp
		}
		if isConnRefused(err) || (idempotent && isTransientNetError(err)) {
			return transient, -1, resp
		}
		return noRetry, -1, resp
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return transient, t.cfg.retryAfter(resp.Header), resp
	case http.StatusGatewayTimeout:
		if idempotent {
			return transient, t.cfg.retryAfter(resp.Header), resp
		}
		return noRetry, -1, resp
	case http.StatusInternalServerError, http.StatusBadGateway:
		return transient, -1, resp
	case http.StatusNotFound, http.StatusBadRequest:
		if pol.replication <= 0 {
			return noRetry, -1, resp
		}
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyRead))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			return noRetry, -1, resp
		}
		e := newError(req.Method, req.URL.String(), resp.StatusCode, resp.Header, body)
		if isReplication(e.StatusCode, e.Code, e.Message) {
			return replication, -1, resp
		}
	}
	return noRetry, -1, resp
}

func isIdempotentMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodPatch:
		return true
	}
	return false
}

// isConnRefused: nothing reached the server, so any request may be repeated.
func isConnRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// isTransientNetError: the connection broke; the server may or may not have
// acted on the request.
func isTransientNetError(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// retryAfter parses Retry-After: delay-seconds or an HTTP date; -1 if absent
// or unreadable.
func (c *config) retryAfter(h http.Header) time.Duration {
	return parseRetryAfter(h.Get("Retry-After"), c.now())
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return -1
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return -1
		}
		return time.Duration(secs) * time.Second
	}
	if when, err := http.ParseTime(v); err == nil {
		d := when.Sub(now)
		if d < 0 {
			d = 0
		}
		return d
	}
	return -1
}

// backoff is the wait before retry n (1-based): full jitter over an
// exponentially growing ceiling.
func (c *config) backoff(n int) time.Duration {
	return c.jitter(expCeiling(c.baseDelay, c.maxDelay, n))
}

// replicationBackoff waits at least half the exponential ceiling, so the
// bounded time is spent on a modest number of tries.
func (c *config) replicationBackoff(n int) time.Duration {
	ceil := expCeiling(replicationBaseDelay, replicationMaxDelay, n)
	return ceil/2 + c.jitter(ceil/2)
}

func expCeiling(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}
