package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/sharepoint"
)

// Engine holds the providers of one tenant.
type Engine struct {
	TenantID   string
	Entra      *entra.Provider
	SharePoint *sharepoint.Provider
	// Naive makes refresh read one object per request, as Terraform's
	// azuread provider does. It exists only as the benchmark baseline.
	Naive bool
	// Coalescing says that the providers' Graph client gathers concurrent
	// requests into $batch (graph.Options.Coalesce). An apply then keeps
	// Parallelism x graph.MaxBatchSize changes in progress and bounds the
	// client to Parallelism HTTP requests at once.
	Coalescing bool
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// tenant joins the two providers into what the executor needs.
type tenant struct {
	*entraProvider
	*sharePointProvider
}

// Aliases give the two embedded providers distinct field names.
type (
	entraProvider      = entra.Provider
	sharePointProvider = sharepoint.Provider
)

// Refresh reads everything the configuration can touch.
func (e *Engine) Refresh(ctx context.Context, cfg *config.Config) (*plan.Snapshot, error) {
	req := entra.ReadRequest{Workspace: cfg.Tenant.Workspace}
	resources := map[string]bool{entra.GraphAppID: true, entra.SharePointAppID: true}
	for _, app := range cfg.Applications {
		if app.Adopt != "" {
			req.Adopt = append(req.Adopt, strings.ToLower(app.Adopt))
		}
		for _, p := range app.Permissions {
			if p.ResourceAppID != "" {
				resources[strings.ToLower(p.ResourceAppID)] = true
			}
		}
		if app.OwnersSet || (app.ServicePrincipal != nil && app.ServicePrincipal.OwnersSet) {
			req.Owners = true
		}
		if app.ServicePrincipal != nil {
			req.AssignedTo = true
		}
	}
	for r := range resources {
		req.Resources = append(req.Resources, r)
	}
	read := e.Entra.Read
	if e.Naive {
		read = e.Entra.ReadNaive
	}
	// The sites need nothing the directory read finds: both run at once,
	// so a refresh waits for the longer of the two, not their sum.
	type siteRead struct {
		sites map[string]*sharepoint.Site
		perms map[string][]sharepoint.Permission
		err   error
	}
	sitesDone := make(chan siteRead, 1)
	var siteURLs []string
	for _, s := range cfg.Sites {
		siteURLs = append(siteURLs, s.URL)
	}
	for _, d := range cfg.Data {
		if d.Type == "site" {
			siteURLs = append(siteURLs, d.URL)
		}
	}
	if len(siteURLs) > 0 {
		urls := siteURLs
		go func() {
			var r siteRead
			r.sites, r.perms, r.err = e.SharePoint.Sites(ctx, urls)
			sitesDone <- r
		}()
	} else {
		sitesDone <- siteRead{}
	}
	type lookupRead struct {
		found  *entra.Lookups
		caller string
		err    error
	}
	lookupsDone := make(chan lookupRead, 1)
	go func() {
		var r lookupRead
		r.found, r.err = e.Entra.Lookup(ctx, lookupRequest(cfg))
		if r.err == nil && req.Owners {
			r.caller, r.err = e.Entra.CallerID(ctx)
		}
		lookupsDone <- r
	}()
	snap, err := read(ctx, req)
	sr := <-sitesDone
	lr := <-lookupsDone
	if err != nil {
		return nil, fmt.Errorf("reading the tenant: %w", err)
	}
	if lr.err != nil {
		return nil, fmt.Errorf("looking up users, groups and service principals: %w", lr.err)
	}
	if sr.err != nil {
		return nil, fmt.Errorf("reading sites: %w", sr.err)
	}
	out := &plan.Snapshot{
		TenantID:          e.TenantID,
		Now:               e.now(),
		Applications:      snap.Applications,
		ServicePrincipals: snap.ServicePrincipals,
		Resources:         snap.Resources,
		Grants:            snap.Grants,
		Assignments:       snap.Assignments,
		Sites:             map[string]*sharepoint.Site{},
		SecretFiles:       map[string]plan.SecretFile{},
		KeyFiles:          map[string]plan.KeyFile{},
		Lookups:           *lr.found,
		CallerID:          lr.caller,
	}
	if len(siteURLs) > 0 {
		for _, s := range cfg.Sites {
			if site := sr.sites[s.URL]; site != nil {
				out.Sites[s.Addr] = site
			}
		}
		out.SitePermissions = sr.perms
		out.LookupSites = map[string]*sharepoint.Site{}
		for _, d := range cfg.Data {
			if site := sr.sites[d.URL]; d.Type == "site" && site != nil {
				out.LookupSites[d.URL] = site
			}
		}
	}
	if err := e.checkUniqueNames(ctx, cfg, out); err != nil {
		return nil, err
	}
	if err := readLocalFiles(cfg, out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkUniqueNames looks up the unique names of the declared applications
// the workspace read did not find: one held by an application of this
// workspace (a listing that has not caught up yet) joins the snapshot;
// one held by anything else is recorded as taken, and the plan refuses it.
func (e *Engine) checkUniqueNames(ctx context.Context, cfg *config.Config, snap *plan.Snapshot) error {
	have := map[string]bool{}
	for _, a := range snap.Applications {
		have[a.UniqueName] = true
	}
	var names []string
	for _, app := range cfg.Applications {
		if app.Adopt == "" && !have[app.UniqueName] {
			names = append(names, app.UniqueName)
		}
	}
	if len(names) == 0 {
		return nil
	}
	found, err := e.Entra.ApplicationsByUniqueName(ctx, names)
	if err != nil {
		return fmt.Errorf("looking up unique names: %w", err)
	}
	for _, name := range names {
		a := found[name]
		switch {
		case a == nil:
		case entra.WorkspaceOf(a.Tags) == cfg.Tenant.Workspace:
			snap.Applications = append(snap.Applications, a)
		default:
			if snap.TakenUniqueNames == nil {
				snap.TakenUniqueNames = map[string]*entra.Application{}
			}
			snap.TakenUniqueNames[name] = a
		}
	}
	return nil
}

// readLocalFiles reads the secret and key files the configuration names:
// they are the local half of the credentials' state.
func readLocalFiles(cfg *config.Config, snap *plan.Snapshot) error {
	for _, app := range cfg.Applications {
		for _, s := range app.Secrets {
			if s.WriteTo == "" {
				continue
			}
			if err := apply.CheckSecretFileOwned(cfg.Path(s.WriteTo), s.WriteTo); err != nil {
				return fmt.Errorf("%s.secret.%s: %w", app.Addr, s.Name, err)
			}
			f, err := apply.ReadSecretFile(cfg.Path(s.WriteTo))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				snap.SecretFiles[s.WriteTo] = plan.SecretFile{}
			case err != nil:
				return fmt.Errorf("%s: reading %s: %w", app.Addr, s.WriteTo, err)
			default:
				snap.SecretFiles[s.WriteTo] = plan.SecretFile{Exists: true, ClientID: f.ClientID, KeyID: f.KeyID}
			}
		}
		for _, c := range app.Certificates {
			if err := apply.CheckKeyFileOwned(cfg.Path(c.PrivateKeyFile), c.PrivateKeyFile); err != nil {
				return fmt.Errorf("%s.certificate.%s: %w", app.Addr, c.Name, err)
			}
			f, err := apply.ReadKeyFile(cfg.Path(c.PrivateKeyFile))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				snap.KeyFiles[c.PrivateKeyFile] = plan.KeyFile{}
			case err != nil:
				return fmt.Errorf("%s: reading %s: %w", app.Addr, c.PrivateKeyFile, err)
			default:
				snap.KeyFiles[c.PrivateKeyFile] = plan.KeyFile{Exists: true, Thumbprint: f.Thumbprint, NotAfter: f.Certificate.NotAfter}
			}
		}
	}
	return nil
}

// Plan refreshes and builds the plan.
func (e *Engine) Plan(ctx context.Context, cfg *config.Config, opts plan.Options) (*plan.Plan, *plan.Snapshot, hcl.Diagnostics, error) {
	snap, err := e.Refresh(ctx, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	p, diags := plan.Build(cfg, snap, opts)
	return p, snap, diags, nil
}

// ApplyOptions are the user's choices for an apply.
type ApplyOptions struct {
	Parallelism int
	Progress    io.Writer
	ShowSecrets io.Writer
	// OnSecret is called with every secret value the apply creates, at
	// once, so the command can keep it out of what it prints.
	OnSecret func(string)
	// Tally counts the changes as they finish (for a progress line).
	Tally *apply.Tally
}

// DefaultParallelism is the -parallelism of an apply that names none.
const DefaultParallelism = 10

// Apply executes a plan built on snap. Parallelism bounds the requests
// in flight: with Coalescing, at most that many HTTP requests (each a
// $batch of up to 20 changes' requests); without, that many changes.
func (e *Engine) Apply(ctx context.Context, cfg *config.Config, p *plan.Plan, snap *plan.Snapshot, opts ApplyOptions) *apply.Result {
	parallelism := opts.Parallelism
	if parallelism <= 0 {
		parallelism = DefaultParallelism
	}
	ao := apply.Options{
		Parallelism: parallelism,
		Progress:    opts.Progress,
		Now:         e.Now,
		ConfigDir:   cfg.Dir,
		TenantID:    e.TenantID,
		Resources:   snap.Resources,
		ShowSecrets: opts.ShowSecrets,
		OnSecret:    opts.OnSecret,
		Tally:       opts.Tally,
	}
	if e.Coalescing {
		ctx = graph.WithMaxInFlight(ctx, parallelism)
		ao.InProgress = parallelism * graph.MaxBatchSize
	}
	return apply.Apply(ctx, p, tenant{e.Entra, e.SharePoint}, ao)
}

// AppIDs maps each declared application's address to its client id in the
// tenant, for the ones that exist in the snapshot.
func AppIDs(cfg *config.Config, snap *plan.Snapshot) map[string]string {
	byUnique := map[string]string{}
	byAppID := map[string]bool{}
	for _, a := range snap.Applications {
		byUnique[a.UniqueName] = a.AppID
		byAppID[strings.ToLower(a.AppID)] = true
	}
	out := map[string]string{}
	for _, app := range cfg.Applications {
		switch {
		case app.Adopt != "" && byAppID[strings.ToLower(app.Adopt)]:
			out[app.Addr] = app.Adopt
		case byUnique[app.UniqueName] != "":
			out[app.Addr] = byUnique[app.UniqueName]
		}
	}
	return out
}

// lookupRequest names the directory objects a configuration refers to by
// name: its data blocks, and the owners given as a user principal name
// or an appId.
func lookupRequest(cfg *config.Config) entra.LookupRequest {
	var req entra.LookupRequest
	for _, d := range cfg.Data {
		switch d.Type {
		case "user":
			req.UserPrincipalNames = append(req.UserPrincipalNames, d.UserPrincipalName)
		case "group":
			req.GroupNames = append(req.GroupNames, d.DisplayName)
		case "service_principal":
			if d.AppID != "" {
				req.AppIDs = append(req.AppIDs, d.AppID)
			} else {
				req.ServicePrincipals = append(req.ServicePrincipals, d.DisplayName)
			}
		}
	}
	add := func(owners []*config.Owner) {
		for _, o := range owners {
			switch {
			case o.Ref == "" && o.UPN != "":
				req.UserPrincipalNames = append(req.UserPrincipalNames, o.UPN)
			case o.AppID != "":
				req.AppIDs = append(req.AppIDs, o.AppID)
			}
		}
	}
	for _, app := range cfg.Applications {
		add(app.Owners)
		if app.API != nil {
			for _, p := range app.API.PreAuthorized {
				if p.AppID != "" {
					req.AppIDs = append(req.AppIDs, p.AppID)
				}
			}
		}
		if app.ServicePrincipal != nil {
			add(app.ServicePrincipal.Owners)
		}
	}
	return req
}
