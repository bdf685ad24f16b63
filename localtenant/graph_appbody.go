package localtenant

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// decodeApplication validates the members of an application body
// against the store and returns the function that applies them. Nothing
// changes unless the whole body is valid. existing is nil for a create.
//
// Complex members (web, publicClient, spa) merge into the current value
// as Graph's PATCH does; collections replace the current ones.
func decodeApplication(st *Store, body map[string]json.RawMessage, existing *Application) (func(*Application), error) {
	const typ = "Application"
	var sets []func(*Application)
	selfID := ""
	if existing != nil {
		selfID = existing.ID
	}

	if raw, ok := body["displayName"]; ok {
		var v string
		if err := decodeTyped(raw, &v, "displayName", typ); err != nil {
			return nil, err
		}
		if strings.TrimSpace(v) == "" {
			return nil, badRequest("A value is required for property 'displayName' of resource 'Application'.")
		}
		sets = append(sets, func(a *Application) { a.DisplayName = v })
	}
	if raw, ok := body["uniqueName"]; ok {
		var v *string
		if err := decodeTyped(raw, &v, "uniqueName", typ); err != nil {
			return nil, err
		}
		switch {
		case existing != nil && existing.UniqueName != nil:
			if v == nil || !strings.EqualFold(*v, *existing.UniqueName) {
				return nil, badRequest("Property 'uniqueName' cannot be changed once it has been set.")
			}
		case v != nil:
			if strings.TrimSpace(*v) == "" {
				return nil, badRequest("Invalid value specified for property 'uniqueName' of resource 'Application'.")
			}
			if other, taken := st.appByUniqueName(*v, true); taken && other.ID != selfID {
				return nil, &apiError{400, CodeConflict, "Another object with the same value for property uniqueName already exists."}
			}
			sets = append(sets, func(a *Application) { a.UniqueName = v })
		}
	}
	for _, m := range []struct {
		name string
		set  func(*Application, *string)
	}{
		{"description", func(a *Application, v *string) { a.Description = v }},
		{"notes", func(a *Application, v *string) { a.Notes = v }},
	} {
		if raw, ok := body[m.name]; ok {
			var v *string
			if err := decodeTyped(raw, &v, m.name, typ); err != nil {
				return nil, err
			}
			set := m.set
			sets = append(sets, func(a *Application) { set(a, v) })
		}
	}
	if raw, ok := body["signInAudience"]; ok {
		var v string
		if err := decodeTyped(raw, &v, "signInAudience", typ); err != nil {
			return nil, err
		}
		switch v {
		case "AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount":
		default:
			return nil, badRequest("Invalid value specified for property 'signInAudience' of resource 'Application'.")
		}
		sets = append(sets, func(a *Application) { a.SignInAudience = v })
	}
	if raw, ok := body["isFallbackPublicClient"]; ok {
		var v *bool
		if err := decodeTyped(raw, &v, "isFallbackPublicClient", typ); err != nil {
			return nil, err
		}
		sets = append(sets, func(a *Application) { a.IsFallbackPublicClient = v })
	}

	// Redirect URIs: web and spa need https (or http on a loopback host);
	// public clients may use custom schemes.
	if raw, ok := body["web"]; ok && !isNull(raw) {
		var v WebApplication
		if err := decodeTyped(raw, &v, "web", typ); err != nil {
			return nil, err
		}
		if err := checkRedirects(v.RedirectURIs, "web.redirectUris", false); err != nil {
			return nil, err
		}
		sets = append(sets, func(a *Application) { json.Unmarshal(raw, &a.Web) })
	}
	if raw, ok := body["spa"]; ok && !isNull(raw) {
		var v SpaApplication
		if err := decodeTyped(raw, &v, "spa", typ); err != nil {
			return nil, err
		}
		if err := checkRedirects(v.RedirectURIs, "spa.redirectUris", false); err != nil {
			return nil, err
		}
		sets = append(sets, func(a *Application) { json.Unmarshal(raw, &a.Spa) })
	}
	if raw, ok := body["publicClient"]; ok && !isNull(raw) {
		var v PublicClientApplication
		if err := decodeTyped(raw, &v, "publicClient", typ); err != nil {
			return nil, err
		}
		if err := checkRedirects(v.RedirectURIs, "publicClient.redirectUris", true); err != nil {
			return nil, err
		}
		sets = append(sets, func(a *Application) { json.Unmarshal(raw, &a.PublicClient) })
	}
	if raw, ok := body["identifierUris"]; ok {
		var v []string
		if err := decodeTyped(raw, &v, "identifierUris", typ); err != nil {
			return nil, err
		}
		for _, u := range v {
			if p, err := url.Parse(u); err != nil || p.Scheme == "" {
				return nil, badRequest("Invalid value specified for property 'identifierUris' of resource 'Application'.")
			}
			for _, other := range st.applications(true) {
				if other.ID != selfID && containsFold(other.IdentifierURIs, u) {
					return nil, &apiError{400, CodeConflict, "Another object with the same value for property identifierUris already exists."}
				}
			}
		}
		sets = append(sets, func(a *Application) { a.IdentifierURIs = v })
	}
	if raw, ok := body["requiredResourceAccess"]; ok {
		var v []RequiredResourceAccess
		if err := decodeTyped(raw, &v, "requiredResourceAccess", typ); err != nil {
			return nil, err
		}
		for _, rra := range v {
			if rra.ResourceAppID == "" {
				return nil, badRequest("Invalid value specified for property 'resourceAppId' of resource 'RequiredResourceAccess'.")
			}
			for _, ra := range rra.ResourceAccess {
				if ra.ID == "" || (ra.Type != "Scope" && ra.Type != "Role") {
					return nil, badRequest("Invalid value specified for property 'resourceAccess' of resource 'RequiredResourceAccess'.")
				}
			}
		}
		sets = append(sets, func(a *Application) { a.RequiredResourceAccess = v })
	}
	if raw, ok := body["tags"]; ok {
		var v []string
		if err := decodeTyped(raw, &v, "tags", typ); err != nil {
			return nil, err
		}
		for _, t := range v {
			if len(t) > 256 {
				return nil, badRequest("Invalid value specified for property 'tags' of resource 'Application'.")
			}
		}
		sets = append(sets, func(a *Application) { a.Tags = v })
	}
	if raw, ok := body["keyCredentials"]; ok {
		var current []KeyCredential
		if existing != nil {
			current = existing.KeyCredentials
		}
		creds, err := decodeKeyCredentials(raw, current, st.now())
		if err != nil {
			return nil, err
		}
		sets = append(sets, func(a *Application) { a.KeyCredentials = creds })
	}
	return func(a *Application) {
		for _, set := range sets {
			set(a)
		}
	}, nil
}

// checkRedirects validates redirect URIs: absolute, https unless the host
// is a loopback address (http://localhost is allowed), and for public
// clients also custom schemes.
func checkRedirects(uris []string, prop string, public bool) *apiError {
	for _, u := range uris {
		p, err := url.Parse(u)
		bad := err != nil || p.Scheme == "" || strings.Contains(u, "#")
		if !bad && !public {
			switch strings.ToLower(p.Scheme) {
			case "https":
			case "http":
				h := strings.ToLower(p.Hostname())
				bad = h != "localhost" && h != "127.0.0.1" && h != "::1"
			default:
				bad = true
			}
		}
		if bad {
			return badRequest("Invalid value specified for property '%s' of resource 'Application'.", prop)
		}
	}
	return nil
}

// keyCredentialInput is one entry of keyCredentials in a request.
type keyCredentialInput struct {
	KeyID               *string    `json:"keyId"`
	Type                string     `json:"type"`
	Usage               string     `json:"usage"`
	Key                 *string    `json:"key"`
	DisplayName         *string    `json:"displayName"`
	CustomKeyIdentifier *string    `json:"customKeyIdentifier"`
	StartDateTime       *time.Time `json:"startDateTime"`
	EndDateTime         *time.Time `json:"endDateTime"`
}

// decodeKeyCredentials computes the new certificate list of an
// application from a PATCH (or POST) body. The list replaces the
// collection: an entry with the keyId of an existing credential and no
// key keeps that credential as is; an entry with a key (base64 DER, or
// base64 PEM) adds a certificate, with a new keyId unless one is given,
// customKeyIdentifier = SHA-1 thumbprint in upper hex, and start/end
// taken from the certificate unless given; existing credentials not
// listed are removed. A key that is not a certificate is 400.
func decodeKeyCredentials(raw json.RawMessage, current []KeyCredential, now time.Time) ([]KeyCredential, error) {
	const typ = "KeyCredential"
	var in []keyCredentialInput
	if err := decodeTyped(raw, &in, "keyCredentials", "Application"); err != nil {
		return nil, err
	}
	out := []KeyCredential{}
	seen := map[string]bool{}
	thumbs := map[string]bool{}
	for _, kc := range in {
		if kc.Key == nil {
			if kc.KeyID == nil {
				return nil, badRequest("Invalid value specified for property 'key' of resource '%s'.", typ)
			}
			found := false
			for _, cur := range current {
				if strings.EqualFold(cur.KeyID, *kc.KeyID) {
					if seen[strings.ToLower(cur.KeyID)] {
						return nil, badRequest("Duplicate keyId '%s' in property 'keyCredentials'.", cur.KeyID)
					}
					seen[strings.ToLower(cur.KeyID)] = true
					thumbs[cur.CustomKeyIdentifier] = true
					out = append(out, cur)
					found = true
					break
				}
			}
			if !found {
				return nil, badRequest("Invalid value specified for property 'key' of resource '%s': no key credential with keyId '%s' exists to keep.", typ, *kc.KeyID)
			}
			continue
		}
		der, err := certificateDER(*kc.Key)
		if err != nil {
			return nil, badRequest("Invalid certificate: Key value is invalid certificate")
		}
		cert, _ := x509.ParseCertificate(der)
		if kc.Type != "" && kc.Type != "AsymmetricX509Cert" {
			return nil, badRequest("Invalid value specified for property 'type' of resource '%s'.", typ)
		}
		if kc.Usage != "" && kc.Usage != "Verify" {
			return nil, badRequest("Invalid value specified for property 'usage' of resource '%s'.", typ)
		}
		id := newID()
		if kc.KeyID != nil && *kc.KeyID != "" {
			if !looksLikeGUID(*kc.KeyID) {
				return nil, badRequest("Invalid value specified for property 'keyId' of resource '%s'.", typ)
			}
			id = strings.ToLower(*kc.KeyID)
		}
		if seen[id] {
			return nil, badRequest("Duplicate keyId '%s' in property 'keyCredentials'.", id)
		}
		seen[id] = true
		thumb := fmt.Sprintf("%X", thumbprintSHA1(der))
		if thumbs[thumb] {
			return nil, badRequest("The certificate with thumbprint %s is already in property 'keyCredentials'.", thumb)
		}
		thumbs[thumb] = true
		start, end := cert.NotBefore.UTC(), cert.NotAfter.UTC()
		if kc.StartDateTime != nil {
			start = kc.StartDateTime.UTC()
		}
		if kc.EndDateTime != nil {
			end = kc.EndDateTime.UTC()
		}
		if !end.After(start) {
			return nil, badRequest("Invalid value specified for property 'endDateTime' of resource '%s'.", typ)
		}
		out = append(out, KeyCredential{
			KeyID:               id,
			Type:                "AsymmetricX509Cert",
			Usage:               "Verify",
			DisplayName:         kc.DisplayName,
			CustomKeyIdentifier: thumb,
			StartDateTime:       start,
			EndDateTime:         end,
			CertDER:             der,
			Created:             now,
		})
	}
	return out, nil
}

// certificateDER decodes a keyCredential key: base64 of a DER
// certificate, or base64 of a PEM file (what some tools upload).
func certificateDER(key string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(key))
	if err != nil {
		return nil, fmt.Errorf("key is not base64: %w", err)
	}
	if blk, _ := pem.Decode(b); blk != nil {
		if blk.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %s is not a certificate", blk.Type)
		}
		b = blk.Bytes
	}
	if _, err := x509.ParseCertificate(b); err != nil {
		return nil, fmt.Errorf("parsing certificate: %w", err)
	}
	return b, nil
}
