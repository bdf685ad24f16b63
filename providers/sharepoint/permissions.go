package sharepoint

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/entraform/entraform/providers/graph"
)

// segment escapes an id for one path segment, keeping the commas of site
// ids ({host},{collection},{web}) as Graph writes them.
func segment(id string) string {
	return strings.NewReplacer("%2C", ",", "%2c", ",").Replace(url.PathEscape(id))
}

func permissionsPath(siteID string) string {
	return "/sites/" + segment(siteID) + "/permissions"
}

func permissionPath(siteID, permissionID string) string {
	return permissionsPath(siteID) + "/" + segment(permissionID)
}

// CreateSitePermission grants an application roles on a site (POST
// sites/{id}/permissions with grantedToIdentities; the Sites.Selected
// model). An application created moments ago is waited for.
func (p *Provider) CreateSitePermission(ctx context.Context, siteID string, app Identity, roles []string) (*Permission, error) {
	if roles == nil {
		roles = []string{}
	}
	body := Permission{Roles: roles, GrantedToIdentities: []IdentitySet{{Application: &app}}}
	var created Permission
	if err := p.c.Post(ctx, permissionsPath(siteID), body, &created, graph.RetryReplication(p.replication)); err != nil {
		return nil, fmt.Errorf("granting %v on site %s to application %s: %w", roles, siteID, app.ID, err)
	}
	return &created, nil
}

// UpdateSitePermission sets the roles of a site permission.
func (p *Provider) UpdateSitePermission(ctx context.Context, siteID, permissionID string, roles []string) error {
	if roles == nil {
		roles = []string{}
	}
	body := map[string]any{"roles": roles}
	if err := p.c.Patch(ctx, permissionPath(siteID, permissionID), body, nil, graph.RetryReplication(p.replication)); err != nil {
		return fmt.Errorf("setting roles %v of permission %s on site %s: %w", roles, permissionID, siteID, err)
	}
	return nil
}

// DeleteSitePermission removes a site permission. One already gone is not
// an error.
func (p *Provider) DeleteSitePermission(ctx context.Context, siteID, permissionID string) error {
	err := p.c.Delete(ctx, permissionPath(siteID, permissionID))
	if err != nil && !graph.IsNotFound(err) {
		return fmt.Errorf("deleting permission %s of site %s: %w", permissionID, siteID, err)
	}
	return nil
}
