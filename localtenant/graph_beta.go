package localtenant

import (
	"context"
	"net/http"
	"strings"
)

// betaCollections are the first path segments Graph's /beta version is
// served for: applications and service principals with every
// sub-resource the v1.0 routes serve, and $batch (whose items are then
// /beta requests). The v1.0 routes answer them; apiVersion(r) is "beta",
// so bodies are checked against, and entities rendered with, the beta
// description, and @odata.context names /beta. Any other /beta path is
// 501 like every unserved path.
var betaCollections = []string{"applications", "servicePrincipals", "$batch"}

// betaAlias maps a /beta request onto the v1.0 route table.
func betaAlias(r *http.Request) *http.Request {
	p := r.URL.Path
	if len(p) < 6 || !strings.EqualFold(p[:6], "/beta/") {
		return r
	}
	rest := p[5:]
	first := rest[1:]
	if i := strings.IndexAny(first, "/("); i >= 0 {
		first = first[:i]
	}
	if !containsFold(betaCollections, first) {
		return r
	}
	r2 := r.Clone(context.WithValue(r.Context(), versionKey{}, versionBeta))
	r2.URL.Path = "/v1.0" + rest
	if r.URL.RawPath != "" {
		r2.URL.RawPath = "/v1.0" + r.URL.RawPath[5:]
	}
	return r2
}
