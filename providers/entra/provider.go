package entra

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/entraform/entraform/providers/graph"
)

// Defaults of Options.
const (
	// DefaultReplicationTimeout bounds the retries of replication-delay
	// errors on requests that name an object created moments ago. Entra ID
	// usually replicates within seconds, sometimes minutes.
	DefaultReplicationTimeout = 2 * time.Minute
	// DefaultPerPrincipalLimit is the largest number of service principals
	// for which Read asks for grants and role assignments per principal;
	// above it, it lists them per resource. See the package documentation.
	DefaultPerPrincipalLimit = 40
)

// Options configure a Provider.
type Options struct {
	// ReplicationTimeout bounds the replication-delay retries of a write;
	// default DefaultReplicationTimeout. Tests against a local tenant with a
	// short replication delay set a few seconds.
	ReplicationTimeout time.Duration
	// PerPrincipalLimit: see DefaultPerPrincipalLimit. Negative always
	// reads per resource.
	PerPrincipalLimit int
}

// Provider reads and writes Entra ID objects through a Graph client. It is
// safe for concurrent use; read-modify-write operations on one
// application's key credentials are serialised.
type Provider struct {
	c                 *graph.Client
	replication       time.Duration
	perPrincipalLimit int

	// noExpand is set once the service refused
	// $expand=federatedIdentityCredentials on the application list.
	noExpand atomic.Bool
	// noExpandSP is noExpand for the service principal list.
	noExpandSP atomic.Bool

	mu       sync.Mutex
	appLocks map[string]*sync.Mutex
}

// New returns a Provider that talks through c.
func New(c *graph.Client, o Options) *Provider {
	p := &Provider{c: c, replication: o.ReplicationTimeout, perPrincipalLimit: o.PerPrincipalLimit, appLocks: map[string]*sync.Mutex{}}
	if p.replication <= 0 {
		p.replication = DefaultReplicationTimeout
	}
	if p.perPrincipalLimit == 0 {
		p.perPrincipalLimit = DefaultPerPrincipalLimit
	}
	return p
}

// retry is the request option of a request that names an object created
// moments ago.
func (p *Provider) retry() graph.RequestOption { return graph.RetryReplication(p.replication) }

// lockApp serialises read-modify-write operations on one application (its
// keyCredentials list is replaced as a whole); call the returned unlock.
func (p *Provider) lockApp(objectID string) (unlock func()) {
	p.mu.Lock()
	l := p.appLocks[objectID]
	if l == nil {
		l = &sync.Mutex{}
		p.appLocks[objectID] = l
	}
	p.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// poll calls try until it reports done or fails, waiting between tries
// (0.5s doubling up to 4s) for at most the replication timeout. It returns
// nil when time runs out without done: the caller says what was missing.
func (p *Provider) poll(ctx context.Context, try func() (done bool, err error)) error {
	deadline := time.Now().Add(p.replication)
	wait := 500 * time.Millisecond
	for {
		done, err := try()
		if err != nil || done {
			return err
		}
		if time.Now().Add(wait).After(deadline) {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 4*time.Second)
	}
}

// sendAttempts bounds how often the provider sends one request (the
// client's own retries happen within each send). Writes travel in
// coalesced $batch requests, so one 504 on a batch is a lost answer for
// every write in it; and a write that waits out replication makes several
// tries per send, any of which may end it with a 504. Three sends were
// not enough for one apply in about fifteen of 50 applications at
// -error-rate 0.05 (reliability fault suite).
const sendAttempts = 5

// again sends a request until it gets an answer that says what happened,
// at most sendAttempts times. It sends it again after:
//
//   - throttling or a server error the client stopped retrying (429, 500,
//     502, 503): the service did not do the request. A request that waits
//     out replication delay makes many attempts, and the client's retry
//     budget is per request, so under heavy throttling it can run out;
//   - a lost answer (504, broken connection), which the client does not
//     repeat for a POST because the write may have happened. Repeating it
//     is safe for the provider's creates: one that did happen comes back
//     as "already exists", which each of them turns into a lookup.
//     (AddPassword, the exception, has its own loop.)
func again(ctx context.Context, send func() error) error {
	return graph.Again(ctx, sendAttempts, send)
}

// The requests of the write methods, each through again.

func (p *Provider) get(ctx context.Context, path string, out any, opts ...graph.RequestOption) error {
	return again(ctx, func() error { return p.c.Get(ctx, path, out, opts...) })
}

func (p *Provider) post(ctx context.Context, path string, body, out any, opts ...graph.RequestOption) error {
	return again(ctx, func() error { return p.c.Post(ctx, path, body, out, opts...) })
}

func (p *Provider) patch(ctx context.Context, path string, body any, opts ...graph.RequestOption) error {
	return again(ctx, func() error { return p.c.Patch(ctx, path, body, nil, opts...) })
}

func (p *Provider) delete(ctx context.Context, path string) error {
	return again(ctx, func() error { return p.c.Delete(ctx, path) })
}

func (p *Provider) do(ctx context.Context, method, path string, body, out any, opts ...graph.RequestOption) (*graph.Response, error) {
	var resp *graph.Response
	err := again(ctx, func() error {
		var err error
		resp, err = p.c.Do(ctx, method, path, body, out, opts...)
		return err
	})
	return resp, err
}

// listAll reads a whole collection, through again.
func listAll[T any](ctx context.Context, p *Provider, path string, opts ...graph.RequestOption) ([]T, error) {
	var out []T
	err := again(ctx, func() error {
		var err error
		out, err = graph.ListAll[T](ctx, p.c, path, opts...)
		return err
	})
	return out, err
}
