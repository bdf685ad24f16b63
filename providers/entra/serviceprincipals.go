package entra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/entraform/entraform/providers/graph"
)

// ServicePrincipalByAppID returns the service principal of an application,
// or nil, nil when it has none.
func (p *Provider) ServicePrincipalByAppID(ctx context.Context, appID string) (*ServicePrincipal, error) {
	var sp ServicePrincipal
	err := p.get(ctx, servicePrincipalByAppIDPath(appID), &sp)
	if graph.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the service principal of %s: %w", appID, err)
	}
	return &sp, nil
}

// CreateServicePrincipal creates the service principal of an application
// with the given tags. A new application is waited for (400 "does not
// reference a valid application object" while it replicates). When the
// service principal exists already, it is read and given the tags.
func (p *Provider) CreateServicePrincipal(ctx context.Context, appID string, tags []string) (*ServicePrincipal, error) {
	body := map[string]any{"appId": appID}
	if tags != nil {
		body["tags"] = tags
	}
	var sp ServicePrincipal
	err := p.post(ctx, "/servicePrincipals", body, &sp, p.retry())
	if err == nil {
		return &sp, nil
	}
	if !isAlreadyExists(err) {
		return nil, fmt.Errorf("creating the service principal of %s: %w", appID, err)
	}
	if err := p.get(ctx, servicePrincipalByAppIDPath(appID), &sp, p.retry()); err != nil {
		return nil, fmt.Errorf("reading the existing service principal of %s: %w", appID, err)
	}
	if tags != nil && !slices.Equal(sp.Tags, tags) {
		if err := p.UpdateServicePrincipalTags(ctx, sp.ID, tags); err != nil {
			return nil, err
		}
		sp.Tags = tags
	}
	return &sp, nil
}

// UpdateServicePrincipalTags replaces the tags of a service principal.
func (p *Provider) UpdateServicePrincipalTags(ctx context.Context, objectID string, tags []string) error {
	if tags == nil {
		tags = []string{}
	}
	if err := p.patch(ctx, "/servicePrincipals/"+idSegment(objectID), map[string]any{"tags": tags}, p.retry()); err != nil {
		return fmt.Errorf("updating the tags of service principal %s: %w", objectID, err)
	}
	return nil
}

// ServicePrincipalPatch is a write of a service principal's settings;
// nil members are left as they are.
type ServicePrincipalPatch struct {
	Tags                      []string
	AppRoleAssignmentRequired *bool
	Notes                     *string
	LoginURL                  *string
}

// UpdateServicePrincipal writes the members of patch that are set.
func (p *Provider) UpdateServicePrincipal(ctx context.Context, objectID string, patch ServicePrincipalPatch) error {
	body := map[string]any{}
	if patch.Tags != nil {
		body["tags"] = patch.Tags
	}
	if patch.AppRoleAssignmentRequired != nil {
		body["appRoleAssignmentRequired"] = *patch.AppRoleAssignmentRequired
	}
	if patch.Notes != nil {
		body["notes"] = nullIfEmpty(*patch.Notes)
	}
	if patch.LoginURL != nil {
		body["loginUrl"] = nullIfEmpty(*patch.LoginURL)
	}
	if len(body) == 0 {
		return nil
	}
	if err := p.patch(ctx, "/servicePrincipals/"+idSegment(objectID), body, p.retry()); err != nil {
		return fmt.Errorf("updating service principal %s: %w", objectID, err)
	}
	return nil
}

// DeleteServicePrincipal deletes a service principal (Entra removes its
// grants and role assignments with it). One already gone is not an error.
func (p *Provider) DeleteServicePrincipal(ctx context.Context, objectID string) error {
	err := p.delete(ctx, "/servicePrincipals/"+idSegment(objectID))
	if err != nil && !graph.IsNotFound(err) {
		return fmt.Errorf("deleting service principal %s: %w", objectID, err)
	}
	return nil
}

// isAlreadyExists reports whether err says the object to create exists:
// 409 Conflict, or a 400 whose code or message says so (Graph answers a
// duplicate app role assignment with 400 "Permission being assigned
// already exists on the object", a duplicate grant with 400/409
// "Permission entry already exists", a duplicate key with
// Request_MultipleObjectsWithSameKeyValue).
func isAlreadyExists(err error) bool {
	switch graph.StatusCode(err) {
	case http.StatusConflict:
		return true
	case http.StatusBadRequest:
		var e *graph.Error
		if !errors.As(err, &e) {
			return false
		}
		if strings.EqualFold(e.Code, "Request_MultipleObjectsWithSameKeyValue") || strings.EqualFold(e.Code, "ObjectConflict") {
			return true
		}
		msg := strings.ToLower(e.Message)
		return strings.Contains(msg, "already exist") || strings.Contains(msg, "conflicting object") || strings.Contains(msg, "same key")
	}
	return false
}
