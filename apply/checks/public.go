package checks

import (
	"context"
	"fmt"
	"net/url"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// publicClient is the application as a public client (no credential), as
// a desktop or command line app signs in.
func (r *checkRun) publicClient() (public.Client, error) {
	c, err := public.New(r.clientID,
		public.WithAuthority(r.env.Cloud.AuthorityURL(r.env.TenantID)),
		public.WithHTTPClient(r.env.HTTPClient))
	if err != nil {
		return public.Client{}, fmt.Errorf("public client %s: %w", r.clientID, err)
	}
	return c, nil
}

// deviceCode signs a user in with the device code flow; the instructions
// go to Env.Progress.
func (r *checkRun) deviceCode(ctx context.Context) (string, error) {
	pc, err := r.publicClient()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, r.env.SignInTimeout)
	defer cancel()
	dc, err := pc.AcquireTokenByDeviceCode(ctx, r.target.Scopes)
	if err != nil {
		return "", asSignInError(err)
	}
	fmt.Fprintf(r.env.Progress, "%s: %s\n", r.check.Addr, dc.Result.Message)
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		return "", asSignInError(err)
	}
	return res.AccessToken, nil
}

// interactive signs a user in through a browser with MSAL's loopback
// listener (form_post on http://localhost:PORT). The port is the one of
// the app's public client redirect URI when that has one, else any.
func (r *checkRun) interactive(ctx context.Context) (string, error) {
	pc, err := r.publicClient()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, r.env.SignInTimeout)
	defer cancel()
	var opts []public.AcquireInteractiveOption
	if r.check.User != "" {
		opts = append(opts, public.WithLoginHint(r.check.User))
	}
	if r.env.Browser != nil {
		opts = append(opts, public.WithOpenURL(func(u string) error { return r.env.Browser(ctx, u) }))
	}
	if port := publicLoopbackPort(r); port != "" {
		opts = append(opts, public.WithRedirectURI("http://localhost:"+port))
	}
	fmt.Fprintf(r.env.Progress, "%s: sign in as a user in the browser (interactive)\n", r.check.Addr)
	res, err := pc.AcquireTokenInteractive(ctx, r.target.Scopes, opts...)
	if err != nil {
		return "", asSignInError(err)
	}
	return res.AccessToken, nil
}

// publicLoopbackPort is the port of the app's first http://localhost
// public client redirect URI, "" when it has none with a port.
func publicLoopbackPort(r *checkRun) string {
	if r.app.PublicClient == nil {
		return ""
	}
	for _, raw := range r.app.PublicClient.RedirectURIs {
		u, err := url.Parse(raw)
		if err == nil && u.Scheme == "http" && u.Hostname() == "localhost" && u.Port() != "" {
			return u.Port()
		}
	}
	return ""
}
