package apply

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/sharepoint"
)

// step carries out one change and returns the id to show in progress.
func (x *executor) step(ctx context.Context, c *plan.Change) (string, error) {
	switch c.Type {
	case plan.TypeApplication:
		return x.application(ctx, c)
	case plan.TypeServicePrincipal:
		return x.servicePrincipal(ctx, c)
	case plan.TypeConsent:
		return x.consent(ctx, c)
	case plan.TypeRoleAssignment:
		return x.roleAssignment(ctx, c)
	case plan.TypeSecret:
		return x.secret(ctx, c)
	case plan.TypeCertificate:
		return x.certificate(ctx, c)
	case plan.TypeFederatedCredential:
		return x.federatedCredential(ctx, c)
	case plan.TypeSitePermission:
		return x.sitePermission(ctx, c)
	case plan.TypeOwner:
		return x.owner(ctx, c)
	case plan.TypeAssignment:
		return x.assignment(ctx, c)
	}
	return "", fmt.Errorf("unknown object type %q", c.Type)
}

func (x *executor) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(x.opts.ConfigDir, p)
}

// goneWithParent reports whether a child's removal happens by itself
// because its application (or service principal) is deleted by this plan.
func (x *executor) goneWithParent(c *plan.Change) bool {
	if c.Parent == "" {
		return false
	}
	if x.deleted[c.Parent] {
		return true
	}
	if !x.deleted[c.Parent+".service_principal"] {
		return false
	}
	switch c.Type {
	case plan.TypeConsent, plan.TypeRoleAssignment, plan.TypeAssignment:
		return true
	case plan.TypeOwner:
		d, _ := c.Desired.(*plan.DesiredOwner)
		return d != nil && d.OfServicePrincipal
	}
	return false
}

func (x *executor) parentApp(c *plan.Change, addr string) (*entra.Application, error) {
	app := x.state.app(addr)
	if app == nil {
		return nil, fmt.Errorf("application %s does not exist", addr)
	}
	return app, nil
}

func (x *executor) parentSP(appAddr string) (*entra.ServicePrincipal, error) {
	sp := x.state.servicePrincipal(appAddr)
	if sp == nil {
		return nil, fmt.Errorf("the service principal of %s does not exist", appAddr)
	}
	return sp, nil
}

func (x *executor) resource(appID string) (*entra.ServicePrincipal, error) {
	if strings.HasPrefix(appID, "application.") {
		return x.parentSP(appID) // an API of this configuration
	}
	for addr, app := range x.state.appsSnapshot() {
		if strings.EqualFold(app.AppID, appID) {
			if sp := x.state.servicePrincipal(addr); sp != nil {
				return sp, nil
			}
		}
	}
	r := x.opts.Resources[strings.ToLower(appID)]
	if r == nil {
		return nil, fmt.Errorf("the resource application %s has no service principal in the tenant", appID)
	}
	return r, nil
}

func (x *executor) application(ctx context.Context, c *plan.Change) (string, error) {
	d, _ := c.Desired.(*plan.DesiredApplication)
	cur, _ := c.Current.(*entra.Application)
	switch c.Action {
	case plan.Create:
		return x.createApplication(ctx, c.Address, d)
	case plan.Update:
		body, err := x.withAppIDs(d.Body)
		if err != nil {
			return "", err
		}
		if cur.UniqueName != "" {
			body.UniqueName = "" // write-once: never sent again
		}
		if d.DisableFirst != nil {
			if err := x.tenant.UpdateApplication(ctx, cur.ID, *d.DisableFirst); err != nil {
				return "", fmt.Errorf("disabling the scopes and app roles it removes or changes: %w", err)
			}
		}
		if err := x.tenant.UpdateApplication(ctx, cur.ID, body); err != nil {
			return "", err
		}
		updated := *cur
		updated.DisplayName, updated.Tags = body.DisplayName, body.Tags
		x.state.setApp(c.Address, &updated)
		return cur.AppID, nil
	case plan.Delete:
		return cur.AppID, x.deleteApplication(ctx, c.Address, cur)
	case plan.DeleteThenCreate:
		if err := x.deleteApplication(ctx, c.Address, cur); err != nil {
			return "", err
		}
		return x.createApplication(ctx, c.Address, d)
	}
	return "", fmt.Errorf("cannot %s an application", c.Action)
}

func (x *executor) createApplication(ctx context.Context, addr string, d *plan.DesiredApplication) (string, error) {
	if d.Adopt != "" {
		return "", fmt.Errorf("the application to adopt (%s) does not exist", d.Adopt)
	}
	// The plan has checked that no application outside the workspace
	// holds the unique name (engine.Refresh looks each new name up), so
	// the upsert creates the application or finds the one an interrupted
	// apply made.
	body, err := x.withAppIDs(d.Body)
	if err != nil {
		return "", err
	}
	app, err := x.tenant.UpsertApplication(ctx, d.UniqueName, body)
	if err != nil {
		return "", err
	}
	x.state.setApp(addr, app)
	return app.AppID, nil
}

// deleteApplication removes the application's service principal (unless
// the plan removes it on its own) and then the application.
func (x *executor) deleteApplication(ctx context.Context, addr string, app *entra.Application) error {
	if !x.deleted[addr+".service_principal"] {
		sp, err := x.tenant.ServicePrincipalByAppID(ctx, app.AppID)
		if err != nil {
			return err
		}
		if sp != nil {
			if err := x.tenant.DeleteServicePrincipal(ctx, sp.ID); err != nil {
				return err
			}
		}
	}
	if err := x.tenant.DeleteApplication(ctx, app.ID); err != nil {
		return err
	}
	x.state.setApp(addr, nil)
	x.state.setServicePrincipal(addr, nil)
	return nil
}

func (x *executor) servicePrincipal(ctx context.Context, c *plan.Change) (string, error) {
	d, _ := c.Desired.(*plan.DesiredServicePrincipal)
	cur, _ := c.Current.(*entra.ServicePrincipal)
	switch c.Action {
	case plan.Create, plan.DeleteThenCreate:
		if cur != nil {
			if err := x.tenant.DeleteServicePrincipal(ctx, cur.ID); err != nil {
				return "", err
			}
		}
		app, err := x.parentApp(c, c.Parent)
		if err != nil {
			return "", err
		}
		sp, err := x.tenant.CreateServicePrincipal(ctx, app.AppID, d.Tags)
		if err != nil {
			return "", err
		}
		if settings := d.Settings(nil); settings.AppRoleAssignmentRequired != nil || settings.Notes != nil || settings.LoginURL != nil {
			if err := x.tenant.UpdateServicePrincipal(ctx, sp.ID, settings); err != nil {
				return "", err
			}
		}
		x.state.setServicePrincipal(c.Parent, sp)
		return sp.ID, nil
	case plan.Update:
		patch := d.Settings(cur)
		patch.Tags = d.Tags
		return cur.ID, x.tenant.UpdateServicePrincipal(ctx, cur.ID, patch)
	case plan.Delete:
		if err := x.tenant.DeleteServicePrincipal(ctx, cur.ID); err != nil {
			return "", err
		}
		x.state.setServicePrincipal(c.Parent, nil)
		return cur.ID, nil
	}
	return "", fmt.Errorf("cannot %s a service principal", c.Action)
}

func (x *executor) consent(ctx context.Context, c *plan.Change) (string, error) {
	d, _ := c.Desired.(*plan.DesiredConsent)
	cur, hasCur := c.Current.(entra.OAuth2PermissionGrant)
	if c.Action == plan.Delete || c.Action == plan.DeleteThenCreate {
		if !x.goneWithParent(c) {
			if err := x.tenant.DeleteGrant(ctx, cur.ID); err != nil {
				return "", err
			}
		}
		if c.Action == plan.Delete {
			return cur.ID, nil
		}
	}
	scope := strings.Join(d.Scopes, " ")
	if c.Action == plan.Update && hasCur {
		return cur.ID, x.tenant.UpdateGrantScope(ctx, cur.ID, scope)
	}
	sp, err := x.parentSP(d.Application)
	if err != nil {
		return "", err
	}
	res, err := x.resource(d.ResourceAppID)
	if err != nil {
		return "", err
	}
	g, err := x.tenant.CreateGrant(ctx, entra.OAuth2PermissionGrant{
		ClientID: sp.ID, ConsentType: "AllPrincipals", ResourceID: res.ID, Scope: scope,
	})
	if err != nil {
		return "", err
	}
	return g.ID, nil
}

func (x *executor) roleAssignment(ctx context.Context, c *plan.Change) (string, error) {
	d, _ := c.Desired.(*plan.DesiredRoleAssignment)
	if id, done, err := x.removeAppRoleFirst(ctx, c); done || err != nil {
		return id, err
	}
	sp, err := x.parentSP(d.Application)
	if err != nil {
		return "", err
	}
	res, err := x.resource(d.ResourceAppID)
	if err != nil {
		return "", err
	}
	a, err := x.tenant.AssignAppRole(ctx, entra.AppRoleAssignment{PrincipalID: sp.ID, ResourceID: res.ID, AppRoleID: d.AppRoleID})
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

func (x *executor) secret(ctx context.Context, c *plan.Change) (string, error) {
	if c.Action == plan.Delete {
		cur, _ := c.Current.(entra.PasswordCredential)
		return x.removeCredential(ctx, c, cur.KeyID, x.tenant.RemovePassword)
	}
	d := c.Desired.(*plan.DesiredSecret)
	app, err := x.parentApp(c, d.Application)
	if err != nil {
		return "", err
	}
	if d.WriteTo != "" {
		// Before the secret exists: a file that is not ours stays as it is.
		if err := CheckSecretFileOwned(x.path(d.WriteTo), d.WriteTo); err != nil {
			return "", err
		}
	}
	end := x.opts.Now().Add(d.ExpiresIn)
	existing, stale := x.knownSecrets(app, d)
	cred, err := x.tenant.AddPassword(ctx, app.ID, d.DisplayName, end, existing...)
	if err != nil {
		return "", err
	}
	if x.opts.OnSecret != nil {
		x.opts.OnSecret(cred.SecretText)
	}
	if cred.EndDateTime != nil {
		end = *cred.EndDateTime
	}
	if d.WriteTo != "" {
		f := SecretFile{TenantID: x.opts.TenantID, ClientID: app.AppID, Secret: cred.SecretText, KeyID: cred.KeyID, Expires: end}
		comment := fmt.Sprintf("Written by entraform for %s. Keep it out of version control.", c.Address)
		if err := WriteSecretFile(x.path(d.WriteTo), comment, f); err != nil {
			// The value exists nowhere else: take the secret back so the
			// next apply starts clean.
			_ = x.tenant.RemovePassword(context.WithoutCancel(ctx), app.ID, cred.KeyID)
			return "", err
		}
	}
	if x.opts.ShowSecrets != nil {
		x.mu.Lock()
		fmt.Fprintf(x.opts.ShowSecrets, "%s (client id %s, key id %s): %s\n", c.Address, app.AppID, cred.KeyID, cred.SecretText)
		x.mu.Unlock()
	}
	x.mu.Lock()
	x.result.Secrets[d.Application] = append(x.result.Secrets[d.Application], NewSecret{Name: d.DisplayName, KeyID: cred.KeyID, Value: cred.SecretText, WriteTo: d.WriteTo})
	x.mu.Unlock()
	if d.Replaces != "" {
		if err := x.tenant.RemovePassword(ctx, app.ID, d.Replaces); err != nil {
			return "", fmt.Errorf("new secret %s is in place, but removing the old one failed: %w", cred.KeyID, err)
		}
	}
	for _, keyID := range stale {
		if keyID == cred.KeyID {
			continue
		}
		if err := x.tenant.RemovePassword(ctx, app.ID, keyID); err != nil {
			return "", fmt.Errorf("new secret %s is in place, but removing secret %s, which an interrupted apply left, failed: %w", cred.KeyID, keyID, err)
		}
	}
	return cred.KeyID, nil
}

// knownSecrets returns the key ids of the application's secrets as the
// plan read them, which a lost answer of addPassword must not take away;
// none when this apply created the application. An application this
// apply created may have existed after all: an interrupted apply made it
// and the plan's read did not show it yet (replication), and the upsert
// found it. Its secrets of this name (stale) hold values no file has, or
// that the new secret's file replaces: they go once the new one is in
// place, as a replaced secret does.
func (x *executor) knownSecrets(app *entra.Application, d *plan.DesiredSecret) (existing, stale []string) {
	i := slices.IndexFunc(x.plan.Changes, func(c *plan.Change) bool { return c.Address == d.Application })
	if i >= 0 && (x.plan.Changes[i].Action == plan.Create || x.plan.Changes[i].Action == plan.DeleteThenCreate) {
		for _, s := range app.PasswordCredentials {
			if s.DisplayName == d.DisplayName {
				stale = append(stale, s.KeyID)
			}
		}
		return nil, stale
	}
	for _, s := range app.PasswordCredentials {
		existing = append(existing, s.KeyID)
	}
	return existing, nil
}

// removeCredential removes a secret or certificate of the change's parent
// application, unless the application itself goes in this plan.
func (x *executor) removeCredential(ctx context.Context, c *plan.Change, keyID string, remove func(ctx context.Context, appObjectID, keyID string) error) (string, error) {
	if x.goneWithParent(c) {
		return keyID, nil
	}
	app, err := x.parentApp(c, c.Parent)
	if err != nil {
		return "", err
	}
	return keyID, remove(ctx, app.ID, keyID)
}

func (x *executor) certificate(ctx context.Context, c *plan.Change) (string, error) {
	if c.Action == plan.Delete {
		cur, _ := c.Current.(entra.KeyCredential)
		return x.removeCredential(ctx, c, cur.KeyID, x.tenant.RemoveKeyCredential)
	}
	d := c.Desired.(*plan.DesiredCertificate)
	app, err := x.parentApp(c, d.Application)
	if err != nil {
		return "", err
	}
	path := x.path(d.PrivateKeyFile)
	var kf KeyFile
	if d.NewKey {
		if err := CheckKeyFileOwned(path, d.PrivateKeyFile); err != nil {
			return "", err
		}
		kf, err = GenerateKeyFile(path, fmt.Sprintf("%s (%s)", app.DisplayName, d.DisplayName), x.opts.Now(), d.ExpiresIn)
	} else {
		kf, err = ReadKeyFile(path)
	}
	if err != nil {
		return "", err
	}
	der := base64.StdEncoding.EncodeToString(kf.Certificate.Raw)
	start, end := kf.Certificate.NotBefore, kf.Certificate.NotAfter
	cred, err := x.tenant.AddKeyCredential(ctx, app.ID, entra.KeyCredential{
		Type: "AsymmetricX509Cert", Usage: "Verify", Key: &der, DisplayName: d.DisplayName,
		StartDateTime: &start, EndDateTime: &end,
	})
	if err != nil {
		return "", err
	}
	if d.Replaces != "" {
		if err := x.tenant.RemoveKeyCredential(ctx, app.ID, d.Replaces); err != nil {
			return "", fmt.Errorf("new certificate %s is in place, but removing the old one failed: %w", cred.KeyID, err)
		}
	}
	return kf.Thumbprint, nil
}

func (x *executor) federatedCredential(ctx context.Context, c *plan.Change) (string, error) {
	cur, _ := c.Current.(entra.FederatedIdentityCredential)
	if c.Action == plan.Delete || c.Action == plan.DeleteThenCreate {
		if !x.goneWithParent(c) {
			app, err := x.parentApp(c, c.Parent)
			if err != nil {
				return "", err
			}
			if err := x.tenant.DeleteFederatedCredential(ctx, app.ID, cur.ID); err != nil {
				return "", err
			}
		}
		if c.Action == plan.Delete {
			return cur.ID, nil
		}
	}
	d := c.Desired.(*plan.DesiredFederatedCredential)
	app, err := x.parentApp(c, d.Application)
	if err != nil {
		return "", err
	}
	if c.Action == plan.Update {
		return cur.ID, x.tenant.UpdateFederatedCredential(ctx, app.ID, cur.ID, d.Body)
	}
	f, err := x.tenant.CreateFederatedCredential(ctx, app.ID, d.Body)
	if err != nil {
		return "", err
	}
	return f.ID, nil
}

func (x *executor) sitePermission(ctx context.Context, c *plan.Change) (string, error) {
	cur, _ := c.Current.(sharepoint.Permission)
	if c.Action == plan.Delete || c.Action == plan.DeleteThenCreate {
		siteID := c.Before.GetAttr("site_id").AsString()
		if err := x.tenant.DeleteSitePermission(ctx, siteID, cur.ID); err != nil {
			return "", err
		}
		if c.Action == plan.Delete {
			return cur.ID, nil
		}
	}
	d := c.Desired.(*plan.DesiredSitePermission)
	if c.Action == plan.Update {
		return cur.ID, x.tenant.UpdateSitePermission(ctx, d.SiteID, cur.ID, d.Roles)
	}
	app, err := x.parentApp(c, d.Application)
	if err != nil {
		return "", err
	}
	p, err := x.tenant.CreateSitePermission(ctx, d.SiteID, sharepoint.Identity{ID: app.AppID, DisplayName: app.DisplayName}, d.Roles)
	if err != nil {
		return "", err
	}
	return p.ID, nil
}

// ownAppID is the appId of an application of this plan named by
// address: known once it exists (it was created first: the change
// depends on it).
func (x *executor) ownAppID(id string) (string, error) {
	if !strings.HasPrefix(id, "application.") {
		return id, nil
	}
	app := x.state.app(id)
	if app == nil {
		return "", fmt.Errorf("%s does not exist", id)
	}
	return strings.ToLower(app.AppID), nil
}

// withAppIDs returns the body with the appIds of the plan's own
// applications put in where the plan named them by address.
func (x *executor) withAppIDs(body entra.Application) (entra.Application, error) {
	var err error
	if body.RequiredResourceAccess != nil {
		rra := slices.Clone(body.RequiredResourceAccess)
		for i := range rra {
			if rra[i].ResourceAppID, err = x.ownAppID(rra[i].ResourceAppID); err != nil {
				return body, err
			}
		}
		body.RequiredResourceAccess = rra
	}
	if body.API != nil {
		api := *body.API
		api.PreAuthorizedApplications = slices.Clone(api.PreAuthorizedApplications)
		for i := range api.PreAuthorizedApplications {
			if api.PreAuthorizedApplications[i].AppID, err = x.ownAppID(api.PreAuthorizedApplications[i].AppID); err != nil {
				return body, err
			}
		}
		body.API = &api
	}
	return body, nil
}

// principalID is the object id of a principal the plan named by an
// application's address (its service principal, created by this apply).
func (x *executor) principalID(id string) (string, error) {
	if !strings.HasPrefix(id, "application.") {
		return id, nil
	}
	sp, err := x.parentSP(id)
	if err != nil {
		return "", err
	}
	return sp.ID, nil
}

func (x *executor) owner(ctx context.Context, c *plan.Change) (string, error) {
	d := c.Desired.(*plan.DesiredOwner)
	set, objectID := entra.ApplicationOwners, ""
	if d.OfServicePrincipal {
		set = entra.ServicePrincipalOwners
		sp, err := x.parentSP(d.Application)
		if err != nil {
			return "", err
		}
		objectID = sp.ID
	} else {
		app, err := x.parentApp(c, d.Application)
		if err != nil {
			return "", err
		}
		objectID = app.ID
	}
	if c.Action == plan.Delete || c.Action == plan.DeleteThenCreate {
		cur, _ := c.Current.(entra.DirectoryObject)
		if !x.goneWithParent(c) {
			if err := x.tenant.RemoveOwner(ctx, set, objectID, cur.ID); err != nil {
				return "", err
			}
		}
		if c.Action == plan.Delete {
			return cur.ID, nil
		}
	}
	owner, err := x.principalID(d.OwnerID)
	if err != nil {
		return "", err
	}
	return owner, x.tenant.AddOwner(ctx, set, objectID, owner)
}

// removeAppRoleFirst removes the current app role assignment of a
// deletion or a replacement (unless it went with its parent); done
// reports a deletion, which has nothing left to create.
func (x *executor) removeAppRoleFirst(ctx context.Context, c *plan.Change) (id string, done bool, err error) {
	if c.Action != plan.Delete && c.Action != plan.DeleteThenCreate {
		return "", false, nil
	}
	cur, _ := c.Current.(entra.AppRoleAssignment)
	if !x.goneWithParent(c) {
		if err := x.tenant.RemoveAppRole(ctx, cur.ResourceID, cur.ID); err != nil {
			return "", true, err
		}
	}
	return cur.ID, c.Action == plan.Delete, nil
}

func (x *executor) assignment(ctx context.Context, c *plan.Change) (string, error) {
	d, _ := c.Desired.(*plan.DesiredAssignment)
	if id, done, err := x.removeAppRoleFirst(ctx, c); done || err != nil {
		return id, err
	}
	sp, err := x.parentSP(d.Application)
	if err != nil {
		return "", err
	}
	principal, err := x.principalID(d.PrincipalID)
	if err != nil {
		return "", err
	}
	a, err := x.tenant.AssignAppRole(ctx, entra.AppRoleAssignment{PrincipalID: principal, ResourceID: sp.ID, AppRoleID: d.AppRoleID})
	if err != nil {
		return "", err
	}
	return a.ID, nil
}
