package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/config"
)

// TestSiteURLOf: which check requests address exactly one site, and
// which site.
func TestSiteURLOf(t *testing.T) {
	cfg := &config.Config{Tenant: config.Tenant{Cloud: "public", SharePoint: "contoso"}}
	unnamed := &config.Config{Tenant: config.Tenant{Cloud: "public"}}
	type result struct {
		Site string
		OK   bool
	}
	tests := []struct {
		url  string
		cfg  *config.Config
		want result
	}{
		{"https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr", cfg, result{"https://contoso.sharepoint.com/sites/hr", true}},
		{"https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr:/lists?$top=1", cfg, result{"https://contoso.sharepoint.com/sites/hr", true}},
		{"https://graph.microsoft.com/beta/sites/Contoso.SharePoint.com:/teams/eng:", cfg, result{"https://contoso.sharepoint.com/teams/eng", true}},
		{"https://graph.microsoft.com/v1.0/sites/root", cfg, result{"https://contoso.sharepoint.com", true}},
		{"https://graph.microsoft.com/v1.0/sites/root/drive", cfg, result{"https://contoso.sharepoint.com", true}},
		{"https://graph.microsoft.com/v1.0/sites/root", unnamed, result{"", false}}, // the tenant's SharePoint is unknown
		{"https://graph.microsoft.com/v1.0/sites?search=*", cfg, result{"", false}},
		{"https://graph.microsoft.com/v1.0/sites", cfg, result{"", false}},
		{"https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com,6d1a2b3c-0000-0000-0000-000000000000,7e2b3c4d-0000-0000-0000-000000000000", cfg, result{"", false}},
		{"https://graph.microsoft.com/v1.0/users?$top=1", cfg, result{"", false}},
		{"https://contoso.sharepoint.com/sites/hr/_api/web", cfg, result{"https://contoso.sharepoint.com/sites/hr", true}},
		{"https://contoso.sharepoint.com/_api/web/currentuser", cfg, result{"https://contoso.sharepoint.com", true}},
		{"https://contoso.sharepoint.us/teams/x/_api/web", cfg, result{"https://contoso.sharepoint.us/teams/x", true}},
		{"https://api.contoso.com/orders", cfg, result{"", true}}, // says nothing about sites
	}
	for _, tt := range tests {
		site, ok := siteURLOf(tt.cfg, tt.url)
		if diff := cmp.Diff(tt.want, result{site, ok}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.url, diff)
		}
	}
}
