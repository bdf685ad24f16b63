package export

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// findApplications turns -app ids and -name patterns into the appIds to
// export, in the order given, without repeats. A pattern that matches no
// application is an error: it is most likely a typo.
func findApplications(ctx context.Context, src Source, appIDs, patterns []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		id = strings.ToLower(id)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range appIDs {
		if !guidRE.MatchString(id) {
			return nil, fmt.Errorf("-app %q: an application is named by its appId (client id), a GUID; use -name to find it by display name", id)
		}
		add(id)
	}
	for _, p := range patterns {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("-name needs a pattern, such as \"Flask*\"")
		}
		apps, err := src.ListApplications(ctx, literalPrefix(p))
		if err != nil {
			return nil, err
		}
		var matched []AppSummary
		for _, a := range apps {
			if matchName(p, a.DisplayName) {
				matched = append(matched, a)
			}
		}
		if len(matched) == 0 {
			return nil, fmt.Errorf("-name %q matches no application's display name (* matches any run of characters, ? one character; case does not matter)", p)
		}
		sort.SliceStable(matched, func(i, j int) bool {
			return strings.ToLower(matched[i].DisplayName) < strings.ToLower(matched[j].DisplayName)
		})
		for _, a := range matched {
			add(a.AppID)
		}
	}
	return out, nil
}

// literalPrefix is the part of a pattern before its first wildcard: the
// prefix the tenant can filter on.
func literalPrefix(pattern string) string {
	if i := strings.IndexAny(pattern, "*?"); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// matchName reports whether a display name matches a pattern: * matches
// any run of characters (none included), ? exactly one, everything else
// itself, ignoring case. Unlike path.Match, / and [ are plain characters,
// as they are in display names.
func matchName(pattern, name string) bool {
	p := []rune(strings.ToLower(pattern))
	s := []rune(strings.ToLower(name))
	// Iterative glob matching with one backtrack point: the last *.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
