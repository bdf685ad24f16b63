package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSelect(t *testing.T) {
	cfg := writeConfig(t, `
application "a" {
  display_name = "A"
  secret "s" {}
}
check "reads" {
  for_each    = toset(["hr", "finance"])
  application = application.a
  flow        = "client_credentials"
  request "site" { url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/${each.key}" }
}
check "other" {
  application = application.a
  flow        = "client_credentials"
}
`)
	tests := []struct {
		name        string
		only        []string
		wantAddrs   []string
		wantUnknown []string
	}{
		{"all", nil, []string{"check.other", `check.reads["finance"]`, `check.reads["hr"]`}, nil},
		{"by block name: every instance", []string{"reads"}, []string{`check.reads["finance"]`, `check.reads["hr"]`}, nil},
		{"by address, configuration order, no duplicates", []string{`check.reads["hr"]`, "check.other", "other"}, []string{"check.other", `check.reads["hr"]`}, nil},
		{"instance without the prefix", []string{`reads["finance"]`}, []string{`check.reads["finance"]`}, nil},
		{"unknown names", []string{"reads[\"it\"]", "nope", "other"}, []string{"check.other"}, []string{`reads["it"]`, "nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, unknown := Select(cfg, tt.only)
			var addrs []string
			for _, c := range sel {
				addrs = append(addrs, c.Addr)
			}
			if diff := cmp.Diff(tt.wantAddrs, addrs); diff != "" {
				t.Errorf("selected (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantUnknown, unknown, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unknown (-want +got):\n%s", diff)
			}
		})
	}
}
