package policy

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/entraform/entraform/config"
)

// siteRoleOf maps a tenant-wide Sites permission to the site role of a
// grant that gives the same on one site.
var siteRoleOf = map[string]string{
	"sites.read.all":        "read",
	"sites.readwrite.all":   "write",
	"sites.manage.all":      "manage",
	"sites.fullcontrol.all": "fullcontrol",
}

var sharePointSuffixes = map[string]string{"public": ".sharepoint.com", "usgov": ".sharepoint.us", "china": ".sharepoint.cn"}

// siteURLOf returns the site a check request addresses, as
// https://host/path without a trailing slash, and whether the request
// addresses exactly one site at all. A request that lists or searches
// sites, or goes to some other Graph API, returns ok = false. Requests to
// other hosts return site = "" and ok = true: they say nothing about
// sites.
func siteURLOf(cfg *config.Config, raw string) (site string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	if strings.HasSuffix(host, ".sharepoint.com") || strings.HasSuffix(host, ".sharepoint.us") || strings.HasSuffix(host, ".sharepoint.cn") {
		p := u.Path
		if i := strings.Index(strings.ToLower(p), "/_api"); i >= 0 {
			p = p[:i]
		}
		seg := strings.Split(strings.Trim(p, "/"), "/")
		if len(seg) >= 2 && (strings.EqualFold(seg[0], "sites") || strings.EqualFold(seg[0], "teams")) {
			return "https://" + host + "/" + seg[0] + "/" + seg[1], true
		}
		return "https://" + host, true
	}
	if !strings.HasPrefix(host, "graph.microsoft") && host != "microsoftgraph.chinacloudapi.cn" && host != "dod-graph.microsoft.us" {
		return "", true
	}
	m := graphSiteRE.FindStringSubmatch(u.EscapedPath())
	if m == nil {
		return "", false
	}
	ref, _ := url.PathUnescape(m[1])
	switch {
	case strings.EqualFold(ref, "root"):
		suffix := sharePointSuffixes[cfg.Tenant.Cloud]
		if cfg.Tenant.SharePoint == "" || suffix == "" {
			return "", false
		}
		return "https://" + strings.ToLower(cfg.Tenant.SharePoint) + suffix, true
	case strings.Contains(ref, ":"):
		h, path, _ := strings.Cut(ref, ":")
		path, _, _ = strings.Cut(path, ":")
		path = strings.TrimSuffix(path, "/")
		if h == "" || !strings.HasPrefix(path, "/") && path != "" {
			return "", false
		}
		return "https://" + strings.ToLower(h) + path, true
	}
	return "", false // a site id: one site, but not one we can name
}

// graphSiteRE matches Graph paths addressing one site: /v1.0/sites/{ref}
// with anything after a further slash; {ref} is root, host:/path[:] or a
// site id.
var graphSiteRE = regexp.MustCompile(`^/(?:v1\.0|beta)/sites/([^/?:]+(?::/[^:]*:?)?)(?:/.*)?$`)

// touchedSites returns the sites an application's app-only checks expect
// to reach (requests expecting success), and false when some such request
// reaches more than one site or something that is not one site.
func touchedSites(f *facts, app string) ([]string, bool) {
	seen := map[string]bool{}
	var out []string
	for _, c := range f.checks[app] {
		if !isAppOnlyFlow(c.Flow) {
			continue
		}
		for _, r := range c.Requests {
			if r.Status >= 400 {
				continue // a denied request: least privilege, not use
			}
			site, ok := siteURLOf(f.cfg, r.URL)
			if !ok {
				return nil, false
			}
			if site != "" && !seen[strings.ToLower(site)] {
				seen[strings.ToLower(site)] = true
				out = append(out, site)
			}
		}
	}
	return out, len(out) > 0
}

// tenantWideSites finds Sites.Read.All / ReadWrite.All / Manage.All /
// FullControl.All application permissions of applications whose app-only
// checks reach only named sites: Sites.Selected with a grant on each of
// those sites gives the same there and nothing anywhere else.
func tenantWideSites(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		for _, p := range f.perms[a.Addr] {
			role, ok := siteRoleOf[strings.ToLower(p.Value)]
			if p.Delegated || !ok || !(p.isGraph() || p.isSharePoint()) {
				continue
			}
			sites, ok := touchedSites(f, a.Addr)
			if !ok {
				continue
			}
			out = append(out, Finding{
				Address: p.addr(),
				Range:   p.ref.Range,
				Summary: fmt.Sprintf("Tenant-wide %s where Sites.Selected serves", p.Value),
				Detail: fmt.Sprintf("%s may %s every site of the tenant, but its checks reach only %s. Sites.Selected with a %q grant on each gives it the same there and nothing elsewhere.",
					a.Addr, map[string]string{"read": "read", "write": "write to", "manage": "manage lists of", "fullcontrol": "control"}[role], quoted(sites), role),
				Fix: sitesSelectedFix(f.cfg, a, p, role, sites),
			})
		}
	}
	return out
}

// sitesSelectedFix writes the HCL that replaces the permission with
// Sites.Selected and grants role on each site.
func sitesSelectedFix(cfg *config.Config, a *config.Application, p perm, role string, sites []string) string {
	var b strings.Builder
	app := names(p, false, map[string]string{p.ref.Name: "Sites.Selected"})
	fmt.Fprintf(&b, "in %s, ask for Sites.Selected instead:\n%s\n", a.Addr, indent(permissionBlock(p.label(), names(p, true, nil), app), 2))
	ref := a.Addr // application.x, application.x["k"] and application.x[0] are expressions too
	grant := func(pad int) string {
		return indent(fmt.Sprintf("grant %q {\n  application = %s\n  roles       = [%q]\n}", a.Name, ref, role), pad)
	}
	sort.Strings(sites)
	used := map[string]bool{}
	for _, s := range cfg.Sites {
		used[s.Name] = true
	}
	for _, url := range sites {
		if s := siteByURL(cfg, url); s != nil {
			if g := grantOf(s, a.Addr); g != nil {
				if !contains(g.Roles, role) {
					fmt.Fprintf(&b, "and in %s, grant %q, add %q to roles\n", s.Addr, g.Name, role)
				}
				continue
			}
			fmt.Fprintf(&b, "and in %s, add:\n%s\n", s.Addr, grant(2))
			continue
		}
		name := siteName(url, used)
		used[name] = true
		fmt.Fprintf(&b, "and declare the site:\n%s\n", indent(fmt.Sprintf("site %q {\n  url = %q\n\n%s\n}", name, url, grant(2)), 2))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func siteByURL(cfg *config.Config, url string) *config.Site {
	for _, s := range cfg.Sites {
		if strings.EqualFold(strings.TrimSuffix(s.URL, "/"), url) {
			return s
		}
	}
	return nil
}

func grantOf(s *config.Site, app string) *config.Grant {
	for _, g := range s.Grants {
		if g.Application == app {
			return g
		}
	}
	return nil
}

// siteName makes a block name for a site URL: its last path segment
// ("hr"), "root" for the root site, unique among used.
func siteName(url string, used map[string]bool) string {
	name := "root"
	if i := strings.LastIndex(url, "/"); i > len("https://") {
		name = url[i+1:]
	}
	var b strings.Builder
	for i, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r == '_', r >= '0' && r <= '9' && i > 0, r == '-' && i > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	base := b.String()
	out := base
	for n := 2; used[out]; n++ {
		out = fmt.Sprintf("%s_%d", base, n)
	}
	return out
}
