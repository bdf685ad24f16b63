package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/plan"
)

// line is one attribute line before alignment.
type line struct {
	marker string // "+", "-", "~" or " "
	name   string
	// render writes the value part given the column width of names.
	value func(indent string) string
	note  string // "# forces replacement"
}

func writeAttributes(b *strings.Builder, c *plan.Change, s style) {
	var lines []line
	hidden := 0
	replace := map[string]bool{}
	for _, p := range c.ReplacePaths {
		replace[p] = true
	}
	for _, a := range plan.Schema(c.Type) {
		a.Sensitive = c.IsSensitive(a.Name)
		before, after := attr(c.Before, a.Name), attr(c.After, a.Name)
		switch c.Action {
		case plan.Create:
			if isAbsent(after) {
				continue
			}
			lines = append(lines, line{marker: "+", name: a.Name, value: single(after, a.Sensitive, "+", s)})
		case plan.Delete:
			if isAbsent(before) {
				continue
			}
			lines = append(lines, line{marker: "-", name: a.Name, value: arrow(before, cty.NullVal(a.Type), a.Sensitive, "-", s)})
		default:
			if sameValue(before, after) {
				if !isAbsent(before) {
					hidden++
				}
				continue
			}
			l := line{name: a.Name}
			switch {
			case isAbsent(before):
				l.marker, l.value = "+", single(after, a.Sensitive, "+", s)
			case isAbsent(after) && after.IsKnown():
				l.marker, l.value = "-", arrow(before, after, a.Sensitive, "-", s)
			case isList(before) && isList(after) && after.IsKnown() && !a.Sensitive:
				l.marker, l.value = "~", listDiff(before, after, s)
			default:
				l.marker, l.value = "~", arrow(before, after, a.Sensitive, "~", s)
			}
			if replace[a.Name] {
				l.note = s.red("# forces replacement")
			}
			lines = append(lines, l)
		}
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l.name))
	}
	for _, l := range lines {
		m := markerColor(s, actionOf(l.marker))(l.marker)
		v := l.value("        ")
		if l.note != "" {
			v += " " + l.note
		}
		fmt.Fprintf(b, "      %s %-*s = %s\n", m, width, l.name, v)
	}
	if hidden > 0 {
		word := "attributes"
		if hidden == 1 {
			word = "attribute"
		}
		fmt.Fprintf(b, "        %s\n", s.cyan(fmt.Sprintf("# (%d unchanged %s hidden)", hidden, word)))
	}
}

func actionOf(marker string) plan.Action {
	switch marker {
	case "+":
		return plan.Create
	case "-":
		return plan.Delete
	}
	return plan.Update
}

func attr(obj cty.Value, name string) cty.Value {
	if obj == cty.NilVal || obj.IsNull() || !obj.IsKnown() {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return obj.GetAttr(name)
}

// isAbsent: null, an empty string or list, or false (Graph returns
// either for "not set"; a plan does not list what is not there).
func isAbsent(v cty.Value) bool {
	if v.IsNull() {
		return true
	}
	if !v.IsKnown() {
		return false
	}
	switch {
	case v.Type() == cty.String:
		return v.AsString() == ""
	case v.Type() == cty.Bool:
		return v.False()
	case isList(v):
		return v.LengthInt() == 0
	}
	return false
}

func isList(v cty.Value) bool {
	t := v.Type()
	return t.IsListType() || t.IsSetType() || t.IsTupleType()
}

// sameValue: what the plan considers equal is not shown as a change.
func sameValue(a, b cty.Value) bool { return plan.Equal(a, b) }

func single(v cty.Value, sensitive bool, marker string, s style) func(string) string {
	return func(indent string) string { return value(v, sensitive, marker, indent, s) }
}

func arrow(before, after cty.Value, sensitive bool, marker string, s style) func(string) string {
	return func(indent string) string {
		return value(before, sensitive, marker, indent, s) + " -> " + value(after, sensitive, marker, indent, s)
	}
}

// value formats one value; lists are written one element a line.
func value(v cty.Value, sensitive bool, marker, indent string, s style) string {
	switch {
	case sensitive:
		return "(sensitive value)"
	case !v.IsKnown():
		return "(known after apply)"
	case v.IsNull():
		return "null"
	case v.Type() == cty.String:
		return strconv.Quote(v.AsString())
	case v.Type() == cty.Bool:
		return strconv.FormatBool(v.True())
	case v.Type() == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case isList(v):
		if v.LengthInt() == 0 {
			return "[]"
		}
		var b strings.Builder
		b.WriteString("[\n")
		m := markerColor(s, actionOf(marker))(marker)
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			fmt.Fprintf(&b, "%s  %s %s,\n", indent, m, value(e, false, marker, indent+"    ", s))
		}
		b.WriteString(indent + "]")
		return b.String()
	}
	return v.GoString()
}

// listDiff shows a list change element by element.
func listDiff(before, after cty.Value, s style) func(string) string {
	return func(indent string) string {
		old, cur := elements(before), elements(after)
		inOld, inCur := map[string]bool{}, map[string]bool{}
		for _, e := range old {
			inOld[e] = true
		}
		for _, e := range cur {
			inCur[e] = true
		}
		var b strings.Builder
		b.WriteString("[\n")
		kept := 0
		for _, e := range old {
			if !inCur[e] {
				fmt.Fprintf(&b, "%s  %s %s,\n", indent, s.red("-"), e)
			} else {
				kept++
			}
		}
		for _, e := range cur {
			if !inOld[e] {
				fmt.Fprintf(&b, "%s  %s %s,\n", indent, s.green("+"), e)
			}
		}
		if kept > 0 {
			word := "elements"
			if kept == 1 {
				word = "element"
			}
			fmt.Fprintf(&b, "%s    %s\n", indent, s.cyan(fmt.Sprintf("# (%d unchanged %s hidden)", kept, word)))
		}
		b.WriteString(indent + "]")
		return b.String()
	}
}

func elements(v cty.Value) []string {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, value(e, false, " ", "", style{}))
	}
	return out
}
