package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/internal/wslock"
)

// lockWorkspace takes the lock that keeps two applies (or destroys) of the
// same workspace of a tenant from running at once on this machine,
// waiting up to timeout for another one to finish. ok is false when
// another holds it; release gives it up. When no lock file can be made
// (no cache directory), it warns and goes on without one.
func (m *Meta) lockWorkspace(ctx context.Context, cfg *config.Config, timeout time.Duration) (release func(), ok bool) {
	tenant := cfg.Tenant.ID
	if tenant == "" {
		tenant = m.Getenv("AZURE_TENANT_ID")
	}
	dir, err := wslock.Dir(m.Getenv)
	if err != nil {
		fmt.Fprintf(m.Stderr, "Warning: cannot lock workspace %q (%v); another apply of it at the same time would not be stopped.\n", cfg.Tenant.Workspace, err)
		return func() {}, true
	}
	if timeout > 0 {
		fmt.Fprintf(m.Stderr, "Acquiring the lock of workspace %q...\n", cfg.Tenant.Workspace)
	}
	l, err := wslock.Acquire(ctx, wslock.Path(dir, tenant, cfg.Tenant.Workspace), timeout)
	var busy *wslock.BusyError
	switch {
	case errors.As(err, &busy):
		m.Errorf("cannot apply workspace %q of tenant %s: %v.\n\nTwo applies of one workspace at once could each create the same secret. Wait for the other to finish, or run with -lock-timeout=10m to wait for it.",
			cfg.Tenant.Workspace, tenant, busy)
		return nil, false
	case ctx.Err() != nil:
		m.Errorf("waiting for the lock of workspace %q: %v", cfg.Tenant.Workspace, ctx.Err())
		return nil, false
	case err != nil:
		fmt.Fprintf(m.Stderr, "Warning: cannot lock workspace %q (%v); another apply of it at the same time would not be stopped.\n", cfg.Tenant.Workspace, err)
		return func() {}, true
	}
	return func() { l.Release() }, true
}
