package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// dataTypes are the kinds of lookup, in the order messages list them.
var dataTypes = []string{"user", "group", "service_principal", "site"}

// declareData records a data block.
func (l *loader) declareData(hb *hcl.Block) hcl.Diagnostics {
	typ, name := hb.Labels[0], hb.Labels[1]
	n, ok := dataSchemas[typ]
	if !ok {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown data type",
			Detail:   fmt.Sprintf("%q is not something entraform looks up; use %s%s.", typ, quoteList(dataTypes), didYouMean(typ, dataTypes)),
			Subject:  hb.LabelRanges[0].Ptr(),
		}}
	}
	b, diags := decodeBody(hb.Body, n)
	if !validName(name) {
		return append(diags, invalidName("data", name, hb.LabelRanges[1]))
	}
	key := typ + "." + name
	if prev, ok := l.data[key]; ok {
		return append(diags, duplicate("data "+typ, name, hb.DefRange, prev.defRange))
	}
	l.data[key] = &block{typ: hb.Type, labels: hb.Labels, labelRanges: hb.LabelRanges, defRange: hb.DefRange, body: b}
	return diags
}

// evalData decodes one data block (key is "<type>.<name>").
func (l *loader) evalData(key string, ctx *hcl.EvalContext) hcl.Diagnostics {
	b := l.data[key]
	typ, name, _ := strings.Cut(key, ".")
	d := &decoder{ctx: ctx}
	x := &Data{Addr: "data." + key, Type: typ, Name: name, DeclRange: b.defRange}
	attrs := b.body.attrs
	switch typ {
	case "user":
		upn, a := d.str(attrs, "user_principal_name")
		if a != nil && (strings.Count(upn, "@") != 1 || strings.HasPrefix(upn, "@") || strings.HasSuffix(upn, "@")) {
			d.errorf(a.Expr.Range(), "Invalid user principal name", "%q is not a user principal name such as \"alex@contoso.com\".", upn)
		}
		x.UserPrincipalName = strings.ToLower(upn)
	case "group":
		x.DisplayName, _ = d.str(attrs, "display_name")
	case "service_principal":
		var a *hcl.Attribute
		x.AppID, a = d.str(attrs, "app_id")
		if a != nil && !isGUID(x.AppID) {
			d.errorf(a.Expr.Range(), "Invalid app_id", "%q is not an appId (a GUID).", x.AppID)
		}
		x.AppID = strings.ToLower(x.AppID)
		var dn *hcl.Attribute
		x.DisplayName, dn = d.str(attrs, "display_name")
		if (a == nil) == (dn == nil) {
			d.errorf(b.defRange, "Service principal lookup needs one key", "Look a service principal up by app_id or by display_name (one of them).")
		}
	case "site":
		u, a := d.str(attrs, "url")
		if a != nil {
			if _, _, err := checkSiteURL(u); err != nil {
				d.errorf(a.Expr.Range(), "Invalid site URL", "%s.", err)
			}
		}
		x.URL = strings.TrimSuffix(u, "/")
	}
	if !d.diags.HasErrors() {
		l.cfg.Data = append(l.cfg.Data, x)
		l.st.dataVals[key] = dataObject(x)
	}
	return d.diags
}

// dataObject is the value of data.<type>.<name> in expressions: the
// address and keys are known; ids are known only after refresh, so they
// may be used only in outputs.
func dataObject(x *Data) cty.Value {
	str := func(s string) cty.Value {
		if s == "" {
			return cty.UnknownVal(cty.String)
		}
		return cty.StringVal(s)
	}
	m := map[string]cty.Value{
		"address": cty.StringVal(x.Addr),
		"id":      cty.UnknownVal(cty.String),
	}
	switch x.Type {
	case "user":
		m["user_principal_name"] = cty.StringVal(x.UserPrincipalName)
		m["display_name"] = cty.UnknownVal(cty.String)
	case "group":
		m["display_name"] = cty.StringVal(x.DisplayName)
	case "service_principal":
		m["app_id"] = str(x.AppID)
		m["display_name"] = str(x.DisplayName)
	case "site":
		m["url"] = cty.StringVal(x.URL)
	}
	return cty.ObjectVal(m)
}

// dataValue is the data object of an evaluation context: the lookups a
// block refers to, by type and name.
func dataValue(names []string, vals map[string]cty.Value) cty.Value {
	byType := map[string]map[string]cty.Value{}
	for _, n := range names {
		typ, name, _ := strings.Cut(n, ".")
		if byType[typ] == nil {
			byType[typ] = map[string]cty.Value{}
		}
		if v, ok := vals[n]; ok {
			byType[typ][name] = v
		} else {
			byType[typ][name] = cty.DynamicVal
		}
	}
	out := map[string]cty.Value{}
	for typ, m := range byType {
		out[typ] = cty.ObjectVal(m)
	}
	return cty.ObjectVal(out)
}

func sortData(ds []*Data) {
	sort.Slice(ds, func(i, j int) bool { return ds[i].Addr < ds[j].Addr })
}
