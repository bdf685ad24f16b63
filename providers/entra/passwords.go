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
// belongs and never logs it. The request is not repeated after a lost
// answer (that could leave two secrets); a failure is returned instead.
func (p *Provider) AddPassword(ctx context.Context, appObjectID, displayName string, end time.Time) (PasswordCredential, error) {
	cred := map[string]any{"displayName": displayName}
	if !end.IsZero() {
		cred["endDateTime"] = end.UTC().Format(time.RFC3339)
	}
	var out PasswordCredential
	err := p.c.Post(ctx, "/applications/"+idSegment(appObjectID)+"/addPassword", map[string]any{"passwordCredential": cred}, &out, p.retry())
	if err != nil {
		return PasswordCredential{}, fmt.Errorf("adding secret %q to application %s: %w", displayName, appObjectID, err)
	}
	if out.SecretText == "" || out.KeyID == "" {
		return PasswordCredential{}, fmt.Errorf("adding secret %q to application %s: the answer holds no secret", displayName, appObjectID)
	}
	return out, nil
}

// RemovePassword removes a client secret by keyId. A secret (or an
// application) that is already gone is not an error.
func (p *Provider) RemovePassword(ctx context.Context, appObjectID, keyID string) error {
	err := p.c.Post(ctx, "/applications/"+idSegment(appObjectID)+"/removePassword", map[string]string{"keyId": keyID}, nil)
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
