package localtenant

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Options configure a local tenant. The zero value is a usable tenant.
type Options struct {
	Addr             string       // default "127.0.0.1:0"
	Domain           string       // default "contoso.onmicrosoft.com"
	SharePointTenant string       // default "contoso" -> contoso.sharepoint.com
	DataDir          string       // keep the tenant (store, CA, keys, operator secret) across restarts
	Seed             *Seed        // extra sites and users
	Faults           Faults       // faults injected from the start
	RequestLog       io.Writer    // one JSON line per HTTP request: {"method","host","path","query","status","ms","error"}
	IssuerHTTPClient *http.Client // fetches external federated issuers' discovery + JWKS; default trusts system roots + own CA
	// GraphLimits, when set, throttles Graph identity requests as
	// Microsoft Graph does (throttle_limits.go): DocumentedGraphLimits(size)
	// for the published figures. nil is no throttling (beyond Faults).
	GraphLimits *GraphLimits
}

// Faults are injected into Graph and SharePoint requests (never into the
// identity platform or discovery).
type Faults struct {
	Latency          time.Duration // added to every request
	ThrottleRate     float64       // fraction of Graph/SharePoint requests (and $batch items) answered 429 + Retry-After
	RetryAfter       time.Duration // the Retry-After value sent (default 1s; whole seconds, min 1)
	ErrorRate        float64       // fraction answered 500/503/504 with an OData error body
	ReplicationDelay time.Duration // new objects invisible to reads and references for this long
	Seed             int64         // seeds the fault RNG: same seed, same sequence of faults
}

// retryAfterSeconds is the Retry-After header value: whole seconds, at
// least 1, as Graph sends it.
func (f Faults) retryAfterSeconds() int {
	secs := int((f.RetryAfter + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return secs
}

// Seed adds sites, users and groups to the built-in seed.
type Seed struct {
	Sites  []SeedSite  `json:"sites"`
	Users  []SeedUser  `json:"users"`
	Groups []SeedGroup `json:"groups"`
}

// SeedGroup is a security group to add, with its members by
// userPrincipalName: {"displayName":"Ops","members":["alex@contoso.onmicrosoft.com"]}.
// The members must be seeded users (built in or in the same seed).
type SeedGroup struct {
	DisplayName string   `json:"displayName"`
	Description string   `json:"description,omitempty"`
	Members     []string `json:"members"`
}

// SeedSite is a site to add: {"path":"/sites/x","displayName":"X"}.
type SeedSite struct {
	Path        string `json:"path"`
	DisplayName string `json:"displayName"`
	Description string `json:"description,omitempty"`
}

// SeedUser is a user to add. An empty password gets the default one.
type SeedUser struct {
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	Password          string `json:"password"`
	MFA               bool   `json:"mfa"`
}

// LoadSeed reads a seed file.
func LoadSeed(path string) (*Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading seed: %w", err)
	}
	var s Seed
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("parsing seed %s: %w", path, err)
	}
	for i, site := range s.Sites {
		if site.Path == "" || site.Path[0] != '/' {
			return nil, fmt.Errorf("seed %s: site %d: path must start with /", path, i)
		}
	}
	for i, u := range s.Users {
		if u.UserPrincipalName == "" {
			return nil, fmt.Errorf("seed %s: user %d: userPrincipalName is required", path, i)
		}
	}
	for i, g := range s.Groups {
		if g.DisplayName == "" {
			return nil, fmt.Errorf("seed %s: group %d: displayName is required", path, i)
		}
	}
	return &s, nil
}

// EnvVar is one KEY=VALUE line of Server.Env.
type EnvVar struct {
	Key, Value string
}

// RequestRecord is one line of the request log.
type RequestRecord struct {
	Method string  `json:"method"`
	Host   string  `json:"host"`
	Path   string  `json:"path"`
	Query  string  `json:"query,omitempty"`
	Status int     `json:"status"`
	Ms     float64 `json:"ms"`
	// Error is the service's error code of a failed request: Graph's and
	// Resource Manager's error.code, "AADSTS<n>" from the identity
	// platform, SharePoint's odata.error code.
	Error string `json:"error,omitempty"`
}
