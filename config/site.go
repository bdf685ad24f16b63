package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalSite expands a site block and decodes each instance.
func (l *loader) evalSite(name string, b *block, refs refSet, localVals, appVals map[string]cty.Value) hcl.Diagnostics {
	insts, mode, diags := l.expand("site", name, b, l.evalCtx(refs, localVals, appVals, nil))
	if diags.HasErrors() {
		return diags
	}
	g := &group{mode: mode, insts: insts}
	var sites []*Site
	for i := range insts {
		s, d := l.decodeSite(name, b, insts[i], l.evalCtx(refs, localVals, appVals, &insts[i]))
		diags = append(diags, d...)
		sites = append(sites, s)
	}
	if diags.HasErrors() {
		return diags
	}
	l.cfg.Sites = append(l.cfg.Sites, sites...)
	l.st.siteVals[name] = g.value(func(i int) cty.Value { return siteObject(sites[i]) })
	return diags
}

func (l *loader) decodeSite(name string, b *block, inst instance, ctx *hcl.EvalContext) (*Site, hcl.Diagnostics) {
	s := &Site{Addr: inst.addr, Name: name, Key: inst.key, DeclRange: b.defRange}
	d := &decoder{ctx: ctx}
	if u, a := d.str(b.body.attrs, "url"); a != nil {
		if _, _, err := checkSiteURL(u); err != nil {
			d.errorf(a.Expr.Range(), "Invalid site URL", "%s.", err)
		}
		s.URL = strings.TrimSuffix(u, "/")
	}
	seen := map[string]hcl.Range{}
	byApp := map[string]*Grant{}
	for _, gb := range b.body.blocks["grant"] {
		if !uniqueLabel(d, seen, gb, "grant") {
			continue
		}
		g := &Grant{Name: gb.label(), DeclRange: gb.defRange}
		addr, ok := d.appRef(gb.body.attrs, "application", l.apps)
		if ok {
			g.Application = addr
			if prev := byApp[addr]; prev != nil {
				d.errorf(gb.defRange, "Duplicate grant", "%s already has a grant on this site (grant %q at %s); one grant holds all of an application's roles on a site.",
					addr, prev.Name, prev.DeclRange)
			}
			byApp[addr] = g
		}
		g.Roles = d.choiceList(gb.body.attrs, "roles", siteRoles, true, "site role",
			"Empty roles", fmt.Sprintf("A grant gives at least one role: %s.", quoteList(siteRoles)))
		s.Grants = append(s.Grants, g)
	}
	return s, d.diags
}
