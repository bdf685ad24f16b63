package endpoint

import (
	"fmt"
	"net/url"
	"strings"
)

// Cloud is one national cloud of Microsoft Entra ID and Microsoft 365.
type Cloud struct {
	// Name is how configurations and flags spell the cloud: public, usgov, china.
	Name string
	// LoginHost is the identity platform host (authority host).
	LoginHost string
	// GraphHost is the Microsoft Graph host.
	GraphHost string
	// SharePointSuffix is the DNS suffix of the tenants' SharePoint hosts:
	// tenant "contoso" lives at contoso.<SharePointSuffix>.
	SharePointSuffix string
}

// Public is the worldwide cloud (login.microsoftonline.com).
func Public() Cloud {
	return Cloud{
		Name:             "public",
		LoginHost:        "login.microsoftonline.com",
		GraphHost:        "graph.microsoft.com",
		SharePointSuffix: "sharepoint.com",
	}
}

// USGov is the US Government cloud (GCC High).
func USGov() Cloud {
	return Cloud{
		Name:             "usgov",
		LoginHost:        "login.microsoftonline.us",
		GraphHost:        "graph.microsoft.us",
		SharePointSuffix: "sharepoint.us",
	}
}

// China is the cloud operated by 21Vianet. Its sign-in host is the one MSAL
// and the local tenant both know (login.chinacloudapi.cn; MSAL treats the
// newer login.partner.microsoftonline.cn as an alias of it).
func China() Cloud {
	return Cloud{
		Name:             "china",
		LoginHost:        "login.chinacloudapi.cn",
		GraphHost:        "microsoftgraph.chinacloudapi.cn",
		SharePointSuffix: "sharepoint.cn",
	}
}

// Clouds lists every supported cloud, public first.
func Clouds() []Cloud { return []Cloud{Public(), USGov(), China()} }

// CloudByName returns the cloud with the given name (case-insensitive);
// "" means public.
func CloudByName(name string) (Cloud, error) {
	if name == "" {
		return Public(), nil
	}
	var names []string
	for _, c := range Clouds() {
		if strings.EqualFold(c.Name, name) {
			return c, nil
		}
		names = append(names, c.Name)
	}
	return Cloud{}, fmt.Errorf("unknown cloud %q: want one of %s", name, strings.Join(names, ", "))
}

// IsZero reports whether c is the zero Cloud (callers then use Public).
func (c Cloud) IsZero() bool { return c == Cloud{} }

// OrPublic returns c, or Public when c is the zero Cloud.
func (c Cloud) OrPublic() Cloud {
	if c.IsZero() {
		return Public()
	}
	return c
}

// AuthorityURL is the MSAL authority for a tenant (GUID, verified domain,
// "organizations" or "common"): https://<login host>/<tenant>.
func (c Cloud) AuthorityURL(tenant string) string {
	return "https://" + c.LoginHost + "/" + tenant
}

// TokenURL is the v2.0 token endpoint of a tenant; client assertions use it
// as their audience.
func (c Cloud) TokenURL(tenant string) string {
	return c.AuthorityURL(tenant) + "/oauth2/v2.0/token"
}

// GraphResource is the Graph resource identifier, https://graph.microsoft.com.
func (c Cloud) GraphResource() string { return "https://" + c.GraphHost }

// GraphBaseURL is the root of Graph v1.0 (https://graph.microsoft.com/v1.0);
// Graph paths are relative to it.
func (c Cloud) GraphBaseURL() string { return c.GraphResource() + "/v1.0" }

// GraphScope is the app-only and "everything consented" scope of Graph,
// https://graph.microsoft.com/.default.
func (c Cloud) GraphScope() string { return DefaultScope(c.GraphResource()) }

// SharePointHost is the SharePoint host of a tenant short name:
// "contoso" -> "contoso.sharepoint.com". A name that already carries the
// suffix is returned as is.
func (c Cloud) SharePointHost(tenantShortName string) string {
	name := strings.ToLower(strings.TrimSpace(tenantShortName))
	if strings.HasSuffix(name, "."+c.SharePointSuffix) {
		return name
	}
	return name + "." + c.SharePointSuffix
}

// IsGraphHost reports whether host (without port) is this cloud's Graph host.
func (c Cloud) IsGraphHost(host string) bool {
	return strings.EqualFold(host, c.GraphHost)
}

// IsSharePointHost reports whether host (without port) is a SharePoint host
// of this cloud, such as contoso.sharepoint.com or contoso-admin.sharepoint.com.
func (c Cloud) IsSharePointHost(host string) bool {
	host = strings.ToLower(host)
	suffix := "." + c.SharePointSuffix
	return strings.HasSuffix(host, suffix) && len(host) > len(suffix)
}

// ScopeForHost is the `.default` scope a request to host needs: Graph's for
// the Graph host, https://<host>/.default for a SharePoint host. ok is false
// for any other host, which must not be sent a token.
func (c Cloud) ScopeForHost(host string) (scope string, ok bool) {
	switch {
	case c.IsGraphHost(host):
		return c.GraphScope(), true
	case c.IsSharePointHost(host):
		return DefaultScope("https://" + strings.ToLower(host)), true
	}
	return "", false
}

// ResourceOf is the resource of a URL: its scheme and host
// ("https://contoso.sharepoint.com/sites/hr/_api/web" -> "https://contoso.sharepoint.com").
func ResourceOf(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("resource of %q: %w", rawURL, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("resource of %q: not an absolute URL", rawURL)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host), nil
}

// DefaultScope is the `.default` scope of a resource:
// "https://graph.microsoft.com" -> "https://graph.microsoft.com/.default".
func DefaultScope(resource string) string {
	return strings.TrimRight(resource, "/") + "/.default"
}
