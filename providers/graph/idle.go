package graph

import "net/http"

// closeIdle forwards CloseIdleConnections down the chain, so that
// http.Client.CloseIdleConnections on the client's chain reaches the base
// transport.
func closeIdle(next http.RoundTripper) {
	if c, ok := next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *retryTransport) CloseIdleConnections() { closeIdle(t.next) }
func (t *authTransport) CloseIdleConnections()  { closeIdle(t.next) }
func (t *logTransport) CloseIdleConnections()   { closeIdle(t.next) }

// CloseIdleConnections closes the connections the client keeps open for
// reuse (for example before shutting a local tenant down).
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }
