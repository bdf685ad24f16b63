package export_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const (
	graphAppID      = "00000003-0000-0000-c000-000000000000"
	sharePointAppID = "00000003-0000-0ff1-ce00-000000000000"
)

// seedByHand registers the applications of the two source walkthroughs
// (and a least-privilege reader) the way a person does in the portal: no
// unique names, no tags, consent granted with the button, secrets with
// and without a description, a certificate, a federated credential and a
// Sites.Selected grant.
func seedByHand(a *admin) {
	flask := a.application(map[string]any{
		"displayName": "Flask SharePoint demo",
		"web":         map[string]any{"redirectUris": []string{"http://localhost:5555/getAToken"}},
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": sharePointAppID, "resourceAccess": []any{
			map[string]any{"id": "0cea5a30-f6f8-42b5-87a0-84cc26822e02", "type": "Scope"}, // User.Read.All, "Read user profiles"
		}}},
	})
	a.consent(flask, sharePointAppID, "User.Read.All")
	a.addSecret(flask, "flask web")

	lister := a.application(map[string]any{
		"displayName": "SharePoint site lister",
		"notes":       "Lists every site for the intranet search page.",
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": graphAppID, "resourceAccess": []any{
			map[string]any{"id": "332a536c-c7ef-4017-ab91-336970924f0d", "type": "Role"}, // Sites.Read.All
		}}},
	})
	a.assignRole(lister, graphAppID, "332a536c-c7ef-4017-ab91-336970924f0d")
	a.addSecret(lister, "")
	a.addSecret(lister, "")

	reader := a.application(map[string]any{
		"displayName": "SharePoint site reader",
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": graphAppID, "resourceAccess": []any{
			map[string]any{"id": "883ea226-0bf2-4a8f-9f9d-92c9162a727d", "type": "Role"}, // Sites.Selected
		}}},
	})
	a.assignRole(reader, graphAppID, "883ea226-0bf2-4a8f-9f9d-92c9162a727d")
	a.addCertificate(reader, "CN=site reader")
	a.federated(reader, "github-main", "repo:contoso/intranet:ref:refs/heads/main")
	a.grantSite(reader, "/sites/hr", "read")
	// Someone else's grant on the same site stays out of the export.
	other := a.application(map[string]any{"displayName": "Backup tool"})
	a.grantSite(other, "/sites/hr", "fullcontrol")
}

var (
	guidRE  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	dateRE  = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	thumbRE = regexp.MustCompile(`[0-9A-F]{40}`)
	hintRE  = regexp.MustCompile(`hint \S{3},`)
)

// stable replaces what differs between runs: ids, dates, thumbprints and
// secret hints. Ids keep their identity within one text (<id1>, <id2>...)
// except the well-known resources.
func stable(s string) string {
	ids := map[string]string{}
	s = guidRE.ReplaceAllStringFunc(s, func(id string) string {
		if id == graphAppID || id == sharePointAppID {
			return id
		}
		if _, ok := ids[id]; !ok {
			ids[id] = "<id" + string(rune('0'+len(ids)+1)) + ">"
		}
		return ids[id]
	})
	s = dateRE.ReplaceAllString(s, "<date>")
	s = thumbRE.ReplaceAllString(s, "<thumbprint>")
	return hintRE.ReplaceAllString(s, "hint <hint>,")
}

// TestRoundTrip is the done-when: export applications made by
// hand, plan (ownership only), apply, plan again (empty). The exported
// files are pinned in testdata/roundtrip (go test -update rewrites them).
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tenant, a := startTenant(t)
	seedByHand(a)

	work := t.TempDir()
	run := runner(t, tenant, work)
	stdout, stderr := must(t, run, cli.ExitOK, "export",
		"-name", "SharePoint site*", "-name", "flask*",
		"-site", "https://contoso.sharepoint.com/sites/hr",
		"-out", "intranet")
	for _, want := range []string{"flask_sharepoint_demo.entra.hcl", "sharepoint_site_lister.entra.hcl", "sharepoint_site_reader.entra.hcl", "sites.entra.hcl"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("export output does not list %s:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, `Also granted to applications not exported, which this configuration leaves alone: "Backup tool"`) {
		t.Errorf("export does not warn about the other application's grant:\n%s", stderr)
	}

	dir := filepath.Join(work, "intranet")
	compareGolden(t, dir, filepath.Join("testdata", "roundtrip"))

	run = runner(t, tenant, dir)
	must(t, run, cli.ExitOK, "validate")
	must(t, run, cli.ExitOK, "fmt", "-check")

	plan, _ := must(t, run, cli.ExitChanges, "plan", "-detailed-exitcode")
	t.Logf("plan of the exported files:\n%s", plan)
	var changed []string
	for _, line := range strings.Split(plan, "\n") {
		if m := regexp.MustCompile(`^\s*# (\S+) will be (.*)$`).FindStringSubmatch(line); m != nil {
			changed = append(changed, m[1]+" "+m[2])
		}
	}
	var want []string
	for _, app := range []string{"flask_sharepoint_demo", "sharepoint_site_lister", "sharepoint_site_reader"} {
		want = append(want,
			"application."+app+" updated in-place",
			"application."+app+".service_principal updated in-place")
	}
	sort.Strings(changed)
	if diff := cmp.Diff(want, changed); diff != "" {
		t.Fatalf("plan of the exported files (-want +got):\n%s\nplan:\n%s", diff, plan)
	}
	for _, attr := range regexp.MustCompile(`(?m)^\s*[-+~] (\w+)\s*=`).FindAllStringSubmatch(plan, -1) {
		if attr[1] != "workspace" {
			t.Errorf("plan changes %s; only ownership (workspace) should change:\n%s", attr[1], plan)
		}
	}
	if !strings.Contains(plan, "Plan: 0 to add, 6 to change, 0 to destroy.") {
		t.Errorf("plan summary:\n%s", plan)
	}

	applied, _ := must(t, run, cli.ExitOK, "apply", "-auto-approve")
	if !strings.Contains(applied, "0 added, 6 changed, 0 destroyed") {
		t.Errorf("apply:\n%s", applied)
	}
	again, _ := must(t, run, cli.ExitOK, "plan", "-detailed-exitcode")
	if !strings.Contains(again, "No changes.") {
		t.Errorf("second plan:\n%s", again)
	}
}

// compareGolden compares every file in dir with the golden directory,
// after stable(); -update rewrites the golden directory.
func compareGolden(t *testing.T, dir, golden string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got[e.Name()] = stable(string(b))
	}
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(golden, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, text := range got {
			if err := os.WriteFile(filepath.Join(golden, name+".golden"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := map[string]string{}
	goldens, err := os.ReadDir(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create the golden files)", err)
	}
	for _, e := range goldens {
		b, err := os.ReadFile(filepath.Join(golden, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		want[strings.TrimSuffix(e.Name(), ".golden")] = string(b)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exported files (-want +got):\n%s", diff)
	}
}
