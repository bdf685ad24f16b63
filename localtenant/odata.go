package localtenant

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Query options of Graph lists and entities: $select, $filter, $top,
// $skiptoken, $count; and the paging they imply. Graph v1.0 accepts the
// options with and without the "$" prefix.

const (
	defaultPageSize = 100
	maxPageSize     = 999
)

// listQuery is the parsed query of a list request.
type listQuery struct {
	Select    []string
	Expand    []string // navigation properties to inline
	Filter    filterExpr
	Top       int
	SkipToken *pageCursor
	Count     bool
}

// queryValue reads a query option with or without its "$".
func queryValue(q url.Values, name string) (string, bool) {
	for _, k := range []string{"$" + name, name} {
		if vs, ok := q[k]; ok && len(vs) > 0 {
			return vs[0], true
		}
	}
	return "", false
}

// eventual reports whether the request opted in to advanced queries
// (header ConsistencyLevel: eventual).
func eventual(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("ConsistencyLevel")), "eventual")
}

// notEmulatedOptions are OData options Graph has that the local tenant
// does not evaluate; asking for them is refused loudly.
var notEmulatedOptions = []string{"orderby", "skip", "format", "levels"}

// checkNotEmulated refuses the options of notEmulatedOptions, and
// $search where a handler does not evaluate it (search=true). A plain
// "search" is the site search parameter, not $search.
func checkNotEmulated(q url.Values, search bool) *apiError {
	if _, ok := q["$search"]; ok && !search {
		return unsupportedQuery("localtenant: the query option $search is not emulated by the local tenant on this path.")
	}
	for _, name := range notEmulatedOptions {
		_, with := q["$"+name]
		_, without := q[name]
		if with || without {
			return unsupportedQuery("localtenant: the query option $%s is not emulated by the local tenant.", name)
		}
	}
	return nil
}

// parseListQuery reads the query options of a list. schema says what
// $filter may use; a zero schema refuses any $filter.
func parseListQuery(r *http.Request, schema filterSchema) (*listQuery, *apiError) {
	q := r.URL.Query()
	lq := &listQuery{Top: defaultPageSize}
	if err := checkNotEmulated(q, schema.Search); err != nil {
		return nil, err
	}
	sel, err := parseSelect(q)
	if err != nil {
		return nil, err
	}
	lq.Select = sel
	if lq.Expand, err = parseExpand(q, schema.Expand); err != nil {
		return nil, err
	}
	if v, ok := queryValue(q, "top"); ok {
		n, perr := strconv.Atoi(strings.TrimSpace(v))
		if perr != nil || n < 1 || n > maxPageSize {
			return nil, badRequest("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", v, maxPageSize)
		}
		lq.Top = n
	}
	if len(lq.Expand) > 0 && lq.Top > maxExpandPageSize {
		lq.Top = maxExpandPageSize
	}
	if v, ok := queryValue(q, "skiptoken"); ok {
		c, ok := decodeCursor(v)
		if !ok {
			return nil, badRequest("The specified page token value has expired or is invalid and can no longer be included in your request.")
		}
		lq.SkipToken = &c
	}
	if v, ok := queryValue(q, "count"); ok {
		switch strings.ToLower(v) {
		case "true":
			if !eventual(r) {
				return nil, badRequest("$count is not currently supported.")
			}
			lq.Count = true
		case "false":
		default:
			return nil, badRequest("Invalid value '%s' for the query option $count.", v)
		}
	}
	if v, ok := queryValue(q, "filter"); ok {
		if schema.Type == "" {
			return nil, unsupportedQuery("localtenant: $filter is not supported on this list.")
		}
		x, adv, err := parseFilter(v, schema)
		if err != nil {
			return nil, err
		}
		if adv != "" && !eventual(r) {
			return nil, unsupportedQuery("Operator '%s' is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information", adv)
		}
		// Advanced $filter operators also need $count=true ($search does not).
		if adv != "" && !lq.Count {
			return nil, unsupportedQuery("Operator '%s' is not supported because the '$count=true' query parameter is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information", adv)
		}
		lq.Filter = x
	}
	if v, ok := q["$search"]; ok && len(v) > 0 {
		if !eventual(r) {
			return nil, badRequest("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
		}
		x, err := parseSearch(v[0], schema)
		if err != nil {
			return nil, err
		}
		if lq.Filter != nil {
			x = andExpr{lq.Filter, x}
		}
		lq.Filter = x
	}
	return lq, nil
}

// parseSelect reads $select: comma-separated property names.
func parseSelect(q url.Values) ([]string, *apiError) {
	v, ok := queryValue(q, "select")
	if !ok {
		return nil, nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, badRequest("Invalid $select clause: an empty property name.")
		}
		out = append(out, p)
	}
	return out, nil
}

// parseSelectOnly reads the options of a GET of one entity: $select,
// and $expand of the navigation properties in expandable.
func parseSelectOnly(r *http.Request, expandable ...string) (sel, expand []string, err *apiError) {
	q := r.URL.Query()
	if err := checkNotEmulated(q, false); err != nil {
		return nil, nil, err
	}
	if sel, err = parseSelect(q); err != nil {
		return nil, nil, err
	}
	if expand, err = parseExpand(q, expandable); err != nil {
		return nil, nil, err
	}
	return sel, expand, nil
}

// parseExpand reads $expand: navigation property names out of allowed
// (returned as allowed spells them). Nested options and other
// properties are refused as not emulated.
func parseExpand(q url.Values, allowed []string) ([]string, *apiError) {
	v, ok := queryValue(q, "expand")
	if !ok {
		return nil, nil
	}
	var out []string
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(allowed, func(a string) bool { return strings.EqualFold(a, name) })
		if i < 0 {
			return nil, unsupportedQuery("localtenant: $expand=%s is not emulated by the local tenant.", name)
		}
		out = append(out, allowed[i])
	}
	return out, nil
}

// keepExpanded copies the expanded members of full into projected.
func keepExpanded(projected, full map[string]any, expand []string) map[string]any {
	for _, e := range expand {
		if v, ok := full[e]; ok {
			projected[e] = v
		}
	}
	return projected
}

// project keeps the selected members of m (names matched ignoring case,
// written as the object spells them), always with id when m has one.
// Names m does not have are left out.
func project(m map[string]any, sel []string) map[string]any {
	out := map[string]any{}
	if id, ok := m["id"]; ok {
		out["id"] = id
	}
	for _, name := range sel {
		if v, ok := m[name]; ok {
			out[name] = v
			continue
		}
		for k, v := range m {
			if strings.EqualFold(k, name) {
				out[k] = v
			}
		}
	}
	return out
}

// pageCursor is where a page ends: objects are listed oldest first (ties
// by id), so the next page starts after this creation time and id.
// Cursors stay correct when objects are added or deleted between pages.
type pageCursor struct {
	Created time.Time
	ID      string
}

func (c pageCursor) before(created time.Time, id string) bool {
	if !c.Created.Equal(created) {
		return c.Created.Before(created)
	}
	return c.ID < id
}

func encodeCursor(c pageCursor) string {
	raw := fmt.Sprintf("lt1|%d|%s", c.Created.UnixNano(), c.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(v string) (pageCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return pageCursor{}, false
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 || parts[0] != "lt1" {
		return pageCursor{}, false
	}
	n, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return pageCursor{}, false
	}
	return pageCursor{Created: time.Unix(0, n).UTC(), ID: parts[2]}, true
}

// listItem is one object of a list: where it sorts, and how to render
// its wire JSON. Rendering is deferred so a page converts only the
// objects it looks at; it must run under the store lock (paginate).
type listItem struct {
	created time.Time
	id      string
	render  func() map[string]any
}

// items wraps stored objects (already in list order) as list items
// rendered through view (the object itself when nil).
func items[T object](objs []T, view func(T) any) []listItem {
	out := make([]listItem, 0, len(objs))
	for _, o := range objs {
		o := o
		out = append(out, listItem{created: o.meta().Created, id: idOf(o), render: func() map[string]any {
			if view != nil {
				if m, ok := view(o).(map[string]any); ok {
					return m
				}
				return toMap(view(o))
			}
			return toMap(o)
		}})
	}
	return out
}

// page is one page of a list, rendered.
type page struct {
	value []any
	count int         // matches in all pages, for $count
	next  *pageCursor // where the next page starts; nil on the last
}

// paginate filters and pages items for lq. Call it under the store
// lock: it renders objects. It renders only what it needs: the objects
// after the $skiptoken cursor up to one past the page (all of them when
// $count asks for the total).
func paginate(lq *listQuery, all []listItem) page {
	start := 0
	if c := lq.SkipToken; c != nil {
		start = sort.Search(len(all), func(i int) bool { return c.before(all[i].created, all[i].id) })
	}
	var p page
	var last listItem
	for i, it := range all {
		if i < start && !lq.Count {
			continue
		}
		m := it.render()
		if lq.Filter != nil && !lq.Filter.eval(filterEnv{obj: m}) {
			continue
		}
		p.count++
		if i < start {
			continue
		}
		if len(p.value) == lq.Top {
			if p.next == nil {
				p.next = &pageCursor{Created: last.created, ID: last.id}
			}
			if !lq.Count {
				break
			}
			continue
		}
		if len(lq.Select) > 0 {
			m = keepExpanded(project(m, lq.Select), m, lq.Expand)
		}
		p.value = append(p.value, m)
		last = it
	}
	return p
}

// writeList answers a list page with @odata.context and an absolute
// @odata.nextLink (the same query with a $skiptoken) while more remain.
// set is the context fragment ("applications",
// "servicePrincipals('id')/appRoleAssignedTo").
func (s *Server) writeList(w http.ResponseWriter, r *http.Request, set string, lq *listQuery, p page) {
	fragment := set
	if len(lq.Select) > 0 {
		fragment += "(" + strings.Join(lq.Select, ",") + ")"
	}
	body := map[string]any{"@odata.context": contextURL(r, fragment)}
	if lq.Count {
		body["@odata.count"] = p.count
	}
	if p.next != nil {
		body["@odata.nextLink"] = nextLink(r, *p.next)
	}
	if p.value == nil {
		p.value = []any{}
	}
	body["value"] = p.value
	writeJSON(w, http.StatusOK, body)
}

// nextLink is the request's absolute URL with $skiptoken replaced.
func nextLink(r *http.Request, c pageCursor) string {
	q := r.URL.Query()
	q.Del("$skiptoken")
	q.Del("skiptoken")
	q.Set("$skiptoken", encodeCursor(c))
	return "https://" + r.Host + r.URL.EscapedPath() + "?" + q.Encode()
}
