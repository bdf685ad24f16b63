package bench

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/localtenant"
)

func TestCountRequests(t *testing.T) {
	recs := []localtenant.RequestRecord{
		{Method: "GET", Host: "login.microsoftonline.com", Path: "/t/v2.0/.well-known/openid-configuration", Status: 200},
		{Method: "POST", Host: "login.microsoftonline.com", Path: "/t/oauth2/v2.0/token", Status: 200},
		{Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/applications", Status: 400},
		{Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/applications", Status: 200},
		{Method: "POST", Host: "graph.microsoft.com", Path: "/v1.0/$batch", Status: 200},
		{Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/applications/0b5f8a3e-5b7a-4c1e-9d2f-1a2b3c4d5e6f", Status: 200},
		{Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/applications/1b5f8a3e-5b7a-4c1e-9d2f-1a2b3c4d5e6f", Status: 404},
		{Method: "PATCH", Host: "graph.microsoft.com", Path: "/v1.0/applications(uniqueName='entraform.bench.app0001')", Status: 201},
		{Method: "GET", Host: "contoso.sharepoint.com", Path: "/_api/web", Status: 200},
	}
	got := countRequests(recs)
	want := requestCount{
		API:    7,
		SignIn: 2,
		Errors: 2,
		ByKind: map[string]int{
			"GET /v1.0/applications":                   2,
			"POST /v1.0/$batch":                        1,
			"GET /v1.0/applications/{id}":              2,
			"PATCH /v1.0/applications(uniqueName='…')": 1,
			"GET contoso.sharepoint.com/_api/web":      1,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("countRequests (-want +got):\n%s", diff)
	}
}
