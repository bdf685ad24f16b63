package reliability

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/localtenant"
)

// killPoint is where an apply is killed: at its n-th request (counted
// over every host, sign-in included), or at the request that carries the
// n-th request (alone or as a $batch item) whose method and shape
// (requestShape) are Match; before the tenant sees it or after the tenant
// acted but before the answer arrives.
type killPoint struct {
	N     int64
	Match string
	Stage stage
	// LongOnly points run only with -reliability.long.
	LongOnly bool
}

func (k killPoint) String() string {
	if k.Match != "" {
		return fmt.Sprintf("%s #%d %s the tenant", k.Match, k.N, k.Stage)
	}
	return fmt.Sprintf("request %d %s the tenant", k.N, k.Stage)
}

// crashScenario is a starting workspace (applied fully first, unless
// nil) and the workspace whose apply is killed, with the tenant's faults
// and the kill points aimed at the writes whose answer matters most.
type crashScenario struct {
	Name   string
	Before *workspace
	After  workspace
	// Faults of the tenant during the killed apply and the rerun, which
	// follows at once; the plan after it waits for the replication delay.
	Faults localtenant.Faults
	// Targeted kill points, run with Faults (the stratified ones run
	// without faults, so that request counts match the calibration).
	Targeted []killPoint
}

const (
	shapeUpsert       = "PATCH graph.microsoft.com/v1.0/applications(uniqueName='{name}')"
	shapeAppPatch     = "PATCH graph.microsoft.com/v1.0/applications/{id}"
	shapeAddPassword  = "POST graph.microsoft.com/v1.0/applications/{id}/addPassword"
	shapeFederated    = "POST graph.microsoft.com/v1.0/applications/{id}/federatedIdentityCredentials"
	shapeSPCreate     = "POST graph.microsoft.com/v1.0/servicePrincipals"
	shapeSPDelete     = "DELETE graph.microsoft.com/v1.0/servicePrincipals/{id}"
	shapeAppDelete    = "DELETE graph.microsoft.com/v1.0/applications/{id}"
	shapeRoleAssign   = "POST graph.microsoft.com/v1.0/servicePrincipals/{id}/appRoleAssignedTo"
	shapeGrant        = "POST graph.microsoft.com/v1.0/oauth2PermissionGrants"
	shapeGrantPatch   = "PATCH graph.microsoft.com/v1.0/oauth2PermissionGrants/{id}"
	shapeSiteGrant    = "POST graph.microsoft.com/v1.0/sites/{site}/permissions"
	shapeSiteGrantSet = "PATCH graph.microsoft.com/v1.0/sites/{site}/permissions/{id}"
)

func crashScenarios(apps int) []crashScenario {
	create := workspace{Name: "crash", Apps: standardApps(apps)}
	// The change: the last application is removed (with its children and
	// site grant), a new one is added, one site grant gets a second role,
	// one application gets a second delegated permission, one loses its
	// certificate.
	before := workspace{Name: "crash", Apps: standardApps(apps)}
	after := workspace{Name: "crash", Apps: append([]appSpec(nil), before.Apps[:apps-1]...)}
	after.Apps[0].SiteRoles = []string{"read", "write"}
	after.Apps[1].Certificate = false
	after.Apps[2].Delegated = []string{"User.Read", "User.ReadBasic.All"}
	after.Apps = append(after.Apps, appSpec{Name: "app90", Roles: []string{"Sites.Selected"}, Delegated: []string{"User.Read"}, Secret: true, Certificate: true, SiteRoles: []string{"read"}})
	replication := localtenant.Faults{ReplicationDelay: time.Second}
	return []crashScenario{
		{Name: "create", After: create, Faults: replication, Targeted: []killPoint{
			{Match: shapeUpsert, N: 2, Stage: afterTenant},
			{Match: shapeSPCreate, N: 1, Stage: afterTenant},
			{Match: shapeAddPassword, N: 2, Stage: afterTenant},
			{Match: shapeAppPatch, N: 1, Stage: afterTenant, LongOnly: true},
			{Match: shapeFederated, N: 1, Stage: afterTenant, LongOnly: true},
			{Match: shapeRoleAssign, N: 2, Stage: afterTenant, LongOnly: true},
			{Match: shapeGrant, N: 1, Stage: afterTenant, LongOnly: true},
			{Match: shapeSiteGrant, N: 3, Stage: afterTenant},
		}},
		{Name: "change", Before: &before, After: after, Faults: replication, Targeted: []killPoint{
			{Match: shapeSPDelete, N: 1, Stage: afterTenant},
			{Match: shapeAppDelete, N: 1, Stage: afterTenant},
			{Match: shapeGrantPatch, N: 1, Stage: afterTenant, LongOnly: true},
			{Match: shapeSiteGrantSet, N: 1, Stage: afterTenant, LongOnly: true},
		}},
	}
}

// TestCrashRecovery kills applies with SIGKILL at chosen requests and runs
// them again: the rerun must succeed, the plan after it must be empty, and
// the tenant must hold exactly the declared objects (no duplicate
// applications, no orphaned service principals, grants or site grants),
// with secret files that name a secret of their application that signs
// in. A secret created but whose value was lost with the killed process
// must be replaced, not kept.
//
// Kill points: the requests of a full apply are counted once (calibration),
// split into equal strata, and one request drawn at random in each
// (-reliability.seed), alternately before and after the tenant.
func TestCrashRecovery(t *testing.T) {
	apps, points := 6, map[string]int{"create": 8, "change": 4}
	if *longRun {
		apps, points = 12, map[string]int{"create": 30, "change": 15}
	}
	var (
		mu      sync.Mutex
		figures []string
		lost    atomic.Int64
	)
	for _, sc := range crashScenarios(apps) {
		t.Run(sc.Name, func(t *testing.T) {
			total := calibrate(t, sc)
			kills := chooseKillPoints(total, points[sc.Name], *runSeed)
			t.Logf("FIGURE crash scenario=%s apps=%d requests_of_full_apply=%d kill_points=%d", sc.Name, len(sc.After.Apps), total, len(kills))
			for _, k := range kills {
				t.Run(fmt.Sprintf("%d-%s", k.N, k.Stage), func(t *testing.T) {
					t.Parallel()
					hit, lostHere := crashAndRecover(t, sc, localtenant.Faults{}, []killPoint{k})
					lost.Add(int64(lostHere))
					mu.Lock()
					figures = append(figures, fmt.Sprintf("%s %s: %s", sc.Name, k, strings.Join(hit, "; ")))
					mu.Unlock()
				})
			}
			for _, k := range sc.Targeted {
				if k.LongOnly && !*longRun {
					continue
				}
				t.Run(strings.ReplaceAll(k.String(), "/", "_"), func(t *testing.T) {
					t.Parallel()
					hit, lostHere := crashAndRecover(t, sc, sc.Faults, []killPoint{k})
					lost.Add(int64(lostHere))
					mu.Lock()
					figures = append(figures, fmt.Sprintf("%s (replication delay %s) %s: %s", sc.Name, sc.Faults.ReplicationDelay, k, strings.Join(hit, "; ")))
					mu.Unlock()
				})
			}
		})
	}
	if *longRun {
		// Chains: the rerun is killed too, then a third run finishes.
		t.Run("chained", func(t *testing.T) {
			sc := crashScenarios(apps)[0]
			total := calibrate(t, sc)
			rng := rand.New(rand.NewPCG(uint64(*runSeed), 99))
			for i := 0; i < 10; i++ {
				ks := []killPoint{
					{N: 1 + rng.Int64N(total-1), Stage: stage(rng.IntN(2))},
					{N: 1 + rng.Int64N(total/2), Stage: stage(rng.IntN(2))},
				}
				t.Run(fmt.Sprintf("%s,%s", ks[0], ks[1]), func(t *testing.T) {
					t.Parallel()
					hit, lostHere := crashAndRecover(t, sc, localtenant.Faults{}, ks)
					lost.Add(int64(lostHere))
					mu.Lock()
					figures = append(figures, fmt.Sprintf("chained %v: %s", ks, strings.Join(hit, "; ")))
					mu.Unlock()
				})
			}
		})
	}
	t.Cleanup(func() {
		sort.Strings(figures)
		for _, f := range figures {
			t.Logf("FIGURE kill %s", f)
		}
		t.Logf("FIGURE crash kills=%d secrets_whose_value_was_lost=%d", len(figures), lost.Load())
	})
}

// calibrate counts the requests of a full apply of the scenario.
func calibrate(t *testing.T, sc crashScenario) int64 {
	t.Helper()
	h, dir := startScenario(t, sc)
	h.wire.resetCount()
	h.mustRun(dir, 0, "apply", "-auto-approve")
	return h.wire.Requests()
}

// startScenario starts a tenant without faults, applies the scenario's
// Before (if any) in a new directory and writes its After there.
func startScenario(t *testing.T, sc crashScenario) (*harness, string) {
	t.Helper()
	h := newHarness(t, localtenant.Faults{})
	dir := t.TempDir()
	if sc.Before != nil {
		writeFiles(t, dir, sc.Before.Files())
		h.mustRun(dir, 0, "apply", "-auto-approve")
	}
	writeFiles(t, dir, sc.After.Files())
	return h, dir
}

// chooseKillPoints draws one request in each of n equal strata of 1..total.
func chooseKillPoints(total int64, n int, seed int64) []killPoint {
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	var out []killPoint
	for i := 0; i < n; i++ {
		lo, hi := 1+total*int64(i)/int64(n), total*int64(i+1)/int64(n)
		if hi < lo {
			continue
		}
		out = append(out, killPoint{N: lo + rng.Int64N(hi-lo+1), Stage: stage(i % 2)})
	}
	return out
}

// crashAndRecover applies the scenario, killing successive runs at the
// kill points, then runs apply to its end and checks the tenant. It
// returns the requests the kills hit and the number of secrets whose
// value the kills lost (in the tenant, in no file) that the rerun had to
// replace.
func crashAndRecover(t *testing.T, sc crashScenario, faults localtenant.Faults, kills []killPoint) (hit []string, lostSecrets int) {
	h, dir := startScenario(t, sc)
	h.setFaults(faults)
	// What the first apply made is old news: visible to the next refresh.
	h.tenant.AdvanceClock(faults.ReplicationDelay)
	for _, k := range kills {
		desc, killed := h.applyKilledAt(dir, k)
		if !killed {
			if k.Match != "" {
				t.Errorf("the apply ended without reaching %s: the kill point proves nothing", k)
			}
			hit = append(hit, "not reached (the apply ended first)")
			continue
		}
		hit = append(hit, desc)
	}
	lostSecrets = h.lostSecrets(t, sc.After, dir)

	r := h.run(dir, nil, "apply", "-auto-approve")
	if r.Code != 0 {
		t.Fatalf("the rerun after %v exited %d:\n%s\n%s", kills, r.Code, tail(r.Stdout, 30), tail(r.Stderr, 30))
	}
	time.Sleep(faults.ReplicationDelay)
	p := h.run(dir, nil, "plan", "-detailed-exitcode")
	if p.Code != 0 {
		t.Errorf("the plan after the rerun exited %d, want 0 (no changes):\n%s", p.Code, tail(p.Stdout, 60))
	}
	h.checkTenant(t, sc.After, dir)
	return hit, lostSecrets
}

// applyKilledAt runs apply and kills it at k. It returns the request the
// kill hit and whether the process was killed (false when it ended before
// reaching k).
func (h *harness) applyKilledAt(dir string, k killPoint) (string, bool) {
	var (
		current atomic.Pointer[proc]
		hitDesc atomic.Value
	)
	var matched atomic.Int64
	h.wire.resetCount()
	h.wire.setHook(func(n int64, st stage, r *http.Request, body []byte) bool {
		if k.Match != "" {
			// The request that carries the N-th item of that shape (a
			// $batch carries several).
			c := 0
			for _, sh := range requestShapes(r, body) {
				if sh == k.Match {
					c++
				}
			}
			if st != beforeTenant || c == 0 {
				return false
			}
			after := matched.Add(int64(c))
			if after-int64(c) >= k.N || after < k.N {
				return false
			}
		} else if n != k.N || st != k.Stage {
			return false
		}
		if k.Match != "" && k.Stage == afterTenant {
			// Let the request through; kill when its answer is back.
			h.wire.setHook(func(_ int64, st2 stage, r2 *http.Request, _ []byte) bool {
				if st2 != afterTenant || r2 != r {
					return false
				}
				hitDesc.Store(fmt.Sprintf("%s %s", st2, describeShapes(requestShapes(r2, body))))
				for i := 0; current.Load() == nil && i < 1000; i++ {
					time.Sleep(time.Millisecond)
				}
				current.Load().kill()
				return true
			})
			return false
		}
		for i := 0; current.Load() == nil && i < 1000; i++ {
			time.Sleep(time.Millisecond)
		}
		hitDesc.Store(fmt.Sprintf("%s %s", k.Stage, describeShapes(requestShapes(r, body))))
		current.Load().kill()
		return true
	})
	defer h.wire.setHook(nil)
	p := h.start(dir, nil, "apply", "-auto-approve")
	current.Store(p)
	res := h.wait(p)
	if !res.Killed {
		return "", false
	}
	desc, _ := hitDesc.Load().(string)
	return desc, true
}

var (
	guidRE   = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	siteIDRE = regexp.MustCompile(`contoso\.sharepoint\.com,[^/]+`)
	permRE   = regexp.MustCompile(`/permissions/[^/]+`)
	grantRE  = regexp.MustCompile(`/oauth2PermissionGrants/[^/]+`)
)

// requestShape is a request's host and path with ids replaced.
func requestShape(r *http.Request) string {
	p := guidRE.ReplaceAllString(r.URL.Path, "{id}")
	p = siteIDRE.ReplaceAllString(p, "{site}")
	p = permRE.ReplaceAllString(p, "/permissions/{id}")
	p = grantRE.ReplaceAllString(p, "/oauth2PermissionGrants/{id}")
	if i := strings.Index(p, "uniqueName='"); i >= 0 {
		p = p[:i] + "uniqueName='{name}')"
	}
	host := strings.TrimSuffix(r.Host, ":443")
	return host + p
}

// requestShapes describes a request as "METHOD shape"; a $batch is
// described by its items ("$batch[POST graph.microsoft.com/v1.0/...]"),
// in their order, since the writes an apply coalesces travel inside one.
func requestShapes(r *http.Request, body []byte) []string {
	own := r.Method + " " + requestShape(r)
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/$batch") {
		return []string{own}
	}
	var batch struct {
		Requests []struct {
			Method string `json:"method"`
			URL    string `json:"url"`
		} `json:"requests"`
	}
	if json.Unmarshal(body, &batch) != nil || len(batch.Requests) == 0 {
		return []string{own}
	}
	base := strings.TrimSuffix(r.URL.Path, "/$batch")
	var out []string
	for _, it := range batch.Requests {
		u, err := url.Parse(base + "/" + strings.TrimPrefix(it.URL, "/"))
		if err != nil {
			continue
		}
		item := &http.Request{Method: it.Method, Host: r.Host, URL: u}
		out = append(out, it.Method+" "+requestShape(item))
	}
	return out
}

// describeShapes names the request a kill hit: its shape, or for a
// $batch the shapes of its items with their counts.
func describeShapes(shapes []string) string {
	if len(shapes) == 1 {
		return shapes[0]
	}
	counts := map[string]int{}
	var order []string
	for _, s := range shapes {
		if counts[s] == 0 {
			order = append(order, s)
		}
		counts[s]++
	}
	parts := make([]string, len(order))
	for i, s := range order {
		parts[i] = fmt.Sprintf("%s x%d", s, counts[s])
	}
	return "$batch[" + strings.Join(parts, ", ") + "]"
}

// lostSecrets counts the secrets of the workspace's applications that no
// secret file holds: values that existed only in the killed process.
func (h *harness) lostSecrets(t *testing.T, w workspace, dir string) int {
	t.Helper()
	n := 0
	h.settle(func() {
		v := h.inspector().view(t, w)
		held := map[string]bool{}
		for _, a := range w.Apps {
			if f, err := apply.ReadSecretFile(filepath.Join(dir, secretFile(a.Name))); err == nil {
				held[strings.ToLower(f.KeyID)] = true
			} else if !os.IsNotExist(err) {
				t.Errorf("%s: %v", secretFile(a.Name), err)
			}
		}
		for _, secrets := range v.Secrets {
			for keyID := range secrets {
				if !held[keyID] {
					n++
				}
			}
		}
	})
	return n
}
