package localtenant

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// The identity-and-access throttling limits of Microsoft Graph, as the
// "Microsoft Graph service-specific throttling limits" page publishes them
// (https://learn.microsoft.com/graph/throttling-limits, section "Identity
// and access service limits"; source: microsoftgraph/microsoft-graph-docs-contrib,
// concepts/throttling-limits.md):
//
//	limit type               resource unit quota               write quota
//	application+tenant pair  S 3,500 / M 5,000 / L 8,000       3,000 per 2 min 30 s
//	                         per 10 seconds
//	tenant                   not applicable                    18,000 per 5 minutes
//
// S is a tenant under 50 users, M 50 to 500, L above 500. The page also
// gives per-application limits across all tenants (150,000 resource units
// per 20 s); one local tenant cannot reach them, so they are not modelled.
// Throttling there is a token bucket over the summed costs of requests;
// the items of a $batch are evaluated one by one (Graph's throttling
// guidance, "Best practices to handle throttling": requests in a batch are
// evaluated individually against throttling limits).

// TenantSize picks the application+tenant resource-unit quota.
type TenantSize string

// The sizes of the throttling-limits page.
const (
	TenantSmall  TenantSize = "small"  // under 50 users: 3,500 resource units per 10 s
	TenantMedium TenantSize = "medium" // 50 to 500 users: 5,000 per 10 s
	TenantLarge  TenantSize = "large"  // above 500 users: 8,000 per 10 s
)

// ParseTenantSize reads small, medium or large (also S, M, L).
func ParseTenantSize(s string) (TenantSize, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "small", "s":
		return TenantSmall, nil
	case "medium", "m":
		return TenantMedium, nil
	case "large", "l":
		return TenantLarge, nil
	}
	return "", fmt.Errorf("tenant size %q: want small, medium or large", s)
}

// Quota is a token bucket: Limit units, refilled evenly over Per (a
// full bucket holds Limit units).
type Quota struct {
	Limit int           `json:"limit"`
	Per   time.Duration `json:"-"`
}

// rate is the refill in units per second.
func (q Quota) rate() float64 {
	if q.Per <= 0 {
		return 0
	}
	return float64(q.Limit) / q.Per.Seconds()
}

func (q Quota) enabled() bool { return q.Limit > 0 && q.Per > 0 }

// GraphLimits are the throttling limits the tenant applies to Graph
// identity requests (applications, service principals, grants, users,
// ...; not sites, drives or SharePoint REST, which Microsoft throttles
// under other rules). A zero Quota is no limit.
type GraphLimits struct {
	// ResourceUnits is the resource-unit quota of one application in
	// this tenant (every request costs at least 1).
	ResourceUnits Quota
	// Writes is the write quota of one application in this tenant
	// (POST, PATCH, PUT, DELETE cost 1 each).
	Writes Quota
	// TenantWrites is the write quota of the tenant, all applications
	// together.
	TenantWrites Quota
}

// DocumentedGraphLimits are the published limits for a tenant of that
// size (an unknown size is small, the strictest).
func DocumentedGraphLimits(size TenantSize) GraphLimits {
	ru := 3500
	switch size {
	case TenantMedium:
		ru = 5000
	case TenantLarge:
		ru = 8000
	}
	return GraphLimits{
		ResourceUnits: Quota{Limit: ru, Per: 10 * time.Second},
		Writes:        Quota{Limit: 3000, Per: 150 * time.Second},
		TenantWrites:  Quota{Limit: 18000, Per: 5 * time.Minute},
	}
}

// limitsFile is the JSON of a limits file:
//
//	{"resourceUnits": {"limit": 3500, "per": "10s"},
//	 "writes":        {"limit": 3000, "per": "150s"},
//	 "tenantWrites":  {"limit": 18000, "per": "5m"}}
//
// An absent quota is no limit.
type limitsFile struct {
	ResourceUnits *quotaFile `json:"resourceUnits"`
	Writes        *quotaFile `json:"writes"`
	TenantWrites  *quotaFile `json:"tenantWrites"`
}

type quotaFile struct {
	Limit int    `json:"limit"`
	Per   string `json:"per"`
}

func (q *quotaFile) quota(name string) (Quota, error) {
	if q == nil {
		return Quota{}, nil
	}
	per, err := time.ParseDuration(q.Per)
	if err != nil || per <= 0 {
		return Quota{}, fmt.Errorf("%s: per must be a positive duration such as \"10s\" (got %q)", name, q.Per)
	}
	if q.Limit <= 0 {
		return Quota{}, fmt.Errorf("%s: limit must be positive (got %d)", name, q.Limit)
	}
	return Quota{Limit: q.Limit, Per: per}, nil
}

// ParseGraphLimits reads the JSON of a limits file (see LoadGraphLimits).
func ParseGraphLimits(data []byte) (GraphLimits, error) {
	var f limitsFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return GraphLimits{}, err
	}
	var l GraphLimits
	var err error
	if l.ResourceUnits, err = f.ResourceUnits.quota("resourceUnits"); err != nil {
		return GraphLimits{}, err
	}
	if l.Writes, err = f.Writes.quota("writes"); err != nil {
		return GraphLimits{}, err
	}
	if l.TenantWrites, err = f.TenantWrites.quota("tenantWrites"); err != nil {
		return GraphLimits{}, err
	}
	return l, nil
}

// LoadGraphLimits reads a limits file:
//
//	{"resourceUnits": {"limit": 3500, "per": "10s"},
//	 "writes":        {"limit": 3000, "per": "150s"},
//	 "tenantWrites":  {"limit": 18000, "per": "5m"}}
//
// A quota left out is no limit. Request costs stay the documented ones.
func LoadGraphLimits(path string) (GraphLimits, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return GraphLimits{}, fmt.Errorf("reading graph limits: %w", err)
	}
	l, err := ParseGraphLimits(b)
	if err != nil {
		return GraphLimits{}, fmt.Errorf("graph limits %s: %w", path, err)
	}
	return l, nil
}

// requestCost is what one identity request costs: resource units and
// writes.
type requestCost struct {
	units, writes int
}

// baseCosts are the base resource-unit costs the page lists (method,
// path with {id} for a key segment); anything else costs 1. Paths under
// me/ cost the same under users/{id}/.
var baseCosts = map[string]int{
	"GET applications":                              2,
	"GET applications/{id}/extensionProperties":     2,
	"GET contracts":                                 3,
	"POST directoryObjects/getByIds":                3,
	"GET domains/{id}/domainNameReferences":         4,
	"POST getObjectsById":                           3,
	"GET groups/{id}/members":                       3,
	"GET groups/{id}/transitiveMembers":             5,
	"POST isMemberOf":                               4,
	"POST me/checkMemberGroups":                     4,
	"POST me/checkMemberObjects":                    4,
	"POST me/getMemberGroups":                       2,
	"POST me/getMemberObjects":                      2,
	"GET me/licenseDetails":                         2,
	"GET me/memberOf":                               2,
	"GET me/ownedObjects":                           2,
	"GET me/transitiveMemberOf":                     2,
	"GET oauth2PermissionGrants":                    2,
	"GET oauth2PermissionGrants/{id}":               2,
	"GET servicePrincipals/{id}/appRoleAssignments": 2,
	"GET subscribedSkus":                            3,
	"GET users":                                     2,
}

// lowerCosts is baseCosts keyed in lower case (Graph paths are case
// insensitive).
var lowerCosts = func() map[string]int {
	m := make(map[string]int, len(baseCosts))
	for k, v := range baseCosts {
		m[strings.ToLower(k)] = v
	}
	return m
}()

// notIdentity are the first path segments of Graph that are not the
// identity-and-access service (files and lists have their own limits)
// or not charged at all ($batch: its items are).
var notIdentity = map[string]bool{
	"sites": true, "drives": true, "drive": true, "shares": true, "$batch": true,
}

// costOf is the cost of a Graph request (path without the host; with or
// without the version root) under the documented rules, and whether the
// identity limits apply to it at all.
//
// Key segments ("applications(uniqueName='x')") count as the collection
// plus {id}; $select lowers the cost by 1, $expand raises it by 1, $top
// under 20 lowers it by 1, and no request costs less than 1.
func costOf(method, path string, query url.Values) (requestCost, bool) {
	p := strings.Trim(path, "/")
	low := strings.ToLower(p)
	for _, v := range []string{"v1.0/", "beta/"} {
		if strings.HasPrefix(low, v) {
			p = p[len(v):]
			break
		}
	}
	var segs []string
	for _, s := range strings.Split(p, "/") {
		if s == "" {
			continue
		}
		if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
			segs = append(segs, s[:i], "{id}")
			continue
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 || notIdentity[strings.ToLower(segs[0])] {
		return requestCost{}, false
	}
	// Ids become {id}: every segment that follows a collection and is not
	// a known navigation is treated as a key by position (collection, key,
	// navigation, key, ...).
	norm := make([]string, len(segs))
	for i, s := range segs {
		if i%2 == 1 {
			norm[i] = "{id}"
		} else {
			norm[i] = strings.ToLower(s)
		}
	}
	if strings.EqualFold(segs[0], "me") {
		// me/x: the navigation follows at once.
		norm = append([]string{"me"}, lowerAll(segs[1:])...)
	} else if len(norm) >= 3 && norm[0] == "users" {
		// users/{id}/x costs what me/x costs.
		norm = append([]string{"me"}, norm[2:]...)
	}
	method = strings.ToUpper(method)
	c := requestCost{units: 1}
	switch method {
	case "POST", "PATCH", "PUT", "DELETE":
		c.writes = 1
	}
	// Listed paths (all of them reads, write cost 0), as written
	// (actions such as directoryObjects/getByIds) or with keys as {id}.
	m := strings.ToLower(method) + " "
	if n, ok := lowerCosts[m+strings.Join(lowerAll(segs), "/")]; ok {
		c = requestCost{units: n}
	} else if n, ok := lowerCosts[m+strings.Join(norm, "/")]; ok {
		c = requestCost{units: n}
	}
	if query.Has("$select") {
		c.units--
	}
	if query.Has("$expand") {
		c.units++
	}
	if top := query.Get("$top"); top != "" {
		if n, err := strconv.Atoi(top); err == nil && n < 20 {
			c.units--
		}
	}
	if c.units < 1 {
		c.units = 1
	}
	return c, true
}

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}
