package policy

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/entraform/entraform/config"
)

// evalPolicy checks every planned object of the policy's kind: the
// condition, with self bound to the object, must be true.
func evalPolicy(in Input, f *facts, p *config.Policy) ([]Finding, hcl.Diagnostics) {
	sev := Error
	if p.Severity == "warning" {
		sev = Warning
	}
	funcs := in.Config.Functions()
	var out []Finding
	var diags hcl.Diagnostics
	for _, obj := range f.objects(p.For) {
		ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"self": obj.value}, Functions: funcs}
		v, d := p.Condition.Value(ctx)
		if d.HasErrors() {
			// The same mistake would repeat for every object: say it once.
			return out, append(diags, policyError(p, obj, d)...)
		}
		v, _ = v.UnmarkDeep()
		if !v.IsKnown() {
			continue // decided by apply: nothing to say yet
		}
		if v.IsNull() || v.Type() != cty.Bool {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid policy condition",
				Detail:   fmt.Sprintf("The condition of policy %q must be true or false; for %s it is %s.", p.Name, obj.addr, describe(v)),
				Subject:  p.Condition.Range().Ptr(),
			})
			return out, diags
		}
		if v.True() {
			continue
		}
		msg, d := p.ErrorMessage.Value(ctx)
		text := ""
		if !d.HasErrors() {
			if s, err := convert.Convert(msg, cty.String); err == nil && s.IsKnown() && !s.IsNull() {
				text = s.AsString()
			}
		}
		if text == "" {
			diags = append(diags, policyError(p, obj, d)...)
			text = fmt.Sprintf("%s does not comply with policy %q.", obj.addr, p.Name)
		}
		out = append(out, Finding{
			Rule:     p.Name,
			Severity: sev,
			Address:  obj.addr,
			Range:    obj.rng,
			Summary:  fmt.Sprintf("Policy %q", p.Name),
			Detail:   text,
			Fix:      fmt.Sprintf("change %s so that the condition of policy %q at %s holds.", obj.addr, p.Name, p.DeclRange),
		})
	}
	return out, diags
}

func policyError(p *config.Policy, obj object, d hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, e := range d {
		if e.Severity != hcl.DiagError {
			continue
		}
		c := *e
		c.Detail = fmt.Sprintf("%s (policy %q, for %s %s)", c.Detail, p.Name, p.For, obj.addr)
		out = append(out, &c)
	}
	return out
}

func describe(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	return "a " + v.Type().FriendlyName()
}
