package checks

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/pkg/browser"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/config"
)

// userFlowScopes are added to every user sign-in, as MSAL does.
var userFlowScopes = []string{"openid", "profile", "offline_access"}

// authCode signs a user in through the application's own web redirect
// URI: it listens there, opens the authorize URL (PKCE S256) in the
// browser, receives the code (query or form_post) and redeems it with the
// application's secret or certificate, as a web app such as the Flask
// sample does.
func (r *checkRun) authCode(ctx context.Context) (string, *Problem, error) {
	redirect, ok := loopbackRedirect(r.app)
	if !ok {
		return "", &Problem{Code: CodeNoCredential, Message: fmt.Sprintf(
			"flow = \"auth_code\" listens on the app's web redirect URI, and %s has no http://localhost one; add one such as web { redirect_uris = [\"http://localhost:5555/\"] } and apply", r.app.Addr)}, nil
	}
	cred, prob := r.codeCredential()
	if prob != nil {
		return "", prob, nil
	}
	r.cred = cred
	mcred, err := msalCredential(cred)
	if err != nil {
		return "", nil, err
	}
	cc, err := confidential.New(r.env.Cloud.AuthorityURL(r.env.TenantID), r.clientID, mcred, confidential.WithHTTPClient(r.env.HTTPClient))
	if err != nil {
		return "", nil, fmt.Errorf("confidential client %s: %w", r.clientID, err)
	}

	verifier, challenge, err := pkce()
	if err != nil {
		return "", nil, err
	}
	state, err := randomString()
	if err != nil {
		return "", nil, err
	}
	mode := r.env.ResponseMode
	if mode == "" {
		mode = "query"
	}

	ctx, cancel := context.WithTimeout(ctx, r.env.SignInTimeout)
	defer cancel()
	rcv, err := listenRedirect(redirect, state)
	if err != nil {
		return "", &Problem{Code: CodeNoCredential, Message: fmt.Sprintf(
			"cannot listen on the redirect URI %s to receive the sign-in: %v (stop whatever uses that port, such as the app itself, and run the check again)", redirect, err)}, nil
	}
	defer rcv.close()

	q := url.Values{
		"client_id":             {r.clientID},
		"response_type":         {"code"},
		"redirect_uri":          {redirect.String()},
		"scope":                 {strings.Join(append(append([]string(nil), r.target.Scopes...), userFlowScopes...), " ")},
		"state":                 {state},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
		"response_mode":         {mode},
	}
	if r.check.User != "" {
		q.Set("login_hint", r.check.User)
	}
	authorizeURL := r.env.Cloud.AuthorityURL(r.env.TenantID) + "/oauth2/v2.0/authorize?" + q.Encode()

	fmt.Fprintf(r.env.Progress, "%s: sign in as a user in the browser (auth_code, redirect %s)\n", r.check.Addr, redirect)
	opened := make(chan error, 1)
	go func() { opened <- r.openBrowser(ctx, authorizeURL) }()

	var res redirectResult
wait:
	for {
		select {
		case res = <-rcv.results:
			break wait
		case err := <-opened:
			if err != nil {
				return "", nil, asSignInError(fmt.Errorf("browser: %w", err))
			}
			opened = nil // the browser is open; wait for the redirect
		case <-ctx.Done():
			return "", nil, fmt.Errorf("no sign-in arrived on %s within %s: %w (if the browser shows an AADSTS error, that is the cause)", redirect, r.env.SignInTimeout, ctx.Err())
		}
	}
	if res.err != nil {
		return "", nil, res.err
	}
	ar, err := cc.AcquireTokenByAuthCode(ctx, res.code, redirect.String(), r.target.Scopes, confidential.WithChallenge(verifier))
	if err != nil {
		return "", nil, asSignInError(err)
	}
	return ar.AccessToken, nil, nil
}

// codeCredential is the credential a web app redeems codes with: its
// secret, else its certificate.
func (r *checkRun) codeCredential() (credential, *Problem) {
	if len(r.app.Secrets) > 0 || len(r.env.Secrets[r.app.Addr]) > 0 {
		c, p := secretCredential(r.env, r.app, r.clientID)
		if p == nil || len(r.app.Certificates) == 0 {
			return c, p
		}
	}
	return certificateCredential(r.env, r.app)
}

func msalCredential(c credential) (confidential.Credential, error) {
	switch c.kind {
	case "secret":
		return confidential.NewCredFromSecret(c.secret)
	case "certificate":
		return confidential.NewCredFromCert(c.certs, c.key)
	case "federated":
		return confidential.NewCredFromAssertionCallback(func(ctx context.Context, _ confidential.AssertionRequestOptions) (string, error) {
			return c.assertion.Get(ctx)
		}), nil
	}
	return confidential.Credential{}, fmt.Errorf("no credential of kind %q", c.kind)
}

func (r *checkRun) openBrowser(ctx context.Context, u string) error {
	if r.env.Browser != nil {
		return r.env.Browser(ctx, u)
	}
	return browser.OpenURL(u)
}

// loopbackRedirect picks the application's first web redirect URI on
// this machine (http://localhost, 127.0.0.1 or [::1]).
func loopbackRedirect(app *config.Application) (*url.URL, bool) {
	if app.Web == nil {
		return nil, false
	}
	for _, raw := range app.Web.RedirectURIs {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "http" {
			continue
		}
		switch u.Hostname() {
		case "localhost", "127.0.0.1", "::1":
			return u, true
		}
	}
	return nil, false
}

// pkce returns a code verifier and its S256 challenge.
func pkce() (verifier, challenge string, err error) {
	verifier, err = randomString()
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

func randomString() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// redirectReceiver listens on a redirect URI for the authorization
// response.
type redirectReceiver struct {
	srv     *http.Server
	results chan redirectResult
}

type redirectResult struct {
	code string
	err  error
}

func listenRedirect(u *url.URL, state string) (*redirectReceiver, error) {
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	ln, err := net.Listen("tcp", host)
	if err != nil {
		return nil, err
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	rr := &redirectReceiver{results: make(chan redirectResult, 1)}
	rr.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != path {
			http.NotFound(w, req)
			return
		}
		if err := req.ParseForm(); err != nil {
			http.Error(w, "entraform: cannot read the sign-in response", http.StatusBadRequest)
			return
		}
		if req.Form.Get("state") != state {
			http.Error(w, "entraform: this sign-in response is not the one entraform is waiting for (state mismatch)", http.StatusBadRequest)
			return
		}
		var res redirectResult
		if e := req.Form.Get("error"); e != "" {
			desc := trimTrace(req.Form.Get("error_description"))
			res.err = &auth.SignInError{Code: e, AADSTS: aadstsIn(desc), Description: desc, Err: errors.New(e)}
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<!DOCTYPE html><html><body><p>entraform: the sign-in failed: %s</p><p>You can close this window.</p></body></html>", htmlEscape(desc))
		} else if res.code = req.Form.Get("code"); res.code == "" {
			http.Error(w, "entraform: the sign-in response has no code", http.StatusBadRequest)
			return
		} else {
			fmt.Fprint(w, "<!DOCTYPE html><html><body><p>entraform: signed in. You can close this window.</p></body></html>")
		}
		select {
		case rr.results <- res:
		default:
		}
	})}
	go rr.srv.Serve(ln)
	return rr, nil
}

func (rr *redirectReceiver) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rr.srv.Shutdown(ctx)
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }
