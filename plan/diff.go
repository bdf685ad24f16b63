package plan

import (
	"github.com/zclconf/go-cty/cty"
)

// diffAttributes compares the desired object with the actual one and
// returns the names of the attributes that differ, and of those the ones
// that force replacement. Computed attributes whose desired value is
// unknown take the actual value (the tenant decides them), and the
// returned merged value is what the object will be after apply.
func diffAttributes(t ObjectType, actual, desired cty.Value) (merged cty.Value, changed, replace []string) {
	out := make(map[string]cty.Value, len(schemas[t]))
	for _, a := range schemas[t] {
		want := desired.GetAttr(a.Name)
		have := actual.GetAttr(a.Name)
		if a.Computed && (!want.IsKnown() || want.IsNull()) {
			out[a.Name] = have
			continue
		}
		out[a.Name] = want
		if equalValues(have, want) {
			continue
		}
		changed = append(changed, a.Name)
		if a.ForcesReplacement {
			replace = append(replace, a.Name)
		}
	}
	return cty.ObjectVal(out), changed, replace
}

// Equal compares two attribute values as a plan does: null and empty
// lists, null and empty strings, null and false are the same (Graph
// returns either), and an unknown value equals nothing.
func Equal(a, b cty.Value) bool { return equalValues(a, b) }

func equalValues(a, b cty.Value) bool {
	if !a.IsKnown() || !b.IsKnown() {
		return false
	}
	if isEmpty(a) && isEmpty(b) {
		return true
	}
	if a.IsNull() || b.IsNull() {
		return false
	}
	return a.Equals(b).True()
}

func isEmpty(v cty.Value) bool {
	if v.IsNull() {
		return true
	}
	if !v.IsKnown() {
		return false
	}
	switch {
	case v.Type() == cty.String:
		return v.AsString() == ""
	case v.Type().IsListType() || v.Type().IsSetType():
		return v.LengthInt() == 0
	case v.Type() == cty.Bool:
		return v.False()
	}
	return false
}
