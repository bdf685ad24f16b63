package checks

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/endpoint"
)

// Env is what the checks need from the caller.
type Env struct {
	Config   *config.Config
	Cloud    endpoint.Cloud
	TenantID string
	// HTTPClient carries every request (identity platform, GitHub OIDC,
	// the checks' requests); build it on endpoint.Transport so that
	// ENTRAFORM_ENDPOINT reaches the local tenant.
	HTTPClient *http.Client
	// Getenv looks up environment variables (federated token sources).
	Getenv func(string) string
	// Apps maps application addresses to their appId (client id) in the
	// tenant.
	Apps map[string]string
	// Secrets holds the secret values made by this apply, by application
	// address; when an app has none here, its write_to files are read.
	Secrets map[string][]apply.NewSecret
	// Retry is how long outcomes that replication delay can cause are
	// retried (after an apply against a real tenant: minutes; 0 for verify).
	// User flows are retried only when Browser is set (unattended, as
	// against the local tenant): a person is asked to sign in once.
	Retry time.Duration
	// Browser opens a sign-in URL for the auth_code and interactive flows.
	// nil opens the system browser. Tests and the demo pass a headless
	// browser or HTTPBrowser.
	Browser func(ctx context.Context, url string) error
	// ResponseMode is how the auth_code flow asks for the code: "query"
	// (default) or "form_post".
	ResponseMode string
	// SignInTimeout bounds how long a user flow waits for the user
	// (default 5 minutes).
	SignInTimeout time.Duration
	// Progress receives device code instructions and retry notes, and,
	// with ReportEach, a line per check as it finishes; nil discards them.
	Progress io.Writer
	// ReportEach writes a PASS/FAIL line per check to Progress as it
	// finishes: for callers whose results go elsewhere (verify -json).
	// Callers that Render the results leave it off, so that each result is
	// printed once.
	ReportEach bool
	// Now is the clock (default time.Now); tests fix it.
	Now func() time.Time
}

// Result is the outcome of one check.
type Result struct {
	Address string
	Flow    string
	// Application is the address of the application that signed in.
	Application string
	OK          bool
	// Claims are the decoded claims of the token (zero when no token was
	// issued).
	Claims   Claims
	Requests []RequestResult
	Problems []Problem
	// Refused is the identity platform's refusal (AADSTS code and
	// message) when the check expected one (expect_error) and got it.
	Refused string
	// Attempts counts the sign-ins tried (more than one after retries).
	Attempts int
	Duration time.Duration
}

// RequestResult is the outcome of one request of a check.
type RequestResult struct {
	Name   string
	Method string
	URL    string
	// Status is the HTTP status received; 0 when the request was not sent.
	Status int
	// Want is the expected status.
	Want int
	OK   bool
	// Error is the service's error code and message when it sent one
	// ("accessDenied: Access denied"), or why the request was not sent.
	Error    string
	Duration time.Duration
}

// Problem is one reason a check failed, in words a user can act on.
type Problem struct {
	// Code names the kind of problem (stable, for JSON consumers):
	// no_admin_consent, consent_not_effective, delegated_with_app_flow, ...
	Code string
	// Request names the request the problem is about ("" for the sign-in
	// or the token).
	Request string
	// Message is the explanation.
	Message string
	// Detail is what the service said (AADSTS description, OData error),
	// trimmed of trace ids.
	Detail string

	// transient marks outcomes that replication delay can cause: they are
	// retried for Env.Retry.
	transient bool
}

// Problem codes.
const (
	CodeUnknownCheck          = "unknown_check"
	CodeNoClientID            = "no_client_id"
	CodeNoCredential          = "no_credential"
	CodeNoAdminConsent        = "no_admin_consent"
	CodeConsentNotEffective   = "consent_not_effective"
	CodeDelegatedWithAppFlow  = "delegated_with_app_flow"
	CodeApplicationWithUser   = "application_with_user_flow"
	CodeNotDeclared           = "permission_not_declared"
	CodeSharePointSecretToken = "sharepoint_app_only_secret"
	CodeWrongSecret           = "wrong_secret"
	CodeSecretExpired         = "secret_expired"
	CodeUnknownClient         = "unknown_client"
	CodeUnknownTenant         = "unknown_tenant"
	CodeFederatedMismatch     = "federated_mismatch"
	CodeMFARequired           = "mfa_required"
	CodeRedirectMismatch      = "redirect_uri_mismatch"
	CodePublicClientDisabled  = "public_client_disabled"
	CodeNoServicePrincipal    = "no_service_principal"
	CodeUnknownResource       = "unknown_resource"
	CodeInvalidScope          = "invalid_scope"
	CodeUnknownUser           = "unknown_user"
	CodeSignInFailed          = "sign_in_failed"
	CodeMissingPermission     = "missing_permission"
	CodeSiteGrantMissing      = "site_grant_missing"
	CodeMissingRole           = "missing_role"
	CodeMissingScope          = "missing_scope"
	CodeUnexpectedStatus      = "unexpected_status"
	CodeRequestFailed         = "request_failed"
	CodeTokenNotSent          = "token_not_sent"
	CodeNotAssigned           = "not_assigned"
	CodeNotRefused            = "not_refused"
	CodeRefusedOtherwise      = "refused_otherwise"
)

// Run runs the configuration's checks, or those named in only ("name",
// "check.name" or an instance address such as check.name["k"]), and
// returns their results in configuration order. A name that matches no
// check gives a failed Result saying so.
func Run(ctx context.Context, env Env, only []string) []Result {
	env = env.withDefaults()
	selected, unknown := Select(env.Config, only)
	results := make([]Result, len(selected), len(selected)+len(unknown))

	// App-only checks run side by side; user flows one after another (they
	// listen on the app's redirect URI and may wait for a person).
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	var progressMu sync.Mutex
	report := func(r Result) {
		if !env.ReportEach {
			return
		}
		progressMu.Lock()
		defer progressMu.Unlock()
		renderOne(env.Progress, r, false, true)
	}
	for i, c := range selected {
		if isUserFlow(c.Flow) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = runCheck(ctx, env, c)
			report(results[i])
		}()
	}
	wg.Wait()
	for i, c := range selected {
		if isUserFlow(c.Flow) {
			results[i] = runCheck(ctx, env, c)
			report(results[i])
		}
	}
	for _, name := range unknown {
		results = append(results, unknownCheck(env.Config, name))
	}
	return results
}

// Passed reports whether every result is OK (and there is at least one
// when checks were asked for by name).
func Passed(results []Result) bool {
	for _, r := range results {
		if !r.OK {
			return false
		}
	}
	return true
}

func (env Env) withDefaults() Env {
	env.Cloud = env.Cloud.OrPublic()
	if env.HTTPClient == nil {
		env.HTTPClient = http.DefaultClient
	}
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Progress == nil {
		env.Progress = io.Discard
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.SignInTimeout <= 0 {
		env.SignInTimeout = 5 * time.Minute
	}
	return env
}

func isUserFlow(flow string) bool {
	switch flow {
	case "auth_code", "device_code", "interactive":
		return true
	}
	return false
}

// Select picks the checks named in only (all when only is empty), in
// configuration order, and returns the names that match none. Names are
// "x" or "check.x" (every instance of check x) or an instance address
// such as check.x["k"].
func Select(cfg *config.Config, only []string) (selected []*config.Check, unknown []string) {
	if cfg == nil {
		return nil, only
	}
	if len(only) == 0 {
		return cfg.Checks, nil
	}
	var out []*config.Check
	seen := map[*config.Check]bool{}
	for _, name := range only {
		found := false
		for _, c := range cfg.Checks {
			if matchesName(c, name) {
				found = true
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
			}
		}
		if !found {
			unknown = append(unknown, name)
		}
	}
	// Keep configuration order.
	ordered := out[:0:0]
	for _, c := range cfg.Checks {
		if seen[c] {
			ordered = append(ordered, c)
		}
	}
	return ordered, unknown
}

// matchesName: "x" and "check.x" select every instance of check x;
// check.x["k"] and x["k"] one instance.
func matchesName(c *config.Check, name string) bool {
	name = strings.TrimPrefix(name, "check.")
	return name == c.Name || "check."+name == c.Addr
}

func unknownCheck(cfg *config.Config, name string) Result {
	var names []string
	if cfg != nil {
		for _, c := range cfg.Checks {
			names = append(names, c.Addr)
		}
	}
	have := "the configuration has no checks"
	if len(names) > 0 {
		have = "the configuration has " + strings.Join(names, ", ")
	}
	addr := name
	if !strings.HasPrefix(addr, "check.") {
		addr = "check." + addr
	}
	return Result{
		Address: addr,
		Problems: []Problem{{
			Code:    CodeUnknownCheck,
			Message: fmt.Sprintf("no check named %q: %s", name, have),
		}},
	}
}
