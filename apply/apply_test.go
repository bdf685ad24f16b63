package apply_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/internal/engine"
	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/graph/graphtest"
	"github.com/entraform/entraform/providers/sharepoint"
)

// The executor is tested through the real providers against a local
// tenant: the failures it must handle are the tenant's own.

const twoApps = `
tenant { workspace = "exec" }
application "a" {
  display_name = "App A"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "main" { write_to = "secrets/a.env" }
}
application "b" {
  display_name = "App B"
  secret "main" { write_to = "secrets/b.env" }
}
`

type fixture struct {
	tenant *localtenant.Server
	engine *engine.Engine
	cfg    *config.Config
	tally  *apply.Tally
}

func setup(t *testing.T, text string) *fixture {
	t.Helper()
	s, op := graphtest.Start(t, localtenant.Options{}, graph.Options{})
	dir := filepath.Join(t.TempDir(), "exec")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	e := &engine.Engine{
		TenantID:   s.TenantID(),
		Entra:      entra.New(op.Graph, entra.Options{}),
		SharePoint: sharepoint.New(op.Graph, sharepoint.Options{}),
	}
	return &fixture{tenant: s, engine: e, cfg: cfg}
}

func (f *fixture) apply(t *testing.T, ctx context.Context) (*plan.Plan, *apply.Result) {
	t.Helper()
	p, snap, diags, err := f.engine.Plan(context.Background(), f.cfg, plan.Options{})
	if err != nil || diags.HasErrors() {
		t.Fatalf("plan: %v %v", err, diags)
	}
	f.tally = &apply.Tally{}
	return p, f.engine.Apply(ctx, f.cfg, p, snap, engine.ApplyOptions{Parallelism: 4, Tally: f.tally})
}

func skipped(r *apply.Result) []string {
	var out []string
	for _, s := range r.Skipped {
		out = append(out, s.Address+" <- "+s.Because)
	}
	sort.Strings(out)
	return out
}

func TestApplyCreatesInDependencyOrder(t *testing.T) {
	f := setup(t, twoApps)
	_, r := f.apply(t, context.Background())
	if !r.OK() {
		t.Fatalf("apply failed: %+v", r.Failed)
	}
	if len(r.Applied) != 7 {
		t.Errorf("applied %d changes, want 7: %v", len(r.Applied), r.Applied)
	}
	// application -> service principal -> role assignment.
	if r.Rounds != 3 {
		t.Errorf("rounds = %d, want the dependency depth 3", r.Rounds)
	}
	pos := map[string]int{}
	for i, a := range r.Applied {
		pos[a] = i
	}
	for _, pair := range [][2]string{
		{"application.a", "application.a.service_principal"},
		{"application.a.service_principal", `application.a.role["Sites.Read.All"]`},
		{"application.a", "application.a.secret.main"},
	} {
		if pos[pair[0]] > pos[pair[1]] {
			t.Errorf("%s applied after %s", pair[0], pair[1])
		}
	}
	if ids := r.Apps["application.a"]; ids.AppID == "" || ids.ServicePrincipalID == "" {
		t.Errorf("result lacks application.a's ids: %+v", ids)
	}
	if got := len(r.Secrets["application.a"]); got != 1 {
		t.Errorf("%d secrets recorded for application.a, want 1", got)
	}
}

func TestApplySkipsTheDependantsOfAFailure(t *testing.T) {
	f := setup(t, twoApps)
	f.tenant.FailMatching("PATCH", "/applications(uniqueName='entraform.exec.a')", 1, 400)
	_, r := f.apply(t, context.Background())
	if len(r.Failed) != 1 || r.Failed[0].Address != "application.a" {
		t.Fatalf("failed = %+v, want application.a only", r.Failed)
	}
	want := []string{
		`application.a.role["Sites.Read.All"] <- application.a`,
		"application.a.secret.main <- application.a",
		"application.a.service_principal <- application.a",
	}
	if diff := cmp.Diff(want, skipped(r)); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	// The progress display's tally saw the same.
	if diff := cmp.Diff(apply.Counts{Total: 7, Applied: 3, Failed: 1, Skipped: 3}, f.tally.Counts()); diff != "" {
		t.Errorf("tally (-want +got):\n%s", diff)
	}
	for _, addr := range []string{"application.b", "application.b.service_principal", "application.b.secret.main"} {
		if !contains(r.Applied, addr) {
			t.Errorf("%s was not applied: %v", addr, r.Applied)
		}
	}
	// The next plan has exactly what remains.
	p, _, _, err := f.engine.Plan(context.Background(), f.cfg, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, c := range p.Changes {
		if c.Action != plan.NoOp {
			left = append(left, c.Address)
		}
	}
	wantLeft := []string{"application.a", `application.a.role["Sites.Read.All"]`, "application.a.secret.main", "application.a.service_principal"}
	if diff := cmp.Diff(wantLeft, left); diff != "" {
		t.Errorf("what remains (-want +got):\n%s", diff)
	}
}

func TestApplyInterruptedReportsWhatDidNotStart(t *testing.T) {
	f := setup(t, twoApps)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p, r := f.apply(t, ctx)
	done := len(r.Applied) + len(r.Failed) + len(r.Skipped)
	todo := 0
	for _, c := range p.Changes {
		if c.Action != plan.NoOp {
			todo++
		}
	}
	if done != todo {
		t.Errorf("%d changes accounted for (applied %d, failed %d, skipped %d), want all %d", done, len(r.Applied), len(r.Failed), len(r.Skipped), todo)
	}
	if r.OK() {
		t.Error("an interrupted apply reports success")
	}
}

func TestApplySecretFileIsPrivate(t *testing.T) {
	f := setup(t, twoApps)
	_, r := f.apply(t, context.Background())
	if !r.OK() {
		t.Fatalf("apply failed: %+v", r.Failed)
	}
	path := f.cfg.Path("secrets/a.env")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, st.Mode().Perm())
	}
	if dst, _ := os.Stat(filepath.Dir(path)); dst.Mode().Perm() != 0o700 {
		t.Errorf("%s has mode %v, want 0700", filepath.Dir(path), dst.Mode().Perm())
	}
	sf, err := apply.ReadSecretFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if sf.ClientID != r.Apps["application.a"].AppID || sf.TenantID != f.tenant.TenantID() || sf.KeyID == "" || sf.Secret != r.Secrets["application.a"][0].Value {
		t.Errorf("secret file does not describe the new secret: %+v", sf)
	}
}

func TestApplySecretThatCannotBeWrittenIsTakenBack(t *testing.T) {
	f := setup(t, strings.Replace(twoApps, `write_to = "secrets/b.env"`, `write_to = "blocked/b.env"`, 1))
	p, snap, diags, err := f.engine.Plan(context.Background(), f.cfg, plan.Options{})
	if err != nil || diags.HasErrors() {
		t.Fatalf("plan: %v %v", err, diags)
	}
	// After the plan, a file appears where the directory should be: the
	// value cannot be written.
	if err := os.WriteFile(f.cfg.Path("blocked"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := f.engine.Apply(context.Background(), f.cfg, p, snap, engine.ApplyOptions{Parallelism: 4})
	if len(r.Failed) != 1 || r.Failed[0].Address != "application.b.secret.main" {
		t.Fatalf("failed = %+v, want application.b.secret.main", r.Failed)
	}
	os.Remove(f.cfg.Path("blocked"))
	after, err := f.engine.Refresh(context.Background(), f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range after.Applications {
		if a.DisplayName == "App B" && len(a.PasswordCredentials) != 0 {
			t.Errorf("App B keeps %d secrets whose value went nowhere", len(a.PasswordCredentials))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
