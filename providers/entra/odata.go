package entra

import (
	"net/url"
	"strings"
)

// quote renders s as an OData string literal: single quotes around it and
// every single quote inside doubled.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// keySegment renders a key-addressed path segment such as
// applications(uniqueName='x'), escaped for a URL path (a unique name may
// hold '/', '?', '#' or spaces).
func keySegment(collection, key, value string) string {
	return collection + "(" + key + "=" + pathEscape(quote(value)) + ")"
}

// pathEscape escapes s for one path segment, keeping the single quotes of
// OData literals readable (they are valid in a path as written).
func pathEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "%27", "'")
}

// applicationByUniqueNamePath is the path of an application by uniqueName.
func applicationByUniqueNamePath(uniqueName string) string {
	return "/" + keySegment("applications", "uniqueName", uniqueName)
}

// applicationByAppIDPath is the path of an application by appId.
func applicationByAppIDPath(appID string) string {
	return "/" + keySegment("applications", "appId", appID)
}

// servicePrincipalByAppIDPath is the path of a service principal by appId.
func servicePrincipalByAppIDPath(appID string) string {
	return "/" + keySegment("servicePrincipals", "appId", appID)
}

// idSegment escapes an object id (or a federated credential name) for use
// as one path segment.
func idSegment(id string) string { return pathEscape(id) }

// tagFilter is the $filter that selects objects carrying tag.
func tagFilter(tag string) string {
	return "tags/any(t:t eq " + quote(tag) + ")"
}

// query renders query options in the order given. Values are escaped for a
// query string except for the characters OData expressions use, which
// Graph reads literally ($, (, ), ', :, /, ,, =); spaces become %20.
func query(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if b.Len() == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(kv[i])
		b.WriteByte('=')
		b.WriteString(escapeQueryValue(kv[i+1]))
	}
	return b.String()
}

func escapeQueryValue(v string) string {
	e := url.QueryEscape(v)
	e = strings.ReplaceAll(e, "+", "%20")
	r := strings.NewReplacer("%24", "$", "%28", "(", "%29", ")", "%27", "'", "%3A", ":", "%2F", "/", "%2C", ",")
	return r.Replace(e)
}
