package endpoint

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCloudHosts(t *testing.T) {
	type hosts struct {
		Authority, Token, GraphBase, GraphScope, SharePoint, SharePointScope string
	}
	tests := []struct {
		name string
		want hosts
	}{
		{"public", hosts{
			Authority:       "https://login.microsoftonline.com/contoso.onmicrosoft.com",
			Token:           "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
			GraphBase:       "https://graph.microsoft.com/v1.0",
			GraphScope:      "https://graph.microsoft.com/.default",
			SharePoint:      "contoso.sharepoint.com",
			SharePointScope: "https://contoso.sharepoint.com/.default",
		}},
		{"usgov", hosts{
			Authority:       "https://login.microsoftonline.us/contoso.onmicrosoft.com",
			Token:           "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token",
			GraphBase:       "https://graph.microsoft.us/v1.0",
			GraphScope:      "https://graph.microsoft.us/.default",
			SharePoint:      "contoso.sharepoint.us",
			SharePointScope: "https://contoso.sharepoint.us/.default",
		}},
		{"china", hosts{
			Authority:       "https://login.chinacloudapi.cn/contoso.onmicrosoft.com",
			Token:           "https://login.chinacloudapi.cn/contoso.onmicrosoft.com/oauth2/v2.0/token",
			GraphBase:       "https://microsoftgraph.chinacloudapi.cn/v1.0",
			GraphScope:      "https://microsoftgraph.chinacloudapi.cn/.default",
			SharePoint:      "contoso.sharepoint.cn",
			SharePointScope: "https://contoso.sharepoint.cn/.default",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := CloudByName(strings.ToUpper(tt.name))
			if err != nil {
				t.Fatal(err)
			}
			sp := c.SharePointHost("Contoso")
			spScope, ok := c.ScopeForHost(sp)
			if !ok {
				t.Fatalf("ScopeForHost(%q) not ok", sp)
			}
			graphScope, ok := c.ScopeForHost(c.GraphHost)
			if !ok || graphScope != c.GraphScope() {
				t.Fatalf("ScopeForHost(%q) = %q, %v; want %q", c.GraphHost, graphScope, ok, c.GraphScope())
			}
			got := hosts{
				Authority:       c.AuthorityURL("contoso.onmicrosoft.com"),
				Token:           c.TokenURL("contoso.onmicrosoft.com"),
				GraphBase:       c.GraphBaseURL(),
				GraphScope:      c.GraphScope(),
				SharePoint:      sp,
				SharePointScope: spScope,
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cloud %s (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestCloudByName(t *testing.T) {
	c, err := CloudByName("")
	if err != nil || c != Public() {
		t.Errorf(`CloudByName("") = %+v, %v; want public`, c, err)
	}
	_, err = CloudByName("germany")
	if err == nil || !strings.Contains(err.Error(), "public, usgov, china") {
		t.Errorf(`CloudByName("germany") error = %v; want the list of clouds`, err)
	}
	if got := (Cloud{}).OrPublic(); got != Public() {
		t.Errorf("zero Cloud OrPublic = %+v", got)
	}
}

func TestScopeForHost(t *testing.T) {
	tests := []struct {
		cloud Cloud
		host  string
		want  string // "" = no token for that host
	}{
		{Public(), "graph.microsoft.com", "https://graph.microsoft.com/.default"},
		{Public(), "GRAPH.microsoft.com", "https://graph.microsoft.com/.default"},
		{Public(), "contoso.sharepoint.com", "https://contoso.sharepoint.com/.default"},
		{Public(), "contoso-admin.sharepoint.com", "https://contoso-admin.sharepoint.com/.default"},
		{Public(), "sharepoint.com", ""},
		{Public(), "evil.com", ""},
		{Public(), "contoso.sharepoint.com.evil.com", ""},
		{Public(), "graph.microsoft.us", ""},
		{Public(), "login.microsoftonline.com", ""},
		{USGov(), "graph.microsoft.us", "https://graph.microsoft.us/.default"},
		{USGov(), "graph.microsoft.com", ""},
		{USGov(), "contoso.sharepoint.us", "https://contoso.sharepoint.us/.default"},
		{China(), "microsoftgraph.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/.default"},
		{China(), "contoso.sharepoint.cn", "https://contoso.sharepoint.cn/.default"},
		{China(), "contoso.sharepoint.com", ""},
	}
	for _, tt := range tests {
		got, ok := tt.cloud.ScopeForHost(tt.host)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("%s.ScopeForHost(%q) = %q, %v; want %q", tt.cloud.Name, tt.host, got, ok, tt.want)
		}
	}
}

func TestResourceOf(t *testing.T) {
	tests := []struct {
		url, want, wantScope string
		wantErr              bool
	}{
		{url: "https://graph.microsoft.com/v1.0/me", want: "https://graph.microsoft.com", wantScope: "https://graph.microsoft.com/.default"},
		{url: "https://Contoso.SharePoint.com/sites/hr/_api/web?x=1", want: "https://contoso.sharepoint.com", wantScope: "https://contoso.sharepoint.com/.default"},
		{url: "https://localhost:8443/x", want: "https://localhost:8443", wantScope: "https://localhost:8443/.default"},
		{url: "/v1.0/me", wantErr: true},
		{url: "::", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ResourceOf(tt.url)
		if (err != nil) != tt.wantErr {
			t.Errorf("ResourceOf(%q) error = %v; want error %v", tt.url, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ResourceOf(%q) = %q; want %q", tt.url, got, tt.want)
		}
		if !tt.wantErr && DefaultScope(got) != tt.wantScope {
			t.Errorf("DefaultScope(%q) = %q; want %q", got, DefaultScope(got), tt.wantScope)
		}
	}
}
