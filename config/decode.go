package config

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// decoder evaluates the attributes of one block instance into Go values,
// collecting diagnostics and (optionally) attribute ranges.
type decoder struct {
	ctx    *hcl.EvalContext
	diags  hcl.Diagnostics
	ranges map[string]hcl.Range
	// sensitive records the attributes whose value comes from a sensitive
	// variable (keyed like ranges); nil when nobody asks.
	sensitive map[string]bool
	prefix    string // for ranges of nested blocks: "web."
}

func (d *decoder) errorf(rng hcl.Range, summary, format string, args ...any) {
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  rng.Ptr(),
	})
}

func (d *decoder) nested(prefix string) *decoder {
	return &decoder{ctx: d.ctx, ranges: d.ranges, sensitive: d.sensitive, prefix: d.prefix + prefix}
}

// absorb takes the diagnostics of a nested decoder.
func (d *decoder) absorb(n *decoder) {
	d.diags = append(d.diags, n.diags...)
	n.diags = nil
}

// value evaluates attribute name; ok is false when it is absent, null or
// broken (broken ones are diagnosed).
func (d *decoder) value(attrs hcl.Attributes, name string, want cty.Type, wantText string) (cty.Value, *hcl.Attribute, bool) {
	a, ok := attrs[name]
	if !ok {
		return cty.NilVal, nil, false
	}
	if d.ranges != nil {
		d.ranges[d.prefix+name] = a.Range
	}
	val, diags := a.Expr.Value(d.ctx)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, a, false
	}
	val, marks := val.UnmarkDeep()
	if _, ok := marks[SensitiveMark]; ok && d.sensitive != nil {
		d.sensitive[d.prefix+name] = true
	}
	if !val.IsWhollyKnown() {
		d.errorf(a.Expr.Range(), "Value known only after apply",
			"The value of %q depends on an application's app_id, object_id or service_principal_id, which are known only after apply; only output blocks may use them.", name)
		return cty.NilVal, a, false
	}
	if val.IsNull() {
		return cty.NilVal, a, false
	}
	cv, err := convert.Convert(val, want)
	if err != nil {
		d.errorf(a.Expr.Range(), "Incorrect attribute value type", "Inappropriate value for attribute %q: %s required, got %s.",
			name, wantText, typeString(val.Type()))
		return cty.NilVal, a, false
	}
	if cv.IsNull() {
		return cty.NilVal, a, false
	}
	return cv, a, true
}

func (d *decoder) str(attrs hcl.Attributes, name string) (string, *hcl.Attribute) {
	v, a, ok := d.value(attrs, name, cty.String, "a string")
	if !ok {
		return "", a
	}
	return v.AsString(), a
}

func (d *decoder) boolean(attrs hcl.Attributes, name string) bool {
	v, _, ok := d.value(attrs, name, cty.Bool, "true or false")
	return ok && v.True()
}

// integer reads a whole number.
func (d *decoder) integer(attrs hcl.Attributes, name string) (int, *hcl.Attribute, bool) {
	v, a, ok := d.value(attrs, name, cty.Number, "a number")
	if !ok {
		return 0, a, false
	}
	bf := v.AsBigFloat()
	if !bf.IsInt() || bf.Cmp(big.NewFloat(1e9)) > 0 || bf.Cmp(big.NewFloat(-1e9)) < 0 {
		d.errorf(a.Expr.Range(), "Invalid number", "%q must be a whole number.", name)
		return 0, a, false
	}
	n, _ := bf.Int64()
	return int(n), a, true
}

// strList reads a list of strings and the range of each element (the
// element's own range when the list is written literally).
func (d *decoder) strList(attrs hcl.Attributes, name string) ([]string, []hcl.Range, *hcl.Attribute) {
	v, a, ok := d.value(attrs, name, cty.List(cty.String), "a list of strings")
	if !ok {
		return nil, nil, a
	}
	var out []string
	var ranges []hcl.Range
	elems, _ := hcl.ExprList(a.Expr)
	for i, it := 0, v.ElementIterator(); it.Next(); i++ {
		_, e := it.Element()
		if e.IsNull() {
			d.errorf(a.Expr.Range(), "Invalid list element", "%q cannot contain null.", name)
			continue
		}
		out = append(out, e.AsString())
		if len(elems) == v.LengthInt() {
			ranges = append(ranges, elems[i].Range())
		} else {
			ranges = append(ranges, a.Expr.Range())
		}
	}
	return out, ranges, a
}

// strMap reads a map of strings.
func (d *decoder) strMap(attrs hcl.Attributes, name string) map[string]string {
	v, a, ok := d.value(attrs, name, cty.Map(cty.String), "a map of strings")
	if !ok {
		return nil
	}
	out := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() {
			d.errorf(a.Expr.Range(), "Invalid map element", "%q cannot contain null.", name)
			continue
		}
		out[k.AsString()] = e.AsString()
	}
	return out
}

// appRef reads an attribute that must refer to one application instance
// and returns the instance's address.
func (d *decoder) appRef(attrs hcl.Attributes, name string, apps map[string]*block) (string, bool) {
	a, ok := attrs[name]
	if !ok {
		return "", false
	}
	val, diags := a.Expr.Value(d.ctx)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() {
		return "", false
	}
	val, _ = val.UnmarkDeep()
	ty := val.Type()
	if val.IsKnown() && !val.IsNull() && ty.IsObjectType() && ty.HasAttribute("address") && ty.HasAttribute("app_id") {
		if addr := val.GetAttr("address"); addr.IsKnown() && !addr.IsNull() && addr.Type() == cty.String {
			return addr.AsString(), true
		}
	}
	detail := "Expected a reference to one application instance, such as application.example, application.example[\"key\"] or application.example[0]."
	if t, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && t.RootName() == "application" && len(t) == 2 {
		if n, ok := attrName(t, 1); ok {
			if b := apps[n]; b != nil && (b.body.attrs["for_each"] != nil || b.body.attrs["count"] != nil) {
				detail = fmt.Sprintf("application.%s has several instances (for_each or count); pick one, such as application.%s[\"key\"] or application.%s[0].", n, n, n)
			}
		}
	}
	d.errorf(a.Expr.Range(), "Invalid application reference", "%s", detail)
	return "", false
}

// choiceList reads a list attribute whose items are each one of choices
// (compared in lower case when fold, and returned so), each listed once.
// kind names an item in diagnostics ("member type"); an empty list is an
// error with emptySummary and emptyDetail.
func (d *decoder) choiceList(attrs hcl.Attributes, name string, choices []string, fold bool, kind, emptySummary, emptyDetail string) []string {
	items, ranges, a := d.strList(attrs, name)
	if a != nil && len(items) == 0 && !d.diags.HasErrors() {
		d.errorf(a.Expr.Range(), emptySummary, "%s", emptyDetail)
	}
	var out []string
	seen := map[string]bool{}
	for i, item := range items {
		key := item
		if fold {
			key = strings.ToLower(item)
		}
		if !oneOf(key, choices) {
			d.errorf(ranges[i], "Invalid "+kind, "%q is not a %s; use %s%s.", item, kind, quoteList(choices), didYouMean(key, choices))
			continue
		}
		if seen[key] {
			d.errorf(ranges[i], "Duplicate "+kind, "%q is listed twice.", item)
			continue
		}
		seen[key] = true
		out = append(out, key)
	}
	return out
}
