package localtenant

import (
	"net/http"
	"strings"
)

func init() { addRoutes(graphSiteRoutes) }

// graphSiteRoutes are /v1.0/sites: the root site, sites by path
// ("{host}:/sites/hr", with or without a trailing ":"), by id
// ("{host},{collection},{web}", "{host},{collection}" or
// "{collection},{web}"), search, the app-only list, and the site
// permissions below each site (graph_sitepermissions.go).
func graphSiteRoutes(s *Server) []Route {
	return []Route{
		{Host: HostGraph, Method: "GET", Pattern: "/v1.0/sites", Handler: s.graph(s.listSites)},
		{Host: HostGraph, Method: "GET", Pattern: "/v1.0/sites/{rest...}", Handler: s.graph(s.siteRoute)},
		{Host: HostGraph, Method: "POST", Pattern: "/v1.0/sites/{rest...}", Handler: s.graph(s.siteRoute)},
		{Host: HostGraph, Method: "PATCH", Pattern: "/v1.0/sites/{rest...}", Handler: s.graph(s.siteRoute)},
		{Host: HostGraph, Method: "DELETE", Pattern: "/v1.0/sites/{rest...}", Handler: s.graph(s.siteRoute)},
	}
}

// siteReadPerms read every site (app roles or delegated scopes).
var siteReadPerms = []string{"Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}

// siteSelectedPerm reads only sites with a site permission for the app.
const siteSelectedPerm = "Sites.Selected"

// siteView is a site as Graph shows it.
func siteView(site *Site) map[string]any {
	m := toMap(site)
	m["lastModifiedDateTime"] = m["createdDateTime"]
	if site.Path == "/" {
		m["root"] = map[string]any{}
	}
	return m
}

// siteGrantFor finds the site permission that names appID on the site,
// as this replica sees it (a new permission takes effect after the
// replication delay).
func (st *Store) siteGrantFor(siteID, appID string) (*SitePermission, bool) {
	for _, p := range st.sitePermissions(siteID, false) {
		if permissionApp(p) == strings.ToLower(appID) {
			return p, true
		}
	}
	return nil, false
}

// permissionApp is the appId a site permission is granted to.
func permissionApp(p *SitePermission) string {
	for _, set := range [][]IdentitySet{p.GrantedToIdentitiesV2, p.GrantedToIdentities} {
		for _, g := range set {
			if g.Application != nil {
				return strings.ToLower(g.Application.ID)
			}
		}
	}
	return ""
}

// canReadSite decides site access: Sites.Read.All or wider reads every
// site; Sites.Selected only sites with a permission for the caller's
// app. Local users may read every site, so delegated callers are decided
// by their scopes alone.
func canReadSite(st *Store, c *Caller, site *Site) bool {
	if hasPerm(c, siteReadPerms...) {
		return true
	}
	if hasPerm(c, siteSelectedPerm) {
		_, ok := st.siteGrantFor(site.ID, c.AppID)
		return ok
	}
	return false
}

// siteRef is how a URL names a site.
type siteRef struct {
	root       bool
	host, path string // by path: "/sites/hr" ("/" for the host's root)
	id         string // by id
}

// parseSiteRest splits the part of a URL after /sites/ into the site
// reference and what follows it ("permissions", "permissions/{id}").
func parseSiteRest(rest string) (siteRef, string) {
	if l := strings.ToLower(rest); l == "root" || strings.HasPrefix(l, "root/") {
		return siteRef{root: true}, strings.TrimPrefix(rest[4:], "/")
	}
	if i := strings.Index(rest, ":"); i >= 0 && !strings.Contains(rest[:i], "/") {
		host, after := rest[:i], rest[i+1:]
		if after == "" {
			return siteRef{host: host, path: "/"}, ""
		}
		path, sub := after, ""
		if j := strings.Index(after, ":"); j >= 0 {
			path, sub = after[:j], strings.TrimPrefix(after[j+1:], "/")
		}
		if path == "" {
			path = "/"
		}
		return siteRef{host: host, path: path}, sub
	}
	id, sub, _ := strings.Cut(rest, "/")
	if !strings.Contains(id, ",") && strings.Contains(id, ".") {
		return siteRef{host: id, path: "/"}, sub
	}
	return siteRef{id: id}, sub
}

// findSite resolves a reference on the given view.
func (s *Server) findSite(st *Store, ref siteRef, primary bool) (*Site, bool) {
	switch {
	case ref.root:
		return st.siteByPath(s.spHost, "/", primary)
	case ref.host != "":
		return st.siteByPath(strings.ToLower(ref.host), ref.path, primary)
	}
	parts := strings.Split(ref.id, ",")
	switch {
	case len(parts) == 3 || (len(parts) == 2 && strings.Contains(parts[0], ".")):
		return st.siteByID(ref.id, primary)
	case len(parts) == 2:
		want := strings.ToLower(ref.id)
		return first(st, st.sites, primary, func(site *Site) bool {
			_, rest, _ := strings.Cut(strings.ToLower(site.ID), ",")
			return rest == want
		})
	}
	return nil, false
}

func siteNotFound() *apiError {
	return &apiError{http.StatusNotFound, CodeItemNotFound, "Requested site could not be found"}
}

// siteRoute dispatches everything below /v1.0/sites/.
func (s *Server) siteRoute(w http.ResponseWriter, r *http.Request) error {
	rest := r.PathValue("rest")
	if rest == "" {
		if r.Method == http.MethodGet {
			return s.listSites(w, r)
		}
		s.notImplemented(w, r, HostGraph)
		return nil
	}
	ref, sub := parseSiteRest(rest)
	subParts := strings.Split(strings.Trim(sub, "/"), "/")
	switch {
	case sub == "" && r.Method == http.MethodGet:
		return s.getSite(w, r, ref)
	case strings.EqualFold(subParts[0], "permissions") && len(subParts) <= 2:
		permID := ""
		if len(subParts) == 2 {
			permID = subParts[1]
		}
		return s.sitePermissionRoute(w, r, ref, permID)
	default:
		s.notImplemented(w, r, HostGraph)
	}
	return nil
}

func (s *Server) getSite(w http.ResponseWriter, r *http.Request, ref siteRef) error {
	c := callerOf(r)
	if !hasPerm(c, append(siteReadPerms, siteSelectedPerm)...) {
		return siteDenied()
	}
	var out map[string]any
	err := s.view(func(st *Store) error {
		site, ok := s.findSite(st, ref, false)
		switch {
		case !ok:
			return siteNotFound()
		case !canReadSite(st, c, site):
			return siteDenied()
		}
		out = siteView(site)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusOK, "sites", out)
	return nil
}

// listSites is GET /sites?search=q (search=* lists everything) and the
// plain GET /sites. Results are what the caller may read.
func (s *Server) listSites(w http.ResponseWriter, r *http.Request) error {
	c := callerOf(r)
	if !hasPerm(c, append(siteReadPerms, siteSelectedPerm)...) {
		return siteDenied()
	}
	lq, aerr := parseListQuery(r, filterSchema{})
	if aerr != nil {
		return aerr
	}
	query := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("search")))
	query = strings.Trim(query, `"`)
	var all page
	s.read(func(st *Store) {
		sites := list(st, st.sites, false, func(site *Site) bool {
			return canReadSite(st, c, site) && siteMatches(site, query)
		})
		all = paginate(lq, items(sites, func(site *Site) any { return siteView(site) }))
	})
	s.writeList(w, r, "sites", lq, all)
	return nil
}

// siteMatches is the search: a word of the site's names, URL or
// description contains the query; "" and "*" match every site.
func siteMatches(site *Site, query string) bool {
	if query == "" || query == "*" {
		return true
	}
	for _, f := range []string{site.DisplayName, site.Name, site.WebURL, site.Description} {
		if strings.Contains(strings.ToLower(f), query) {
			return true
		}
	}
	return false
}
