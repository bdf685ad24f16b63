package entra

import (
	"context"
	"fmt"
	"strings"

	"github.com/entraform/entraform/providers/graph"
)

// CreateGrant creates delegated consent of a client service principal to
// a resource. A client created moments ago is waited for. When a grant for
// the same client, resource and consent type (and principal) exists
// already, that grant gets g's scope and is returned instead.
func (p *Provider) CreateGrant(ctx context.Context, g OAuth2PermissionGrant) (*OAuth2PermissionGrant, error) {
	g.ID = ""
	var created OAuth2PermissionGrant
	err := p.post(ctx, "/oauth2PermissionGrants", g, &created, p.retry())
	if err == nil {
		return &created, nil
	}
	if !isAlreadyExists(err) {
		return nil, fmt.Errorf("granting %q of resource %s to client %s: %w", g.Scope, g.ResourceID, g.ClientID, err)
	}
	var existing *OAuth2PermissionGrant
	err = p.poll(ctx, func() (bool, error) {
		var err error
		existing, err = p.findGrant(ctx, g)
		return existing != nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("finding the existing grant of resource %s to client %s: %w", g.ResourceID, g.ClientID, err)
	}
	if existing == nil {
		return nil, fmt.Errorf("granting %q of resource %s to client %s: the service says the grant exists, but it cannot be found", g.Scope, g.ResourceID, g.ClientID)
	}
	if existing.Scope != g.Scope {
		if err := p.UpdateGrantScope(ctx, existing.ID, g.Scope); err != nil {
			return nil, err
		}
		existing.Scope = g.Scope
	}
	return existing, nil
}

// findGrant looks for the grant that g would duplicate.
func (p *Provider) findGrant(ctx context.Context, g OAuth2PermissionGrant) (*OAuth2PermissionGrant, error) {
	grants, err := p.findGrants(ctx, g.ClientID)
	if err != nil {
		return nil, err
	}
	for _, x := range grants {
		if strings.EqualFold(x.ResourceID, g.ResourceID) && strings.EqualFold(x.ConsentType, g.ConsentType) &&
			(!strings.EqualFold(g.ConsentType, "Principal") || strings.EqualFold(x.PrincipalID, g.PrincipalID)) {
			return &x, nil
		}
	}
	return nil, nil
}

// findGrants lists the grants a client holds.
func (p *Provider) findGrants(ctx context.Context, clientID string) ([]OAuth2PermissionGrant, error) {
	return listAll[OAuth2PermissionGrant](ctx, p, "/oauth2PermissionGrants"+query("$filter", "clientId eq "+quote(clientID)))
}

// UpdateGrantScope sets the scope (space-separated permission values) of a
// grant.
func (p *Provider) UpdateGrantScope(ctx context.Context, grantID, scope string) error {
	if err := p.patch(ctx, "/oauth2PermissionGrants/"+idSegment(grantID), map[string]string{"scope": scope}, p.retry()); err != nil {
		return fmt.Errorf("setting the scope of grant %s: %w", grantID, err)
	}
	return nil
}

// DeleteGrant revokes a grant. One already gone is not an error.
func (p *Provider) DeleteGrant(ctx context.Context, grantID string) error {
	err := p.delete(ctx, "/oauth2PermissionGrants/"+idSegment(grantID))
	if err != nil && !graph.IsNotFound(err) {
		return fmt.Errorf("deleting grant %s: %w", grantID, err)
	}
	return nil
}
