package entra

import (
	"context"
	"fmt"
	"strings"

	"github.com/entraform/entraform/providers/graph"
)

// OwnerSet names whose owners a call changes: "applications" or
// "servicePrincipals".
type OwnerSet string

// The two kinds of owned objects.
const (
	ApplicationOwners      OwnerSet = "applications"
	ServicePrincipalOwners OwnerSet = "servicePrincipals"
)

// AddOwner makes a user or service principal an owner of an application
// or service principal (POST .../owners/$ref). One that is an owner
// already is not an error.
func (p *Provider) AddOwner(ctx context.Context, set OwnerSet, objectID, ownerID string) error {
	body := map[string]string{"@odata.id": p.c.BaseURL() + "/directoryObjects/" + ownerID}
	err := p.post(ctx, "/"+string(set)+"/"+idSegment(objectID)+"/owners/$ref", body, nil, p.retry())
	if err != nil && !isAlreadyExists(err) {
		return fmt.Errorf("adding owner %s to %s %s: %w", ownerID, strings.TrimSuffix(string(set), "s"), objectID, err)
	}
	return nil
}

// RemoveOwner removes an owner (DELETE .../owners/{id}/$ref). One that
// is not an owner any more is not an error.
func (p *Provider) RemoveOwner(ctx context.Context, set OwnerSet, objectID, ownerID string) error {
	err := p.delete(ctx, "/"+string(set)+"/"+idSegment(objectID)+"/owners/"+idSegment(ownerID)+"/$ref")
	if err != nil && !graph.IsNotFound(err) {
		return fmt.Errorf("removing owner %s of %s %s: %w", ownerID, strings.TrimSuffix(string(set), "s"), objectID, err)
	}
	return nil
}
