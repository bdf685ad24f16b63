package config

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Allowed values.
var (
	signInAudiences = []string{"AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"}
	clouds          = []string{"public", "usgov", "china"}
	siteRoles       = []string{"read", "write", "manage", "fullcontrol"}
	checkFlows      = []string{"client_credentials", "certificate", "federated", "auth_code", "device_code", "interactive"}
	httpMethods     = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
)

// sharePointSuffix is the SharePoint host suffix of each cloud.
var sharePointSuffix = map[string]string{
	"public": ".sharepoint.com",
	"usgov":  ".sharepoint.us",
	"china":  ".sharepoint.cn",
}

var (
	guidRE       = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	uniqueNameRE = regexp.MustCompile(`^[A-Za-z0-9._~:@-]{1,120}$`)
	workspaceRE  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	domainRE     = regexp.MustCompile(`^([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$`)
	spTenantRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,62}$`)
	fedNameRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$`)
	durationDays = regexp.MustCompile(`^([0-9]+)d(.*)$`)
)

func validName(s string) bool { return hclsyntax.ValidIdentifier(s) }

func isGUID(s string) bool { return guidRE.MatchString(s) }

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if s == v {
			return true
		}
	}
	return false
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, v := range list {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// parseDuration reads a Go duration ("4380h", "90m") with days allowed as a
// leading "d" unit ("180d", "1d12h"). It must be positive.
func parseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	var days int64
	if m := durationDays.FindStringSubmatch(in); m != nil {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n > 100*365 {
			return 0, fmt.Errorf("%q is too long", s)
		}
		days, in = n, m[2]
	}
	var rest time.Duration
	if in != "" {
		d, err := time.ParseDuration(in)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration: write a number and a unit, such as \"4380h\", \"180d\" or \"90m\"", s)
		}
		rest = d
	} else if days == 0 {
		return 0, fmt.Errorf("%q is not a duration: write a number and a unit, such as \"4380h\", \"180d\" or \"90m\"", s)
	}
	total := time.Duration(days)*24*time.Hour + rest
	if total <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration", s)
	}
	return total, nil
}

// isLoopback reports whether host is localhost or 127.0.0.1 (any port).
func isLoopback(u *url.URL) bool {
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1"
}

// checkWebURI checks a web or spa redirect URI, a home page or logout URL:
// https, or http on localhost / 127.0.0.1.
func checkWebURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", s)
	}
	if err := commonURIRules(s, u); err != nil {
		return err
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u) {
			return nil
		}
		return fmt.Errorf("%q uses http: only https is allowed, except for http://localhost and http://127.0.0.1", s)
	}
	return fmt.Errorf("%q must start with https:// (or http://localhost)", s)
}

// checkPublicURI checks a public client redirect URI: also custom schemes
// (myapp://auth) for mobile and desktop apps.
func checkPublicURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("%q is not an absolute URI (scheme://...)", s)
	}
	if err := commonURIRules(s, u); err != nil {
		return err
	}
	if u.Scheme == "http" && !isLoopback(u) {
		return fmt.Errorf("%q uses http: only https, custom schemes and http://localhost are allowed", s)
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	return nil
}

func commonURIRules(s string, u *url.URL) error {
	if n := utf8.RuneCountInString(s); n > MaxRedirectURILength {
		return fmt.Errorf("the URI is %d characters long; Microsoft Graph accepts at most %d", n, MaxRedirectURILength)
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return fmt.Errorf("%q contains a fragment (#), which Entra ID does not allow in redirect URIs", s)
	}
	return nil
}

// checkHTTPURL checks a URL that entraform itself calls or trusts: http(s)
// with a host.
func checkHTTPURL(s string, httpsOnly bool) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if httpsOnly && u.Scheme != "https" {
		return fmt.Errorf("%q must use https", s)
	}
	return nil
}

// checkSiteURL checks a SharePoint site URL and returns its SharePoint
// tenant name ("contoso") and host suffix (".sharepoint.com").
func checkSiteURL(s string) (tenant, suffix string, err error) {
	u, perr := url.Parse(s)
	if perr != nil || u.Scheme != "https" || u.Host == "" {
		return "", "", fmt.Errorf("%q is not an https URL such as \"https://contoso.sharepoint.com/sites/hr\"", s)
	}
	host := strings.ToLower(u.Hostname())
	for _, suf := range sharePointSuffix {
		if name, ok := strings.CutSuffix(host, suf); ok && spTenantRE.MatchString(name) {
			if u.RawQuery != "" || u.Fragment != "" {
				return "", "", fmt.Errorf("%q has a query or fragment; give the site's address only", s)
			}
			return name, suf, nil
		}
	}
	return "", "", fmt.Errorf("%q is not on a SharePoint Online host (<tenant>.sharepoint.com, .sharepoint.us or .sharepoint.cn)", s)
}

// checkRelPath checks a path written in the configuration that is
// relative to the configuration directory.
func checkRelPath(p string) error {
	switch {
	case strings.TrimSpace(p) == "":
		return fmt.Errorf("the path is empty")
	case strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) || (len(p) > 1 && p[1] == ':'):
		return fmt.Errorf("%q is absolute; write a path relative to the configuration directory", p)
	case strings.HasSuffix(p, "/"):
		return fmt.Errorf("%q names a directory; write a file path", p)
	}
	clean := path.Clean(strings.ReplaceAll(p, `\`, "/"))
	switch {
	case clean == "..", strings.HasPrefix(clean, "../"):
		return fmt.Errorf("%q leaves the configuration directory (it resolves to %q); secret and key files stay inside it, e.g. in a secrets/ subdirectory", p, clean)
	case clean == ".":
		return fmt.Errorf("%q names the configuration directory; write a file path", p)
	}
	return nil
}

// sanitizeWorkspace turns a directory name into a workspace name.
func sanitizeWorkspace(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), ".-")
	if len(out) > 64 {
		out = out[:64]
	}
	if out == "" {
		return "default"
	}
	return out
}
