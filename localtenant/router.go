package localtenant

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// HostKind is the service a request's Host header names.
type HostKind int

const (
	HostUnknown    HostKind = iota
	HostLogin               // login.microsoftonline.com, .us, .cn
	HostGraph               // graph.microsoft.com, .us, microsoftgraph.chinacloudapi.cn
	HostSharePoint          // *.sharepoint.com, .us, .cn
	HostGitHub              // token.actions.githubusercontent.com
	HostLocal               // 127.0.0.1, localhost: the index page
	HostARM                 // management.azure.com (Azure Resource Manager)
)

func (k HostKind) String() string {
	switch k {
	case HostLogin:
		return "login"
	case HostGraph:
		return "graph"
	case HostSharePoint:
		return "sharepoint"
	case HostGitHub:
		return "github"
	case HostLocal:
		return "local"
	case HostARM:
		return "arm"
	}
	return "unknown"
}

// Route is one handler for a host kind, method and path pattern.
//
// Pattern is a path whose segments are literals (matched case
// insensitively, as Graph does), "{name}" (one segment), a literal with one
// "{name}" inside it ("applications(appId='{appId}')"), or a final
// "{name...}" (the rest of the path, possibly empty). Values are
// URL-decoded and read with r.PathValue("name"). When several patterns
// match, the most specific wins, segment by segment: literal, then a
// literal with a wildcard inside, then "{name}", then "{name...}".
//
// Method "" matches every method. Routes on HostGraph, HostSharePoint
// and HostARM need a valid access token for that host unless Public is
// set; the
// handler reads the caller with callerOf(r).
type Route struct {
	Host    HostKind
	Method  string
	Pattern string
	Public  bool
	Handler http.HandlerFunc
}

// routeSets are the route tables of the package, each a function of the
// server that builds its routes. Files add theirs from init() with
// addRoutes; the list is only appended to during package initialisation
// and read-only afterwards.
var routeSets []func(*Server) []Route

// addRoutes registers a route table. Call it only from an init function.
func addRoutes(f func(*Server) []Route) { routeSets = append(routeSets, f) }

type segKind int

const (
	segRest segKind = iota
	segWild
	segInfix
	segLiteral
)

type segment struct {
	kind           segKind
	literal        string // segLiteral: lower-cased text
	prefix, suffix string // segInfix: lower-cased text around the wildcard
	name           string // wildcard name
}

type compiledRoute struct {
	Route
	segs []segment
}

// router matches requests to routes.
type router struct {
	routes []compiledRoute
}

func newRouter(routes []Route) *router {
	rt := &router{}
	for _, r := range routes {
		rt.routes = append(rt.routes, compiledRoute{Route: r, segs: compilePattern(r.Pattern)})
	}
	slices.SortStableFunc(rt.routes, func(a, b compiledRoute) int {
		for i := 0; i < len(a.segs) && i < len(b.segs); i++ {
			if c := cmp.Compare(b.segs[i].kind, a.segs[i].kind); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(b.segs), len(a.segs))
	})
	return rt
}

func compilePattern(p string) []segment {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	var segs []segment
	for _, part := range strings.Split(p, "/") {
		open := strings.Index(part, "{")
		close := strings.LastIndex(part, "}")
		switch {
		case open < 0 || close < open:
			segs = append(segs, segment{kind: segLiteral, literal: strings.ToLower(part)})
		case open == 0 && close == len(part)-1 && strings.HasSuffix(part, "...}"):
			segs = append(segs, segment{kind: segRest, name: part[1 : len(part)-4]})
		case open == 0 && close == len(part)-1:
			segs = append(segs, segment{kind: segWild, name: part[1 : len(part)-1]})
		default:
			segs = append(segs, segment{kind: segInfix, name: part[open+1 : close],
				prefix: strings.ToLower(part[:open]), suffix: strings.ToLower(part[close+1:])})
		}
	}
	return segs
}

// graphAliasPath is the path a Graph alias names: Graph serves every
// directory path of /{version}/ also under /{version}/myorganization/
// (the signed-in organization), so "/v1.0/myorganization/applications"
// is "/v1.0/applications". Other paths are returned as they are.
func graphAliasPath(escaped string) string {
	version, rest, ok := strings.Cut(strings.TrimPrefix(escaped, "/"), "/")
	if !ok {
		return escaped
	}
	seg, tail, _ := strings.Cut(rest, "/")
	if !strings.EqualFold(seg, "myorganization") {
		return escaped
	}
	return "/" + version + "/" + tail
}

// myOrganizationAlias is r on the path its /myorganization/ alias
// names (r itself for any other path).
func myOrganizationAlias(r *http.Request) *http.Request {
	p := graphAliasPath(r.URL.Path)
	if p == r.URL.Path {
		return r
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = p
	if r.URL.RawPath != "" {
		r2.URL.RawPath = graphAliasPath(r.URL.RawPath)
	}
	return r2
}

// splitPath splits an escaped URL path into decoded segments, ignoring a
// trailing slash.
func splitPath(escaped string) []string {
	escaped = strings.Trim(escaped, "/")
	if escaped == "" {
		return nil
	}
	parts := strings.Split(escaped, "/")
	for i, p := range parts {
		if v, err := url.PathUnescape(p); err == nil {
			parts[i] = v
		}
	}
	return parts
}

// match finds the route for kind, method and path and returns it with its
// path values, or nil.
func (rt *router) match(kind HostKind, method, escapedPath string) (*compiledRoute, map[string]string) {
	parts := splitPath(escapedPath)
	for i := range rt.routes {
		cr := &rt.routes[i]
		if cr.Host != kind || (cr.Method != "" && cr.Method != method) {
			continue
		}
		if vals, ok := matchSegs(cr.segs, parts); ok {
			return cr, vals
		}
	}
	return nil, nil
}

func matchSegs(segs []segment, parts []string) (map[string]string, bool) {
	vals := map[string]string{}
	for i, sg := range segs {
		if sg.kind == segRest {
			vals[sg.name] = strings.Join(parts[min(i, len(parts)):], "/")
			return vals, true
		}
		if i >= len(parts) {
			return nil, false
		}
		part := parts[i]
		switch sg.kind {
		case segLiteral:
			if strings.ToLower(part) != sg.literal {
				return nil, false
			}
		case segWild:
			if part == "" {
				return nil, false
			}
			vals[sg.name] = part
		case segInfix:
			lower := strings.ToLower(part)
			if len(part) < len(sg.prefix)+len(sg.suffix) || !strings.HasPrefix(lower, sg.prefix) || !strings.HasSuffix(lower, sg.suffix) {
				return nil, false
			}
			vals[sg.name] = part[len(sg.prefix) : len(part)-len(sg.suffix)]
		}
	}
	if len(parts) != len(segs) {
		return nil, false
	}
	return vals, true
}
