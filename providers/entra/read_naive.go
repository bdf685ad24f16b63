package entra

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/entraform/entraform/providers/graph"
)

// naiveConcurrency is how many GETs ReadNaive has in flight, as Terraform's
// default -parallelism.
const naiveConcurrency = 10

// ReadNaive is a BENCHMARK BASELINE ONLY: it reads what Read reads with one
// GET per object and per child collection, the way Terraform's azuread
// provider refreshes (each resource read on its own, 10 at a time). It
// exists to measure Read against; the engine never calls it.
//
// Requests: the workspace's object ids (one paged list each for
// applications and service principals, $select=id), then per application
// GET applications/{id} and its federatedIdentityCredentials, per
// application GET servicePrincipals(appId=..), per service principal its
// grants (oauth2PermissionGrants?$filter=clientId eq ..) and its
// appRoleAssignments, and one GET per resource: about 5 per application.
func (p *Provider) ReadNaive(ctx context.Context, req ReadRequest) (*Snapshot, error) {
	if req.Workspace == "" {
		return nil, fmt.Errorf("reading the tenant: no workspace")
	}
	r := newReadState()
	var mu sync.Mutex
	tag := tagFilter(WorkspaceTag(req.Workspace))

	type ref struct{ ID, AppID string }
	appRefs, err := graph.ListAll[ref](ctx, p.c, "/applications"+query("$filter", tag, "$select", "id,appId", "$top", "999"))
	if err != nil {
		return nil, fmt.Errorf("listing the applications of workspace %q: %w", req.Workspace, err)
	}
	spRefs, err := graph.ListAll[ref](ctx, p.c, "/servicePrincipals"+query("$filter", tag, "$select", "id,appId", "$top", "999"))
	if err != nil {
		return nil, fmt.Errorf("listing the service principals of workspace %q: %w", req.Workspace, err)
	}

	// Applications: by id for the workspace's, by appId for adopted ones.
	var appPaths []string
	for _, a := range appRefs {
		appPaths = append(appPaths, "/applications/"+idSegment(a.ID))
	}
	for _, appID := range req.Adopt {
		appPaths = append(appPaths, applicationByAppIDPath(appID))
	}
	err = each(ctx, appPaths, func(path string) error {
		var app Application
		if err := p.c.Get(ctx, path, &app); err != nil {
			if graph.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("reading %s: %w", path, err)
		}
		fics, err := graph.ListAll[FederatedIdentityCredential](ctx, p.c, federatedPath(app.ID))
		if err != nil {
			return fmt.Errorf("reading the federated credentials of application %s: %w", app.ID, err)
		}
		app.FederatedIdentityCredentials = fics
		mu.Lock()
		r.addApp(&app)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Service principals: of every application, and the tagged ones.
	spPaths := map[string]bool{}
	var paths []string
	add := func(path string) {
		if !spPaths[path] {
			spPaths[path] = true
			paths = append(paths, path)
		}
	}
	for _, app := range sortedApps(r.apps) {
		add(servicePrincipalByAppIDPath(app.AppID))
	}
	for _, s := range spRefs {
		add(servicePrincipalByAppIDPath(s.AppID))
	}
	err = each(ctx, paths, func(path string) error {
		var sp ServicePrincipal
		if err := p.c.Get(ctx, path, &sp); err != nil {
			if graph.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("reading %s: %w", path, err)
		}
		mu.Lock()
		r.addSP(&sp)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Resources, one GET each.
	resources := append([]string{GraphAppID, SharePointAppID}, req.Resources...)
	resources = append(resources, r.requiredResources()...)
	seen := map[string]bool{}
	var resPaths []string
	for _, appID := range resources {
		key := strings.ToLower(appID)
		if appID != "" && !seen[key] {
			seen[key] = true
			resPaths = append(resPaths, appID)
		}
	}
	err = each(ctx, resPaths, func(appID string) error {
		var sp ServicePrincipal
		if err := p.c.Get(ctx, servicePrincipalByAppIDPath(appID), &sp); err != nil {
			if graph.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("reading the service principal of resource %s: %w", appID, err)
		}
		mu.Lock()
		r.resources[strings.ToLower(appID)] = &sp
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Grants and assignments, per service principal.
	var ids []string
	for _, sp := range sortedSPs(r.sps) {
		ids = append(ids, sp.ID)
	}
	err = each(ctx, ids, func(id string) error {
		grants, err := graph.ListAll[OAuth2PermissionGrant](ctx, p.c, "/oauth2PermissionGrants"+query("$filter", "clientId eq "+quote(id)))
		if err != nil {
			return fmt.Errorf("reading the grants of %s: %w", id, err)
		}
		held, err := graph.ListAll[AppRoleAssignment](ctx, p.c, "/servicePrincipals/"+idSegment(id)+"/appRoleAssignments")
		if err != nil && !graph.IsNotFound(err) {
			return fmt.Errorf("reading the app role assignments of %s: %w", id, err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, g := range grants {
			r.grants[g.ID] = g
		}
		for _, a := range held {
			r.assignments[a.ID] = a
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r.snapshot(), nil
}

// each runs f for every item, naiveConcurrency at a time, and returns the
// first error.
func each[T any](ctx context.Context, items []T, f func(T) error) error {
	sem := make(chan struct{}, naiveConcurrency)
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(it)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}
