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
// application is an error: it is most likely a typo. The operator's own
// application (appId operator) is exported only when -app names it:
// patterns leave it out and it is returned in leftOut.
func findApplications(ctx context.Context, src Source, appIDs, patterns []string, operator string) (ids []string, leftOut []AppSummary, err error) {
	seen := map[string]bool{}
	add := func(id string) {
		id = strings.ToLower(id)
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	operator = strings.ToLower(operator)
	askedFor := false
	for _, id := range appIDs {
		if !guidRE.MatchString(id) {
			return nil, nil, fmt.Errorf("-app %q: an application is named by its appId (client id), a GUID; use -name to find it by display name", id)
		}
		askedFor = askedFor || strings.EqualFold(id, operator)
		add(id)
	}
	left := false
	for _, p := range patterns {
		if strings.TrimSpace(p) == "" {
			return nil, nil, fmt.Errorf("-name needs a pattern, such as \"Flask*\"")
		}
		apps, err := src.ListApplications(ctx, literalPrefix(p))
		if err != nil {
			return nil, nil, err
		}
		var matched []AppSummary
		var self *AppSummary
		for _, a := range apps {
			if !matchName(p, a.DisplayName) {
				continue
			}
			if operator != "" && !askedFor && strings.EqualFold(a.AppID, operator) {
				self = &a
				continue
			}
			matched = append(matched, a)
		}
		if self != nil && !left {
			left = true
			leftOut = append(leftOut, *self)
		}
		if len(matched) == 0 && self != nil {
			return nil, nil, fmt.Errorf("-name %q matches only %q (appId %s), the application entraform signs in as, which patterns leave out; export it with -app %s if you mean to", p, self.DisplayName, self.AppID, self.AppID)
		}
		if len(matched) == 0 {
			return nil, nil, fmt.Errorf("-name %q matches no application's display name (* matches any run of characters, ? one character; case does not matter)", p)
		}
		sort.SliceStable(matched, func(i, j int) bool {
			return strings.ToLower(matched[i].DisplayName) < strings.ToLower(matched[j].DisplayName)
		})
		for _, a := range matched {
			add(a.AppID)
		}
	}
	return ids, leftOut, nil
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
