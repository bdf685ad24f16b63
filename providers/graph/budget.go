package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/entraform/entraform/endpoint"
)

// budgetGrain is the step on which requests that had to wait for budget
// are released: those whose turn falls in the same second leave
// together, so that the coalescing client sends them as one $batch
// rather than one request every 50 ms.
const budgetGrain = time.Second

// budget paces the client's identity requests by token buckets that
// mirror Graph's quotas (Limits), so that an apply at the limit waits
// for budget instead of collecting 429s. Every request reserves its
// documented cost before it is sent and waits, if a bucket is short,
// until the bucket would hold it again (reservations queue in order, as
// with a rate limiter). What Graph answers corrects the buckets: a 429
// stops every request for its Retry-After and empties the bucket its
// x-ms-throttle-scope names; x-ms-resource-unit replaces the estimated
// cost; x-ms-throttle-limit-percentage (sent above 80% of a quota) lowers
// a bucket that thought itself fuller, as when another process shares
// the quota.
type budget struct {
	mu     sync.Mutex
	units  *tokenBucket
	writes *tokenBucket
	tenant *tokenBucket
	// pausedUntil: nothing leaves before it (the last Retry-After).
	pausedUntil time.Time
	stats       BudgetStats
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error
	// epoch is where the release grain starts.
	epoch time.Time
}

// BudgetStats count what the client's budget did (Client.BudgetStats).
type BudgetStats struct {
	// Requests are the identity requests sent (each $batch item counts,
	// each retry counts again), Writes those of them that write.
	Requests, Writes int
	// Throttled are the answers 429 (items of a $batch included).
	Throttled int
	// Waits are the requests that waited for budget, Waited the time
	// they waited together, and Waiting those waiting now.
	Waits   int
	Waited  time.Duration
	Waiting int
	// InFlight are the identity writes sent and not answered yet.
	InFlight int
}

func newBudget(l Limits, now func() time.Time, sleep func(context.Context, time.Duration) error) *budget {
	t := now()
	b := &budget{now: now, sleep: sleep, epoch: t}
	if l.ResourceUnits.enabled() {
		b.units = newTokenBucket(l.ResourceUnits, t)
	}
	if l.Writes.enabled() {
		b.writes = newTokenBucket(l.Writes, t)
	}
	if l.TenantWrites.enabled() {
		b.tenant = newTokenBucket(l.TenantWrites, t)
	}
	return b
}

// tokenBucket holds up to limit units, refilled at rate per second; a
// reservation may take it below zero, and the next one waits for that.
type tokenBucket struct {
	limit, rate float64
	tokens      float64
	at          time.Time
}

func newTokenBucket(q Quota, now time.Time) *tokenBucket {
	return &tokenBucket{limit: float64(q.Limit), rate: float64(q.Limit) / q.Per.Seconds(), tokens: float64(q.Limit), at: now}
}

func (b *tokenBucket) refill(now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(b.limit, b.tokens+d.Seconds()*b.rate)
		b.at = now
	}
}

// reserve takes n units and says when they are there: now, or when the
// refill has paid back what the bucket owes. A request dearer than the
// whole bucket waits for a full one.
func (b *tokenBucket) reserve(n int, now time.Time) time.Time {
	b.refill(now)
	need := math.Min(float64(n), b.limit)
	debt := need - b.tokens
	b.tokens -= float64(n)
	if debt <= 0 {
		return now
	}
	return now.Add(time.Duration(debt / b.rate * float64(time.Second)))
}

// reservation is what one request took, to correct it from the answer.
type reservation struct {
	c cost
}

// wait reserves c and sleeps until it may be sent.
func (b *budget) wait(ctx context.Context, c cost) (reservation, error) {
	b.mu.Lock()
	now := b.now()
	ready := now
	later := func(t time.Time) {
		if t.After(ready) {
			ready = t
		}
	}
	if b.units != nil {
		later(b.units.reserve(c.units, now))
	}
	if c.writes > 0 {
		if b.writes != nil {
			later(b.writes.reserve(c.writes, now))
		}
		if b.tenant != nil {
			later(b.tenant.reserve(c.writes, now))
		}
	}
	later(b.pausedUntil)
	d := ready.Sub(now)
	if d > 0 {
		// Release on the grain, so that requests that waited leave
		// together.
		steps := (ready.Sub(b.epoch) + budgetGrain - 1) / budgetGrain
		d = b.epoch.Add(steps * budgetGrain).Sub(now)
		b.stats.Waits++
		b.stats.Waited += d
		b.stats.Waiting++
	}
	b.mu.Unlock()
	if d > 0 {
		err := b.sleep(ctx, d)
		b.mu.Lock()
		b.stats.Waiting--
		b.mu.Unlock()
		if err != nil {
			b.refund(c)
			return reservation{}, err
		}
	}
	b.mu.Lock()
	b.stats.Requests++
	if c.writes > 0 {
		b.stats.Writes++
		b.stats.InFlight++
	}
	b.mu.Unlock()
	return reservation{c: c}, nil
}

// refund gives back what a request that was never sent reserved.
func (b *budget) refund(c cost) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.units != nil {
		b.units.tokens += float64(c.units)
	}
	if c.writes > 0 {
		if b.writes != nil {
			b.writes.tokens += float64(c.writes)
		}
		if b.tenant != nil {
			b.tenant.tokens += float64(c.writes)
		}
	}
}

// observe corrects the buckets from an answer's status and headers.
func (b *budget) observe(r reservation, status int, header func(string) string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.c.writes > 0 {
		b.stats.InFlight--
	}
	now := b.now()
	if status == http.StatusTooManyRequests {
		b.stats.Throttled++
		// Empty the bucket the scope names (when it names none, the
		// resource units, and the writes for a write).
		wait := parseRetryAfter(header("Retry-After"), now)
		if wait < 0 {
			wait = budgetGrain
		}
		if until := now.Add(wait); until.After(b.pausedUntil) {
			b.pausedUntil = until
		}
		scope := strings.ToLower(header("x-ms-throttle-scope"))
		var empty []*tokenBucket
		switch {
		case strings.Contains(scope, "/write/"):
			empty = append(empty, b.writes)
			if strings.HasPrefix(scope, "tenant/") {
				empty = append(empty, b.tenant)
			}
		case scope != "":
			empty = append(empty, b.units)
		default:
			empty = append(empty, b.units)
			if r.c.writes > 0 {
				empty = append(empty, b.writes)
			}
		}
		for _, bk := range empty {
			if bk != nil {
				bk.refill(now)
				bk.tokens = math.Min(bk.tokens, 0)
			}
		}
		return
	}
	if b.units != nil {
		if n, err := strconv.Atoi(header("x-ms-resource-unit")); err == nil && n > r.c.units {
			b.units.tokens -= float64(n - r.c.units)
		}
	}
	if p, err := strconv.ParseFloat(header("x-ms-throttle-limit-percentage"), 64); err == nil && p > 0 {
		bk := b.units
		if r.c.writes > 0 && b.writes != nil {
			bk = b.writes
		}
		if bk != nil {
			bk.refill(now)
			if left := bk.limit * (1 - p); bk.tokens > left {
				bk.tokens = left
			}
		}
	}
}

func (b *budget) snapshot() BudgetStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stats
}

// budgetTransport makes every identity request on the Graph host wait
// for its budget; a $batch waits for the sum of its items' costs. It
// sits under the retry transport, so that each attempt pays again.
type budgetTransport struct {
	next  http.RoundTripper
	b     *budget
	cloud endpoint.Cloud
}

func (t *budgetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.cloud.IsGraphHost(req.URL.Hostname()) {
		return t.next.RoundTrip(req)
	}
	c, ok := costOf(req.Method, req.URL.Path, req.URL.Query())
	if !ok {
		if !strings.EqualFold(strings.Trim(strings.TrimPrefix(strings.ToLower(req.URL.Path), "/v1.0"), "/"), "$batch") {
			return t.next.RoundTrip(req)
		}
		c, ok = batchCost(req)
		if !ok {
			return t.next.RoundTrip(req)
		}
		// The items' answers are read by Batch, which reports them
		// (Client.observeBatchItem).
		r, err := t.b.wait(req.Context(), c)
		if err != nil {
			return nil, err
		}
		resp, err := t.next.RoundTrip(req)
		if c.writes > 0 {
			t.b.mu.Lock()
			t.b.stats.InFlight--
			t.b.mu.Unlock()
		}
		if err == nil && resp.StatusCode == http.StatusTooManyRequests {
			t.b.observe(reservation{}, resp.StatusCode, resp.Header.Get)
		}
		_ = r
		return resp, err
	}
	r, err := t.b.wait(req.Context(), c)
	if err != nil {
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.b.observe(r, 0, func(string) string { return "" })
		return resp, err
	}
	t.b.observe(r, resp.StatusCode, resp.Header.Get)
	return resp, nil
}

// batchCost sums the costs of the items of a $batch request body.
func batchCost(req *http.Request) (cost, bool) {
	if req.GetBody == nil {
		return cost{}, false
	}
	body, err := req.GetBody()
	if err != nil {
		return cost{}, false
	}
	defer body.Close()
	raw, err := io.ReadAll(io.LimitReader(body, 8<<20))
	if err != nil {
		return cost{}, false
	}
	var payload struct {
		Requests []struct {
			Method string `json:"method"`
			URL    string `json:"url"`
		} `json:"requests"`
	}
	if json.NewDecoder(bytes.NewReader(raw)).Decode(&payload) != nil {
		return cost{}, false
	}
	var sum cost
	for _, it := range payload.Requests {
		u, err := url.Parse(it.URL)
		if err != nil {
			continue
		}
		if c, ok := costOf(it.Method, u.Path, u.Query()); ok {
			sum.units += c.units
			sum.writes += c.writes
		}
	}
	return sum, true
}

// observeBatchItem tells the budget what one item of a $batch sent by
// Batch answered (a throttled item pauses every request).
func (c *Client) observeBatchItem(status int, headers map[string]string) {
	if c.budget == nil || status != http.StatusTooManyRequests {
		return
	}
	c.budget.observe(reservation{}, status, func(k string) string {
		for hk, v := range headers {
			if strings.EqualFold(hk, k) {
				return v
			}
		}
		return ""
	})
}

// BudgetStats reports what the client's pacing did so far (zero when
// Options.Budget is nil).
func (c *Client) BudgetStats() BudgetStats {
	if c.budget == nil {
		return BudgetStats{}
	}
	return c.budget.snapshot()
}
