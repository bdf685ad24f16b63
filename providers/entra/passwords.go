package entra

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/entraform/entraform/providers/graph"
)

// AddPassword adds a client secret to an application (POST addPassword;
// an application created moments ago is waited for). The answer's
// SecretText is the only copy of the secret: the caller stores it where it
// belongs and never logs it.
//
// existing are the key ids of the secrets the application has, as the
// caller knows them (from the plan's read; none for an application
// created since). A lost answer (504, broken connection) may hide a
// secret that was created but whose text is gone, so after such a failure
// AddPassword removes the secrets of that display name that are not among
// existing before it tries again: the application never keeps a secret
// nobody has. Knowing them up front spares a read of the application
// before every secret.
func (p *Provider) AddPassword(ctx context.Context, appObjectID, displayName string, end time.Time, existing ...string) (PasswordCredential, error) {
	cred := map[string]any{"displayName": displayName}
	if !end.IsZero() {
		cred["endDateTime"] = end.UTC().Format(time.RFC3339)
	}
	body := map[string]any{"passwordCredential": cred}
	before := make(map[string]bool, len(existing))
	for _, id := range existing {
		before[strings.ToLower(id)] = true
	}
	var (
		out PasswordCredential
		err error
	)
	for attempt := 1; ; attempt++ {
		err = p.c.Post(ctx, "/applications/"+idSegment(appObjectID)+"/addPassword", body, &out, p.retry())
		if attempt == sendAttempts || ctx.Err() != nil {
			break
		}
		if graph.IsAmbiguous(err) {
			if cerr := p.removeLostPasswords(ctx, appObjectID, displayName, before); cerr != nil {
				return PasswordCredential{}, fmt.Errorf("adding secret %q to application %s: %w (and cleaning up after it: %v)", displayName, appObjectID, err, cerr)
			}
			continue
		}
		if !graph.IsNotDone(err) {
			break
		}
	}
	if err != nil {
		return PasswordCredential{}, fmt.Errorf("adding secret %q to application %s: %w", displayName, appObjectID, err)
	}
	if out.SecretText == "" || out.KeyID == "" {
		return PasswordCredential{}, fmt.Errorf("adding secret %q to application %s: the answer holds no secret", displayName, appObjectID)
	}
	return out, nil
}

// passwordKeyIDs lists the keyIds of an application's secrets of one
// display name.
func (p *Provider) passwordKeyIDs(ctx context.Context, appObjectID, name string) (map[string]bool, error) {
	var app struct {
		PasswordCredentials []PasswordCredential `json:"passwordCredentials"`
	}
	if err := p.get(ctx, "/applications/"+idSegment(appObjectID)+query("$select", "id,passwordCredentials"), &app, p.retry()); err != nil {
		return nil, fmt.Errorf("reading the secrets of application %s: %w", appObjectID, err)
	}
	ids := map[string]bool{}
	for _, c := range app.PasswordCredentials {
		if c.DisplayName == name {
			ids[strings.ToLower(c.KeyID)] = true
		}
	}
	return ids, nil
}

// removeLostPasswords removes the secrets of that name that are not in
// before (lower-case key ids): created by a request whose answer was lost.
func (p *Provider) removeLostPasswords(ctx context.Context, appObjectID, name string, before map[string]bool) error {
	now, err := p.passwordKeyIDs(ctx, appObjectID, name)
	if err != nil {
		return err
	}
	for id := range now {
		if !before[id] {
			if err := p.RemovePassword(ctx, appObjectID, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// RemovePassword removes a client secret by keyId. A secret (or an
// application) that is already gone is not an error.
func (p *Provider) RemovePassword(ctx context.Context, appObjectID, keyID string) error {
	err := p.post(ctx, "/applications/"+idSegment(appObjectID)+"/removePassword", map[string]string{"keyId": keyID}, nil)
	if err != nil && !isMissingKey(err) {
		return fmt.Errorf("removing secret %s from application %s: %w", keyID, appObjectID, err)
	}
	return nil
}

// isMissingKey: removePassword of a keyId the application does not have
// (404, or 400 "No password credential found with keyId ...").
func isMissingKey(err error) bool {
	switch graph.StatusCode(err) {
	case http.StatusNotFound:
		return true
	case http.StatusBadRequest:
		msg := strings.ToLower(err.Error())
		return strings.Contains(msg, "keyid") && (strings.Contains(msg, "not found") || strings.Contains(msg, "no password") || strings.Contains(msg, "does not exist"))
	}
	return false
}
