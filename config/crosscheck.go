package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// crossChecks runs the rules that span blocks: identities and files that
// must be unique, the SharePoint tenant of the sites, and whether each
// check's application has what its flow needs.
func (l *loader) crossChecks() hcl.Diagnostics {
	var diags hcl.Diagnostics
	errorf := func(rng hcl.Range, summary, format string, args ...any) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, args...), Subject: rng.Ptr()})
	}

	diags = append(diags, l.resolveOwnAPIPermissions()...)
	diags = append(diags, l.checkPrincipalRefs()...)

	writeTo := map[string]string{}
	uniqueNames := map[string]string{}
	adopted := map[string]string{}
	for _, a := range l.cfg.Applications {
		if prev, ok := uniqueNames[strings.ToLower(a.UniqueName)]; ok {
			rng := a.DeclRange
			if r, ok := a.AttrRanges["unique_name"]; ok {
				rng = r
			}
			errorf(rng, "Duplicate unique_name", "%s and %s both have the unique name %q; it identifies the application in the tenant, so it must be unique.", prev, a.Addr, a.UniqueName)
		}
		uniqueNames[strings.ToLower(a.UniqueName)] = a.Addr
		if a.Adopt != "" {
			if prev, ok := adopted[a.Adopt]; ok {
				errorf(a.AttrRanges["adopt"], "Application adopted twice", "%s already adopts %s.", prev, a.Adopt)
			}
			adopted[a.Adopt] = a.Addr
		}
		for _, s := range a.Secrets {
			if s.WriteTo == "" {
				continue
			}
			owner := a.Addr + ".secret." + s.Name
			if prev, ok := writeTo[s.WriteTo]; ok {
				errorf(s.DeclRange, "Shared write_to file", "%s and %s both write to %q; each secret needs its own file (use each.key or count.index in the path).", prev, owner, s.WriteTo)
			}
			writeTo[s.WriteTo] = owner
		}
	}

	t := &l.cfg.Tenant
	suffix := sharePointSuffix[t.Cloud]
	for _, s := range l.cfg.Sites {
		name, suf, err := checkSiteURL(s.URL)
		if err != nil {
			continue
		}
		switch {
		case suffix != "" && suf != suffix:
			errorf(s.DeclRange, "Site in another cloud", "%s is on a %s host, but the tenant's cloud is %q (SharePoint hosts end in %s).", s.URL, suf, t.Cloud, suffix)
		case t.SharePoint == "":
			t.SharePoint = name
		case t.SharePoint != name:
			errorf(s.DeclRange, "Site in another SharePoint tenant", "%s is not in the SharePoint tenant %q (https://%s%s); all sites belong to the tenant's SharePoint.", s.URL, t.SharePoint, t.SharePoint, suffix)
		}
	}

	for _, c := range l.cfg.Checks {
		a := l.cfg.Application(c.Application)
		if a == nil {
			continue
		}
		need := ""
		switch c.Flow {
		case "client_credentials":
			if len(a.Secrets) == 0 {
				need = "a secret block (client_credentials signs in with the app's secret)"
			}
		case "certificate":
			if len(a.Certificates) == 0 {
				need = "a certificate block"
			}
		case "federated":
			if len(a.FederatedCredentials) == 0 {
				need = "a federated_credential block"
			}
		case "auth_code":
			switch {
			case a.Web == nil || len(a.Web.RedirectURIs) == 0:
				need = "a web block with redirect_uris (the user is sent back to one of them)"
			case len(a.Secrets) == 0 && len(a.Certificates) == 0:
				need = "a secret or certificate block (the code is redeemed with the app's credential)"
			}
		case "device_code", "interactive":
			if a.PublicClient == nil {
				need = "a public_client block (device code and interactive sign-in are public client flows)"
			}
		}
		if need != "" {
			errorf(c.DeclRange, "Check cannot sign in", "%s uses the %s flow, but %s has no %s.", c.Addr, c.Flow, a.Addr, strings.TrimPrefix(need, "a "))
		}
	}
	return diags
}
