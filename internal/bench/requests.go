package bench

import (
	"regexp"
	"strings"

	"github.com/entraform/entraform/localtenant"
)

// requestCount sums up a request log.
type requestCount struct {
	// API are the Graph and SharePoint requests (a $batch counts once).
	API int
	// SignIn are the identity platform requests (discovery and token).
	SignIn int
	// Errors are the answers with status 400 or more (expected ones
	// included: a refused $expand, a 404 for something that is not there).
	Errors int
	// ByKind counts the API requests by method and path with ids replaced.
	ByKind map[string]int
}

func countRequests(recs []localtenant.RequestRecord) requestCount {
	c := requestCount{ByKind: map[string]int{}}
	for _, r := range recs {
		if r.Status >= 400 {
			c.Errors++
		}
		host := strings.ToLower(r.Host)
		switch {
		case host == "graph.microsoft.com" || strings.HasSuffix(host, ".sharepoint.com"):
			c.API++
			c.ByKind[r.Method+" "+requestKind(host, r.Path)]++
		default:
			c.SignIn++
		}
	}
	return c
}

var (
	guidRE   = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	quotedRE = regexp.MustCompile(`'[^']*'`)
)

// requestKind is a path with its ids replaced: the shape of a request.
func requestKind(host, path string) string {
	path = guidRE.ReplaceAllString(path, "{id}")
	path = quotedRE.ReplaceAllString(path, "'…'")
	if strings.HasSuffix(host, ".sharepoint.com") {
		return host + path
	}
	return path
}
