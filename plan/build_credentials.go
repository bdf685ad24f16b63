package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/providers/entra"
)

// secrets plans the declared client secrets of an application: create the
// missing ones, replace (new first, then remove the old) those near expiry
// or whose value was lost, remove the undeclared ones.
func (b *builder) secrets(app *config.Application, actual *entra.Application) {
	var existing []entra.PasswordCredential
	if actual != nil {
		existing = actual.PasswordCredentials
	}
	used := map[string]bool{}
	for _, s := range app.Secrets {
		addr := fmt.Sprintf("%s.secret.%s", app.Addr, s.Name)
		file, hasFile := b.snap.SecretFiles[s.WriteTo]
		cur, found := pick(existing, s.Name, file.KeyID, func(p entra.PasswordCredential) credential {
			return credential{p.KeyID, p.DisplayName, p.KeyID, p.EndDateTime}
		})
		desired := NewValue(TypeSecret, map[string]any{
			"display_name": s.Name,
			"end_date":     unknownString,
			"hint":         unknownString,
			"key_id":       unknownString,
			"value":        unknownString,
			"write_to":     s.WriteTo,
		})
		d := &DesiredSecret{Application: app.Addr, DisplayName: s.Name, ExpiresIn: s.ExpiresIn, WriteTo: s.WriteTo}
		var c *Change
		if !found {
			c = change(addr, TypeSecret, s.Name, cty.NullVal(ObjectTypeOf(TypeSecret)), desired, CreateThenDelete)
		} else {
			used[cur.KeyID] = true
			reason := b.secretReplaceReason(s, cur, file, hasFile)
			if reason != "" && app.Adopt != "" && s.WriteTo == "" {
				// The secret of an adopted application is in use somewhere
				// entraform does not know; without write_to a new value
				// would reach nobody while the old one is removed.
				b.warnKept(s.DeclRange, addr, reason, "add write_to to let entraform rotate it")
				reason = ""
			}
			c = keepOrReplace(addr, TypeSecret, s.Name, secretValue(cur, s.WriteTo), desired, reason)
			if reason != "" {
				d.Replaces = cur.KeyID
			}
			c.Current = cur
		}
		c.Parent, c.DependsOn, c.Desired = app.Addr, []string{app.Addr}, d
		if s.WriteTo == "" && (c.Action == Create || c.Action.IsReplace()) {
			r := s.DeclRange
			b.diags = append(b.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Secret value with nowhere to go",
				Detail: fmt.Sprintf("%s has no write_to, so its new value would reach nobody: Graph returns it once. Set write_to = \"secrets/<file>.env\", or apply with -show-secrets to print it.",
					addr),
				Subject: &r,
			})
		}
		b.add(c)
	}
	for _, p := range existing {
		if !used[p.KeyID] {
			b.undeclaredCredential(app.Addr, TypeSecret, p.KeyID, p.DisplayName, secretValue(p, ""), p)
		}
	}
}

func (b *builder) secretReplaceReason(s *config.Secret, cur entra.PasswordCredential, file SecretFile, hasFile bool) string {
	now := b.snap.Now
	switch {
	case cur.EndDateTime != nil && !cur.EndDateTime.After(now):
		return fmt.Sprintf("the secret expired on %s", formatTime(cur.EndDateTime))
	case s.RotateBefore > 0 && expiresWithin(cur.EndDateTime, now, s.RotateBefore):
		return fmt.Sprintf("the secret expires on %s, within rotate_before (%s)", formatTime(cur.EndDateTime), humanDuration(s.RotateBefore))
	case s.WriteTo != "" && (!hasFile || !file.Exists):
		return fmt.Sprintf("its value is lost: %s does not exist", s.WriteTo)
	case s.WriteTo != "" && !strings.EqualFold(file.KeyID, cur.KeyID):
		return fmt.Sprintf("its value is lost: %s holds another secret", s.WriteTo)
	}
	return ""
}

// certificates plans the declared certificate credentials.
func (b *builder) certificates(app *config.Application, actual *entra.Application) {
	var existing []entra.KeyCredential
	if actual != nil {
		existing = actual.KeyCredentials
	}
	used := map[string]bool{}
	for _, cert := range app.Certificates {
		addr := fmt.Sprintf("%s.certificate.%s", app.Addr, cert.Name)
		file := b.snap.KeyFiles[cert.PrivateKeyFile]
		cur, found := pick(existing, cert.Name, file.Thumbprint, func(k entra.KeyCredential) credential {
			return credential{k.KeyID, k.DisplayName, k.CustomKeyIdentifier, k.EndDateTime}
		})
		thumb := unknownString
		if file.Exists {
			thumb = cty.StringVal(file.Thumbprint)
		}
		desired := NewValue(TypeCertificate, map[string]any{
			"display_name":     cert.Name,
			"end_date":         unknownString,
			"key_id":           unknownString,
			"private_key_file": cert.PrivateKeyFile,
			"thumbprint":       thumb,
		})
		d := &DesiredCertificate{Application: app.Addr, DisplayName: cert.Name, PrivateKeyFile: cert.PrivateKeyFile, ExpiresIn: cert.ExpiresIn}
		var c *Change
		if !found {
			d.NewKey = !file.Exists || (cert.RotateBefore > 0 && file.NotAfter.Sub(b.snap.Now) < cert.RotateBefore)
			if d.NewKey {
				desired = withAttr(desired, "thumbprint", unknownString)
			}
			c = change(addr, TypeCertificate, cert.Name, cty.NullVal(ObjectTypeOf(TypeCertificate)), desired, CreateThenDelete)
		} else {
			used[cur.KeyID] = true
			before := certificateValue(cur, cert.PrivateKeyFile)
			reason := ""
			expiry := b.certificateExpiry(cert, cur)
			switch {
			case !file.Exists && app.Adopt != "":
				// An adopted application's certificate whose private key
				// entraform never had: whoever holds the key uses it, so it
				// is kept, as a secret without write_to is.
				if expiry != "" {
					b.warnKept(cert.DeclRange, addr, expiry, "put its private key in "+cert.PrivateKeyFile+" to let entraform rotate it")
				}
			case !file.Exists:
				reason, d.NewKey = fmt.Sprintf("its private key file %s does not exist", cert.PrivateKeyFile), true
			case expiry != "":
				reason, d.NewKey = expiry, true
			case !strings.EqualFold(file.Thumbprint, cur.CustomKeyIdentifier):
				reason = fmt.Sprintf("%s holds another certificate", cert.PrivateKeyFile)
			}
			if reason != "" {
				if d.NewKey {
					desired = withAttr(desired, "thumbprint", unknownString)
				}
				d.Replaces = cur.KeyID
			}
			c = keepOrReplace(addr, TypeCertificate, cert.Name, before, desired, reason)
			c.Current = cur
		}
		c.Parent, c.DependsOn, c.Desired = app.Addr, []string{app.Addr}, d
		b.add(c)
	}
	for _, k := range existing {
		if !used[k.KeyID] {
			b.undeclaredCredential(app.Addr, TypeCertificate, k.KeyID, k.DisplayName, certificateValue(k, ""), k)
		}
	}
}

// certificateExpiry says why the certificate must be renewed because of
// its end date, or "".
func (b *builder) certificateExpiry(cert *config.Certificate, cur entra.KeyCredential) string {
	now := b.snap.Now
	switch {
	case cur.EndDateTime != nil && !cur.EndDateTime.After(now):
		return fmt.Sprintf("the certificate expired on %s", formatTime(cur.EndDateTime))
	case cert.RotateBefore > 0 && expiresWithin(cur.EndDateTime, now, cert.RotateBefore):
		return fmt.Sprintf("the certificate expires on %s, within rotate_before (%s)", formatTime(cur.EndDateTime), humanDuration(cert.RotateBefore))
	}
	return ""
}

// warnKept says that an adopted application's credential that would be
// replaced (why) is kept instead, and how to let entraform replace it.
func (b *builder) warnKept(rng hcl.Range, addr, why, remedy string) {
	r := rng
	b.diags = append(b.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Credential of an adopted application kept",
		Detail: fmt.Sprintf("%s: %s, but entraform keeps it: it belongs to an adopted application and entraform cannot hand a replacement to whoever uses it; %s.",
			addr, why, remedy),
		Subject: &r,
	})
}

// federatedCredentials plans the federated identity credentials, matched
// by name (which cannot change).
func (b *builder) federatedCredentials(app *config.Application, actual *entra.Application) {
	existing := map[string]entra.FederatedIdentityCredential{}
	if actual != nil {
		for _, f := range actual.FederatedIdentityCredentials {
			existing[f.Name] = f
		}
	}
	for _, f := range app.FederatedCredentials {
		addr := fmt.Sprintf("%s.federated_credential.%s", app.Addr, f.Name)
		body := entra.FederatedIdentityCredential{Name: f.Name, Issuer: f.Issuer, Subject: f.Subject, Audiences: sortedCopy(f.Audiences)}
		if f.Description != "" {
			desc := f.Description
			body.Description = &desc
		}
		desired := federatedValue(body)
		before := cty.NullVal(ObjectTypeOf(TypeFederatedCredential))
		cur, ok := existing[f.Name]
		if ok {
			before = federatedValue(cur)
			delete(existing, f.Name)
		}
		c := b.add(change(addr, TypeFederatedCredential, f.Name, before, desired, DeleteThenCreate))
		c.SensitivePaths = sensitivePaths(app.SensitiveAttrs, "federated_credential."+f.Name+".", federatedAttrs)
		c.Parent, c.DependsOn = app.Addr, []string{app.Addr}
		c.Desired = &DesiredFederatedCredential{Application: app.Addr, Body: body}
		if ok {
			c.Current = cur
		}
	}
	names := sortedKeys(existing)
	sort.Strings(names)
	for _, n := range names {
		f := existing[n]
		addr := fmt.Sprintf("%s.federated_credential.%s", app.Addr, n)
		b.add(deletion(addr, TypeFederatedCredential, n, federatedValue(f), app.Addr, f))
	}
}

// credential is what finding a secret or certificate needs of it.
type credential struct {
	keyID, displayName string
	// fingerprint is what the local file knows of it: the key id a
	// write_to file holds, or the thumbprint of the key file's certificate.
	fingerprint string
	end         *time.Time
}

// pick finds the declared credential called name among the application's:
// the one whose key id is the block label (export names credentials
// without a usable display name that way), else the one the local file
// matches, else the newest with that display name.
func pick[T any](list []T, name, fingerprint string, meta func(T) credential) (T, bool) {
	var best T
	var bestEnd *time.Time
	found := false
	for _, item := range list {
		if strings.EqualFold(meta(item).keyID, name) {
			return item, true
		}
	}
	for _, item := range list {
		m := meta(item)
		if m.displayName != name {
			continue
		}
		if fingerprint != "" && strings.EqualFold(m.fingerprint, fingerprint) {
			return item, true
		}
		if !found || (m.end != nil && bestEnd != nil && m.end.After(*bestEnd)) {
			best, bestEnd, found = item, m.end, true
		}
	}
	return best, found
}

// keepOrReplace is the change of an existing credential: nothing when
// there is no reason to replace it, else a new one before the old goes.
func keepOrReplace(addr string, t ObjectType, name string, before, desired cty.Value, reason string) *Change {
	if reason == "" {
		return change(addr, t, name, before, before, CreateThenDelete)
	}
	return &Change{Address: addr, Type: t, Name: name, Action: CreateThenDelete, Before: before, After: desired, Reason: reason}
}

// undeclaredCredential plans the removal of a secret or certificate of a
// managed application that no block declares, addressed by its key id.
func (b *builder) undeclaredCredential(appAddr string, t ObjectType, keyID, displayName string, value cty.Value, current any) {
	name := displayName
	if name == "" {
		name = keyID
	}
	addr := fmt.Sprintf("%s.%s[%q]", appAddr, t, keyID)
	b.add(deletion(addr, t, name, value, appAddr, current))
}
