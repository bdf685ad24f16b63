package plan

import (
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/providers/sharepoint"
)

// sites plans the site permissions (Sites.Selected grants) on every
// declared site: the declared grants, and the removal of grants this
// workspace's applications hold there without a declaration.
func (b *builder) sites() {
	for _, s := range b.cfg.Sites {
		site := b.snap.Sites[s.Addr]
		if site == nil {
			b.errorf(s.DeclRange, "Site not found",
				"%s does not exist in the tenant. entraform reads sites and never creates them: create the site in SharePoint first, or fix the url.", s.URL)
			continue
		}
		perms := b.snap.SitePermissions[site.ID]
		used := map[string]bool{}
		if !b.opts.Destroy {
			for _, g := range s.Grants {
				addr := fmt.Sprintf("%s.grant.%s", s.Addr, g.Name)
				appID := unknownString
				var cur *sharepoint.Permission
				if attrs, ok := b.appIDs[g.Application]; ok && attrs.AppID != "" && !b.replaced(g.Application) {
					appID = cty.StringVal(attrs.AppID)
					for i := range perms {
						if strings.EqualFold(perms[i].ApplicationID(), attrs.AppID) && !used[perms[i].ID] {
							cur = &perms[i]
							break
						}
					}
				}
				desired := NewValue(TypeSitePermission, map[string]any{
					"application":   appID,
					"permission_id": unknownString,
					"roles":         g.Roles,
					"site_id":       site.ID,
					"site_url":      site.WebURL,
				})
				before := cty.NullVal(ObjectTypeOf(TypeSitePermission))
				if cur != nil {
					before = sitePermissionValue(*cur, site)
					used[cur.ID] = true
				}
				c := b.add(change(addr, TypeSitePermission, g.Name, before, desired, DeleteThenCreate))
				c.DependsOn = []string{g.Application}
				c.Desired = &DesiredSitePermission{Application: g.Application, SiteID: site.ID, SiteURL: site.WebURL, Roles: sortedCopy(g.Roles)}
				if cur != nil {
					c.Current = *cur
				}
			}
		}
		for _, p := range perms {
			if used[p.ID] || !b.managedAppIDs[strings.ToLower(p.ApplicationID())] {
				continue
			}
			addr := fmt.Sprintf("%s.grant[%q]", s.Addr, p.ApplicationID())
			c := b.add(deletion(addr, TypeSitePermission, p.ApplicationID(), sitePermissionValue(p, site), "", p))
			if owner := b.ownerAddress(p.ApplicationID()); owner != "" {
				c.DependsOn = []string{owner}
			}
		}
	}
}

// replaced reports whether the application at addr is planned for
// replacement, which gives it a new appId.
func (b *builder) replaced(addr string) bool {
	c := b.plan.Change(addr)
	return c != nil && c.Action.IsReplace()
}

// ownerAddress returns the address of the managed application with appID.
func (b *builder) ownerAddress(appID string) string {
	a := b.appsByAppID[strings.ToLower(appID)]
	if a == nil {
		return ""
	}
	for addr, attrs := range b.appIDs {
		if strings.EqualFold(attrs.AppID, appID) {
			return addr
		}
	}
	return orphanAddress(a)
}
