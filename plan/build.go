package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/providers/entra"
)

// Options changes how a plan is built.
type Options struct {
	// Destroy plans the removal of everything the workspace owns.
	Destroy bool
}

// Build compares the configuration with the snapshot and returns the plan.
// Diagnostics point at the configuration (a site that does not exist, a
// permission the resource does not publish, a unique_name taken).
func Build(cfg *config.Config, snap *Snapshot, opts Options) (*Plan, hcl.Diagnostics) {
	b := newBuilder(cfg, snap, opts)
	if !opts.Destroy {
		b.checkLookups()
		for _, app := range cfg.Applications {
			b.application(app)
		}
	}
	b.orphanApplications()
	b.sites()
	b.plan.Outputs = b.outputs()
	b.plan.sort()
	return b.plan, b.diags
}

type builder struct {
	cfg   *config.Config
	snap  *Snapshot
	opts  Options
	plan  *Plan
	diags hcl.Diagnostics

	workspace     string
	appsByUnique  map[string]*entra.Application
	appsByAppID   map[string]*entra.Application
	spByAppID     map[string]*entra.ServicePrincipal
	grantsBySP    map[string][]entra.OAuth2PermissionGrant
	assignsBySP   map[string][]entra.AppRoleAssignment
	resourcesByID map[string]*entra.ServicePrincipal // resource SPs by object id
	matched       map[string]bool                    // application object ids the configuration declares
	// appIDs maps an application address to its appId when it exists
	// (for site grants and outputs).
	appIDs map[string]config.AppAttrs
	// managedAppIDs holds the appIds of every application the workspace
	// owns, declared or not.
	managedAppIDs map[string]bool
	// own holds every declared application by address; ownByAppID the
	// address of each that exists, by lower-case appId.
	own        map[string]*ownApp
	ownByAppID map[string]string
}

func newBuilder(cfg *config.Config, snap *Snapshot, opts Options) *builder {
	b := &builder{
		cfg:  cfg,
		snap: snap,
		opts: opts,
		plan: &Plan{
			Workspace:  cfg.Tenant.Workspace,
			TenantID:   snap.TenantID,
			ConfigHash: cfg.Hash,
			Destroy:    opts.Destroy,
			CreatedAt:  snap.Now,
		},
		workspace:     cfg.Tenant.Workspace,
		appsByUnique:  map[string]*entra.Application{},
		appsByAppID:   map[string]*entra.Application{},
		spByAppID:     map[string]*entra.ServicePrincipal{},
		grantsBySP:    map[string][]entra.OAuth2PermissionGrant{},
		assignsBySP:   map[string][]entra.AppRoleAssignment{},
		resourcesByID: map[string]*entra.ServicePrincipal{},
		matched:       map[string]bool{},
		appIDs:        map[string]config.AppAttrs{},
		managedAppIDs: map[string]bool{},
		own:           map[string]*ownApp{},
		ownByAppID:    map[string]string{},
	}
	if b.snap.Resources == nil {
		b.snap.Resources = map[string]*entra.ServicePrincipal{}
	}
	for _, a := range snap.Applications {
		if a.UniqueName != "" {
			b.appsByUnique[a.UniqueName] = a
		}
		b.appsByAppID[strings.ToLower(a.AppID)] = a
		if b.owned(a.Tags) {
			b.managedAppIDs[strings.ToLower(a.AppID)] = true
		}
	}
	for _, sp := range snap.ServicePrincipals {
		b.spByAppID[strings.ToLower(sp.AppID)] = sp
	}
	for _, g := range snap.Grants {
		b.grantsBySP[g.ClientID] = append(b.grantsBySP[g.ClientID], g)
	}
	for _, a := range snap.Assignments {
		b.assignsBySP[a.PrincipalID] = append(b.assignsBySP[a.PrincipalID], a)
	}
	for _, r := range snap.Resources {
		b.resourcesByID[r.ID] = r
	}
	for _, sp := range snap.ServicePrincipals {
		if _, ok := b.resourcesByID[sp.ID]; !ok {
			b.resourcesByID[sp.ID] = sp // the configuration's own APIs
		}
	}
	b.indexOwnApps()
	return b
}

func (b *builder) owned(tags []string) bool {
	return entra.WorkspaceOf(tags) == b.workspace
}

func (b *builder) add(c *Change) *Change {
	b.plan.Changes = append(b.plan.Changes, c)
	return c
}

func (b *builder) errorf(rng hcl.Range, summary, format string, args ...any) {
	r := rng
	b.diags = append(b.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  &r,
	})
}

// change builds a change from the actual and desired values: create when
// there is no actual object, otherwise update, replace or no-op by the
// attribute diff.
func change(addr string, t ObjectType, name string, actual, desired cty.Value, replaceOrder Action) *Change {
	c := &Change{Address: addr, Type: t, Name: name, Before: cty.NullVal(ObjectTypeOf(t)), After: desired}
	if actual.IsNull() {
		c.Action = Create
		return c
	}
	merged, changed, replace := diffAttributes(t, actual, desired)
	c.Before, c.After = actual, merged
	switch {
	case len(replace) > 0:
		c.Action = replaceOrder
		c.ReplacePaths = replace
		c.After = desired
	case len(changed) > 0:
		c.Action = Update
	default:
		c.Action = NoOp
	}
	return c
}

// deletion plans the removal of an object.
func deletion(addr string, t ObjectType, name string, actual cty.Value, parent string, current any) *Change {
	return &Change{
		Address: addr, Type: t, Name: name, Action: Delete,
		Before: actual, After: cty.NullVal(ObjectTypeOf(t)),
		Parent: parent, Current: current,
	}
}

func (b *builder) outputs() map[string]OutputValue {
	if len(b.cfg.Outputs) == 0 {
		return nil
	}
	vals, diags := b.cfg.EvalOutputsWithData(b.appIDs, b.dataAttrs())
	b.diags = append(b.diags, diags...)
	out := map[string]OutputValue{}
	for _, o := range b.cfg.Outputs {
		v, ok := vals[o.Name]
		if !ok {
			v = cty.DynamicVal
		}
		out[o.Name] = OutputValue{Value: v, Sensitive: o.Sensitive}
	}
	return out
}

// expiresWithin reports whether end is within d of now (or past).
func expiresWithin(end *time.Time, now time.Time, d time.Duration) bool {
	return end != nil && end.Sub(now) < d
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// humanDuration writes whole days as "30d" and anything else as Go does,
// without trailing zero units ("90m" rather than "1h30m0s").
func humanDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
