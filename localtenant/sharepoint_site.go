package localtenant

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
)

func init() { addRoutes(sharePointSiteRoutes) }

// sharePointSiteRoutes are SharePoint REST's /_api/site (the site
// collection) and POST /_api/contextinfo (the form digest a classic
// write sends back), on the root site and on every site path.
func sharePointSiteRoutes(s *Server) []Route {
	var routes []Route
	for _, prefix := range []string{"", "/{p1}/{p2}", "/{p1}/{p2}/{p3}"} {
		routes = append(routes,
			Route{Host: HostSharePoint, Method: "GET", Pattern: prefix + "/_api/site", Handler: s.spSite},
			Route{Host: HostSharePoint, Method: "POST", Pattern: prefix + "/_api/contextinfo", Handler: s.spContextInfo},
		)
	}
	return routes
}

// siteCollectionID is the middle part of a site id
// "{host},{site collection id},{web id}".
func siteCollectionID(site *Site) string {
	parts := strings.Split(site.ID, ",")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

func (s *Server) spSite(w http.ResponseWriter, r *http.Request) {
	site, _, ok := s.spContext(w, r)
	if !ok {
		return
	}
	props := []spProp{
		{"Id", siteCollectionID(site), "Edm.Guid"},
		{"Url", site.WebURL, ""},
		{"ServerRelativeUrl", site.Path, ""},
		{"ReadOnly", false, "Edm.Boolean"},
		{"GroupId", "00000000-0000-0000-0000-000000000000", "Edm.Guid"},
		{"HubSiteId", "00000000-0000-0000-0000-000000000000", "Edm.Guid"},
		{"IsHubSite", false, "Edm.Boolean"},
		{"Classification", "", ""},
		{"LockIssue", nil, ""},
		{"SharingCapability", 0, "Edm.Int32"},
		{"StatusBarText", nil, ""},
	}
	s.writeSharePoint(w, r, site, spEntity{typ: "SP.Site", set: "SP.ApiData.Sites", path: "site", props: props})
}

// spContextInfo is POST /_api/contextinfo: a form digest valid for 30
// minutes, and the URLs of the site and web.
func (s *Server) spContextInfo(w http.ResponseWriter, r *http.Request) {
	site, _, ok := s.spContext(w, r)
	if !ok {
		return
	}
	b := make([]byte, 64)
	rand.Read(b)
	digest := "0x" + strings.ToUpper(hex.EncodeToString(b)) + "," + s.clock.now().UTC().Format("02 Jan 2006 15:04:05 -0000")
	props := []spProp{
		{"FormDigestTimeoutSeconds", 1800, "Edm.Int32"},
		{"FormDigestValue", digest, ""},
		{"LibraryVersion", "16.0.25409.12008", ""},
		{"SiteFullUrl", site.WebURL, ""},
		{"SupportedSchemaVersions", []string{"14.0.0.0", "15.0.0.0"}, "Collection(Edm.String)"},
		{"WebFullUrl", site.WebURL, ""},
	}
	e := spEntity{typ: "SP.ContextWebInformation", set: "SP.ContextWebInformation", path: "contextinfo", props: props}
	if spFormatOf(r) == spVerbose {
		// Verbose wraps the result in the function's name.
		body := map[string]any{"__metadata": map[string]any{"type": e.typ}}
		for _, p := range props {
			body[p.name] = p.value
		}
		writeSharePointJSON(w, http.StatusOK, "verbose", map[string]any{"d": map[string]any{"GetContextWebInformation": body}})
		return
	}
	s.writeSharePoint(w, r, site, e)
}
