package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// evalState is what outlives Load: enough to evaluate locals and outputs
// again once the applications' computed attributes are known.
type evalState struct {
	funcs      map[string]function.Function
	varObj     cty.Value
	localOrder []string // dependencies first
	locals     map[string]*hcl.Attribute
	localRefs  map[string]refSet
	groups     map[string]*group // applications by block name
	siteVals   map[string]cty.Value
	dataVals   map[string]cty.Value // by "<type>.<name>"
}

// group is the instances of one application, site or check block.
type group struct {
	mode  expandMode
	insts []instance
	apps  []*Application // applications only, parallel to insts
}

// evaluate builds the dependency graph and evaluates every block in order.
func (l *loader) evaluate() hcl.Diagnostics {
	var diags hcl.Diagnostics
	l.st = &evalState{
		funcs:     l.funcs,
		varObj:    l.varObj,
		locals:    l.locals,
		localRefs: map[string]refSet{},
		groups:    map[string]*group{},
		siteVals:  map[string]cty.Value{},
		dataVals:  map[string]cty.Value{},
	}
	g := &graph{deps: map[string]refSet{}}

	if l.tenant != nil {
		refs, d := l.references(l.tenant.body.traversals(), scope{})
		diags = append(diags, d...)
		g.deps["tenant"] = refs
	}
	for name, a := range l.locals {
		refs, d := l.references(a.Expr.Variables(), scope{})
		diags = append(diags, d...)
		g.deps["local."+name] = refs
		l.st.localRefs[name] = refs
	}
	for kind, blocks := range map[string]map[string]*block{"application": l.apps, "site": l.sites, "check": l.checks} {
		for name, b := range blocks {
			sc := scope{forEach: b.body.attrs["for_each"] != nil, count: b.body.attrs["count"] != nil}
			refs, d := l.references(b.body.traversals(), sc)
			diags = append(diags, d...)
			if kind == "application" && l.tenant != nil {
				refs["tenant"] = b.defRange
			}
			g.deps[kind+"."+name] = refs
		}
	}
	for key, b := range l.data {
		refs, d := l.references(b.body.traversals(), scope{})
		diags = append(diags, d...)
		g.deps["data."+key] = refs
	}
	outRefs := map[string]refSet{}
	for name, b := range l.outputs {
		refs, d := l.references(b.body.traversals(), scope{output: true})
		diags = append(diags, d...)
		outRefs[name] = refs
	}
	if diags.HasErrors() {
		return dedupe(diags)
	}

	order, cyclic, d := g.order()
	diags = append(diags, d...)
	failed := map[string]bool{}
	for n := range cyclic {
		failed[n] = true
	}
	if l.tenant == nil {
		l.cfg.Tenant = l.defaultTenant()
	}
	localVals := map[string]cty.Value{}
	appVals := map[string]cty.Value{}
	for _, id := range order {
		if failed[id] {
			continue
		}
		refs := g.deps[id]
		skip := false
		for dep := range refs {
			if failed[dep] {
				skip = true
			}
		}
		if skip {
			failed[id] = true
			continue
		}
		kind, name, _ := strings.Cut(id, ".")
		var d hcl.Diagnostics
		switch kind {
		case "tenant":
			l.cfg.Tenant, d = l.decodeTenant(l.evalCtx(refs, localVals, appVals, nil))
		case "local":
			var v cty.Value
			v, d = l.locals[name].Expr.Value(l.evalCtx(refs, localVals, appVals, nil))
			localVals[name] = v
			l.st.localOrder = append(l.st.localOrder, name)
		case "application":
			var grp *group
			grp, d = l.evalApplication(name, l.apps[name], refs, localVals, appVals)
			if grp != nil {
				l.st.groups[name] = grp
				appVals[name] = grp.value(func(i int) cty.Value { return appObject(grp.apps[i], AppAttrs{}) })
			}
		case "site":
			d = l.evalSite(name, l.sites[name], refs, localVals, appVals)
		case "check":
			d = l.evalCheck(name, l.checks[name], refs, localVals, appVals)
		case "data":
			d = l.evalData(name, l.evalCtx(refs, localVals, appVals, nil))
		}
		diags = append(diags, d...)
		if d.HasErrors() {
			failed[id] = true
		}
	}
	if diags.HasErrors() {
		return dedupe(diags)
	}

	diags = append(diags, l.crossChecks()...)
	sortInstances(l.cfg)

	for _, name := range sortedKeys(l.outputs) {
		b := l.outputs[name]
		o := &Output{Name: name, DeclRange: b.defRange, expr: b.body.attrs["value"].Expr, refs: outRefs[name]}
		o.Description, diags = staticString(b.body.attrs, "description", diags)
		o.Sensitive, diags = staticBool(b.body.attrs, "sensitive", false, diags)
		l.cfg.Outputs = append(l.cfg.Outputs, o)
	}
	l.cfg.state = l.st
	// Outputs are evaluated once here to report their errors early; with
	// none there is nothing to report, and evaluating would build every
	// application's value again.
	if !diags.HasErrors() && len(l.cfg.Outputs) > 0 {
		_, d := l.cfg.EvalOutputs(nil)
		diags = append(diags, d...)
	}
	return dedupe(diags)
}

// evalCtx makes the evaluation context of one block (or one instance of
// it): the variables, and only the locals, applications and sites the block
// refers to.
func (l *loader) evalCtx(refs refSet, localVals, appVals map[string]cty.Value, inst *instance) *hcl.EvalContext {
	return buildCtx(l.st, refs, localVals, appVals, inst)
}

func buildCtx(st *evalState, refs refSet, localVals, appVals map[string]cty.Value, inst *instance) *hcl.EvalContext {
	vars := map[string]cty.Value{"var": st.varObj}
	pick := func(kind string, from map[string]cty.Value) {
		names := refs.names(kind)
		if len(names) == 0 {
			return
		}
		m := make(map[string]cty.Value, len(names))
		for _, n := range names {
			if v, ok := from[n]; ok {
				m[n] = v
			} else {
				m[n] = cty.DynamicVal
			}
		}
		vars[kind] = cty.ObjectVal(m)
	}
	pick("local", localVals)
	pick("application", appVals)
	pick("site", st.siteVals)
	if names := refs.names("data"); len(names) > 0 {
		vars["data"] = dataValue(names, st.dataVals)
	}
	if inst != nil {
		switch inst.mode {
		case modeForEach:
			vars["each"] = cty.ObjectVal(map[string]cty.Value{"key": inst.key, "value": inst.value})
		case modeCount:
			vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": inst.key})
		}
	}
	return &hcl.EvalContext{Variables: vars, Functions: st.funcs}
}

// appObject is the value of application.<name> (one instance) in
// expressions.
func appObject(a *Application, attrs AppAttrs) cty.Value {
	known := func(s string) cty.Value {
		if s == "" {
			return cty.UnknownVal(cty.String)
		}
		return cty.StringVal(s)
	}
	appID := attrs.AppID
	if appID == "" && a.Adopt != "" {
		appID = a.Adopt
	}
	return cty.ObjectVal(map[string]cty.Value{
		"address":              cty.StringVal(a.Addr),
		"name":                 cty.StringVal(a.Name),
		"display_name":         cty.StringVal(a.DisplayName),
		"unique_name":          cty.StringVal(a.UniqueName),
		"sign_in_audience":     cty.StringVal(a.SignInAudience),
		"notes":                cty.StringVal(a.Notes),
		"admin_consent":        cty.BoolVal(a.AdminConsent),
		"app_id":               known(appID),
		"object_id":            known(attrs.ObjectID),
		"service_principal_id": known(attrs.ServicePrincipalID),
	})
}

func siteObject(s *Site) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"address": cty.StringVal(s.Addr),
		"name":    cty.StringVal(s.Name),
		"url":     cty.StringVal(s.URL),
	})
}

// value is the group's value in expressions: one object, an object keyed
// by for_each key, or a tuple for count.
func (g *group) value(elem func(i int) cty.Value) cty.Value {
	switch g.mode {
	case modeForEach:
		m := make(map[string]cty.Value, len(g.insts))
		for i, in := range g.insts {
			m[in.key.AsString()] = elem(i)
		}
		return cty.ObjectVal(m)
	case modeCount:
		vals := make([]cty.Value, len(g.insts))
		for i := range g.insts {
			vals[i] = elem(i)
		}
		return cty.TupleVal(vals)
	default:
		if len(g.insts) == 0 {
			return cty.DynamicVal
		}
		return elem(0)
	}
}

// dedupe drops repeated diagnostics (an error in a for_each block is found
// once per instance).
func dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	seen := map[string]bool{}
	var out hcl.Diagnostics
	for _, d := range diags {
		key := fmt.Sprintf("%d|%s|%s", d.Severity, d.Summary, d.Detail)
		if d.Subject != nil {
			key += "|" + d.Subject.String()
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		// Hints end in "did you mean ...?" inside sentences that end in ".".
		if strings.HasSuffix(d.Detail, "?.") {
			d.Detail = strings.TrimSuffix(d.Detail, ".")
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Subject, out[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return out
}
