package checks

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entraform/entraform/endpoint"
)

// need is the permission an API wants for a request, as far as entraform
// knows it: enough to name the missing permission when the API answers 403.
type need struct {
	// Resource is the configuration label of the API: "graph" or "sharepoint".
	Resource string
	// Application are the least privileged application permissions that
	// allow the request (any one of them).
	Application []string
	// Delegated are the least privileged delegated permissions.
	Delegated []string
	// SitesSelected is true when Sites.Selected plus a site grant for the
	// app also allows it.
	SitesSelected bool
	// UserOnly is true when no app-only token can make the request (/me).
	UserOnly bool
}

// neededPermission maps a request to the permission its API wants; ok is
// false for URLs it does not know.
func neededPermission(cloud endpoint.Cloud, method, rawURL string) (need, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return need{}, false
	}
	write := method != http.MethodGet && method != http.MethodHead
	if cloud.IsSharePointHost(u.Hostname()) {
		if !strings.Contains(strings.ToLower(u.Path), "/_api/") {
			return need{}, false
		}
		if write {
			return need{Resource: "sharepoint", Application: []string{"Sites.ReadWrite.All"}, Delegated: []string{"AllSites.Write"}, SitesSelected: true}, true
		}
		return need{Resource: "sharepoint", Application: []string{"Sites.Read.All"}, Delegated: []string{"AllSites.Read"}, SitesSelected: true}, true
	}
	if !cloud.IsGraphHost(u.Hostname()) {
		return need{}, false
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 {
		return need{}, false
	}
	first := strings.ToLower(segs[1]) // after the version
	if i := strings.IndexAny(first, "(:"); i >= 0 {
		first = first[:i]
	}
	rest := strings.ToLower(strings.Join(segs[2:], "/"))
	rw := func(read, readWrite string) []string {
		if write {
			return []string{readWrite}
		}
		return []string{read}
	}
	n := need{Resource: "graph"}
	// both: the application and the delegated permission have the same name.
	both := func(read, readWrite string) {
		n.Application, n.Delegated = rw(read, readWrite), rw(read, readWrite)
	}
	switch first {
	case "sites":
		switch {
		case strings.Contains(rest, "permissions"):
			n.Application = []string{"Sites.FullControl.All"}
			n.SitesSelected = true
		default:
			both("Sites.Read.All", "Sites.ReadWrite.All")
			n.SitesSelected = true
		}
	case "me":
		n.UserOnly = true
		switch {
		case strings.HasPrefix(rest, "drive"):
			n.Delegated = rw("Files.Read", "Files.ReadWrite")
		case strings.HasPrefix(rest, "messages"), strings.HasPrefix(rest, "mailfolders"):
			n.Delegated = rw("Mail.Read", "Mail.ReadWrite")
		default:
			n.Delegated = rw("User.Read", "User.ReadWrite")
		}
	case "users":
		both("User.Read.All", "User.ReadWrite.All")
	case "groups":
		both("Group.Read.All", "Group.ReadWrite.All")
	case "applications", "serviceprincipals":
		both("Application.Read.All", "Application.ReadWrite.All")
	case "oauth2permissiongrants":
		both("Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All")
	case "drives":
		both("Files.Read.All", "Files.ReadWrite.All")
	case "organization":
		n.Application = []string{"Organization.Read.All"}
		n.Delegated = []string{"User.Read"}
	default:
		return need{}, false
	}
	return n, true
}

// forFlow is the permissions a token of this kind needs.
func (n need) forFlow(delegated bool) []string {
	if delegated {
		return n.Delegated
	}
	return n.Application
}
