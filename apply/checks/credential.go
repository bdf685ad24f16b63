package checks

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/config"
)

// credential is an application's own credential, as a check found it.
type credential struct {
	kind   string // "secret", "certificate" or "federated"
	source string // where it came from, for messages: "secrets/app.env", "AZURE_FEDERATED_TOKEN_FILE (...)"
	// madeBy names the secret block when this apply made the secret.
	madeBy string

	secret string

	certs []*x509.Certificate
	key   crypto.PrivateKey

	assertion *recordedAssertion
}

// secretCredential finds the app's secret: the newest one made by this
// apply, else the first write_to file that holds a secret (a file written
// for this client id first).
func secretCredential(env Env, app *config.Application, clientID string) (credential, *Problem) {
	if made := env.Secrets[app.Addr]; len(made) > 0 {
		s := made[len(made)-1]
		return credential{kind: "secret", source: "this apply", madeBy: s.Name, secret: s.Value}, nil
	}
	var fallback *credential
	var tried []string
	for _, s := range app.Secrets {
		if s.WriteTo == "" {
			continue
		}
		tried = append(tried, s.WriteTo)
		f, err := apply.ReadSecretFile(env.Config.Path(s.WriteTo))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return credential{}, &Problem{Code: CodeNoCredential, Message: fmt.Sprintf("reading the secret file %s of %s: %v", s.WriteTo, app.Addr, err)}
		}
		if f.Secret == "" {
			continue
		}
		c := credential{kind: "secret", source: s.WriteTo, secret: f.Secret}
		if f.ClientID == "" || strings.EqualFold(f.ClientID, clientID) {
			return c, nil
		}
		if fallback == nil {
			fallback = &c
		}
	}
	if fallback != nil {
		return *fallback, nil
	}
	msg := fmt.Sprintf("%s has no secret to sign in with: no secret was made by this run", app.Addr)
	switch {
	case len(app.Secrets) == 0:
		msg = fmt.Sprintf("%s declares no secret; add a secret block with write_to, or use flow = \"certificate\"", app.Addr)
	case len(tried) == 0:
		msg += ", and none of its secrets has write_to, so the value was never kept; add write_to = \"secrets/<name>.env\" and apply (a new secret is made and written there)"
	default:
		msg += fmt.Sprintf(", and %s %s not exist or hold no AZURE_CLIENT_SECRET; run apply to make a secret and write it there", strings.Join(tried, ", "), doesOrDo(len(tried)))
	}
	return credential{}, &Problem{Code: CodeNoCredential, Message: msg}
}

func doesOrDo(n int) string {
	if n == 1 {
		return "does"
	}
	return "do"
}

// secretPhrase names the secret for messages: `the secret in
// secrets/app.env`, `the secret "web" made by this apply`.
func (c credential) secretPhrase() string {
	switch {
	case c.madeBy != "":
		return fmt.Sprintf("the secret %q made by this apply", c.madeBy)
	case c.source != "":
		return "the secret in " + c.source
	}
	return "the secret"
}

// certificateCredential loads the key file of the app's first certificate
// that has one on disk.
func certificateCredential(env Env, app *config.Application) (credential, *Problem) {
	var errs []string
	for _, c := range app.Certificates {
		path := env.Config.Path(c.PrivateKeyFile)
		certs, key, err := auth.LoadCertificate(path, "")
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Sprintf("%s does not exist (apply creates it)", c.PrivateKeyFile))
			} else {
				errs = append(errs, err.Error())
			}
			continue
		}
		return credential{kind: "certificate", source: c.PrivateKeyFile, certs: certs, key: key}, nil
	}
	if len(app.Certificates) == 0 {
		return credential{}, &Problem{Code: CodeNoCredential, Message: fmt.Sprintf("%s declares no certificate; add a certificate block with private_key_file and apply", app.Addr)}
	}
	return credential{}, &Problem{Code: CodeNoCredential, Message: fmt.Sprintf("%s has no usable certificate key file: %s", app.Addr, strings.Join(errs, "; "))}
}

// federatedCredential finds a federated token source in the environment:
// AZURE_FEDERATED_TOKEN_FILE, else the GitHub Actions OIDC endpoint.
func federatedCredential(env Env, app *config.Application) (credential, *Problem) {
	audience := auth.DefaultFederatedAudience
	for _, f := range app.FederatedCredentials {
		if len(f.Audiences) > 0 {
			audience = f.Audiences[0]
			break
		}
	}
	if path := env.Getenv(auth.EnvFederatedTokenFile); path != "" {
		return credential{kind: "federated", source: auth.EnvFederatedTokenFile + " (" + path + ")",
			assertion: &recordedAssertion{get: auth.FederatedTokenFile(path)}}, nil
	}
	reqURL, reqToken := env.Getenv(auth.EnvActionsIDTokenURL), env.Getenv(auth.EnvActionsIDTokenRequest)
	if reqURL != "" && reqToken != "" {
		return credential{kind: "federated", source: "GitHub Actions OIDC",
			assertion: &recordedAssertion{get: auth.GitHubActionsToken(env.HTTPClient, reqURL, reqToken, audience)}}, nil
	}
	return credential{}, &Problem{Code: CodeNoCredential, Message: fmt.Sprintf(
		"flow = \"federated\" needs a federated token: set %s, or run in GitHub Actions with permissions id-token: write (%s and %s)",
		auth.EnvFederatedTokenFile, auth.EnvActionsIDTokenURL, auth.EnvActionsIDTokenRequest)}
}

// recordedAssertion hands out federated assertions and remembers the
// issuer, subject and audience of the last one for explanations (never
// the token).
type recordedAssertion struct {
	get auth.AssertionFunc

	mu   sync.Mutex
	last assertionClaims
}

type assertionClaims struct {
	Issuer, Subject, Audience string
}

func (r *recordedAssertion) Get(ctx context.Context) (string, error) {
	tok, err := r.get(ctx)
	if err != nil {
		return "", err
	}
	if c, ok := peekAssertion(tok); ok {
		r.mu.Lock()
		r.last = c
		r.mu.Unlock()
	}
	return tok, nil
}

func (r *recordedAssertion) Last() assertionClaims {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}
