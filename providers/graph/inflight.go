package graph

import "context"

// limiter bounds the HTTP requests in flight: a slot is taken before a
// request (or a $batch) is sent and given back when its answer's headers
// have arrived.
type limiter struct {
	slots chan struct{}
}

func newLimiter(n int) *limiter {
	return &limiter{slots: make(chan struct{}, max(n, 1))}
}

// acquire takes a slot, or gives up when ctx is done.
func (l *limiter) acquire(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait takes a slot, however long it takes (a batch being formed has no
// single caller whose context could end the wait).
func (l *limiter) wait() { l.slots <- struct{}{} }

func (l *limiter) release() { <-l.slots }

type limiterKey struct{}

// WithMaxInFlight returns a context under which the requests of a client
// with Options.Coalesce share their own bound: at most n HTTP requests in
// flight at once (a $batch counts once), instead of Options.MaxInFlight.
// An apply puts its -parallelism here. Requests under different bounds
// never share a $batch. Without Coalesce the context changes nothing.
func WithMaxInFlight(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, limiterKey{}, newLimiter(n))
}

// limiterFrom is the bound of ctx, or def.
func limiterFrom(ctx context.Context, def *limiter) *limiter {
	if l, ok := ctx.Value(limiterKey{}).(*limiter); ok {
		return l
	}
	return def
}
