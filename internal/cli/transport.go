package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/entraform/entraform/endpoint"
)

// transport is endpoint.Transport for the command's environment, after
// making sure that a local tenant named by ENTRAFORM_ENDPOINT is running:
// when it has stopped, every request would fail on its vanished CA file or
// a refused connection, so the command says so and how to start it.
func (m *Meta) transport(ctx context.Context) (*http.Transport, error) {
	if raw := m.Getenv(endpoint.EnvEndpoint); raw != "" {
		if err := localTenantRunning(ctx, raw, m.Getenv(endpoint.EnvCAFile)); err != nil {
			return nil, err
		}
	}
	return endpoint.Transport(m.Getenv)
}

// startLocalTenant is how to start a local tenant and point a shell at it.
const startLocalTenant = "start one with `entraform tenant serve -env-file local.env` (add -data DIR to keep its objects across restarts) and load its lines in this shell (set -a; . ./local.env; set +a), or unset ENTRAFORM_ENDPOINT and ENTRAFORM_CA_FILE to use Microsoft's cloud"

// localTenantRunning dials the endpoint once (a malformed one is left to
// endpoint.Transport to explain) and checks that the CA file still exists.
func localTenantRunning(ctx context.Context, raw, caFile string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, dialErr := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if dialErr != nil {
		return fmt.Errorf("the local tenant at %s=%s is not running (%v): %s", endpoint.EnvEndpoint, raw, dialErr, startLocalTenant)
	}
	conn.Close()
	if caFile != "" {
		if _, err := os.Stat(caFile); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s=%s does not exist: it belonged to a local tenant that has stopped (a tenant without -data removes it on exit), and the tenant now at %s has another; load the lines the running tenant printed (set -a; . ./local.env; set +a), or %s", endpoint.EnvCAFile, caFile, raw, startLocalTenant)
		}
	}
	return nil
}
