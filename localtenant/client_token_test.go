package localtenant

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestClientSecretToken: the operator's token is an app-only Graph token
// of the operator application; a wrong secret is the tenant's refusal.
func TestClientSecretToken(t *testing.T) {
	s := start(t, Options{})
	ctx := context.Background()
	id, secret := s.Operator()

	tok, err := s.OperatorToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.ValidateAccessToken(tok, "https://graph.microsoft.com")
	if err != nil {
		t.Fatalf("the operator token does not validate: %v", err)
	}
	type token struct {
		AppID   string
		AppOnly bool
	}
	if diff := cmp.Diff(token{AppID: id, AppOnly: true}, token{AppID: c.AppID, AppOnly: c.AppOnly}); diff != "" {
		t.Errorf("operator token (-want +got):\n%s", diff)
	}

	_, err = s.ClientSecretToken(ctx, id, secret+"x", "https://graph.microsoft.com/.default")
	if err == nil || !strings.Contains(err.Error(), ": 401: AADSTS7000215: ") {
		t.Errorf("wrong secret: err = %v; want status 401 and AADSTS7000215", err)
	}
}
