package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variableDecl is a variable block.
type variableDecl struct {
	name        string
	typ         cty.Type
	hasDefault  bool
	def         cty.Value
	defExpr     hcl.Range // the default's expression
	description string
	sensitive   bool
	nullable    bool
	validations []*block
	defRange    hcl.Range
}

func (l *loader) declareVariable(hb *hcl.Block) hcl.Diagnostics {
	b, diags := decodeBody(hb.Body, variableSchema)
	name := hb.Labels[0]
	if prev, ok := l.variables[name]; ok {
		return append(diags, duplicate("variable", name, hb.DefRange, prev.defRange))
	}
	if !validName(name) {
		return append(diags, invalidName("variable", name, hb.LabelRanges[0]))
	}
	v := &variableDecl{
		name:        name,
		typ:         cty.DynamicPseudoType,
		nullable:    true,
		validations: b.blocks["validation"],
		defRange:    hb.DefRange,
	}
	if a, ok := b.attrs["type"]; ok {
		ty, d := typeexpr.TypeConstraint(a.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			v.typ = ty
		}
	}
	v.description, diags = staticString(b.attrs, "description", diags)
	v.sensitive, diags = staticBool(b.attrs, "sensitive", false, diags)
	v.nullable, diags = staticBool(b.attrs, "nullable", true, diags)
	if a, ok := b.attrs["default"]; ok {
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			cv, err := convert.Convert(val, v.typ)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid default value for variable",
					Detail:   fmt.Sprintf("This default value does not suit the variable's type: %s.", errText(err)),
					Subject:  a.Expr.Range().Ptr(),
				})
			} else {
				v.hasDefault, v.def, v.defExpr = true, cv, a.Expr.Range()
				if cv.IsNull() && !v.nullable {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Invalid default value for variable",
						Detail:   "A variable with nullable = false cannot default to null.",
						Subject:  a.Expr.Range().Ptr(),
					})
				}
			}
		}
	}
	l.variables[name] = v
	return diags
}

// staticString reads an optional attribute that must be a constant string.
func staticString(attrs hcl.Attributes, name string, diags hcl.Diagnostics) (string, hcl.Diagnostics) {
	a, ok := attrs[name]
	if !ok {
		return "", diags
	}
	val, d := a.Expr.Value(nil)
	diags = append(diags, d...)
	if d.HasErrors() || val.IsNull() {
		return "", diags
	}
	s, err := convert.Convert(val, cty.String)
	if err != nil || !s.IsKnown() {
		return "", append(diags, wrongType(a, "a string"))
	}
	return s.AsString(), diags
}

// staticBool reads an optional attribute that must be a constant bool.
func staticBool(attrs hcl.Attributes, name string, def bool, diags hcl.Diagnostics) (bool, hcl.Diagnostics) {
	a, ok := attrs[name]
	if !ok {
		return def, diags
	}
	val, d := a.Expr.Value(nil)
	diags = append(diags, d...)
	if d.HasErrors() || val.IsNull() {
		return def, diags
	}
	b, err := convert.Convert(val, cty.Bool)
	if err != nil || !b.IsKnown() {
		return def, append(diags, wrongType(a, "true or false"))
	}
	return b.True(), diags
}

func wrongType(a *hcl.Attribute, want string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Incorrect attribute value type",
		Detail:   fmt.Sprintf("Inappropriate value for attribute %q: %s is required.", a.Name, want),
		Subject:  a.Expr.Range().Ptr(),
	}
}

// errText renders a cty conversion error (which may carry a path).
func errText(err error) string {
	if pe, ok := err.(cty.PathError); ok && len(pe.Path) > 0 {
		return fmt.Sprintf("%s: %s", pathString(pe.Path), pe.Error())
	}
	return err.Error()
}

func pathString(p cty.Path) string {
	s := ""
	for _, step := range p {
		switch st := step.(type) {
		case cty.GetAttrStep:
			s += "." + st.Name
		case cty.IndexStep:
			switch {
			case st.Key.Type() == cty.String:
				s += fmt.Sprintf("[%q]", st.Key.AsString())
			case st.Key.Type() == cty.Number:
				s += "[" + st.Key.AsBigFloat().Text('f', -1) + "]"
			}
		}
	}
	if len(s) > 0 && s[0] == '.' {
		s = s[1:]
	}
	return "attribute " + s
}

func typeString(t cty.Type) string {
	return typeexpr.TypeString(t)
}
