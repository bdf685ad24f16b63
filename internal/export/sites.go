package export

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/entraform/entraform/providers/sharepoint"
)

// siteBlock is one site as it will be written: the Sites.Selected grants
// of the exported applications on it.
type siteBlock struct {
	Name    string
	URL     string
	Grants  []grantBlock
	Remarks []string
}

type grantBlock struct {
	Name        string
	Application string // block name of the application
	Roles       []string
}

// siteRoles are the roles a grant block accepts.
var siteRoles = map[string]bool{"read": true, "write": true, "manage": true, "fullcontrol": true}

// siteName is a block name for a site URL: the last path segment
// ("https://contoso.sharepoint.com/sites/hr" -> "hr"), "root" for a host's
// root site.
func siteName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "site"
	}
	p := strings.Trim(u.Path, "/")
	if p == "" {
		return "root"
	}
	return identifier(path.Base(p), "site")
}

// site builds the block of one site. apps maps the appIds of the exported
// applications to their block names; grants to other applications are
// listed in a remark.
func site(raw string, s *sharepoint.Site, perms []sharepoint.Permission, apps map[string]string, names namer) *siteBlock {
	url := s.WebURL
	if url == "" {
		url = raw
	}
	b := &siteBlock{Name: names.unique(siteName(url)), URL: url}
	grantNames := namer{}
	var others []string
	for _, p := range perms {
		appID := strings.ToLower(p.ApplicationID())
		app, ok := apps[appID]
		if !ok {
			others = append(others, fmt.Sprintf("%s (%s): %s", applicationName(p), appID, strings.Join(sortedCopy(p.Roles), ", ")))
			continue
		}
		var roles, unknown []string
		for _, r := range p.Roles {
			r = strings.ToLower(r)
			if siteRoles[r] {
				roles = appendNew(roles, r)
			} else {
				unknown = append(unknown, r)
			}
		}
		sort.Strings(roles)
		if len(unknown) > 0 {
			b.Remarks = append(b.Remarks, fmt.Sprintf("The grant to application.%s has the role %s, which a grant block cannot hold (read, write, manage, fullcontrol); the plan will change it.", app, strings.Join(unknown, ", ")))
		}
		if len(roles) == 0 {
			continue
		}
		b.Grants = append(b.Grants, grantBlock{Name: grantNames.unique(app), Application: app, Roles: roles})
	}
	sort.Strings(others)
	if len(others) > 0 {
		b.Remarks = append(b.Remarks, "Also granted to applications not exported, which this configuration leaves alone: "+strings.Join(others, "; ")+".")
	}
	if len(b.Grants) == 0 {
		b.Remarks = append(b.Remarks, "None of the exported applications has a grant on this site.")
	}
	return b
}

func applicationName(p sharepoint.Permission) string {
	for _, list := range [][]sharepoint.IdentitySet{p.GrantedToIdentitiesV2, p.GrantedToIdentities} {
		for _, s := range list {
			if s.Application != nil && s.Application.DisplayName != "" {
				return fmt.Sprintf("%q", s.Application.DisplayName)
			}
		}
	}
	return "an application"
}
