package reliability

import (
	"fmt"
	"math/rand/v2"
	"net/http"
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
// over every host, sign-in included), before the tenant sees it or after
// the tenant acted but before the answer arrives.
type killPoint struct {
	N     int64
	Stage stage
}

func (k killPoint) String() string { return fmt.Sprintf("request %d %s the tenant", k.N, k.Stage) }

// crashScenario is a starting workspace (applied fully first, unless
// nil) and the workspace whose apply is killed.
type crashScenario struct {
	Name   string
	Before *workspace
	After  workspace
}

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
	return []crashScenario{
		{Name: "create", After: create},
		{Name: "change", Before: &before, After: after},
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
					hit, lostHere := crashAndRecover(t, sc, []killPoint{k})
					lost.Add(int64(lostHere))
					mu.Lock()
					figures = append(figures, fmt.Sprintf("%s %s: %s", sc.Name, k, strings.Join(hit, "; ")))
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
					hit, lostHere := crashAndRecover(t, sc, ks)
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
	h := newHarness(t, localtenant.Faults{})
	dir := t.TempDir()
	if sc.Before != nil {
		writeFiles(t, dir, sc.Before.Files())
		h.mustRun(dir, 0, "apply", "-auto-approve")
	}
	writeFiles(t, dir, sc.After.Files())
	h.wire.resetCount()
	h.mustRun(dir, 0, "apply", "-auto-approve")
	return h.wire.Requests()
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
func crashAndRecover(t *testing.T, sc crashScenario, kills []killPoint) (hit []string, lostSecrets int) {
	h := newHarness(t, localtenant.Faults{})
	dir := t.TempDir()
	if sc.Before != nil {
		writeFiles(t, dir, sc.Before.Files())
		h.mustRun(dir, 0, "apply", "-auto-approve")
	}
	writeFiles(t, dir, sc.After.Files())
	for _, k := range kills {
		desc, killed := h.applyKilledAt(dir, k)
		if !killed {
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
	h.wire.resetCount()
	h.wire.setHook(func(n int64, st stage, r *http.Request) bool {
		if n != k.N || st != k.Stage {
			return false
		}
		for i := 0; current.Load() == nil && i < 1000; i++ {
			time.Sleep(time.Millisecond)
		}
		hitDesc.Store(fmt.Sprintf("%s %s %s", k.Stage, r.Method, requestShape(r)))
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
)

// requestShape is a request's host and path with ids replaced.
func requestShape(r *http.Request) string {
	p := guidRE.ReplaceAllString(r.URL.Path, "{id}")
	p = siteIDRE.ReplaceAllString(p, "{site}")
	p = permRE.ReplaceAllString(p, "/permissions/{id}")
	if i := strings.Index(p, "uniqueName='"); i >= 0 {
		p = p[:i] + "uniqueName='{name}')"
	}
	host := strings.TrimSuffix(r.Host, ":443")
	return host + p
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
