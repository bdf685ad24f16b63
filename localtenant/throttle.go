package localtenant

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// throttleState applies GraphLimits: token buckets per application (in
// this tenant) for resource units and writes, and one for the tenant's
// writes. A nil limits pointer is no throttling.
type throttleState struct {
	mu       sync.Mutex
	limits   *GraphLimits
	units    map[string]*bucket // by application id
	writes   map[string]*bucket // by application id
	tenantW  *bucket
	stats    ThrottleStats
	tenantID string
}

// ThrottleStats count what the Graph limits did since the tenant started
// (or since the limits were last set). Items of a $batch count one by one.
type ThrottleStats struct {
	Admitted      int // identity requests let through
	Throttled     int // identity requests answered 429
	ResourceUnits int // resource units charged
	Writes        int // writes charged
}

// bucket is a token bucket that starts full.
type bucket struct {
	q      Quota
	tokens float64
	at     time.Time
}

func newBucket(q Quota, now time.Time) *bucket {
	return &bucket{q: q, tokens: float64(q.Limit), at: now}
}

func (b *bucket) refill(now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(float64(b.q.Limit), b.tokens+d.Seconds()*b.q.rate())
		b.at = now
	}
}

// shortfall is how long until the bucket holds n units (0 when it does;
// a request dearer than the whole quota waits for a full bucket).
func (b *bucket) shortfall(n int) time.Duration {
	need := math.Min(float64(n), float64(b.q.Limit))
	if b.tokens >= need {
		return 0
	}
	return time.Duration((need - b.tokens) / b.q.rate() * float64(time.Second))
}

// used is the share of the quota in use, 0 to 1 (or above after a
// request dearer than what was left).
func (b *bucket) used() float64 {
	return 1 - b.tokens/float64(b.q.Limit)
}

func newThrottleState(tenantID string, l *GraphLimits) *throttleState {
	t := &throttleState{tenantID: tenantID}
	t.set(l, time.Now())
	return t
}

func (t *throttleState) set(l *GraphLimits, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if l != nil {
		cp := *l
		l = &cp
	}
	t.limits = l
	t.units = map[string]*bucket{}
	t.writes = map[string]*bucket{}
	t.tenantW = nil
	if l != nil && l.TenantWrites.enabled() {
		t.tenantW = newBucket(l.TenantWrites, now)
	}
	t.stats = ThrottleStats{}
}

// verdict is the outcome of admit: a throttled request's Retry-After
// and scope, or an admitted one's headers.
type verdict struct {
	throttled  bool
	retryAfter int    // whole seconds, at least 1
	scope      string // x-ms-throttle-scope
	info       string // x-ms-throttle-information
	units      int    // x-ms-resource-unit
	percentage float64
}

// admit charges a request of cost c by application appID, or refuses it
// when any of its buckets lacks the units. A refused request is not
// charged.
func (t *throttleState) admit(appID string, c requestCost, now time.Time) verdict {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.limits
	type charge struct {
		b          *bucket
		n          int
		scope      string
		limit      string
		info       string
		unitBucket bool
	}
	var charges []charge
	if l.ResourceUnits.enabled() {
		b := t.units[appID]
		if b == nil {
			b = newBucket(l.ResourceUnits, now)
			t.units[appID] = b
		}
		charges = append(charges, charge{b, c.units, "Tenant_Application", "ReadWrite", "ResourceUnitLimitExceeded", true})
	}
	if c.writes > 0 && l.Writes.enabled() {
		b := t.writes[appID]
		if b == nil {
			b = newBucket(l.Writes, now)
			t.writes[appID] = b
		}
		charges = append(charges, charge{b, c.writes, "Tenant_Application", "Write", "WriteLimitExceeded", false})
	}
	if c.writes > 0 && t.tenantW != nil {
		charges = append(charges, charge{t.tenantW, c.writes, "Tenant", "Write", "WriteLimitExceeded", false})
	}
	var wait time.Duration
	var worst *charge
	for i := range charges {
		ch := &charges[i]
		ch.b.refill(now)
		if d := ch.b.shortfall(ch.n); d > wait {
			wait, worst = d, ch
		}
	}
	if worst != nil {
		t.stats.Throttled++
		secs := int(math.Ceil(wait.Seconds()))
		if secs < 1 {
			secs = 1
		}
		return verdict{
			throttled:  true,
			retryAfter: secs,
			scope:      fmt.Sprintf("%s/%s/%s/%s", worst.scope, worst.limit, appID, t.tenantID),
			info:       worst.info,
		}
	}
	v := verdict{units: c.units}
	for _, ch := range charges {
		ch.b.tokens -= float64(ch.n)
		v.percentage = math.Max(v.percentage, ch.b.used())
	}
	t.stats.Admitted++
	t.stats.ResourceUnits += c.units
	t.stats.Writes += c.writes
	return v
}

func (t *throttleState) snapshot() ThrottleStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats
}

func (t *throttleState) on() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.limits != nil
}

// throttleGraph applies the Graph limits to an authenticated Graph
// request (or $batch item): it answers 429 with Retry-After,
// x-ms-throttle-scope, x-ms-throttle-information and Graph's error body
// when a limit is exceeded and returns false; otherwise it sets
// x-ms-resource-unit (and x-ms-throttle-limit-percentage above 0.8 of a
// quota, as Graph does) and returns true.
func (s *Server) throttleGraph(w http.ResponseWriter, r *http.Request, kind HostKind, c *Caller) bool {
	if kind != HostGraph || c == nil || !s.throttle.on() {
		return true
	}
	cost, ok := costOf(r.Method, r.URL.Path, r.URL.Query())
	if !ok {
		return true
	}
	v := s.throttle.admit(c.AppID, cost, s.clock.now())
	if v.throttled {
		w.Header().Set("Retry-After", strconv.Itoa(v.retryAfter))
		w.Header().Set("x-ms-throttle-scope", v.scope)
		w.Header().Set("x-ms-throttle-information", v.info)
		s.writeODataError(w, r, http.StatusTooManyRequests, CodeTooManyRequests, "Please retry again later.")
		return false
	}
	w.Header().Set("x-ms-resource-unit", strconv.Itoa(v.units))
	if v.percentage > 0.8 {
		w.Header().Set("x-ms-throttle-limit-percentage", strconv.FormatFloat(math.Min(v.percentage, 1.8), 'f', 2, 64))
	}
	return true
}

// SetGraphLimits replaces the Graph throttling limits (nil turns them
// off); every bucket starts full again.
func (s *Server) SetGraphLimits(l *GraphLimits) { s.throttle.set(l, s.clock.now()) }

// ThrottleStats reports what the Graph limits admitted and refused.
func (s *Server) ThrottleStats() ThrottleStats { return s.throttle.snapshot() }
