package sharepoint

import (
	"time"

	"github.com/entraform/entraform/providers/graph"
)

// DefaultReplicationTimeout bounds the replication-delay retries of a
// write that names an application created moments ago.
const DefaultReplicationTimeout = 2 * time.Minute

// Options configure a Provider.
type Options struct {
	// ReplicationTimeout: default DefaultReplicationTimeout; tests against a
	// local tenant with a short replication delay set a few seconds.
	ReplicationTimeout time.Duration
}

// Provider reads sites and manages site permissions through Microsoft
// Graph. It is safe for concurrent use.
type Provider struct {
	c           *graph.Client
	replication time.Duration
}

// New returns a Provider that talks through c.
func New(c *graph.Client, o Options) *Provider {
	p := &Provider{c: c, replication: o.ReplicationTimeout}
	if p.replication <= 0 {
		p.replication = DefaultReplicationTimeout
	}
	return p
}
