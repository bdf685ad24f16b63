package checks

import (
	"context"
	"fmt"
	"time"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/config"
)

// checkRun is one check being run.
type checkRun struct {
	env      Env
	check    *config.Check
	app      *config.Application
	clientID string
	target   target
	cred     credential // the confidential credential used, once found
	retried  time.Duration
}

// runCheck runs a check, retrying outcomes replication delay can cause
// until env.Retry has passed since it started.
func runCheck(ctx context.Context, env Env, c *config.Check) Result {
	start := env.Now()
	res := Result{Address: c.Addr, Flow: c.Flow, Application: c.Application}
	r := &checkRun{env: env, check: c}
	if p := r.prepare(); p != nil {
		res.Problems = []Problem{*p}
		res.Duration = env.Now().Sub(start)
		return res
	}
	retry := env.Retry
	if isUserFlow(c.Flow) && env.Browser == nil {
		// A person signs in: ask once, not once per retry.
		retry = 0
	}
	wait := time.Second
	for attempt := 1; ; attempt++ {
		r.retried = env.Now().Sub(start)
		res = r.attempt(ctx)
		res.Attempts = attempt
		if res.OK || !anyTransient(res.Problems) || ctx.Err() != nil {
			break
		}
		elapsed := env.Now().Sub(start)
		if elapsed+wait > retry {
			break
		}
		fmt.Fprintf(env.Progress, "%s: %s; retrying in %s\n", c.Addr, firstTransient(res.Problems), wait)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(wait*2, 15*time.Second)
	}
	if res.Attempts > 1 {
		r.retried = env.Now().Sub(start)
		for i := range res.Problems {
			if res.Problems[i].transient {
				res.Problems[i].Message += fmt.Sprintf(" (still so after retrying for %s)", r.retried.Round(time.Second))
			}
		}
	}
	res.Duration = env.Now().Sub(start)
	return res
}

func anyTransient(ps []Problem) bool {
	for _, p := range ps {
		if p.transient {
			return true
		}
	}
	return false
}

func firstTransient(ps []Problem) string {
	for _, p := range ps {
		if p.transient {
			return p.Code
		}
	}
	return ""
}

// prepare finds the check's application, client id and target.
func (r *checkRun) prepare() *Problem {
	r.app = r.env.Config.Application(r.check.Application)
	if r.app == nil {
		return &Problem{Code: CodeNoClientID, Message: fmt.Sprintf("%s names %s, which is not in the configuration", r.check.Addr, r.check.Application)}
	}
	r.clientID = r.env.Apps[r.app.Addr]
	if r.clientID == "" && r.app.Adopt != "" {
		r.clientID = r.app.Adopt
	}
	if r.clientID == "" {
		return &Problem{Code: CodeNoClientID, Message: fmt.Sprintf("%s does not exist in the tenant yet (no client id found for unique name %s): run apply first", r.app.Addr, r.app.UniqueName)}
	}
	t, err := resolveTarget(r.env.Cloud, r.app, r.check)
	if err != nil {
		return &Problem{Code: CodeRequestFailed, Message: fmt.Sprintf("%s: %v", r.check.Addr, err)}
	}
	r.target = t
	return nil
}

// attempt signs in once, inspects the token and sends the requests.
func (r *checkRun) attempt(ctx context.Context) Result {
	res := Result{Address: r.check.Addr, Flow: r.check.Flow, Application: r.app.Addr}
	token, prob, err := r.acquire(ctx)
	if r.check.ExpectError != "" {
		return r.expectRefusal(res, token, prob, err)
	}
	switch {
	case prob != nil:
		res.Problems = append(res.Problems, *prob)
	case err != nil:
		res.Problems = append(res.Problems, r.explainSignIn(err))
	}
	if len(res.Problems) > 0 {
		for _, q := range r.check.Requests {
			res.Requests = append(res.Requests, RequestResult{Name: q.Name, Method: q.Method, URL: q.URL, Want: q.Status, Error: "not sent: no token"})
		}
		return res
	}
	claims, err := DecodeClaims(token)
	if err != nil {
		res.Problems = append(res.Problems, Problem{Code: CodeSignInFailed, Message: err.Error()})
		return res
	}
	res.Claims = claims
	res.Problems = append(res.Problems, r.inspectToken(claims)...)
	tokenProblems := false
	for _, p := range res.Problems {
		tokenProblems = tokenProblems || explainsRefusals(p.Code)
	}
	for _, q := range r.check.Requests {
		rr, p := r.send(ctx, token, claims, q, tokenProblems)
		res.Requests = append(res.Requests, rr)
		if p != nil {
			res.Problems = append(res.Problems, *p)
		}
	}
	res.OK = len(res.Problems) == 0
	return res
}

// acquire gets a token the way the application would. A Problem means
// the check could not even try (no credential at hand); an error is a
// refused or failed sign-in.
func (r *checkRun) acquire(ctx context.Context) (string, *Problem, error) {
	app := auth.App{Cloud: r.env.Cloud, TenantID: r.env.TenantID, ClientID: r.clientID, HTTPClient: r.env.HTTPClient}
	var (
		client *auth.ConfidentialClient
		err    error
	)
	switch r.check.Flow {
	case "client_credentials":
		cred, p := secretCredential(r.env, r.app, r.clientID)
		if p != nil {
			return "", p, nil
		}
		r.cred = cred
		client, err = auth.NewSecretClient(app, cred.secret)
	case "certificate":
		cred, p := certificateCredential(r.env, r.app)
		if p != nil {
			return "", p, nil
		}
		r.cred = cred
		client, err = auth.NewCertificateClient(app, cred.certs, cred.key)
	case "federated":
		cred, p := federatedCredential(r.env, r.app)
		if p != nil {
			return "", p, nil
		}
		r.cred = cred
		client, err = auth.NewAssertionClient(app, cred.assertion.Get)
	case "auth_code":
		return r.authCode(ctx)
	case "device_code":
		tok, err := r.deviceCode(ctx)
		return tok, nil, err
	case "interactive":
		tok, err := r.interactive(ctx)
		return tok, nil, err
	default:
		return "", &Problem{Code: CodeSignInFailed, Message: fmt.Sprintf("unknown flow %q", r.check.Flow)}, nil
	}
	if err != nil {
		return "", nil, err
	}
	tok, err := client.Token(ctx, r.target.Scopes)
	if err != nil {
		return "", nil, err
	}
	return tok.Value, nil, nil
}

// explainsRefusals reports whether a token problem of this code explains
// any refusal of the check's requests (the token lacks the permissions
// the configuration declares).
func explainsRefusals(code string) bool {
	switch code {
	case CodeNoAdminConsent, CodeConsentNotEffective, CodeDelegatedWithAppFlow, CodeApplicationWithUser, CodeNotDeclared:
		return true
	}
	return false
}
