package checks

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/config/catalog"
	"github.com/entraform/entraform/endpoint"
)

// target is the API a check signs in for and the scopes it asks.
type target struct {
	// Resource is the API's identifier: https://graph.microsoft.com,
	// https://contoso.sharepoint.com, or a custom API's URI.
	Resource string
	// ResourceAppID is the API's appId (lower case) when known: Graph and
	// SharePoint Online.
	ResourceAppID string
	// Label is how configurations name the API: "graph", "sharepoint", or
	// the resource as written.
	Label string
	// Scopes are the scopes to request.
	Scopes []string
	// Delegated is true for user flows.
	Delegated bool
}

// resolveTarget decides what a check signs in for. Scopes set on the
// check are used as written. Otherwise the resource is that of the first
// request's URL (Microsoft Graph when the check has no request): app-only
// flows ask {resource}/.default; user flows ask the application's declared
// delegated permissions of that resource ({resource}/{value}), or
// {resource}/.default when it declares none.
func resolveTarget(cloud endpoint.Cloud, app *config.Application, c *config.Check) (target, error) {
	t := target{Delegated: isUserFlow(c.Flow)}
	switch {
	case len(c.Scopes) > 0:
		t.Resource = scopeResource(cloud, c.Scopes[0])
	case len(c.Requests) > 0:
		res, err := endpoint.ResourceOf(c.Requests[0].URL)
		if err != nil {
			return target{}, err
		}
		t.Resource = res
	default:
		t.Resource = cloud.GraphResource()
	}
	t.ResourceAppID, t.Label = resourceIdentity(cloud, t.Resource)
	if len(c.Scopes) > 0 {
		t.Scopes = append([]string(nil), c.Scopes...)
		return t, nil
	}
	if !t.Delegated {
		t.Scopes = []string{endpoint.DefaultScope(t.Resource)}
		return t, nil
	}
	for _, v := range declared(app, t.ResourceAppID, delegatedKind) {
		t.Scopes = append(t.Scopes, strings.TrimRight(t.Resource, "/")+"/"+v)
	}
	if len(t.Scopes) == 0 {
		t.Scopes = []string{endpoint.DefaultScope(t.Resource)}
	}
	return t, nil
}

// scopeResource is the resource part of a scope: "https://x/Name" ->
// "https://x", "api://x/orders/Name" -> "api://x/orders"; a bare name
// ("User.Read") is a Graph scope.
func scopeResource(cloud endpoint.Cloud, scope string) string {
	i := strings.LastIndex(scope, "/")
	if i < 0 {
		return cloud.GraphResource()
	}
	res := scope[:i]
	if u, err := url.Parse(res); err == nil && u.Scheme != "" && u.Host != "" {
		// A custom API's identifier URI may have a path
		// (api://contoso.onmicrosoft.com/orders): keep it.
		return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimSuffix(u.Path, "/")
	}
	return res
}

// resourceIdentity maps a resource URI to its appId and configuration
// label.
func resourceIdentity(cloud endpoint.Cloud, resource string) (appID, label string) {
	host := resource
	if u, err := url.Parse(resource); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	switch {
	case cloud.IsGraphHost(host), strings.EqualFold(resource, catalog.GraphAppID):
		return catalog.GraphAppID, "graph"
	case cloud.IsSharePointHost(host), strings.EqualFold(resource, catalog.SharePointAppID):
		return catalog.SharePointAppID, "sharepoint"
	}
	return "", resource
}

type permKind int

const (
	delegatedKind permKind = iota
	applicationKind
)

func (k permKind) String() string {
	if k == delegatedKind {
		return "delegated"
	}
	return "application"
}

// declared lists the permission values an application declares of one
// resource (by appId, case-insensitive), in declaration order.
func declared(app *config.Application, resourceAppID string, kind permKind) []string {
	if app == nil || resourceAppID == "" {
		return nil
	}
	var out []string
	for _, p := range app.Permissions {
		if !strings.EqualFold(p.ResourceAppID, resourceAppID) {
			continue
		}
		refs := p.Delegated
		if kind == applicationKind {
			refs = p.Application
		}
		for _, r := range refs {
			if v := permValue(r); !hasFold(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// declaredAnywhere lists "Value (label)" of every permission of kind the
// application declares, on any resource.
func declaredAnywhere(app *config.Application, kind permKind) []declaredPerm {
	if app == nil {
		return nil
	}
	var out []declaredPerm
	for _, p := range app.Permissions {
		refs := p.Delegated
		if kind == applicationKind {
			refs = p.Application
		}
		for _, r := range refs {
			out = append(out, declaredPerm{Value: permValue(r), Resource: p.Resource, ResourceAppID: strings.ToLower(p.ResourceAppID)})
		}
	}
	return out
}

type declaredPerm struct {
	Value         string
	Resource      string // as written: graph, sharepoint, an appId
	ResourceAppID string
}

func (d declaredPerm) String() string { return fmt.Sprintf("%s (%s)", d.Value, d.Resource) }

func permValue(r config.PermissionRef) string {
	if r.Value != "" {
		return r.Value
	}
	return r.Name
}
