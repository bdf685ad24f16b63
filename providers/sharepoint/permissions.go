package sharepoint

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

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
// model). An application created moments ago is waited for. When the
// answer is lost (504, broken connection), the site's permissions are
// read and the application's, if the request made it, is returned with
// its roles set, so the grant is never made twice.
func (p *Provider) CreateSitePermission(ctx context.Context, siteID string, app Identity, roles []string) (*Permission, error) {
	if roles == nil {
		roles = []string{}
	}
	body := Permission{Roles: roles, GrantedToIdentities: []IdentitySet{{Application: &app}}}
	deadline := time.Now().Add(p.replication)
	wait := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		var created Permission
		err := p.c.Post(ctx, permissionsPath(siteID), body, &created, graph.RetryReplication(p.replication))
		switch {
		case err == nil:
			return &created, nil
		case graph.IsNotDone(err) && attempt < 3:
			continue
		case graph.IsAmbiguous(err) && attempt < 3:
			existing, lerr := p.permissionOf(ctx, siteID, app.ID)
			if lerr != nil {
				return nil, fmt.Errorf("granting %v on site %s to application %s: %w (and reading the site's permissions: %v)", roles, siteID, app.ID, err, lerr)
			}
			if existing != nil {
				if err := p.UpdateSitePermission(ctx, siteID, existing.ID, roles); err != nil {
					return nil, err
				}
				existing.Roles = roles
				return existing, nil
			}
			continue
		case isUnknownApplication(err) && time.Now().Add(wait).Before(deadline):
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
			wait = min(2*wait, 4*time.Second)
			continue
		}
		return nil, fmt.Errorf("granting %v on site %s to application %s: %w", roles, siteID, app.ID, err)
	}
}

// permissionOf finds the permission granted to an application on a site
// (roles as GET by id says), or nil.
func (p *Provider) permissionOf(ctx context.Context, siteID, appID string) (*Permission, error) {
	list, err := graph.ListAll[Permission](ctx, p.c, permissionsPath(siteID))
	if err != nil {
		return nil, err
	}
	for _, perm := range list {
		if strings.EqualFold(perm.ApplicationID(), appID) {
			var full Permission
			if err := p.c.Get(ctx, permissionPath(siteID, perm.ID), &full); err != nil {
				return nil, err
			}
			return &full, nil
		}
	}
	return nil, nil
}

// isUnknownApplication: the site permission names an application the
// service does not know (yet): a new application replicating.
func isUnknownApplication(err error) bool {
	switch graph.StatusCode(err) {
	case http.StatusBadRequest, http.StatusNotFound:
	default:
		return false
	}
	msg := strings.ToLower(err.Error())
	return (strings.Contains(msg, "appid") || strings.Contains(msg, "application") || strings.Contains(msg, "identity")) &&
		(strings.Contains(msg, "not found") || strings.Contains(msg, "does not exist") || strings.Contains(msg, "no application") || strings.Contains(msg, "not exist"))
}

// again sends an idempotent request (PATCH, DELETE) up to five times
// while the failure says it may be repeated (a coalesced $batch answered
// 504 loses the answers of all its writes at once).
func again(ctx context.Context, send func() error) error {
	return graph.Again(ctx, 5, send)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// UpdateSitePermission sets the roles of a site permission.
func (p *Provider) UpdateSitePermission(ctx context.Context, siteID, permissionID string, roles []string) error {
	if roles == nil {
		roles = []string{}
	}
	body := map[string]any{"roles": roles}
	err := again(ctx, func() error {
		return p.c.Patch(ctx, permissionPath(siteID, permissionID), body, nil, graph.RetryReplication(p.replication))
	})
	if err != nil {
		return fmt.Errorf("setting roles %v of permission %s on site %s: %w", roles, permissionID, siteID, err)
	}
	return nil
}

// DeleteSitePermission removes a site permission. One already gone is not
// an error.
func (p *Provider) DeleteSitePermission(ctx context.Context, siteID, permissionID string) error {
	err := again(ctx, func() error { return p.c.Delete(ctx, permissionPath(siteID, permissionID)) })
	if err != nil && !graph.IsNotFound(err) {
		return fmt.Errorf("deleting permission %s of site %s: %w", permissionID, siteID, err)
	}
	return nil
}
