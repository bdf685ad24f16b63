package policy

import (
	"fmt"
	"time"

	"github.com/entraform/entraform/config"
)

// MaxSecretLifetime is the longest secret lifetime the secret-lifetime
// rule accepts: the default expires_in, about six months. A policy block
// over a credential's expires_in_hours sets another limit.
const MaxSecretLifetime = config.DefaultSecretExpiresIn

func secretAddr(a *config.Application, s *config.Secret) string {
	return a.Addr + ".secret." + s.Name
}

// secretInsteadOfFederated finds secrets of applications that already
// sign in with a federated credential or a certificate, when no check
// uses the secret: it is one more thing to leak and rotate.
func secretInsteadOfFederated(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		if len(a.Secrets) == 0 || (len(a.FederatedCredentials) == 0 && len(a.Certificates) == 0) {
			continue
		}
		usesSecret := false
		for _, c := range f.checks[a.Addr] {
			if c.Flow == "client_credentials" || (c.Flow == "auth_code" && len(a.Certificates) == 0) {
				usesSecret = true
			}
		}
		if usesSecret {
			continue
		}
		other, flow := "a federated credential", "federated"
		if len(a.FederatedCredentials) == 0 {
			other, flow = "a certificate", "certificate"
		}
		for _, s := range a.Secrets {
			out = append(out, Finding{
				Address: secretAddr(a, s),
				Range:   s.DeclRange,
				Summary: "Secret where " + other + " serves",
				Detail: fmt.Sprintf("%s signs in with %s, and no check uses secret %q: a secret is a password that can leak from wherever it is stored, and must be rotated.",
					a.Addr, other, s.Name),
				Fix: fmt.Sprintf("remove the secret %q block from %s and sign in with %s (in checks: flow = %q).", s.Name, a.Addr, other, flow),
			})
		}
	}
	return out
}

// secretLifetime finds secrets that live longer than MaxSecretLifetime.
func secretLifetime(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		for _, s := range a.Secrets {
			if s.ExpiresIn <= MaxSecretLifetime {
				continue
			}
			out = append(out, Finding{
				Address: secretAddr(a, s),
				Range:   attrRange(a, "secret."+s.Name+".expires_in"),
				Summary: "Secret lifetime over the limit",
				Detail: fmt.Sprintf("Secret %q of %s lives %s; the limit is %s (%s). A long-lived secret that leaks stays usable for long.",
					s.Name, a.Addr, days(s.ExpiresIn), days(MaxSecretLifetime), MaxSecretLifetime),
				Fix: fmt.Sprintf("expires_in = %q (or shorter), with rotate_before so that plan replaces it in time; better, a certificate or federated credential.", "180d"),
			})
		}
	}
	return out
}

// secretRotation finds secrets without rotate_before: the default applies,
// but a reviewer cannot see when the secret is replaced.
func secretRotation(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		for _, s := range a.Secrets {
			if _, ok := a.AttrRanges["secret."+s.Name+".rotate_before"]; ok {
				continue
			}
			out = append(out, Finding{
				Address: secretAddr(a, s),
				Range:   s.DeclRange,
				Summary: "Secret without rotate_before",
				Detail: fmt.Sprintf("Secret %q of %s does not say when it is rotated; plan replaces it %s before it expires by default, which nobody reviewing the file can see.",
					s.Name, a.Addr, days(s.RotateBefore)),
				Fix: fmt.Sprintf("set it in the secret block:\n%s", indent(fmt.Sprintf("secret %q {\n  rotate_before = %q\n  ...\n}", s.Name, fmt.Sprintf("%dd", int(s.RotateBefore/(24*time.Hour)))), 2)),
			})
		}
	}
	return out
}

// days renders a duration in days ("180 days") when it is whole days.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return d.String()
}
