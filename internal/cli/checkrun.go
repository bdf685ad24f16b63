package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/apply/checks"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/internal/engine"
)

// checkAfterApply runs the configuration's login checks as the last step
// of an apply: it signs in as each app with the app's own credentials
// (the secrets this apply made, or the write_to and key files) and sends
// the declared requests. Outcomes that replication delay explains are
// retried for up to retry, but only when this apply changed something.
func (m *Meta) checkAfterApply(ctx context.Context, cfg *config.Config, s *session, r *apply.Result, retry time.Duration) int {
	apps := engine.AppIDs(cfg, s.snapshot)
	var secrets map[string][]apply.NewSecret
	if r == nil {
		retry = 0 // nothing changed: nothing can be waiting to replicate
	} else {
		for addr, ids := range r.Apps {
			apps[addr] = ids.AppID
		}
		secrets = r.Secrets
	}
	fmt.Fprintf(m.Stdout, "\n%s\n\n", m.bold("Login checks:"))
	return m.runChecks(ctx, m.checkEnv(cfg, s, apps, secrets, retry), nil, false)
}

// checkEnv is what the login checks need of a session: the tenant, the
// HTTP client, the applications' client ids, the secrets made by this
// apply (if any), and how sign-ins reach a browser.
func (m *Meta) checkEnv(cfg *config.Config, s *session, apps map[string]string, secrets map[string][]apply.NewSecret, retry time.Duration) checks.Env {
	return checks.Env{
		Config:     cfg,
		Cloud:      s.cloud,
		TenantID:   s.tenantID,
		HTTPClient: s.httpClient,
		Getenv:     m.Getenv,
		Apps:       apps,
		Secrets:    secrets,
		Retry:      retry,
		Progress:   m.Stderr,
		Browser:    m.browser(s),
	}
}

// runChecks runs the checks (all, or those named), prints the results as
// text or JSON, and returns the exit code: 1 when any check failed.
func (m *Meta) runChecks(ctx context.Context, env checks.Env, only []string, jsonOut bool) int {
	// Text results are printed once, on stdout; with -json, stdout is the
	// JSON, so a line per finished check goes to stderr.
	env.ReportEach = jsonOut
	results := checks.Run(ctx, env, only)
	if jsonOut {
		if err := checks.WriteJSON(m.Stdout, results); err != nil {
			m.Errorf("writing JSON: %v", err)
			return ExitError
		}
	} else {
		checks.Render(m.Stdout, results, m.Color)
	}
	if !checks.Passed(results) {
		return ExitError
	}
	return ExitOK
}

// browser returns how user sign-ins open their URL: the system browser,
// except against the local tenant, whose default user approves every
// sign-in, so a plain HTTP client can follow it unattended.
func (m *Meta) browser(s *session) func(ctx context.Context, url string) error {
	if m.Getenv("ENTRAFORM_ENDPOINT") != "" {
		return checks.HTTPBrowser(s.httpClient)
	}
	return nil
}
