package plan

import (
	"fmt"
	"sort"
	"strings"
)

// Staleness compares a saved plan with one made now from the same
// configuration and returns, in words, every object the saved plan touches
// that changed in the tenant since. An empty result means the saved plan
// can be applied as it is.
func Staleness(saved, fresh *Plan) []string {
	var out []string
	if saved.ConfigHash != fresh.ConfigHash {
		out = append(out, "the configuration (files or variable values) changed since the plan was made")
	}
	if saved.TenantID != fresh.TenantID {
		out = append(out, fmt.Sprintf("the plan was made for tenant %s, not %s", saved.TenantID, fresh.TenantID))
	}
	if saved.Workspace != fresh.Workspace {
		out = append(out, fmt.Sprintf("the plan was made for workspace %q, not %q", saved.Workspace, fresh.Workspace))
	}
	if saved.Destroy != fresh.Destroy {
		out = append(out, "the plan's destroy mode differs")
	}
	for _, s := range saved.Changes {
		if s.Action == NoOp {
			continue
		}
		f := fresh.Change(s.Address)
		if f == nil {
			out = append(out, fmt.Sprintf("%s: no longer needs a change (someone changed it in the tenant)", s.Address))
			continue
		}
		if f.Type != s.Type {
			out = append(out, fmt.Sprintf("%s: %s in the saved plan, but %s now", s.Address, article(string(s.Type)), article(string(f.Type))))
			continue
		}
		if f.Action != s.Action {
			out = append(out, fmt.Sprintf("%s: planned to %s, now needs to %s", s.Address, s.Action, f.Action))
			continue
		}
		if attrs := changedAttributes(s, f); len(attrs) > 0 {
			out = append(out, fmt.Sprintf("%s: changed in the tenant since the plan (%s)", s.Address, joinNames(attrs)))
		}
	}
	return out
}

// changedAttributes lists the attributes whose "before" value differs
// between two changes of the same object.
func changedAttributes(a, b *Change) []string {
	if a.Before.IsNull() && b.Before.IsNull() {
		return nil
	}
	if a.Before.IsNull() != b.Before.IsNull() {
		return []string{"existence"}
	}
	var out []string
	for _, attr := range schemas[a.Type] {
		if a.IsSensitive(attr.Name) || b.IsSensitive(attr.Name) {
			continue // never written to a plan file, so not compared
		}
		if !equalValues(a.Before.GetAttr(attr.Name), b.Before.GetAttr(attr.Name)) {
			out = append(out, attr.Name)
		}
	}
	sort.Strings(out)
	return out
}

// article puts "a" or "an" before an object type ("an application").
func article(typ string) string {
	name := strings.ReplaceAll(typ, "_", " ")
	if name != "" && strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
