package config

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// EnvPrefix is the prefix of environment variables that set input
// variables: ENTRAFORM_VAR_<name>.
const EnvPrefix = "ENTRAFORM_VAR_"

// rawValue is one value given for a variable and where it came from.
type rawValue struct {
	val cty.Value
	rng hcl.Range // where the value was written; the variable block for env values
}

// resolveVariables computes every variable's final value: default <
// -var-file (in order) < ENTRAFORM_VAR_<name> < -var (in order), converts it
// to the declared type, runs the validation blocks and marks sensitive
// values.
func (l *loader) resolveVariables() hcl.Diagnostics {
	var diags hcl.Diagnostics
	given := map[string]rawValue{}

	for _, vf := range l.opts.VarFiles {
		diags = append(diags, l.readVarFile(vf, given)...)
	}
	if l.opts.Getenv != nil {
		for _, name := range sortedKeys(l.variables) {
			raw := l.opts.Getenv(EnvPrefix + name)
			if raw == "" {
				continue
			}
			v := l.variables[name]
			val, d := l.parseRawValue(v, raw, fmt.Sprintf("<value for %s%s>", EnvPrefix, name))
			diags = append(diags, d...)
			if !d.HasErrors() {
				given[name] = rawValue{val: val, rng: v.defRange}
			}
		}
	}
	for _, opt := range l.opts.Vars {
		name, raw, ok := strings.Cut(opt, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid -var option",
				Detail:   fmt.Sprintf("The option -var %q is not of the form NAME=VALUE.", opt),
			})
			continue
		}
		v, declared := l.variables[name]
		if !declared {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("A -var option sets %q, but the configuration declares no variable of that name%s.", name, didYouMean(name, sortedKeys(l.variables))),
			})
			continue
		}
		val, d := l.parseRawValue(v, raw, fmt.Sprintf("<value for var.%s>", name))
		diags = append(diags, d...)
		if !d.HasErrors() {
			given[name] = rawValue{val: val, rng: v.defRange}
		}
	}

	l.varVals = map[string]cty.Value{}
	ranges := map[string]hcl.Range{}
	for _, name := range sortedKeys(l.variables) {
		v := l.variables[name]
		rv, ok := given[name]
		if !ok {
			if !v.hasDefault {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "No value for required variable",
					Detail: fmt.Sprintf("The variable %q has no default, so it needs a value: -var '%s=...', a -var-file, or the environment variable %s%s.",
						name, name, EnvPrefix, name),
					Subject: v.defRange.Ptr(),
				})
				l.varVals[name] = cty.UnknownVal(v.typ)
				continue
			}
			rv = rawValue{val: v.def, rng: v.defExpr}
		}
		val, err := convert.Convert(rv.val, v.typ)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable",
				Detail:   fmt.Sprintf("The value given for variable %q does not suit its type %s: %s.", name, typeString(v.typ), errText(err)),
				Subject:  rv.rng.Ptr(),
			})
			l.varVals[name] = cty.UnknownVal(v.typ)
			continue
		}
		if val.IsNull() && !v.nullable {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable",
				Detail:   fmt.Sprintf("The variable %q has nullable = false, so it cannot be null.", name),
				Subject:  rv.rng.Ptr(),
			})
		}
		l.varVals[name] = val
		ranges[name] = rv.rng
	}
	l.varObj = cty.ObjectVal(l.varVals)
	if diags.HasErrors() {
		return diags
	}

	for _, name := range sortedKeys(l.variables) {
		diags = append(diags, l.validateVariable(l.variables[name], ranges[name])...)
	}
	for name, v := range l.variables {
		if v.sensitive {
			l.varVals[name] = l.varVals[name].Mark(SensitiveMark)
		}
	}
	l.varObj = cty.ObjectVal(l.varVals)
	l.cfg.Variables = l.varVals
	return diags
}

// parseRawValue turns a -var or environment string into a value: taken
// literally for primitive types and untyped variables, parsed as an HCL
// expression (["a", "b"], {k = "v"}) for collection and object types.
func (l *loader) parseRawValue(v *variableDecl, raw, filename string) (cty.Value, hcl.Diagnostics) {
	l.cfg.Files[filename] = &hcl.File{Bytes: []byte(raw)}
	if v.typ.IsPrimitiveType() || v.typ == cty.DynamicPseudoType {
		// Taken literally, but still text: a value that is not UTF-8
		// would be sent, stored as something else, and never match.
		if len(raw) > MaxValueSize {
			return cty.DynamicVal, hcl.Diagnostics{tooLarge(filename, int64(len(raw)), MaxValueSize, "a variable value")}
		}
		if d := checkText(filename, []byte(raw), hcl.InitialPos); d != nil {
			return cty.DynamicVal, hcl.Diagnostics{d}
		}
		return cty.StringVal(raw), nil
	}
	if d := checkValue(filename, raw); d != nil {
		return cty.DynamicVal, hcl.Diagnostics{d}
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), filename, hcl.InitialPos)
	if !diags.HasErrors() {
		var val cty.Value
		val, diags = expr.Value(nil)
		if !diags.HasErrors() {
			return val, diags
		}
	}
	// Say why the text was read as HCL, which a user giving a bare word
	// for a list does not expect.
	first := diags[0]
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			first = d
			break
		}
	}
	return cty.DynamicVal, hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail: fmt.Sprintf("The variable %q has type %s, so its value is read as an HCL expression, such as [\"a\", \"b\"] or {key = \"value\"}: %s; %s",
			v.name, typeString(v.typ), first.Summary, first.Detail),
		Subject: first.Subject,
	}}
}

// readVarFile reads one -var-file into given.
func (l *loader) readVarFile(path string, given map[string]rawValue) hcl.Diagnostics {
	full := inDir(l.opts.Dir, path)
	data, err := readRegularFile(full, MaxFileSize)
	if err != nil {
		d := cannotRead(path, "variables file", err)
		if os.IsNotExist(err) {
			d.Subject = nil // nothing to point at
		}
		return hcl.Diagnostics{d}
	}
	f, diags := parseFile(source{name: path, data: data})
	if f == nil {
		return diags
	}
	l.cfg.Files[path] = f
	if diags.HasErrors() {
		return diags
	}
	attrs, d := f.Body.JustAttributes()
	diags = append(diags, d...)
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		if _, declared := l.variables[name]; !declared {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("The configuration declares no variable %q, so this value is ignored%s.", name, didYouMean(name, sortedKeys(l.variables))),
				Subject:  a.NameRange.Ptr(),
			})
			continue
		}
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			given[name] = rawValue{val: val, rng: a.Expr.Range()}
		}
	}
	return diags
}

// validateVariable runs a variable's validation blocks.
func (l *loader) validateVariable(v *variableDecl, valRange hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": l.varObj},
		Functions: l.funcs,
	}
	for _, vb := range v.validations {
		cond := vb.body.attrs["condition"]
		msg := vb.body.attrs["error_message"]
		if cond == nil || msg == nil {
			continue
		}
		if d := checkVarRefs(cond.Expr, l.variables); d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		res, d := cond.Expr.Value(ctx)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		res, _ = res.UnmarkDeep()
		res, err := convert.Convert(res, cty.Bool)
		if err != nil || res.IsNull() || !res.IsKnown() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid validation condition",
				Detail:   "The condition must give true or false.",
				Subject:  cond.Expr.Range().Ptr(),
			})
			continue
		}
		if res.True() {
			continue
		}
		text := "The value is not valid."
		mv, d := msg.Expr.Value(ctx)
		diags = append(diags, d...)
		if !d.HasErrors() {
			mv, _ = mv.UnmarkDeep()
			if s, err := convert.Convert(mv, cty.String); err == nil && s.IsKnown() && !s.IsNull() {
				text = s.AsString()
			}
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("%s\n\nThis was checked by the validation rule at %s.", text, cond.Expr.Range()),
			Subject:  valRange.Ptr(),
		})
	}
	return diags
}

// checkVarRefs allows only var.<declared> references in expr.
func checkVarRefs(expr hcl.Expression, vars map[string]*variableDecl) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		if t.RootName() != "var" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid reference in variable validation",
				Detail:   "A validation condition can refer only to input variables (var.<name>).",
				Subject:  t.SourceRange().Ptr(),
			})
			continue
		}
		if name, ok := attrName(t, 1); ok {
			if _, declared := vars[name]; !declared {
				diags = append(diags, undeclared("input variable", "var", name, t.SourceRange(), sortedKeys(vars)))
			}
		}
	}
	return diags
}
