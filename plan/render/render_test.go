package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/plan/planfile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var unknown = cty.UnknownVal(cty.String)

// everyAction is a plan with one change of each action, as a reviewer
// would meet them.
func everyAction() *plan.Plan {
	null := func(t plan.ObjectType) cty.Value { return cty.NullVal(plan.ObjectTypeOf(t)) }
	app := func(name string, redirects []string) cty.Value {
		return plan.NewValue(plan.TypeApplication, map[string]any{
			"api_permissions":   []string{"graph: Sites.Read.All (application)"},
			"app_id":            "11111111-1111-1111-1111-111111111111",
			"display_name":      "Flask demo",
			"object_id":         "22222222-2222-2222-2222-222222222222",
			"sign_in_audience":  "AzureADMyOrg",
			"unique_name":       "entraform.demo." + name,
			"web_redirect_uris": redirects,
			"workspace":         "demo",
		})
	}
	created := plan.NewValue(plan.TypeApplication, map[string]any{
		"api_permissions":  []string{"graph: Sites.Selected (application)"},
		"app_id":           unknown,
		"display_name":     "Site reader",
		"object_id":        unknown,
		"sign_in_audience": "AzureADMyOrg",
		"unique_name":      "entraform.demo.reader",
		"workspace":        "demo",
	})
	oldSecret := plan.NewValue(plan.TypeSecret, map[string]any{
		"display_name": "web", "end_date": "2026-12-01T00:00:00Z", "hint": "abc",
		"key_id": "33333333-3333-3333-3333-333333333333", "write_to": "secrets/flask.env",
	})
	newSecret := plan.NewValue(plan.TypeSecret, map[string]any{
		"display_name": "web", "end_date": unknown, "hint": unknown, "key_id": unknown, "value": unknown,
		"write_to": "secrets/flask.env",
	})
	renamedBefore := app("old", nil)
	renamedAfter := plan.NewValue(plan.TypeApplication, map[string]any{
		"api_permissions":  []string{"graph: Sites.Read.All (application)"},
		"app_id":           unknown,
		"display_name":     "Flask demo",
		"object_id":        unknown,
		"sign_in_audience": "AzureADMyOrg",
		"unique_name":      "entraform.demo.new",
		"workspace":        "demo",
	})
	return &plan.Plan{
		Workspace: "demo", TenantID: "tenant", ConfigHash: "hash",
		CreatedAt: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
		Changes: []*plan.Change{
			{Address: "application.flask", Type: plan.TypeApplication, Name: "flask", Action: plan.Update,
				Before: app("flask", []string{"http://localhost:5555/"}),
				After:  app("flask", []string{"http://localhost:5555/", "http://localhost:5556/"})},
			{Address: "application.flask.secret.web", Type: plan.TypeSecret, Name: "web", Action: plan.CreateThenDelete,
				Parent: "application.flask", Before: oldSecret, After: newSecret,
				Reason: "the secret expires on 2026-12-01T00:00:00Z, within rotate_before (30d)"},
			{Address: "application.gone", Type: plan.TypeApplication, Name: "gone", Action: plan.Delete,
				Before: app("gone", nil), After: null(plan.TypeApplication)},
			{Address: "application.reader", Type: plan.TypeApplication, Name: "reader", Action: plan.Create,
				Before: null(plan.TypeApplication), After: created},
			{Address: "application.renamed", Type: plan.TypeApplication, Name: "renamed", Action: plan.DeleteThenCreate,
				Before: renamedBefore, After: renamedAfter, ReplacePaths: []string{"unique_name"}},
			{Address: "application.same", Type: plan.TypeApplication, Name: "same", Action: plan.NoOp,
				Before: app("same", nil), After: app("same", nil)},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plan/render -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestPlanText(t *testing.T) {
	var b bytes.Buffer
	if err := Plan(&b, everyAction(), Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "every_action.txt", b.Bytes())
}

func TestPlanJSON(t *testing.T) {
	var b bytes.Buffer
	if err := planfile.Write(&b, everyAction(), "test"); err != nil {
		t.Fatal(err)
	}
	golden(t, "every_action.json", b.Bytes())
}

func TestNoChanges(t *testing.T) {
	p := everyAction()
	p.Changes = p.Changes[len(p.Changes)-1:]
	var b bytes.Buffer
	if err := Plan(&b, p, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("No changes. Your tenant matches the configuration.")) {
		t.Errorf("no-op plan rendered as:\n%s", b.String())
	}
}

func TestColorOnlyWhenAsked(t *testing.T) {
	var plain, color bytes.Buffer
	Plan(&plain, everyAction(), Options{})
	Plan(&color, everyAction(), Options{Color: true})
	if bytes.Contains(plain.Bytes(), []byte("\x1b[")) {
		t.Error("plain output has ANSI escapes")
	}
	if !bytes.Contains(color.Bytes(), []byte("\x1b[32m")) {
		t.Error("colour output has no green")
	}
}

func TestSummary(t *testing.T) {
	if got, want := Summary(everyAction()), "Plan: 3 to add, 1 to change, 3 to destroy."; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}
