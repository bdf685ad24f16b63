package config

import (
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// defaultTenant is the tenant without a tenant block.
func (l *loader) defaultTenant() Tenant {
	dir := l.opts.Dir
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return Tenant{Cloud: "public", Workspace: sanitizeWorkspace(filepath.Base(dir))}
}

// decodeTenant evaluates the tenant block.
func (l *loader) decodeTenant(ctx *hcl.EvalContext) (Tenant, hcl.Diagnostics) {
	t := l.defaultTenant()
	t.DeclRange = l.tenant.defRange
	d := &decoder{ctx: ctx}
	attrs := l.tenant.body.attrs
	if id, a := d.str(attrs, "id"); a != nil && id != "" {
		if !isGUID(id) && !domainRE.MatchString(id) {
			d.errorf(a.Expr.Range(), "Invalid tenant id", "%q is neither a tenant GUID nor a domain name such as contoso.onmicrosoft.com.", id)
		}
		t.ID = strings.ToLower(id)
	}
	if c, a := d.str(attrs, "cloud"); a != nil && c != "" {
		if !oneOf(c, clouds) {
			d.errorf(a.Expr.Range(), "Invalid cloud", "%q is not a cloud entraform knows; use one of %s%s.", c, quoteList(clouds), didYouMean(c, clouds))
		}
		t.Cloud = c
	}
	if sp, a := d.str(attrs, "sharepoint"); a != nil && sp != "" {
		name := strings.ToLower(sp)
		name = strings.TrimPrefix(name, "https://")
		if suf, ok := sharePointSuffix[t.Cloud]; ok {
			name = strings.TrimSuffix(strings.TrimSuffix(name, "/"), suf)
		}
		if !spTenantRE.MatchString(name) {
			d.errorf(a.Expr.Range(), "Invalid SharePoint tenant", "%q is not a SharePoint tenant name; write the first part of the host, \"contoso\" for https://contoso.sharepoint.com.", sp)
		}
		t.SharePoint = name
	}
	if ws, a := d.str(attrs, "workspace"); a != nil {
		if !workspaceRE.MatchString(ws) {
			d.errorf(a.Expr.Range(), "Invalid workspace", "%q is not a workspace name: use 1 to 64 letters, digits, dots, dashes and underscores.", ws)
		}
		t.Workspace = ws
	}
	return t, d.diags
}
