package checks

import (
	"testing"

	"github.com/entraform/entraform/localtenant"
)

const customAPIConfig = `
tenant { workspace = "customapi" }
application "orders_api" {
  display_name    = "Orders API"
  identifier_uris = ["api://contoso.onmicrosoft.com/orders"]
  api {
    scope "read" {
      value                      = "Orders.Read"
      admin_consent_display_name = "Read orders"
    }
  }
  app_role "sync" {
    value                = "Orders.Sync"
    display_name         = "Sync orders"
    allowed_member_types = ["Application"]
  }
}
application "web" {
  display_name = "Orders web"
  web { redirect_uris = ["http://localhost:{{PORT}}/"] }
  permission "application.orders_api" { delegated = ["Orders.Read"] }
  admin_consent = true
  secret "web" { write_to = "secrets/web.env" }
}
application "cli" {
  display_name = "Orders CLI"
  public_client { redirect_uris = ["http://localhost"] }
  permission "application.orders_api" { delegated = ["Orders.Read"] }
  admin_consent = true
}
application "daemon" {
  display_name = "Orders daemon"
  permission "application.orders_api" { application = ["Orders.Sync"] }
  admin_consent = true
  secret "s" {}
}
check "web" {
  application   = application.web
  flow          = "auth_code"
  scopes        = ["api://contoso.onmicrosoft.com/orders/Orders.Read"]
  expect_scopes = ["Orders.Read"]
}
check "device" {
  application   = application.cli
  flow          = "device_code"
  scopes        = ["api://contoso.onmicrosoft.com/orders/Orders.Read"]
  expect_scopes = ["Orders.Read"]
}
check "interactive" {
  application   = application.cli
  flow          = "interactive"
  user          = "diego@contoso.onmicrosoft.com"
  scopes        = ["api://contoso.onmicrosoft.com/orders/Orders.Read"]
  expect_scopes = ["Orders.Read"]
}
check "daemon" {
  application  = application.daemon
  flow         = "client_credentials"
  scopes       = ["api://contoso.onmicrosoft.com/orders/.default"]
  expect_roles = ["Orders.Sync"]
}
`

// TestCustomAPIFlows: every kind of flow signs in to an API the
// configuration itself exposes, by its identifier URI.
func TestCustomAPIFlows(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, subst(customAPIConfig, "PORT", freePort(t)))
	res := tn.apply(t, cfg)
	env := tn.env(cfg, res)
	const aud = "api://contoso.onmicrosoft.com/orders"
	alex, diego := tn.DefaultUser().UserPrincipalName, "diego@contoso.onmicrosoft.com"
	tests := []struct {
		check string
		want  outcome
	}{
		{"web", outcome{OK: true, Scopes: []string{"Orders.Read"}, IDType: "user", Audience: aud, User: alex, ACR: "1"}},
		{"device", outcome{OK: true, Scopes: []string{"Orders.Read"}, IDType: "user", Audience: aud, User: alex, ACR: "0"}},
		{"interactive", outcome{OK: true, Scopes: []string{"Orders.Read"}, IDType: "user", Audience: aud, User: diego, ACR: "0"}},
		{"daemon", outcome{OK: true, Roles: []string{"Orders.Sync"}, IDType: "app", Audience: aud, ACR: "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			wantOutcome(t, tt.want, runOne(t, env, tt.check))
		})
	}
}

// TestCustomAPIUserRoleMissing: a user flow that expects a role nobody
// assigned says where a user's roles come from.
func TestCustomAPIUserRoleMissing(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, subst(customAPIConfig, "PORT", freePort(t))+`
check "web_role" {
  application  = application.web
  flow         = "auth_code"
  user         = "adele@contoso.onmicrosoft.com"
  scopes       = ["api://contoso.onmicrosoft.com/orders/Orders.Read"]
  expect_roles = ["Orders.Reader"]
}
`)
	res := tn.apply(t, cfg)
	wantProblem(t, runOne(t, tn.env(cfg, res), "web_role"), CodeMissingRole,
		`the token's roles (none) lack the expected Orders.Reader: a user's token carries the app roles assigned to the user or to a group the user is a direct member of; assign adele@contoso.onmicrosoft.com (or one of its groups) Orders.Reader on api://contoso.onmicrosoft.com/orders (service_principal { assignment "..." { principal = ..., app_role = "Orders.Reader" } } on the API) and apply`)
}
