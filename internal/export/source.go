package export

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/sharepoint"
)

// Source is what an export reads from the tenant.
type Source interface {
	// ListApplications lists the applications whose display name starts
	// with prefix (case-insensitive; every application when prefix is "").
	ListApplications(ctx context.Context, prefix string) ([]AppSummary, error)
	// Read reads applications with everything they own, as a refresh does.
	Read(ctx context.Context, req entra.ReadRequest) (*entra.Snapshot, error)
	// Sites reads sites by URL and their permissions (keyed by site id).
	Sites(ctx context.Context, urls []string) (map[string]*sharepoint.Site, map[string][]sharepoint.Permission, error)
	// Principals reads the users and service principals the assignments
	// name, by lower-case object id.
	Principals(ctx context.Context, assignments []entra.AppRoleAssignment) (map[string]entra.DirectoryObject, error)
}

// AppSummary is an application as the name search lists it.
type AppSummary struct {
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName"`
}

// GraphSource reads a tenant through Microsoft Graph.
type GraphSource struct {
	Graph      *graph.Client
	Entra      *entra.Provider
	SharePoint *sharepoint.Provider
}

// NewGraphSource returns a Source on a signed-in Graph client.
func NewGraphSource(g *graph.Client) *GraphSource {
	return &GraphSource{Graph: g, Entra: entra.New(g, entra.Options{}), SharePoint: sharepoint.New(g, sharepoint.Options{})}
}

// ListApplications pages through /applications with a startswith filter
// on the display name; Graph compares it case-insensitively.
func (s *GraphSource) ListApplications(ctx context.Context, prefix string) ([]AppSummary, error) {
	q := "?$select=appId,displayName&$top=999"
	if prefix != "" {
		filter := "startswith(displayName," + odataString(prefix) + ")"
		q = "?$filter=" + strings.ReplaceAll(url.QueryEscape(filter), "+", "%20") + "&$select=appId,displayName&$top=999"
	}
	apps, err := graph.ListAll[AppSummary](ctx, s.Graph, "/applications"+q)
	if err != nil {
		return nil, fmt.Errorf("listing applications: %w", err)
	}
	return apps, nil
}

// Read reads through the entra provider.
func (s *GraphSource) Read(ctx context.Context, req entra.ReadRequest) (*entra.Snapshot, error) {
	return s.Entra.Read(ctx, req)
}

// Principals reads through the entra provider.
func (s *GraphSource) Principals(ctx context.Context, assignments []entra.AppRoleAssignment) (map[string]entra.DirectoryObject, error) {
	return s.Entra.Principals(ctx, assignments)
}

// Sites reads through the sharepoint provider.
func (s *GraphSource) Sites(ctx context.Context, urls []string) (map[string]*sharepoint.Site, map[string][]sharepoint.Permission, error) {
	return s.SharePoint.Sites(ctx, urls)
}

// odataString renders s as an OData string literal.
func odataString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
