package graph

import (
	"context"
	"errors"
	"net/http"
)

// What a failed request says about whether it happened, for the
// providers' decisions to send a write again.

// IsAmbiguous reports whether a failed write may have happened anyway: a
// 504 Gateway Timeout or a transport failure (no status at all). A
// token failure or a cancelled context is not ambiguous: the request was
// not sent, or the caller stopped.
func IsAmbiguous(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var te *TokenError
	if errors.As(err, &te) {
		return false
	}
	switch StatusCode(err) {
	case 0, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// IsNotDone reports whether the service refused a request without doing
// it, in a way that invites trying again later: throttling or a server
// error (429, 500, 502, 503) the client stopped retrying.
func IsNotDone(err error) bool {
	switch StatusCode(err) {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable:
		return true
	}
	return false
}

// Again calls send up to attempts times, while its failure is IsNotDone
// or IsAmbiguous and ctx is live, and returns the last outcome. Use it
// only for requests that are safe to send twice.
func Again(ctx context.Context, attempts int, send func() error) error {
	var err error
	for range attempts {
		err = send()
		if !(IsAmbiguous(err) || IsNotDone(err)) || ctx.Err() != nil {
			return err
		}
	}
	return err
}
