package entra

import (
	"context"
	"fmt"
	"strings"

	"github.com/entraform/entraform/providers/graph"
)

// AssignAppRole grants an app role of a resource to a client service
// principal (POST servicePrincipals/{resource}/appRoleAssignedTo). A
// principal created moments ago is waited for. When the assignment exists
// already (Graph answers 400), the existing one is returned.
func (p *Provider) AssignAppRole(ctx context.Context, a AppRoleAssignment) (*AppRoleAssignment, error) {
	body := map[string]string{"principalId": a.PrincipalID, "resourceId": a.ResourceID, "appRoleId": a.AppRoleID}
	var created AppRoleAssignment
	path := "/servicePrincipals/" + idSegment(a.ResourceID) + "/appRoleAssignedTo"
	err := p.post(ctx, path, body, &created, p.retry())
	if err == nil {
		return &created, nil
	}
	if !isAlreadyExists(err) {
		return nil, fmt.Errorf("assigning app role %s of %s to %s: %w", a.AppRoleID, a.ResourceID, a.PrincipalID, err)
	}
	var existing *AppRoleAssignment
	err = p.poll(ctx, func() (bool, error) {
		var err error
		existing, err = p.findAssignment(ctx, a)
		return existing != nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("finding the existing assignment of app role %s to %s: %w", a.AppRoleID, a.PrincipalID, err)
	}
	if existing == nil {
		return nil, fmt.Errorf("assigning app role %s of %s to %s: the service says it exists, but it cannot be found", a.AppRoleID, a.ResourceID, a.PrincipalID)
	}
	return existing, nil
}

// findAssignment looks for the assignment that a would duplicate among
// what the principal holds.
func (p *Provider) findAssignment(ctx context.Context, a AppRoleAssignment) (*AppRoleAssignment, error) {
	held, err := p.assignmentsHeld(ctx, a.PrincipalID)
	if err != nil {
		return nil, err
	}
	for _, x := range held {
		if strings.EqualFold(x.ResourceID, a.ResourceID) && strings.EqualFold(x.AppRoleID, a.AppRoleID) {
			return &x, nil
		}
	}
	return nil, nil
}

// assignmentsHeld lists the app role assignments a principal holds.
func (p *Provider) assignmentsHeld(ctx context.Context, principalID string) ([]AppRoleAssignment, error) {
	return listAll[AppRoleAssignment](ctx, p, "/servicePrincipals/"+idSegment(principalID)+"/appRoleAssignments", p.retry())
}

// RemoveAppRole deletes an app role assignment from the resource's
// appRoleAssignedTo. One already gone is not an error.
func (p *Provider) RemoveAppRole(ctx context.Context, resourceObjectID, assignmentID string) error {
	err := p.delete(ctx, "/servicePrincipals/"+idSegment(resourceObjectID)+"/appRoleAssignedTo/"+idSegment(assignmentID))
	if err != nil && !graph.IsNotFound(err) {
		return fmt.Errorf("removing app role assignment %s: %w", assignmentID, err)
	}
	return nil
}
