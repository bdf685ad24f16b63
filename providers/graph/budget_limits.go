package graph

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits are the throttling quotas of Microsoft Graph's identity and
// access service that the client paces itself by (Options.Budget). The
// figures and request costs are those of the "Microsoft Graph
// service-specific throttling limits" page
// (https://learn.microsoft.com/graph/throttling-limits, "Identity and
// access service limits"): see DocumentedLimits. A zero Quota is no limit.
type Limits struct {
	// ResourceUnits: per application in one tenant; every request costs
	// at least 1 unit.
	ResourceUnits Quota
	// Writes: per application in one tenant; POST, PATCH, PUT and DELETE
	// cost 1 each.
	Writes Quota
	// TenantWrites: per tenant, all applications together.
	TenantWrites Quota
}

// Quota is Limit units per Per, as a token bucket that starts full.
type Quota struct {
	Limit int
	Per   time.Duration
}

func (q Quota) enabled() bool { return q.Limit > 0 && q.Per > 0 }

// DocumentedLimits are the published identity limits for a small tenant
// (under 50 users; the strictest resource-unit quota, 3,500 per 10 s;
// medium tenants get 5,000 and large ones 8,000), 3,000 writes per 2 min
// 30 s per application and tenant, and 18,000 writes per 5 minutes per
// tenant.
func DocumentedLimits() Limits {
	return Limits{
		ResourceUnits: Quota{Limit: 3500, Per: 10 * time.Second},
		Writes:        Quota{Limit: 3000, Per: 150 * time.Second},
		TenantWrites:  Quota{Limit: 18000, Per: 5 * time.Minute},
	}
}

// LimitsFromSetting reads the setting ENTRAFORM_GRAPH_LIMITS holds:
// "" or "documented" for DocumentedLimits, "off" for no pacing (nil),
// or the path of a JSON limits file, the format `entraform tenant serve
// -graph-limits` reads:
//
//	{"resourceUnits": {"limit": 3500, "per": "10s"},
//	 "writes":        {"limit": 3000, "per": "150s"},
//	 "tenantWrites":  {"limit": 18000, "per": "5m"}}
func LimitsFromSetting(value string, readFile func(string) ([]byte, error)) (*Limits, error) {
	switch strings.TrimSpace(value) {
	case "", "documented":
		l := DocumentedLimits()
		return &l, nil
	case "off":
		return nil, nil
	}
	b, err := readFile(value)
	if err != nil {
		return nil, fmt.Errorf("reading graph limits: %w", err)
	}
	l, err := ParseLimits(b)
	if err != nil {
		return nil, fmt.Errorf("graph limits %s: %w", value, err)
	}
	return &l, nil
}

// ParseLimits reads a JSON limits file (see LimitsFromSetting); a quota
// left out is no limit.
func ParseLimits(data []byte) (Limits, error) {
	type quota struct {
		Limit int    `json:"limit"`
		Per   string `json:"per"`
	}
	var f struct {
		ResourceUnits *quota `json:"resourceUnits"`
		Writes        *quota `json:"writes"`
		TenantWrites  *quota `json:"tenantWrites"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Limits{}, err
	}
	conv := func(name string, q *quota) (Quota, error) {
		if q == nil {
			return Quota{}, nil
		}
		per, err := time.ParseDuration(q.Per)
		if err != nil || per <= 0 || q.Limit <= 0 {
			return Quota{}, fmt.Errorf("%s: want a positive limit and a duration such as \"10s\" (got %d per %q)", name, q.Limit, q.Per)
		}
		return Quota{Limit: q.Limit, Per: per}, nil
	}
	var l Limits
	var err error
	if l.ResourceUnits, err = conv("resourceUnits", f.ResourceUnits); err != nil {
		return Limits{}, err
	}
	if l.Writes, err = conv("writes", f.Writes); err != nil {
		return Limits{}, err
	}
	if l.TenantWrites, err = conv("tenantWrites", f.TenantWrites); err != nil {
		return Limits{}, err
	}
	return l, nil
}

// cost is what one request costs under the documented rules.
type cost struct {
	units, writes int
}

// listedCosts are the base resource-unit costs the throttling-limits page
// lists (all reads; write cost 0), by lower-case method and path with
// {id} for keys; any other identity request costs 1 unit, and 1 write
// when it is a POST, PATCH, PUT or DELETE.
var listedCosts = map[string]int{
	"get applications":                              2,
	"get applications/{id}/extensionproperties":     2,
	"get contracts":                                 3,
	"post directoryobjects/getbyids":                3,
	"get domains/{id}/domainnamereferences":         4,
	"post getobjectsbyid":                           3,
	"get groups/{id}/members":                       3,
	"get groups/{id}/transitivemembers":             5,
	"post ismemberof":                               4,
	"post me/checkmembergroups":                     4,
	"post me/checkmemberobjects":                    4,
	"post me/getmembergroups":                       2,
	"post me/getmemberobjects":                      2,
	"get me/licensedetails":                         2,
	"get me/memberof":                               2,
	"get me/ownedobjects":                           2,
	"get me/transitivememberof":                     2,
	"get oauth2permissiongrants":                    2,
	"get oauth2permissiongrants/{id}":               2,
	"get serviceprincipals/{id}/approleassignments": 2,
	"get subscribedskus":                            3,
	"get users":                                     2,
}

// notIdentity are Graph paths outside the identity service (files and
// lists are throttled under SharePoint's rules) or not charged ($batch:
// its items are, one by one).
var notIdentity = map[string]bool{"sites": true, "drives": true, "drive": true, "shares": true, "$batch": true}

// costOf is the documented cost of a Graph request (path relative to the
// host, with or without the version root) and whether the identity
// limits apply to it: key segments ("applications(uniqueName='x')")
// count as {id}, $select lowers the cost by 1, $expand raises it by 1,
// $top under 20 lowers it by 1, never below 1.
func costOf(method, path string, query url.Values) (cost, bool) {
	p := strings.Trim(path, "/")
	if low := strings.ToLower(p); strings.HasPrefix(low, "v1.0/") || strings.HasPrefix(low, "beta/") {
		_, p, _ = strings.Cut(p, "/")
	}
	var segs []string
	for _, s := range strings.Split(strings.ToLower(p), "/") {
		if s == "" {
			continue
		}
		if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
			segs = append(segs, s[:i], "{id}")
			continue
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 || notIdentity[segs[0]] {
		return cost{}, false
	}
	norm := append([]string(nil), segs...)
	if segs[0] != "me" {
		for i := 1; i < len(norm); i += 2 {
			norm[i] = "{id}"
		}
		if len(norm) >= 3 && norm[0] == "users" {
			norm = append([]string{"me"}, norm[2:]...)
		}
	}
	m := strings.ToLower(method)
	c := cost{units: 1}
	switch m {
	case "post", "patch", "put", "delete":
		c.writes = 1
	}
	if n, ok := listedCosts[m+" "+strings.Join(segs, "/")]; ok {
		c = cost{units: n}
	} else if n, ok := listedCosts[m+" "+strings.Join(norm, "/")]; ok {
		c = cost{units: n}
	}
	if query.Has("$select") {
		c.units--
	}
	if query.Has("$expand") {
		c.units++
	}
	if n, err := strconv.Atoi(query.Get("$top")); err == nil && n < 20 {
		c.units--
	}
	if c.units < 1 {
		c.units = 1
	}
	return c, true
}
