package policy

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/entraform/entraform/config"
)

// multiTenantAudience finds applications other tenants (or personal
// Microsoft accounts) can sign in to.
func multiTenantAudience(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		if a.SignInAudience == "" || a.SignInAudience == config.DefaultSignInAudience {
			continue
		}
		out = append(out, Finding{
			Address: a.Addr,
			Range:   attrRange(a, "sign_in_audience"),
			Summary: "Multi-tenant application",
			Detail: fmt.Sprintf("%s has sign_in_audience = %q: users of other organisations%s can sign in to it, and every tenant that consents gets a service principal of it.",
				a.Addr, a.SignInAudience, map[bool]string{true: " or personal Microsoft accounts", false: ""}[strings.Contains(a.SignInAudience, "Personal")]),
			Fix: fmt.Sprintf("sign_in_audience = %q unless %s is meant for other organisations; then record that with an ignore block.", config.DefaultSignInAudience, a.Addr),
		})
	}
	return out
}

// insecureRedirectURI finds wildcard redirect URIs, and http ones other
// than localhost (the configuration already refuses those; the rule keeps
// the guarantee if that ever loosens).
func insecureRedirectURI(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		lists := []struct {
			attr string
			uris []string
		}{}
		if a.Web != nil {
			lists = append(lists, struct {
				attr string
				uris []string
			}{"web.redirect_uris", a.Web.RedirectURIs})
		}
		if a.SPA != nil {
			lists = append(lists, struct {
				attr string
				uris []string
			}{"spa.redirect_uris", a.SPA.RedirectURIs})
		}
		if a.PublicClient != nil {
			lists = append(lists, struct {
				attr string
				uris []string
			}{"public_client.redirect_uris", a.PublicClient.RedirectURIs})
		}
		for _, l := range lists {
			for _, u := range l.uris {
				why := insecureURI(u)
				if why == "" {
					continue
				}
				out = append(out, Finding{
					Address: a.Addr,
					Range:   attrRange(a, l.attr),
					Summary: "Insecure redirect URI",
					Detail:  fmt.Sprintf("%s lists %q in %s: %s.", a.Addr, u, l.attr, why),
					Fix:     "list each exact https:// address the application receives tokens at (http only for localhost).",
				})
			}
		}
	}
	return out
}

func insecureURI(s string) string {
	if strings.Contains(s, "*") {
		return "a wildcard lets any matching address receive the sign-in's code or token, including one an attacker controls"
	}
	u, err := url.Parse(s)
	if err == nil && u.Scheme == "http" {
		if h := u.Hostname(); h != "localhost" && h != "127.0.0.1" && h != "::1" {
			return "plain http exposes the code or token on the network"
		}
	}
	return ""
}

// implicitGrant finds web platforms that issue tokens from the authorize
// endpoint (the implicit grant), which leaves tokens in browser URLs.
func implicitGrant(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		if a.Web == nil {
			continue
		}
		for _, attr := range []struct {
			name string
			on   bool
		}{{"id_token_issuance", a.Web.IDTokenIssuance}, {"access_token_issuance", a.Web.AccessTokenIssuance}} {
			if !attr.on {
				continue
			}
			out = append(out, Finding{
				Address: a.Addr,
				Range:   attrRange(a, "web."+attr.name),
				Summary: "Implicit grant on",
				Detail: fmt.Sprintf("%s sets %s = true: tokens come back in the browser's address bar, where history, logs and other scripts see them.",
					a.Addr, attr.name),
				Fix: fmt.Sprintf("remove %s (or set it to false) and use the authorization code flow with PKCE; a single-page application goes in a spa block.", attr.name),
			})
		}
	}
	return out
}

// publicClientSecret finds secrets on applications with a public client
// platform: a public client (desktop, mobile, device code) cannot keep a
// secret, so the secret only adds something to leak.
func publicClientSecret(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		if a.PublicClient == nil {
			continue
		}
		for _, s := range a.Secrets {
			out = append(out, Finding{
				Address: secretAddr(a, s),
				Range:   s.DeclRange,
				Summary: "Public client with a secret",
				Detail: fmt.Sprintf("%s has a public_client block (its users' devices run it, and anything shipped to them can be read) and secret %q.",
					a.Addr, s.Name),
				Fix: "remove the secret; if a server part needs one, give that part its own application.",
			})
		}
	}
	return out
}
