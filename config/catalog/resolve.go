package catalog

import (
	"fmt"
	"strings"

	"github.com/entraform/entraform/config/internal/levenshtein"
)

// Reason classifies a failed resolution.
type Reason int

// Why a name did not resolve.
const (
	// UnknownResource: the catalog has no resource with that appId; the
	// caller may keep the name unresolved and look it up later.
	UnknownResource Reason = iota + 1
	// NotFound: the resource publishes no permission by that value or label.
	NotFound
	// WrongKind: the name is a permission of the other kind.
	WrongKind
	// Ambiguous: the name matches several permissions by label.
	Ambiguous
)

// ResolveError explains why Resolve failed. Its message carries the hints a
// user needs: "did you mean", the list a permission belongs in, or the
// candidates of an ambiguous label.
type ResolveError struct {
	Reason     Reason
	Resource   string // the resource's display name, or the appId
	Kind       Kind   // the list the name was declared in
	Name       string
	Suggestion string       // NotFound: closest value of the right kind, if any is close
	Match      Permission   // WrongKind: the permission of the other kind
	Candidates []Permission // Ambiguous: every permission with that label
}

func (e *ResolveError) Error() string {
	switch e.Reason {
	case UnknownResource:
		return fmt.Sprintf("resource %s is not in the permission catalog", e.Resource)
	case WrongKind:
		other := Delegated
		if e.Kind == Delegated {
			other = Application
		}
		name := fmt.Sprintf("%q", e.Name)
		if !strings.EqualFold(e.Name, e.Match.Value) {
			name += fmt.Sprintf(" (%s)", e.Match.Value)
		}
		return fmt.Sprintf("%s is %s %s permission of %s, not %s %s permission: move it to the %s list",
			name, article(other), other, e.Resource, article(e.Kind), e.Kind, other)
	case Ambiguous:
		vals := make([]string, len(e.Candidates))
		for i, p := range e.Candidates {
			vals[i] = fmt.Sprintf("%q", p.Value)
		}
		return fmt.Sprintf("%q is the label of several %s permissions of %s (%s): use the value instead",
			e.Name, e.Kind, e.Resource, strings.Join(vals, ", "))
	default:
		msg := fmt.Sprintf("%s has no %s permission %q", e.Resource, e.Kind, e.Name)
		if e.Suggestion != "" {
			msg += fmt.Sprintf("; did you mean %q?", e.Suggestion)
		}
		return msg
	}
}

func article(k Kind) string {
	if k == Application {
		return "an"
	}
	return "a"
}

// Resolve finds the permission of kind named name on the resource with
// appId resourceAppID. name matches a permission's value case-insensitively
// ("sites.read.all") or, failing that, its portal label ("Read user
// profiles"). Errors are *ResolveError.
func (c *Catalog) Resolve(resourceAppID string, kind Kind, name string) (Permission, error) {
	if c == nil {
		return Permission{}, &ResolveError{Reason: UnknownResource, Resource: resourceAppID, Kind: kind, Name: name}
	}
	r, ok := c.resources[strings.ToLower(resourceAppID)]
	if !ok {
		return Permission{}, &ResolveError{Reason: UnknownResource, Resource: resourceAppID, Kind: kind, Name: name}
	}
	p, matches := lookup(r.list(kind), name)
	if len(matches) == 1 {
		return p, nil
	}
	if len(matches) > 1 {
		return Permission{}, &ResolveError{Reason: Ambiguous, Resource: r.name(), Kind: kind, Name: name, Candidates: matches}
	}
	other := Delegated
	if kind == Delegated {
		other = Application
	}
	if op, om := lookup(r.list(other), name); len(om) >= 1 {
		if len(om) > 1 {
			op = om[0]
		}
		return Permission{}, &ResolveError{Reason: WrongKind, Resource: r.name(), Kind: kind, Name: name, Match: op}
	}
	return Permission{}, &ResolveError{Reason: NotFound, Resource: r.name(), Kind: kind, Name: name, Suggestion: suggest(r.list(kind), name)}
}

// lookup matches by value first, then by label. It returns the single
// match, or every label match when the label is shared.
func lookup(list []Permission, name string) (Permission, []Permission) {
	n := strings.TrimSpace(name)
	for _, p := range list {
		if strings.EqualFold(p.Value, n) {
			return p, []Permission{p}
		}
	}
	var matches []Permission
	for _, p := range list {
		if p.Label != "" && strings.EqualFold(p.Label, n) {
			matches = append(matches, p)
		}
	}
	if len(matches) == 1 {
		return matches[0], matches
	}
	return Permission{}, matches
}

// suggest returns the value (or, for a label-like name, the label) closest
// to name by edit distance, when it is close enough to be a typo.
func suggest(list []Permission, name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	best, bestDist := "", -1
	consider := func(candidate string) {
		if candidate == "" {
			return
		}
		d := levenshtein.Distance(n, strings.ToLower(candidate))
		if bestDist < 0 || d < bestDist {
			best, bestDist = candidate, d
		}
	}
	for _, p := range list {
		consider(p.Value)
		if strings.Contains(n, " ") {
			consider(p.Label)
		}
	}
	limit := len([]rune(n)) / 3
	if limit < 2 {
		limit = 2
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}
