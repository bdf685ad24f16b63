package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
)

// printOutputs evaluates the outputs with the ids the apply produced (or
// the plan knew) and prints them; sensitive ones are hidden.
func (m *Meta) printOutputs(cfg *config.Config, p *plan.Plan, r *apply.Result) error {
	if len(cfg.Outputs) == 0 {
		return nil
	}
	known := map[string]config.AppAttrs{}
	if r != nil {
		for addr, ids := range r.Apps {
			known[addr] = config.AppAttrs{AppID: ids.AppID, ObjectID: ids.ObjectID, ServicePrincipalID: ids.ServicePrincipalID}
		}
	}
	vals := map[string]cty.Value{}
	if len(known) > 0 {
		v, diags := cfg.EvalOutputs(known)
		if diags.HasErrors() {
			m.showDiagnostics(cfg.Files, diags)
			return fmt.Errorf("evaluating outputs")
		}
		vals = v
		// What the plan knew (lookups' ids) stays known.
		for name, o := range p.Outputs {
			if cur, ok := vals[name]; ok && !cur.IsWhollyKnown() && o.Value.IsWhollyKnown() {
				vals[name] = o.Value
			}
		}
	} else {
		for name, o := range p.Outputs {
			vals[name] = o.Value
		}
	}
	var names []string
	for _, o := range cfg.Outputs {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	fmt.Fprintf(m.Stdout, "\n%s\n\n", m.bold("Outputs:"))
	for _, name := range names {
		var sensitive bool
		for _, o := range cfg.Outputs {
			if o.Name == name {
				sensitive = o.Sensitive
			}
		}
		v, ok := vals[name]
		fmt.Fprintf(m.Stdout, "%s = %s\n", name, formatOutput(v, ok, sensitive))
	}
	return nil
}

func formatOutput(v cty.Value, ok, sensitive bool) string {
	v, marks := v.UnmarkDeep()
	switch {
	case sensitive || len(marks) > 0:
		return "<sensitive>"
	case !ok || !v.IsWhollyKnown():
		return "(known after apply)"
	}
	return strings.TrimSpace(string(hclwrite.TokensForValue(v).Bytes()))
}
