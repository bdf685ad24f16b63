package entra

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/entraform/entraform/providers/graph"
)

// keyCredentialWrite is a keyCredentials entry as written: "key" is always
// present, null for an existing credential (the service keeps it as is)
// and the base64 DER certificate for a new one.
type keyCredentialWrite struct {
	KeyID               string     `json:"keyId,omitempty"`
	Type                string     `json:"type,omitempty"`
	Usage               string     `json:"usage,omitempty"`
	Key                 *string    `json:"key"`
	CustomKeyIdentifier string     `json:"customKeyIdentifier,omitempty"`
	DisplayName         string     `json:"displayName,omitempty"`
	StartDateTime       *time.Time `json:"startDateTime,omitempty"`
	EndDateTime         *time.Time `json:"endDateTime,omitempty"`
}

func keyCredentialsBody(creds []KeyCredential) []keyCredentialWrite {
	out := make([]keyCredentialWrite, len(creds))
	for i, c := range creds {
		out[i] = keyCredentialWrite{
			KeyID: c.KeyID, Type: c.Type, Usage: c.Usage, Key: c.Key,
			CustomKeyIdentifier: c.CustomKeyIdentifier, DisplayName: c.DisplayName,
			StartDateTime: c.StartDateTime, EndDateTime: c.EndDateTime,
		}
	}
	return out
}

// AddKeyCredential uploads a certificate (cred.Key: base64 DER of the
// public certificate) to an application and returns the new credential.
// Graph replaces keyCredentials as a whole, so the existing ones are
// repeated with key null. A certificate the application has already
// (same thumbprint) is returned as is, so a re-run adds nothing.
func (p *Provider) AddKeyCredential(ctx context.Context, appObjectID string, cred KeyCredential) (KeyCredential, error) {
	if cred.Key == nil || *cred.Key == "" {
		return KeyCredential{}, fmt.Errorf("adding certificate %q to application %s: no certificate", cred.DisplayName, appObjectID)
	}
	thumb, err := thumbprint(*cred.Key)
	if err != nil {
		return KeyCredential{}, fmt.Errorf("adding certificate %q to application %s: %w", cred.DisplayName, appObjectID, err)
	}
	unlock := p.lockApp(appObjectID)
	defer unlock()

	existing, err := p.keyCredentials(ctx, appObjectID)
	if err != nil {
		return KeyCredential{}, err
	}
	if found, ok := findKeyCredential(existing, "", thumb); ok {
		return found, nil
	}
	if cred.Type == "" {
		cred.Type = "AsymmetricX509Cert"
	}
	if cred.Usage == "" {
		cred.Usage = "Verify"
	}
	if cred.KeyID == "" {
		cred.KeyID = graph.NewGUID()
	}
	list := make([]KeyCredential, 0, len(existing)+1)
	for _, k := range existing {
		k.Key = nil
		list = append(list, k)
	}
	list = append(list, cred)
	if err := p.patchKeyCredentials(ctx, appObjectID, list); err != nil {
		return KeyCredential{}, fmt.Errorf("adding certificate %q to application %s: %w", cred.DisplayName, appObjectID, err)
	}

	var added KeyCredential
	found := false
	err = p.poll(ctx, func() (bool, error) {
		now, err := p.keyCredentials(ctx, appObjectID)
		if err != nil {
			return false, err
		}
		added, found = findKeyCredential(now, cred.KeyID, thumb)
		return found, nil
	})
	if err != nil {
		return KeyCredential{}, err
	}
	if !found {
		return KeyCredential{}, fmt.Errorf("adding certificate %q to application %s: the application does not list it after the update", cred.DisplayName, appObjectID)
	}
	return added, nil
}

// RemoveKeyCredential removes a certificate by keyId (the list is written
// back without it). A credential that is already gone is not an error.
func (p *Provider) RemoveKeyCredential(ctx context.Context, appObjectID, keyID string) error {
	unlock := p.lockApp(appObjectID)
	defer unlock()
	existing, err := p.keyCredentials(ctx, appObjectID)
	if err != nil {
		return err
	}
	list := make([]KeyCredential, 0, len(existing))
	removed := false
	for _, k := range existing {
		if strings.EqualFold(k.KeyID, keyID) {
			removed = true
			continue
		}
		k.Key = nil
		list = append(list, k)
	}
	if !removed {
		return nil
	}
	if err := p.patchKeyCredentials(ctx, appObjectID, list); err != nil {
		return fmt.Errorf("removing certificate %s from application %s: %w", keyID, appObjectID, err)
	}
	return nil
}

func (p *Provider) keyCredentials(ctx context.Context, appObjectID string) ([]KeyCredential, error) {
	var app struct {
		KeyCredentials []KeyCredential `json:"keyCredentials"`
	}
	if err := p.get(ctx, "/applications/"+idSegment(appObjectID)+query("$select", "id,keyCredentials"), &app, p.retry()); err != nil {
		return nil, fmt.Errorf("reading the certificates of application %s: %w", appObjectID, err)
	}
	return app.KeyCredentials, nil
}

func (p *Provider) patchKeyCredentials(ctx context.Context, appObjectID string, list []KeyCredential) error {
	body := map[string]any{"keyCredentials": keyCredentialsBody(list)}
	return p.patch(ctx, "/applications/"+idSegment(appObjectID), body, p.retry())
}

// findKeyCredential finds a credential by keyId (when given) or by
// certificate thumbprint (customKeyIdentifier, as upper-case hex or as
// base64 of the SHA-1 bytes: both forms occur).
func findKeyCredential(list []KeyCredential, keyID, thumbHex string) (KeyCredential, bool) {
	for _, k := range list {
		if keyID != "" && strings.EqualFold(k.KeyID, keyID) {
			return k, true
		}
	}
	for _, k := range list {
		if sameThumbprint(k.CustomKeyIdentifier, thumbHex) {
			return k, true
		}
	}
	return KeyCredential{}, false
}

// thumbprint is the SHA-1 thumbprint (upper-case hex) of a base64 DER
// certificate.
func thumbprint(keyBase64 string) (string, error) {
	der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(keyBase64))
	if err != nil {
		return "", fmt.Errorf("the certificate is not base64 DER: %w", err)
	}
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:])), nil
}

func sameThumbprint(customKeyIdentifier, thumbHex string) bool {
	if customKeyIdentifier == "" {
		return false
	}
	if strings.EqualFold(customKeyIdentifier, thumbHex) {
		return true
	}
	if raw, err := base64.StdEncoding.DecodeString(customKeyIdentifier); err == nil {
		return strings.EqualFold(hex.EncodeToString(raw), thumbHex)
	}
	return false
}
