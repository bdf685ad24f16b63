package localtenant

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"
)

func init() { addRoutes(sharePointWebRoutes) }

// sharePointWebRoutes are SharePoint REST's /_api/web and
// /_api/web/currentuser, on the root site and on every site path
// (/sites/hr/_api/web, and one level of subsite).
func sharePointWebRoutes(s *Server) []Route {
	var routes []Route
	for _, prefix := range []string{"", "/{p1}/{p2}", "/{p1}/{p2}/{p3}"} {
		routes = append(routes,
			Route{Host: HostSharePoint, Method: "GET", Pattern: prefix + "/_api/web", Handler: s.spWeb},
			Route{Host: HostSharePoint, Method: "GET", Pattern: prefix + "/_api/web/currentuser", Handler: s.spCurrentUser},
		)
	}
	return routes
}

// spSiteReadRoles are the SharePoint app roles that read every site.
var spSiteReadRoles = []string{"Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}

// spSitePath is the server-relative path of the site a request is for:
// everything before "/_api".
func spSitePath(r *http.Request) string {
	p := r.URL.Path
	if i := strings.Index(strings.ToLower(p), "/_api"); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return "/"
	}
	return p
}

// spContext is what both routes need: the site and the caller, after the
// checks SharePoint makes. It answers the request itself when a check
// fails.
func (s *Server) spContext(w http.ResponseWriter, r *http.Request) (*Site, *Caller, bool) {
	c := callerOf(r)
	if c.AppOnly && c.AppIDACR == ACRSecret {
		s.writeSharePointAuthError(w, r, "Unsupported app only token.")
		return nil, nil, false
	}
	host := hostOnly(r.Host)
	var site *Site
	allowed := false
	s.read(func(st *Store) {
		var ok bool
		site, ok = st.siteByPath(host, spSitePath(r), false)
		if !ok {
			return
		}
		switch {
		case !c.AppOnly:
			allowed = len(c.Scopes) > 0
		case hasPerm(c, spSiteReadRoles...):
			allowed = true
		case hasPerm(c, siteSelectedPerm):
			_, allowed = st.siteGrantFor(site.ID, c.AppID)
		}
	})
	if site == nil {
		s.writeSharePointError(w, r, http.StatusNotFound, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
		return nil, nil, false
	}
	if !allowed {
		s.writeSharePointError(w, r, http.StatusForbidden, "-2147024891, System.UnauthorizedAccessException", "Access denied. You do not have permission to perform this action or access this resource.")
		return nil, nil, false
	}
	return site, c, true
}

func (s *Server) spWeb(w http.ResponseWriter, r *http.Request) {
	site, _, ok := s.spContext(w, r)
	if !ok {
		return
	}
	template := "STS"
	if site.Path == "/" {
		template = "SITEPAGEPUBLISHING"
	}
	webID := site.ID[strings.LastIndex(site.ID, ",")+1:]
	serverRelative := site.Path
	props := []spProp{
		{"Id", webID, "Edm.Guid"},
		{"Title", site.DisplayName, ""},
		{"Description", site.Description, ""},
		{"Url", site.WebURL, ""},
		{"ServerRelativeUrl", serverRelative, ""},
		{"Created", site.CreatedDateTime, "Edm.DateTime"},
		{"LastItemModifiedDate", site.CreatedDateTime, "Edm.DateTime"},
		{"WebTemplate", template, ""},
		{"Language", 1033, "Edm.Int32"},
	}
	s.writeSharePoint(w, r, site, spEntity{typ: "SP.Web", set: "SP.ApiData.Webs", path: "Web", props: props})
}

func (s *Server) spCurrentUser(w http.ResponseWriter, r *http.Request) {
	site, c, ok := s.spContext(w, r)
	if !ok {
		return
	}
	var props []spProp
	var title, email, login, upn string
	admin := false
	s.read(func(st *Store) {
		if c.AppOnly {
			title = c.AppName
			if a, ok := st.appByAppID(c.AppID, true); ok {
				title = a.DisplayName
			}
			login = fmt.Sprintf("i:0i.t|ms.sp.ext|%s@%s", strings.ToLower(c.AppID), s.tenantID)
			admin = hasPerm(c, "Sites.FullControl.All")
			if p, ok := st.siteGrantFor(site.ID, c.AppID); ok && slices.Contains(p.Roles, "fullcontrol") {
				admin = true
			}
			return
		}
		title, upn, email = c.Name, c.UPN, c.UPN
		if u, ok := st.userByID(c.UserID, true); ok {
			title, upn = u.DisplayName, u.UserPrincipalName
			if u.Mail != nil {
				email = *u.Mail
			}
		}
		login = "i:0#.f|membership|" + strings.ToLower(upn)
	})
	id := spUserID(login)
	var upnValue any
	if upn != "" {
		upnValue = upn
	}
	props = []spProp{
		{"Id", id, "Edm.Int32"},
		{"IsHiddenInUI", false, "Edm.Boolean"},
		{"LoginName", login, ""},
		{"Title", title, ""},
		{"PrincipalType", 1, "Edm.Int32"},
		{"Email", email, ""},
		{"IsSiteAdmin", admin, "Edm.Boolean"},
		{"UserPrincipalName", upnValue, ""},
	}
	s.writeSharePoint(w, r, site, spEntity{typ: "SP.User", set: "SP.ApiData.Users", path: fmt.Sprintf("Web/GetUserById(%d)", id), props: props})
}

// spUserID is a stable small integer per login name, like the site
// user ids SharePoint hands out.
func spUserID(login string) int {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(login)))
	return 7 + int(h.Sum32()%5000)
}

// spProp is one property of a SharePoint entity, with its EDM type for
// the Atom form ("" for strings).
type spProp struct {
	name  string
	value any
	edm   string
}

// spEntity is a SharePoint REST entity to render.
type spEntity struct {
	typ   string // SP.Web
	set   string // SP.ApiData.Webs
	path  string // Web, relative to /_api/
	props []spProp
}

// spFormat is the response format the Accept header asks for.
type spFormat int

const (
	spAtom spFormat = iota // no JSON asked: SharePoint's default Atom XML
	spMinimal
	spNoMetadata
	spVerbose
)

func spFormatOf(r *http.Request) spFormat {
	accept := strings.ToLower(r.Header.Get("Accept"))
	switch {
	case strings.Contains(accept, "odata=verbose"):
		return spVerbose
	case strings.Contains(accept, "odata=nometadata"):
		return spNoMetadata
	case strings.Contains(accept, "application/json"):
		return spMinimal
	}
	return spAtom
}

// spSelect applies $select (case-insensitive names) to props.
func spSelect(r *http.Request, props []spProp) []spProp {
	sel := r.URL.Query().Get("$select")
	if sel == "" {
		return props
	}
	var out []spProp
	for _, p := range props {
		for _, name := range strings.Split(sel, ",") {
			if strings.EqualFold(strings.TrimSpace(name), p.name) {
				out = append(out, p)
			}
		}
	}
	return out
}

// writeSharePoint renders an entity in the format asked for.
func (s *Server) writeSharePoint(w http.ResponseWriter, r *http.Request, site *Site, e spEntity) {
	apiBase := strings.TrimSuffix(site.WebURL, "/") + "/_api/"
	props := spSelect(r, e.props)
	body := map[string]any{}
	for _, p := range props {
		v := p.value
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Format("2006-01-02T15:04:05Z")
		}
		body[p.name] = v
	}
	switch spFormatOf(r) {
	case spVerbose:
		body["__metadata"] = map[string]any{"id": apiBase + e.path, "uri": apiBase + e.path, "type": e.typ}
		writeSharePointJSON(w, http.StatusOK, "verbose", map[string]any{"d": body})
	case spNoMetadata:
		writeSharePointJSON(w, http.StatusOK, "nometadata", body)
	case spMinimal:
		body["odata.metadata"] = apiBase + "$metadata#" + e.set + "/@Element"
		body["odata.type"] = e.typ
		body["odata.id"] = apiBase + e.path
		body["odata.editLink"] = e.path
		writeSharePointJSON(w, http.StatusOK, "minimalmetadata", body)
	default:
		writeAtomEntry(w, apiBase, e, props)
	}
}

// writeSharePointJSON writes v with SharePoint's content type, which
// names the OData flavour.
func writeSharePointJSON(w http.ResponseWriter, status int, odata string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "localtenant: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;odata="+odata+";streaming=true;charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// writeAtomEntry is SharePoint's default (no JSON Accept header): an
// Atom entry with the properties as m:properties.
func writeAtomEntry(w http.ResponseWriter, apiBase string, e spEntity, props []spProp) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>`)
	fmt.Fprintf(&b, `<entry xml:base="%s" xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">`, xmlEscape(apiBase))
	fmt.Fprintf(&b, `<id>%s</id><category term="%s" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme" /><title /><updated>%s</updated>`,
		xmlEscape(apiBase+e.path), e.typ, time.Now().UTC().Format("2006-01-02T15:04:05Z"))
	b.WriteString(`<content type="application/xml"><m:properties>`)
	for _, p := range props {
		typ := ""
		if p.edm != "" {
			typ = fmt.Sprintf(` m:type="%s"`, p.edm)
		}
		switch v := p.value.(type) {
		case nil:
			fmt.Fprintf(&b, `<d:%s m:null="true" />`, p.name)
		case time.Time:
			fmt.Fprintf(&b, `<d:%s%s>%s</d:%s>`, p.name, typ, v.UTC().Format("2006-01-02T15:04:05Z"), p.name)
		default:
			fmt.Fprintf(&b, `<d:%s%s>%s</d:%s>`, p.name, typ, xmlEscape(fmt.Sprint(v)), p.name)
		}
	}
	b.WriteString(`</m:properties></content></entry>`)
	w.Header().Set("Content-Type", "application/atom+xml;type=entry;charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(b.String()))
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeSharePointError is SharePoint REST's error body: "odata.error" for
// JSON light, "error" for verbose.
func (s *Server) writeSharePointError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	detail := map[string]any{"code": code, "message": map[string]any{"lang": "en-US", "value": message}}
	key, flavour := "odata.error", "minimalmetadata"
	switch spFormatOf(r) {
	case spVerbose:
		key, flavour = "error", "verbose"
	case spNoMetadata:
		flavour = "nometadata"
	}
	writeSharePointJSON(w, status, flavour, map[string]any{key: detail})
}
