package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/endpoint"
)

const targetConfig = `
application "flask" {
  display_name = "Flask"
  web { redirect_uris = ["http://localhost:5555/"] }
  permission "sharepoint" { delegated = ["Read user profiles", "AllSites.Read"] }
  permission "graph" {
    delegated   = ["User.Read"]
    application = ["Sites.Read.All"]
  }
  admin_consent = true
  secret "web" { write_to = "secrets/flask.env" }
}

application "daemon" {
  display_name = "Daemon"
  permission "graph" { application = ["Sites.Read.All"] }
  public_client { redirect_uris = ["http://localhost"] }
  secret "s" {}
}

check "sp_user" {
  application = application.flask
  flow        = "auth_code"
  request "me" { url = "https://contoso.sharepoint.com/sites/hr/_api/web/currentuser" }
}

check "graph_user" {
  application = application.flask
  flow        = "auth_code"
  request "me" { url = "https://graph.microsoft.com/v1.0/me" }
}

check "no_request_user" {
  application = application.flask
  flow        = "auth_code"
}

check "app_only_sharepoint" {
  application = application.daemon
  flow        = "client_credentials"
  request "web" { url = "https://Contoso.SharePoint.com/sites/hr/_api/web" }
}

check "app_only_default" {
  application = application.daemon
  flow        = "client_credentials"
}

check "explicit" {
  application = application.flask
  flow        = "auth_code"
  scopes      = ["https://contoso.sharepoint.com/AllSites.Read"]
  request "graph_first" { url = "https://graph.microsoft.com/v1.0/me" }
}

check "bare_scope" {
  application = application.flask
  flow        = "auth_code"
  scopes      = ["User.Read"]
}

check "custom_api" {
  application = application.flask
  flow        = "auth_code"
  scopes      = ["api://contoso.onmicrosoft.com/orders/Orders.Read"]
}

check "undeclared_user" {
  application = application.daemon
  flow        = "device_code"
  request "me" { url = "https://graph.microsoft.com/v1.0/me" }
}
`

func TestResolveTarget(t *testing.T) {
	cfg := writeConfig(t, targetConfig)
	const graph, spo = "00000003-0000-0000-c000-000000000000", "00000003-0000-0ff1-ce00-000000000000"
	tests := []struct {
		check string
		want  target
	}{
		{"sp_user", target{Resource: "https://contoso.sharepoint.com", ResourceAppID: spo, Label: "sharepoint", Delegated: true,
			Scopes: []string{"https://contoso.sharepoint.com/User.Read.All", "https://contoso.sharepoint.com/AllSites.Read"}}},
		{"graph_user", target{Resource: "https://graph.microsoft.com", ResourceAppID: graph, Label: "graph", Delegated: true,
			Scopes: []string{"https://graph.microsoft.com/User.Read"}}},
		{"no_request_user", target{Resource: "https://graph.microsoft.com", ResourceAppID: graph, Label: "graph", Delegated: true,
			Scopes: []string{"https://graph.microsoft.com/User.Read"}}},
		{"app_only_sharepoint", target{Resource: "https://contoso.sharepoint.com", ResourceAppID: spo, Label: "sharepoint",
			Scopes: []string{"https://contoso.sharepoint.com/.default"}}},
		{"app_only_default", target{Resource: "https://graph.microsoft.com", ResourceAppID: graph, Label: "graph",
			Scopes: []string{"https://graph.microsoft.com/.default"}}},
		{"explicit", target{Resource: "https://contoso.sharepoint.com", ResourceAppID: spo, Label: "sharepoint", Delegated: true,
			Scopes: []string{"https://contoso.sharepoint.com/AllSites.Read"}}},
		{"bare_scope", target{Resource: "https://graph.microsoft.com", ResourceAppID: graph, Label: "graph", Delegated: true,
			Scopes: []string{"User.Read"}}},
		{"custom_api", target{Resource: "api://contoso.onmicrosoft.com/orders", Label: "api://contoso.onmicrosoft.com/orders", Delegated: true,
			Scopes: []string{"api://contoso.onmicrosoft.com/orders/Orders.Read"}}},
		{"undeclared_user", target{Resource: "https://graph.microsoft.com", ResourceAppID: graph, Label: "graph", Delegated: true,
			Scopes: []string{"https://graph.microsoft.com/.default"}}},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			c := checkNamed(t, cfg, tt.check)
			got, err := resolveTarget(endpoint.Public(), cfg.Application(c.Application), c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("target (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveTargetOtherClouds(t *testing.T) {
	cfg := writeConfig(t, `
application "a" {
  display_name = "A"
  secret "s" {}
}
check "gov" {
  application = application.a
  flow        = "client_credentials"
  request "r" { url = "https://graph.microsoft.us/v1.0/sites/root" }
}
`)
	c := checkNamed(t, cfg, "gov")
	got, err := resolveTarget(endpoint.USGov(), cfg.Application(c.Application), c)
	if err != nil {
		t.Fatal(err)
	}
	want := target{Resource: "https://graph.microsoft.us", ResourceAppID: "00000003-0000-0000-c000-000000000000", Label: "graph",
		Scopes: []string{"https://graph.microsoft.us/.default"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("target (-want +got):\n%s", diff)
	}
}
