package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// EvalOutputs evaluates the output blocks with the applications' computed
// attributes filled in from known (keyed by application address; missing
// entries and empty fields stay unknown, which renderers show as "(known
// after apply)"). An adopted application's app_id is its adopt value.
//
// Values of sensitive outputs carry SensitiveMark; other values carry no
// marks. Load calls it once with nothing known, so an output that cannot
// be evaluated is a load error.
func (c *Config) EvalOutputs(known map[string]AppAttrs) (map[string]cty.Value, hcl.Diagnostics) {
	return c.EvalOutputsWithData(known, nil)
}

// EvalOutputsWithData is EvalOutputs with the attributes the lookups
// found filled in too: found is keyed by data address (data.user.alex),
// then by attribute (id, display_name, app_id); missing ones stay
// unknown.
func (c *Config) EvalOutputsWithData(known map[string]AppAttrs, found map[string]map[string]string) (map[string]cty.Value, hcl.Diagnostics) {
	st := c.state
	if st != nil && len(found) > 0 {
		withData := *st
		withData.dataVals = make(map[string]cty.Value, len(st.dataVals))
		for key, v := range st.dataVals {
			attrs := v.AsValueMap()
			for name, s := range found["data."+key] {
				if cur, ok := attrs[name]; ok && !cur.IsKnown() && s != "" {
					attrs[name] = cty.StringVal(s)
				}
			}
			withData.dataVals[key] = cty.ObjectVal(attrs)
		}
		st = &withData
	}
	if st == nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Configuration not loaded",
			Detail:   "Outputs can be evaluated only for a configuration that loaded without errors.",
		}}
	}
	var diags hcl.Diagnostics
	appVals := make(map[string]cty.Value, len(st.groups))
	for name, g := range st.groups {
		appVals[name] = g.value(func(i int) cty.Value { return appObject(g.apps[i], known[g.apps[i].Addr]) })
	}
	localVals := make(map[string]cty.Value, len(st.localOrder))
	for _, name := range st.localOrder {
		v, d := st.locals[name].Expr.Value(buildCtx(st, st.localRefs[name], localVals, appVals, nil))
		diags = append(diags, d...)
		localVals[name] = v
	}
	out := make(map[string]cty.Value, len(c.Outputs))
	for _, o := range c.Outputs {
		v, d := o.expr.Value(buildCtx(st, o.refs, localVals, appVals, nil))
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		if v.ContainsMarked() && !o.Sensitive {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Output refers to sensitive values",
				Detail:   fmt.Sprintf("The value of output %q comes from a sensitive variable. Set sensitive = true in the output block to confirm that it may be stored, and shown as (sensitive value).", o.Name),
				Subject:  o.expr.Range().Ptr(),
			})
			continue
		}
		v, _ = v.UnmarkDeep()
		if o.Sensitive {
			v = v.Mark(SensitiveMark)
		}
		out[o.Name] = v
	}
	return out, dedupe(diags)
}
