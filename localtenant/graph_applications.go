package localtenant

import (
	"encoding/json"
	"net/http"
	"strings"
)

func init() { addRoutes(graphApplicationRoutes) }

// graphApplicationRoutes are /v1.0/applications: create, read (by id,
// appId or uniqueName), list, update, upsert by uniqueName, delete.
// Credentials and federated credentials are in graph_credentials.go and
// graph_federated.go.
func graphApplicationRoutes(s *Server) []Route {
	return s.collectionRoutes("/v1.0/applications", collection{
		list: s.listApplications, create: s.createApplication, count: s.countApplications,
		get: s.getApplication, update: s.patchApplication, delete: s.deleteApplication,
	}, "/{id}", "({key})")
}

// applicationFilter is what $filter may use on applications, and what
// $expand may inline.
var applicationFilter = filterSchema{Type: "Application", Props: []string{
	"id", "appId", "displayName", "uniqueName", "tags", "identifierUris", "signInAudience",
	"createdDateTime", "web", "publicClient", "spa", "passwordCredentials", "keyCredentials", "notes", "description",
}, Expand: applicationExpand, Search: true}

// applicationView renders an application, with the navigation
// properties $expand asked for inlined (as this replica sees them). Call
// it under the store lock.
func applicationView(st *Store, ver string, a *Application, expand []string) map[string]any {
	m := applicationJSON(ver, a)
	expandApplication(st, ver, a, m, expand)
	return m
}

// appKey names an application in a URL: by object id, appId or uniqueName.
type appKey struct {
	kind  string // "id", "appId", "uniqueName"
	value string
}

// appKeyOf reads the application named by a route: {id} or the
// alternate key inside "applications(...)".
func appKeyOf(r *http.Request) (appKey, *apiError) {
	if id := r.PathValue("id"); id != "" {
		return appKey{"id", id}, nil
	}
	return parseAltKey(r.PathValue("key"), "appId", "uniqueName")
}

// parseAltKey parses an OData key "name='value'" (or a bare quoted id)
// whose name is one of names.
func parseAltKey(raw string, names ...string) (appKey, *apiError) {
	name, val, ok := strings.Cut(raw, "=")
	if !ok {
		if v, ok := unquote(raw); ok {
			return appKey{"id", v}, nil
		}
		return appKey{}, badRequest("Invalid object identifier '%s'.", raw)
	}
	v, ok := unquote(strings.TrimSpace(val))
	if !ok {
		return appKey{}, badRequest("Invalid object identifier '%s'.", raw)
	}
	for _, n := range names {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return appKey{n, v}, nil
		}
	}
	return appKey{}, badRequest("Invalid object identifier '%s'.", raw)
}

// unquote strips OData single quotes (” escapes a quote).
func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), true
}

// findApp looks an application up by key in the given view.
func (st *Store) findApp(k appKey, primary bool) (*Application, bool) {
	switch k.kind {
	case "appId":
		return st.appByAppID(k.value, primary)
	case "uniqueName":
		return st.appByUniqueName(k.value, primary)
	}
	return st.appByID(k.value, primary)
}

func (s *Server) createApplication(w http.ResponseWriter, r *http.Request) error {
	c, _, aerr := appCaller(r, true)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	var out map[string]any
	err := s.write(func(st *Store) error {
		a, err := s.newApplication(st, apiVersion(r), c, body, "")
		if err != nil {
			return err
		}
		out = applicationJSON(apiVersion(r), a)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusCreated, "applications", out)
	return nil
}

// newApplication validates a create body and stores the application,
// owned by the caller, with every member of the body (tags included) set
// before it becomes visible. uniqueName, when not "", is the upsert key.
func (s *Server) newApplication(st *Store, ver string, c *Caller, body map[string]json.RawMessage, uniqueName string) (*Application, error) {
	binds, aerr := takeOwnerBinds(body)
	if aerr != nil {
		return nil, aerr
	}
	if err := checkEntityBody(ver, "application", body, appReadOnly); err != nil {
		return nil, err
	}
	if raw, ok := body["displayName"]; !ok || isNull(raw) {
		return nil, badRequest("A value is required for property 'displayName' of resource 'Application'.")
	}
	if uniqueName != "" {
		if raw, ok := body["uniqueName"]; ok {
			var v string
			if json.Unmarshal(raw, &v) != nil || !strings.EqualFold(v, uniqueName) {
				return nil, badRequest("The uniqueName in the body does not match the uniqueName '%s' in the request URL.", uniqueName)
			}
		}
		name := uniqueName
		b, _ := json.Marshal(name)
		body["uniqueName"] = b
	}
	apply, err := decodeApplication(st, body, nil)
	if err != nil {
		return nil, err
	}
	a := &Application{}
	apply(a)
	a.Props = propsFromBody(nil, body, appTypedOnly)
	a.Props["publisherDomain"] = s.Domain()
	normalizeApplication(a)
	if id := callerObjectID(c); id != "" {
		a.Owners = []string{id}
	}
	if a.Owners, aerr = bindOwners(st, a.Owners, binds); aerr != nil {
		return nil, aerr
	}
	if err := checkApplicationRules(st, nil, a); err != nil {
		return nil, err
	}
	st.addApplication(a)
	return a, nil
}

func (s *Server) listApplications(w http.ResponseWriter, r *http.Request) error {
	c, level, aerr := appCaller(r, false)
	if aerr != nil {
		return aerr
	}
	lq, aerr := parseListQuery(r, applicationFilter)
	if aerr != nil {
		return aerr
	}
	if aerr := checkSelect(apiVersion(r), "application", lq.Select); aerr != nil {
		return aerr
	}
	var all page
	s.read(func(st *Store) {
		apps := list(st, st.apps, false, func(a *Application) bool { return mayTouchApp(c, level, a) })
		all = paginate(lq, items(apps, func(a *Application) any { return applicationView(st, apiVersion(r), a, lq.Expand) }))
	})
	s.writeList(w, r, "applications", lq, all)
	return nil
}

// countApplications is GET /applications/$count: a plain-text number,
// an advanced query.
func (s *Server) countApplications(w http.ResponseWriter, r *http.Request) error {
	c, level, aerr := appCaller(r, false)
	if aerr != nil {
		return aerr
	}
	var n int
	s.read(func(st *Store) {
		n = len(list(st, st.apps, false, func(a *Application) bool { return mayTouchApp(c, level, a) }))
	})
	s.writeRawCount(w, r, n)
	return nil
}

// writeRawCount answers a /$count request.
func (s *Server) writeRawCount(w http.ResponseWriter, r *http.Request, n int) {
	if !eventual(r) {
		s.writeAPIError(w, r, unsupportedQuery("Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information"))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(itoa(n)))
}

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, false)
	if aerr != nil {
		return aerr
	}
	sel, expand, aerr := parseSelectOnly(r, applicationFilter.Expand...)
	if aerr != nil {
		return aerr
	}
	if aerr := checkSelect(apiVersion(r), "application", sel); aerr != nil {
		return aerr
	}
	var out map[string]any
	err := readObject(s, call.app, func(st *Store, a *Application) error {
		out = applicationView(st, apiVersion(r), a, expand)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeExpandedEntity(w, r, http.StatusOK, "applications", out, applicationFilter.Expand)
	return nil
}

// patchApplication updates an application (204). By uniqueName it is the
// upsert: with "Prefer: create-if-missing" an absent application is
// created (201 with the object), without it an absent one is 404.
func (s *Server) patchApplication(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	k := call.key
	createIfMissing := k.kind == "uniqueName" && preferCreateIfMissing(r)
	var created map[string]any
	err := s.write(func(st *Store) error {
		a, ok := st.findApp(k, true)
		if !ok {
			if !createIfMissing {
				return notFound(k.value)
			}
			na, err := s.newApplication(st, apiVersion(r), call.c, body, k.value)
			if err != nil {
				return err
			}
			created = applicationJSON(apiVersion(r), na)
			return nil
		}
		if !mayTouchApp(call.c, call.level, a) {
			return denied()
		}
		if err := checkEntityBody(apiVersion(r), "application", body, appReadOnly); err != nil {
			return err
		}
		apply, err := decodeApplication(st, body, a)
		if err != nil {
			return err
		}
		next := a.clone()
		apply(next)
		next.Props = propsFromBody(a.Props, body, appTypedOnly)
		normalizeApplication(next)
		if err := checkApplicationRules(st, a, next); err != nil {
			return err
		}
		*a = *next
		if sp, ok := st.spByAppID(a.AppID, true); ok {
			publishApplicationPermissions(sp, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if created != nil {
		w.Header().Set("Preference-Applied", "create-if-missing")
		s.writeEntity(w, r, http.StatusCreated, "applications", created)
		return nil
	}
	noContent(w)
	return nil
}

// preferCreateIfMissing reads "Prefer: create-if-missing".
func preferCreateIfMissing(r *http.Request) bool {
	for _, v := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "create-if-missing") {
				return true
			}
		}
	}
	return false
}

func (s *Server) deleteApplication(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	err := writeObject(s, call.app, func(st *Store, a *Application) error {
		st.softDeleteApplication(a)
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
